"""Working a complaint: who handled it at which step (the handling history the per-employee report reads),
the pause while waiting for the customer, reopening, and what a task shows of the complaint."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import complaints, lists
from crm.clock import as_utc, utcnow
from crm.errors import InvalidRecord, RecordConflict
from crm.models import Complaint, ComplaintHandling, Customer
from crm.unit import Ctx
from crm.validation import required_text

ACTIONS = ("claimed", "assigned", "resolved", "escalated", "handed_over", "waiting", "resumed", "reopened",
           "follow_up")
REOPEN_DAYS = 14  # the customer may ask to reopen this many days after the resolution (a setting)
REOPENED = {"en": "You asked us to look at this again; it is back with {who}.",
            "fa": "درخواست بررسی دوباره را دریافت کردیم؛ شکایت دوباره نزد {who} است."}


def record(ctx: Ctx, complaint: Complaint, action: str, *, user: str | None = None,
           working_seconds: int | None = None, note: str | None = None, at: datetime | None = None) -> None:
    """One step of the handling history (who, what, at which tier, how much working time it took)."""
    if action not in ACTIONS:
        raise InvalidRecord("unknown handling step", {"action": [f"one of: {', '.join(ACTIONS)}"]})
    step = ComplaintHandling(complaint_id=complaint.id, at=as_utc(at) if at else utcnow(), user=user, action=action,
                             tier=complaint.tier, working_seconds=working_seconds,
                             note=(note or "").strip()[:complaints.MAX_TEXT] or None)
    ctx.add(step, "complaint_handling")
    if user and action in ("claimed", "assigned", "resolved") and complaint.status in (*complaints.ACTIVE,
                                                                                         "resolved"):
        ctx.change(complaint, "complaint", {"assignee": user})


def handling(session: Session, complaint_id: int) -> list[ComplaintHandling]:
    return list(session.scalars(select(ComplaintHandling).where(ComplaintHandling.complaint_id == complaint_id)
                                .order_by(ComplaintHandling.at, ComplaintHandling.id)))


def assign(ctx: Ctx, complaint_id: int, user: str) -> Complaint:
    """A team lead or manager gives the complaint to ``user`` (the route assigns the open task too)."""
    complaint = complaints.assign(ctx, complaint_id, user)
    record(ctx, complaint, "assigned", user=complaint.assignee, note=f"by {ctx.actor}")
    return complaint


def pause(ctx: Ctx, complaint_id: int, *, left_seconds: int, question: str | None) -> Complaint:
    """Waiting for the customer: the SLA clock stops with ``left_seconds`` of working time left; the question
    (if any) is a public note the customer reads in the portal."""
    complaint = complaints.active(ctx.session, complaint_id, "paused", ("in_progress", "escalated"))
    ctx.change(complaint, "complaint", {"status": "waiting_customer", "paused_at": utcnow(),
                                        "sla_left_seconds": max(0, int(left_seconds))})
    if question:
        complaints.add_update(ctx, complaint.id, question, public=True)
    record(ctx, complaint, "waiting", user=ctx.actor, note=question)
    return complaint


def resume(ctx: Ctx, complaint_id: int, *, reply: str | None = None) -> Complaint:
    """The customer answered (or the wait is over): back to the tier; the caller restarts the SLA clock with
    ``sla_left_seconds``."""
    complaint = complaints.active(ctx.session, complaint_id, "resumed", ("waiting_customer",))
    ctx.change(complaint, "complaint", {"status": "in_progress" if complaint.tier == 1 else "escalated",
                                        "paused_at": None})
    record(ctx, complaint, "resumed", user=ctx.actor, note=reply)
    return complaint


def customer_reply(ctx: Ctx, tracking_code: str, text: str) -> Complaint:
    """The customer answers a question from the portal: a public note; the process is told by the caller."""
    body = required_text(text, "text", 2000)
    complaint = complaints.by_tracking_code(ctx.session, tracking_code, lock=True)
    if complaint.status != "waiting_customer":
        raise RecordConflict("we are not waiting for an answer on this complaint; it is being handled")
    complaints.add_update(ctx, complaint.id, body, public=True)
    return complaint


def may_reopen(complaint: Complaint, *, window_days: int = REOPEN_DAYS, now: datetime | None = None) -> None:
    """Refuse (``RecordConflict``) unless the complaint is resolved or closed within ``window_days``."""
    if complaint.status in complaints.ACTIVE:
        raise RecordConflict("this complaint is still being handled")
    resolved = as_utc(complaint.resolved_at) if complaint.resolved_at else None
    if resolved is None or (now or utcnow()) > resolved + timedelta(days=window_days):
        raise RecordConflict(f"a complaint can be reopened within {window_days} days of its resolution; "
                             "please file a new complaint quoting this tracking code")


def reopen_until(complaint: Complaint, *, window_days: int = REOPEN_DAYS,
                 now: datetime | None = None) -> datetime | None:
    """Until when the customer may ask to reopen (resolved or closed, within ``window_days`` of the
    resolution); ``None`` when they may not (any more)."""
    if complaint.status not in ("resolved", "closed") or complaint.resolved_at is None:
        return None
    until = as_utc(complaint.resolved_at) + timedelta(days=window_days)
    return until if (now or utcnow()) <= until else None


def question(session: Session, complaint: Complaint) -> str | None:
    """While the complaint waits for the customer: what we asked them, the public note written since the wait
    began (the newest, if staff wrote more than one); ``None`` otherwise or when nothing was asked."""
    if complaint.status != "waiting_customer" or complaint.paused_at is None:
        return None
    since = as_utc(complaint.paused_at)
    asked = [u.text for u in complaints.updates(session, complaint.id, public_only=True) if as_utc(u.at) >= since]
    return asked[-1] if asked else None


def reopen(ctx: Ctx, complaint_id: int, reason: str, *, window_days: int | None = REOPEN_DAYS) -> Complaint:
    """Back to tier 1 (``received``): the survey and resolution are cleared, the reason kept as a note. The
    customer may within ``window_days`` of the resolution; staff (``None``) at any time after it."""
    text = required_text(reason, "reason", 2000)
    complaint = complaints.get_complaint(ctx.session, complaint_id, lock=True)
    if window_days is None:
        if complaint.status in complaints.ACTIVE:
            raise RecordConflict("this complaint is still being handled")
    else:
        may_reopen(complaint, window_days=window_days)
    ctx.change(complaint, "complaint", {
        "status": "received", "tier": 1, "assignee": None, "resolved_at": None, "closed_at": None,
        "satisfaction": None, "satisfaction_comment": None, "handling_seconds": None, "paused_at": None,
        "sla_left_seconds": None, "reopened": complaint.reopened + 1})
    complaints.add_update(ctx, complaint.id, text, public=False)
    locale = complaints.locale_of(ctx.session, complaint)
    complaints.add_update(ctx, complaint.id, REOPENED[locale].format(who=complaints.tier_text(locale, 1)),
                          public=True)
    record(ctx, complaint, "reopened", user=ctx.actor, note=text)
    return complaint


def _both(fa: str, en: str) -> str:
    return fa if fa == en else f"{fa} / {en}"


def labels(session: Session, complaint: Complaint) -> dict[str, str]:
    """Labels in Persian and English together (the task is read by staff in either)."""
    return {name: _both(pair["fa"], pair["en"]) for name, pair in label_pairs(session, complaint).items()}


def label_pairs(session: Session, complaint: Complaint) -> dict[str, dict[str, str]]:
    """The kind's, category's and severity's labels, each as ``{"fa": ..., "en": ...}`` (a notice picks its
    reader's)."""
    def pair(list_name: str, key: str) -> dict[str, str]:
        return {lc: lists.label(session, list_name, key, lc) for lc in ("fa", "en")}

    severity = complaints.SEVERITY_LABELS.get(complaint.severity, {"fa": complaint.severity, "en": complaint.severity})
    return {"kind_label": pair(complaints.KIND_LIST, complaint.kind),
            "category_label": pair(complaints.CATEGORY_LIST, complaint.category),
            "severity_label": {"fa": severity["fa"], "en": severity["en"]}}


def _history(notes: list[dict[str, Any]], steps: list[dict[str, Any]]) -> str:
    lines = [(n["at"], f"{n['at'][:16]} {n['author'] or '-'} ({'public' if n['public'] else 'internal'}): {n['text']}")
             for n in notes]
    lines += [(h["at"], f"{h['at'][:16]} {h['user'] or '-'}: {h['action']} (tier {h['tier']})") for h in steps]
    return "\n".join(text for _, text in sorted(lines, key=lambda pair: pair[0]))


def facts(session: Session, complaint: Complaint, *, handover: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the person working the complaint's task needs, as task variables: the complaint, the complainant
    and how to reach them, the labels, and every note (internal ones included) and handling step."""
    customer = session.get(Customer, complaint.customer_id) if complaint.customer_id else None
    name = (customer.person_name or customer.company_name) if customer else complaint.contact_name
    notes = [{"at": u.at.isoformat(), "author": u.author, "text": u.text, "public": u.public}
             for u in complaints.updates(session, complaint.id)]
    steps = [{"at": h.at.isoformat(), "user": h.user, "action": h.action, "tier": h.tier}
             for h in handling(session, complaint.id)]
    return {
        "complaint_id": complaint.id, "tracking_code": complaint.tracking_code, "customer_id": complaint.customer_id,
        "kind": complaint.kind, "category": complaint.category, "severity": complaint.severity,
        "channel": complaint.channel, "description": complaint.description, "tier": complaint.tier,
        "complainant": name or "", "complainant_mobile": (customer.mobile if customer else None)
        or complaint.contact_mobile, "complainant_email": (customer.email if customer else None)
        or complaint.contact_email, "complainant_locale": complaints.locale_of(session, complaint),
        "reopened": complaint.reopened, **labels(session, complaint),
        "notes": notes, "handled_by": steps, "history_text": _history(notes, steps) or None,
        **({"handover": handover} if handover is not None else {}),
    }
