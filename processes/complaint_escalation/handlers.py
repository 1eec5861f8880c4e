"""Service tasks of ``complaint_escalation``: register, route, acknowledge, escalate, resolve, close."""

from __future__ import annotations

from typing import Any

from crm import complaints
from crm.customers import get_customer
from crm.models import Complaint
from crm.unit import Ctx
from engine.services import HandlerRegistry, ServiceCall
from processes.common import as_datetime, ctx_of, need
from processes.notices import public_url, tell, tell_customer

NEXT_TEAM = {2: "tier2_group", 3: "manager_group"}


def _complaint(ctx: Ctx, variables: dict[str, Any]) -> Complaint:
    return complaints.get_complaint(ctx.session, int(need(variables, "complaint_id")))


def _tell(ctx: Ctx, call: ServiceCall, complaint: Complaint, template: str, **params: Any) -> None:
    """Answer the customer on record, else the person who filed the complaint."""
    params["tracking_code"] = complaint.tracking_code
    if complaint.customer_id:
        tell_customer(ctx, call, get_customer(ctx.session, complaint.customer_id), template=template, params=params)
    else:
        tell(ctx, call, template=template, params={"name": complaint.contact_name or "", **params},
             mobile=complaint.contact_mobile, email=complaint.contact_email)


def register_complaint(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """File the complaint (or take the one the portal or API filed) and hand the tables its facts."""
    ctx = ctx_of(call)
    if variables.get("complaint_id"):
        complaint = _complaint(ctx, variables)
        if complaint.process_instance_id is None:
            ctx.change(complaint, "complaint", {"process_instance_id": call.instance_id})
    else:
        complaint = complaints.file_complaint(ctx, {"channel": "message", **variables,
                                                    "process_instance_id": call.instance_id})
    return {"complaint_id": complaint.id, "tracking_code": complaint.tracking_code, "category": complaint.category,
            "severity": complaint.severity, "customer_id": complaint.customer_id}


def route(variables: dict[str, Any], call: ServiceCall) -> None:
    complaints.route(ctx_of(call), int(need(variables, "complaint_id")), team=need(variables, "tier1_group"),
                     tier=1, sla_due=as_datetime(need(variables, "sla_due")))


def acknowledge(variables: dict[str, Any], call: ServiceCall) -> None:
    """The customer gets the tracking code and where to follow the complaint."""
    ctx = ctx_of(call)
    complaint = _complaint(ctx, variables)
    _tell(ctx, call, complaint, "complaint_received",
          portal_url=public_url(call, f"/portal/complaints/{complaint.tracking_code}"))


def escalate(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The SLA ran out: one tier up (specialists, then managers), the team lead told."""
    ctx = ctx_of(call)
    complaint = _complaint(ctx, variables)
    tier = complaint.tier + 1
    team = need(variables, NEXT_TEAM.get(tier, "manager_group"))
    due = as_datetime(need(variables, "sla_due"))
    complaints.escalate(ctx, complaint.id, team=team, tier=tier, sla_due=due)
    if variables.get("team_lead"):
        tell(ctx, call, template="complaint_escalated", email=variables["team_lead"], locale="en",
             params={"lead": variables["team_lead"], "tracking_code": complaint.tracking_code,
                     "category": complaint.category, "severity": complaint.severity, "tier": tier,
                     "due": due.isoformat() if due else "-"})
    return {"tier": tier, "team": team}


def resolve(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Record the resolution (and the note for the customer), tell the customer, open the survey."""
    ctx = ctx_of(call)
    complaint = _complaint(ctx, variables)
    if variables.get("internal_note"):
        complaints.add_update(ctx, complaint.id, variables["internal_note"], public=False)
    if variables.get("public_update"):
        complaints.add_update(ctx, complaint.id, variables["public_update"], public=True)
    complaints.resolve(ctx, complaint.id, need(variables, "resolution"))
    _tell(ctx, call, complaint, "complaint_resolved", resolution=complaint.resolution)
    _tell(ctx, call, complaint, "survey_request",
          survey_url=public_url(call, f"/portal/complaints/{complaint.tracking_code}"))
    return {"resolved_by": call.actor}


def close(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    ctx = ctx_of(call)
    complaint = complaints.close(ctx, int(need(variables, "complaint_id")))
    return {"handling_seconds": complaint.handling_seconds, "satisfaction": complaint.satisfaction}


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"complaintRegister": register_complaint, "complaintRoute": route,
                          "complaintAcknowledge": acknowledge, "complaintEscalate": escalate,
                          "complaintResolve": resolve, "complaintClose": close}.items():
        registry.register(name, handler)
