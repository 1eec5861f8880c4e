"""What the complaint handlers share: the complaint of the instance, its task variables, the team of a tier,
and telling the complainant (in their language) and the staff (each in their own)."""

from __future__ import annotations

from typing import Any

from crm import complaint_work, complaints
from crm.customers import get_customer
from crm.models import Complaint
from crm.unit import Ctx
from engine.runtime.services import ServiceCall
from processes.common import need
from processes.notices import public_url, tell, tell_customer, tell_staff

TEAMS = {1: "tier1_group", 2: "tier2_group", 3: "manager_group"}


def complaint_of(ctx: Ctx, variables: dict[str, Any]) -> Complaint:
    return complaints.get_complaint(ctx.session, int(need(variables, "complaint_id")))


def team_of(variables: dict[str, Any], tier: int) -> str:
    return str(need(variables, TEAMS[min(max(tier, 1), 3)]))


def facts(ctx: Ctx, complaint: Complaint, **extra: Any) -> dict[str, Any]:
    """The task variables that show the complaint (read from the record, so corrections show at once)."""
    return {**complaint_work.facts(ctx.session, complaint), **extra}


def portal_link(call: ServiceCall, complaint: Complaint) -> str:
    return public_url(call, f"/portal/complaints/{complaint.tracking_code}")


def tell_complainant(ctx: Ctx, call: ServiceCall, complaint: Complaint, template: str, **params: Any) -> str | None:
    """The customer on record (in their language), else the person who filed it (in the complaint's); the
    channel used, or None when no address reaches them."""
    params["tracking_code"] = complaint.tracking_code
    if complaint.customer_id:
        customer = get_customer(ctx.session, complaint.customer_id)
        if customer.mobile or customer.email:
            return tell_customer(ctx, call, customer, template=template, params=params)
    return tell(ctx, call, template=template, params={"name": complaint.contact_name or "", **params},
                mobile=complaint.contact_mobile, email=complaint.contact_email,
                locale=complaints.locale_of(ctx.session, complaint), customer_id=complaint.customer_id)


def tell_team(ctx: Ctx, call: ServiceCall, who: list[str], complaint: Complaint, template: str,
              **params: Any) -> None:
    """Staff notices (each employee by name, in their language, times in their local time)."""
    names = [w for w in who if w]
    if names:
        tell_staff(call, ctx, names, template=template,
                   params={"tracking_code": complaint.tracking_code, "tier": complaint.tier, **params})


def group(name: str | None) -> str | None:
    return f"group:{name}" if name else None
