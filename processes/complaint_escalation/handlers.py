"""Service tasks of ``complaint_escalation``: register, acknowledge, triage, deadline, resolve, rate, reopen,
close; the tier steps (escalate, breach, warn, wait, resume) are in ``tiers``.

Every handler reads the complaint record (not the variables a start or a correction left behind) and hands
the tier tasks the complaint's facts again (``telling.facts``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crm import complaint_work, complaints
from engine.runtime.services import HandlerRegistry, ServiceCall
from processes.common import as_datetime, ctx_of, need
from processes.complaint_escalation import sla, tiers
from processes.complaint_escalation.telling import complaint_of, facts, portal_link, tell_complainant

LOW_SCORE = 2  # a survey score at or below this opens a follow-up (setting complaint_low_score)


def register_complaint(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """File the complaint (or take the one the portal or API filed, or a reopened one)."""
    ctx = ctx_of(call)
    if variables.get("complaint_id"):
        complaint = complaint_of(ctx, variables)
        if complaint.process_instance_id != call.instance_id:
            ctx.change(complaint, "complaint", {"process_instance_id": call.instance_id})
    else:
        complaint = complaints.file_complaint(ctx, {"channel": "message", **variables,
                                                    "process_instance_id": call.instance_id})
    return facts(ctx, complaint, paused_seconds=0)


def acknowledge(variables: dict[str, Any], call: ServiceCall) -> None:
    """The complainant gets the tracking code and where to follow the complaint."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    tell_complainant(ctx, call, complaint, "complaint_received", portal_url=portal_link(call, complaint))


def triage(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The facts the tables decide on, read from the record. After a correction (a tier was already being
    worked) the new SLA counts from when that tier's work began."""
    ctx = ctx_of(call)
    return facts(ctx, complaint_of(ctx, variables), deadline_from=variables.get("tier_since"))


def deadline(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The current tier's team and deadline (the SLA table's duration, in working time)."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    return tiers.plan(ctx, variables, complaint, start=as_datetime(variables.get("deadline_from")))


def resolve(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Record the resolution (internal) and the answer for the customer (public), and send one message: resolved,
    with the link to the answer and the survey."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    tiers.keep_notes(ctx, variables, complaint, public=False)
    tiers.step(ctx, call, variables, complaint, "resolved", note=variables.get("internal_note"))
    complaints.resolve(ctx, complaint.id, need(variables, "resolution"), variables.get("public_update"))
    tell_complainant(ctx, call, complaint, "complaint_resolved", resolution=complaint.public_resolution or "",
                     survey_url=portal_link(call, complaint))
    low = call.settings.get("complaint_low_score")
    return facts(ctx, complaint, resolved_by=call.actor, satisfaction=None, dissatisfied=False,
                 low_score=LOW_SCORE if low is None else int(low))


def rated(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The survey answer: a score at or below ``low_score`` opens a follow-up for the team lead."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    score = complaint.satisfaction
    low = int(variables.get("low_score") or LOW_SCORE)
    return {"satisfaction": score, "satisfaction_comment": complaint.satisfaction_comment,
            "dissatisfied": score is not None and score <= low}


def reopen(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Back to tier 1: after the team lead's follow-up, or because the customer asked (the portal has already
    reopened the record then)."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    if complaint.status in ("resolved", "closed"):
        reason = variables.get("follow_up_note") or f"survey score {complaint.satisfaction}"
        complaint_work.reopen(ctx, complaint.id, reason, window_days=None)
    return tiers.plan(ctx, variables, complaint, follow_up=None, follow_up_note=None, satisfaction=None,
                      dissatisfied=False)


def close(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Closed with the handling time: working time from filing to resolution, less the time spent waiting for
    the customer."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    calendar = variables.get("sla_calendar")
    resolved = complaint.resolved_at or datetime.now(UTC)
    worked = sla.working_seconds(complaint.created_at, resolved, calendar) - int(variables.get("paused_seconds") or 0)
    complaint = complaints.close(ctx, complaint.id, handling_seconds=max(0, worked))
    return {"handling_seconds": complaint.handling_seconds, "satisfaction": complaint.satisfaction}


HANDLERS = {"complaintRegister": register_complaint, "complaintAcknowledge": acknowledge, "complaintTriage": triage,
            "complaintDeadline": deadline, "complaintResolve": resolve, "complaintRated": rated,
            "complaintReopen": reopen, "complaintClose": close, **tiers.HANDLERS}


def register(registry: HandlerRegistry) -> None:
    for name, handler in HANDLERS.items():
        registry.register(name, handler)
