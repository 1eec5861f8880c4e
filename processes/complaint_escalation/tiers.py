"""The tier steps of ``complaint_escalation``: the deadline of a tier, escalation by choice or by a missed
deadline (with the hand-over of the work done so far), the warning before a breach, and the pause while
waiting for the customer.

A suggestion (the SLA table's ``escalate_on_breach`` false) and the managers' tier have no higher tier: a
missed deadline is counted, the team lead (or the managers) reminded, and a new deadline set."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crm import complaint_work, complaints
from crm.models import Complaint
from crm.unit import Ctx
from engine.runtime.services import ServiceCall
from processes.common import as_datetime, ctx_of, need
from processes.complaint_escalation import handover, sla
from processes.complaint_escalation.telling import (
    complaint_of,
    facts,
    group,
    portal_link,
    team_of,
    tell_complainant,
    tell_team,
)

TIER_TASKS = ("tier1", "tier2", "tier3")
WAIT_WITHIN = "P5D"  # how long a tier waits for the customer's answer (setting complaint_wait_within)
BREACHED = {"fa": "مهلت پاسخ گذشت", "en": "the answer's deadline passed"}  # why, in a notice, without a reason given
NO_REASON = {"fa": "بی‌آنکه علتی نوشته شود", "en": "no reason was written"}


def _now() -> datetime:
    return datetime.now(UTC)


def plan(ctx: Ctx, variables: dict[str, Any], complaint: Complaint, *, seconds: int | None = None,
         start: datetime | None = None, **extra: Any) -> dict[str, Any]:
    """Route the complaint to its tier's team with a deadline: ``seconds`` of working time (else the SLA
    table's for the tier) from ``start`` (now), and a warning at ``warn_fraction`` of it."""
    calendar = variables.get("sla_calendar")
    tier = complaint.tier
    if seconds is None:
        seconds = sla.seconds_of(str(need(variables, f"sla_tier{min(tier, 3)}")), calendar)
    fraction = float(variables.get("warn_fraction") or sla.DEFAULT_WARN)
    due, warn = sla.deadline(seconds, calendar, start, fraction)
    team = team_of(variables, tier)
    complaints.route(ctx, complaint.id, team=team, tier=tier, sla_due=as_datetime(due))
    return facts(ctx, complaint, sla_due=due, warn_at=warn, team=team, tier_since=(start or _now()).isoformat(),
                 deadline_from=None, sla_left=None, outcome=None, **extra)


def _worked(variables: dict[str, Any]) -> int | None:
    since = as_datetime(variables.get("tier_since"))
    return sla.working_seconds(since, _now(), variables.get("sla_calendar")) if since else None


def step(ctx: Ctx, call: ServiceCall, variables: dict[str, Any], complaint: Complaint, action: str, *,
         user: str | None = None, note: str | None = None) -> None:
    """The handling history: the claim of the task (when it was claimed) and this step, with its working time."""
    held = handover.last_task(ctx.session, call.instance_id, TIER_TASKS)
    who = user or call.actor or held.holder
    if held.holder and held.claimed_at:
        complaint_work.record(ctx, complaint, "claimed", user=held.holder, at=held.claimed_at)
    complaint_work.record(ctx, complaint, action, user=who, working_seconds=_worked(variables), note=note)


def keep_notes(ctx: Ctx, variables: dict[str, Any], complaint: Complaint, *, public: bool = True) -> None:
    """What the form marked internal stays internal; ``public_update`` is shown in the portal (at a resolution
    it is the answer, kept on the record by ``resolve``)."""
    if variables.get("internal_note"):
        complaints.add_update(ctx, complaint.id, variables["internal_note"], public=False)
    if public and variables.get("public_update"):
        complaints.add_update(ctx, complaint.id, variables["public_update"], public=True)


def _move_up(ctx: Ctx, call: ServiceCall, variables: dict[str, Any], complaint: Complaint, *, breach: bool) -> None:
    """One tier up when there is one (the customer told by SMS); else a counted breach. The team lead (tier 2)
    or the managers (tier 3) are told either way."""
    tier = complaint.tier
    may = tier < 3 and (not breach or variables.get("escalate_on_breach") is not False)
    if may:
        complaints.escalate(ctx, complaint.id, team=team_of(variables, tier + 1), tier=tier + 1, sla_due=None,
                            breach=breach)
        tell_complainant(ctx, call, complaint, "complaint_escalated_customer", portal_url=portal_link(call, complaint))
    elif breach:
        complaints.count_breach(ctx, complaint.id, sla_due=None)
    told = variables.get("manager_group") if complaint.tier >= 3 else variables.get("team_lead")
    labels = complaint_work.label_pairs(ctx.session, complaint)
    tell_team(ctx, call, [group(told)], complaint, "complaint_escalated", category=labels["category_label"],
              severity=labels["severity_label"], reason=variables.get("escalation_reason") or (
                  BREACHED if breach else NO_REASON))


def _hand_over(ctx: Ctx, call: ServiceCall, complaint: Complaint, *, tell: bool) -> list[dict[str, Any]]:
    """The comments on the tier's task become an internal note (kept on the record, seen by the next tier);
    whoever held the task is told it moved on."""
    held = handover.last_task(ctx.session, call.instance_id, TIER_TASKS)
    if held.comments:
        text = "\n".join(f"{c['author']}: {c['text']}" for c in held.comments)
        complaints.add_update(ctx, complaint.id, f"[{held.element_id}] {text}", public=False)
    if tell and held.holder:
        tell_team(ctx, call, [held.holder], complaint, "complaint_handed_over")
    return [{"from": held.holder, **c} for c in held.comments]


def escalate(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The handler cannot solve it: one tier up with the reason, the task's comments handed over."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    keep_notes(ctx, variables, complaint)
    reason = str(variables.get("escalation_reason") or "").strip()
    complaints.add_update(ctx, complaint.id, f"escalated by {call.actor}: {reason}", public=False)
    step(ctx, call, variables, complaint, "escalated", note=reason)
    comments = _hand_over(ctx, call, complaint, tell=False)
    _move_up(ctx, call, variables, complaint, breach=False)
    return plan(ctx, variables, complaint, handover=comments, escalation_reason=None)


def breached(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The tier's deadline passed: the work is handed over and the complaint moves up (or is counted overdue)."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    held = handover.last_task(ctx.session, call.instance_id, TIER_TASKS)
    if held.holder:
        step(ctx, call, variables, complaint, "handed_over", user=held.holder, note="deadline passed")
    _move_up(ctx, call, variables, complaint, breach=True)
    comments = _hand_over(ctx, call, complaint, tell=True)
    return plan(ctx, variables, complaint, handover=comments)


def warn(variables: dict[str, Any], call: ServiceCall) -> None:
    """Before the breach: whoever holds the task, else the tier's team, is told the deadline is near."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    held = handover.last_task(ctx.session, call.instance_id, TIER_TASKS)
    who = held.holder or group(team_of(variables, complaint.tier))
    tell_team(ctx, call, [who], complaint, "complaint_sla_warning", due=as_datetime(variables.get("sla_due")))


def wait(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Waiting for the customer: the SLA clock stops with the working time left; the customer is asked."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    due = as_datetime(variables.get("sla_due")) or _now()
    left = sla.working_seconds(_now(), due, variables.get("sla_calendar"))
    keep_notes(ctx, variables, complaint, public=False)
    question = variables.get("question") or variables.get("public_update")  # the form asks it; a caller may not
    step(ctx, call, variables, complaint, "waiting", note=question)
    complaint_work.pause(ctx, complaint.id, left_seconds=left, question=question)
    tell_complainant(ctx, call, complaint, "complaint_waiting", portal_url=portal_link(call, complaint))
    within = call.settings.get("complaint_wait_within") or WAIT_WITHIN
    return {"sla_left": left, "paused_since": _now().isoformat(), "wait_within": str(within), "outcome": None,
            "question": None}


def resume(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The customer answered (or the wait is over): the clock runs again with the time that was left."""
    ctx = ctx_of(call)
    complaint = complaint_of(ctx, variables)
    since = as_datetime(variables.get("paused_since")) or _now()
    paused = sla.working_seconds(since, _now(), variables.get("sla_calendar"))
    if complaint.status == "waiting_customer":
        complaint_work.resume(ctx, complaint.id)
    left = variables.get("sla_left")
    return plan(ctx, variables, complaint, seconds=None if left is None else int(left), paused_since=None,
                paused_seconds=int(variables.get("paused_seconds") or 0) + paused)


HANDLERS = {"complaintEscalate": escalate, "complaintBreached": breached, "complaintWarn": warn,
            "complaintWait": wait, "complaintResume": resume}
