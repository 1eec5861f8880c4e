"""Service tasks of ``lead_qualification``: capture, score, and the three outcomes of the call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crm import leads
from crm.clock import utcnow
from engine.services import HandlerRegistry, ServiceCall
from processes.common import as_date, ctx_of, need

DEFAULT_NURTURE_DAYS = 30


def capture(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Record the lead (or take the one the API recorded) and hand the scoring tables clean inputs."""
    ctx = ctx_of(call)
    if variables.get("lead_id"):
        lead = leads.get_lead(ctx.session, int(variables["lead_id"]))
        if lead.process_instance_id is None:
            ctx.change(lead, "lead", {"process_instance_id": call.instance_id})
    else:
        lead = leads.capture_lead(ctx, {**variables, "process_instance_id": call.instance_id})
    return {
        "lead_id": lead.id, "duplicate_of": lead.duplicate_of, "customer_id": lead.duplicate_of,
        "lead_name": lead.company_name or lead.person_name, "source": lead.source,
        "estimated_revenue": lead.estimated_revenue or 0, "budget_confirmed": bool(lead.budget_confirmed),
        "authority": bool(lead.authority), "need": lead.need or "low", "timeline": lead.timeline or "unknown",
        "product": lead.product or "", "region": (lead.region or "").lower(), "referral_id": lead.referral_id,
    }


def scored(variables: dict[str, Any], call: ServiceCall) -> None:
    leads.set_score(ctx_of(call), int(need(variables, "lead_id")), score=int(need(variables, "score")),
                    grade=need(variables, "grade"), sales_group=need(variables, "sales_group"))


def qualify(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A customer (potential) and an opportunity in the funnel; a referral waiting on this lead hears of it."""
    customer, opportunity = leads.qualify(
        ctx_of(call), int(need(variables, "lead_id")),
        title=variables.get("opportunity_title") or f"{variables.get('lead_name') or 'Lead'}",
        amount=int(variables.get("amount") or variables.get("estimated_revenue") or 0),
        expected_close=as_date(variables.get("expected_close")), owner=call.actor)
    if variables.get("referral_id"):
        call.send_message("referral_lead_qualified", correlation={"referral_id": variables["referral_id"]},
                          variables={"referred_customer_id": customer.id}, if_waiting=True)  # a lapsed one: []
    return {"customer_id": customer.id, "opportunity_id": opportunity.id}


def disqualify(variables: dict[str, Any], call: ServiceCall) -> None:
    leads.disqualify(ctx_of(call), int(need(variables, "lead_id")), need(variables, "reason"))
    if variables.get("referral_id"):
        call.send_message("referral_lead_lost", correlation={"referral_id": variables["referral_id"]},
                          variables={"lost_reason": variables["reason"]}, if_waiting=True)


def nurture(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Park the lead until the re-contact date (the caller's choice, else the grade's ``nurture_days``)."""
    days = int(variables.get("recontact_days") or variables.get("nurture_days") or DEFAULT_NURTURE_DAYS)
    recontact_at = utcnow() + timedelta(days=days)
    leads.nurture(ctx_of(call), int(need(variables, "lead_id")), recontact_at)
    return {"recontact_at": recontact_at.isoformat()}


def reopen(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Back to the sales group for another call, with last call's answers cleared."""
    leads.reopen(ctx_of(call), int(need(variables, "lead_id")))
    return {"outcome": None, "recontact_days": None, "recontact_at": None}


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"leadCapture": capture, "leadScored": scored, "leadQualify": qualify,
                          "leadDisqualify": disqualify, "leadNurture": nurture, "leadReopen": reopen}.items():
        registry.register(name, handler)
