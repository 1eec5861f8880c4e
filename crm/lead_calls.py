"""Qualification calls: what the caller asked (the BANT questions: budget, authority, need, timeline), what
they noted and what they decided, kept on the lead as one ``LeadCall`` row per call, never overwritten.

``check_call`` reads a call's answers without writing (every problem at once, as field errors); the
answers given update the lead, so its score is recomputed from them. The outcome's own fields are checked
here too, so that what follows the call (opening the opportunity, disqualifying, nurturing) gets clean
values: the expected close and a call-back day may be Jalali or Gregorian and must lie ahead."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import lists
from crm.clock import as_utc, utcnow
from crm.dates import parse_day
from crm.errors import InvalidRecord
from crm.leads import NEEDS, OPEN, TIMELINES, get_lead
from crm.models import Activity, Lead, LeadCall
from crm.unit import Ctx
from crm.validation import Form, fetch_in

OUTCOMES = ("qualified", "disqualified", "nurture")
BANT = ("budget_confirmed", "authority", "need", "timeline")
MAX_RECONTACT_DAYS = 365
WORKDAY_START = time(8)  # a call-back day means its morning, in the business's time zone


def _bant(form: Form) -> dict[str, Any]:
    values = {"budget_confirmed": form.flag("budget_confirmed") if form.given("budget_confirmed") else None,
              "authority": form.flag("authority") if form.given("authority") else None,
              "need": form.choice("need", NEEDS), "timeline": form.choice("timeline", TIMELINES)}
    return {name: value for name, value in values.items() if value is not None}


def _recontact(form: Form, today: date, now: datetime, zone: str, default_days: int) -> datetime | None:
    """A call-back day (Jalali or Gregorian, after today) at the start of the working day, or a number of days."""
    if form.given("recontact_on"):
        try:
            day = parse_day(form.data["recontact_on"], field="recontact_on", earliest=today + timedelta(days=1))
        except InvalidRecord as exc:
            for message in exc.field_errors.get("recontact_on", [exc.message]):
                form.fail("recontact_on", message)
            return None
        return datetime.combine(day, WORKDAY_START, ZoneInfo(zone)).astimezone(UTC) if day else None
    days = form.integer("recontact_days", 1, MAX_RECONTACT_DAYS, default=default_days)
    return now + timedelta(days=days or default_days)


def _qualified(form: Form, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {"opportunity_title": form.text("opportunity_title"),
                              "amount": form.amount("amount") if form.given("amount") else None}
    if form.given("expected_close"):
        try:
            day = parse_day(form.data["expected_close"], field="expected_close", earliest=today)
            values["expected_close"] = day.isoformat() if day else None
        except InvalidRecord as exc:
            for message in exc.field_errors.get("expected_close", [exc.message]):
                form.fail("expected_close", message)
    return values


def _disqualified(session: Session, form: Form) -> dict[str, Any]:
    reason = form.data.get("reason")
    key = None
    if reason in (None, ""):
        form.fail("reason", "this field is required")
    else:
        try:
            key = lists.key_of(session, "disqualify_reason", reason, field="reason")
        except InvalidRecord as exc:
            for message in exc.field_errors.get("reason", [exc.message]):
                form.fail("reason", message)
    return {"reason": key, "comment": form.text("reason_comment", max_len=2000, plain=True)}


def check_call(session: Session, answers: Mapping[str, Any], *, now: datetime | None = None,
               zone: str = "Asia/Tehran", default_days: int = 30) -> dict[str, Any]:
    """The call's answers, normalised: ``outcome``, ``notes``, the BANT answers given, and the outcome's own
    fields (``opportunity_title``/``amount``/``expected_close``; ``reason``/``comment``; ``recontact_at``)."""
    now = as_utc(now) if now else utcnow()
    today = now.astimezone(ZoneInfo(zone)).date()
    form = Form(answers)
    outcome = form.choice("outcome", OUTCOMES, required=True)
    values: dict[str, Any] = {"outcome": outcome, "notes": form.text("call_notes", max_len=10_000, plain=True),
                              **_bant(form)}
    if outcome == "qualified":
        values.update(_qualified(form, today))
    elif outcome == "disqualified":
        values.update(_disqualified(session, form))
    elif outcome == "nurture":
        values["recontact_at"] = _recontact(form, today, now, zone, default_days)
    form.check("the call's answers are not valid")
    return values


def record_call(ctx: Ctx, lead_id: int, answers: Mapping[str, Any], *, now: datetime | None = None,
                zone: str = "Asia/Tehran", default_days: int = 30) -> tuple[LeadCall, dict[str, Any]]:
    """Keep the call on the lead (who, when, outcome, notes, answers) and carry its BANT answers onto the
    lead; the call and the checked answers."""
    values = check_call(ctx.session, answers, now=now, zone=zone, default_days=default_days)
    lead = fetch_in(ctx.session, Lead, lead_id, "lead", OPEN, "called")
    bant = {name: values[name] for name in BANT if name in values}
    if bant:
        ctx.change(lead, "lead", bant)
    call = ctx.add(LeadCall(
        lead_id=lead.id, at=as_utc(now) if now else utcnow(), by=ctx.actor, outcome=values["outcome"],
        notes=values["notes"], reason=values.get("reason"), comment=values.get("comment"),
        recontact_at=values.get("recontact_at"), **bant), "lead_call")
    ctx.add(Activity(record_type="lead", record_id=lead.id, kind="call", direction="outbound", outcome="reached",
                     notes=values["notes"], owner=ctx.actor or "system", done_at=call.at, source="lead_call",
                     source_id=call.id), "activity")  # the call in the lead's activities, as any call
    return call, values


def score_call(ctx: Ctx, call_id: int, *, score: int, grade: str) -> None:
    """The score recomputed from a call's answers, kept on that call (once)."""
    call = ctx.session.get(LeadCall, call_id)
    if call is not None and call.score is None:
        ctx.change(call, "lead_call", {"score": score, "grade": grade})


def calls_of(session: Session, lead_id: int) -> list[LeadCall]:
    """The lead's calls, oldest first."""
    get_lead(session, lead_id)
    return list(session.scalars(select(LeadCall).where(LeadCall.lead_id == lead_id).order_by(LeadCall.id)))


def summary(call: LeadCall) -> dict[str, Any]:
    """A call as a process variable (plain values) for the next caller to read."""
    return {"at": call.at.isoformat(), "by": call.by, "outcome": call.outcome, "notes": call.notes,
            "reason": call.reason, "comment": call.comment, "score": call.score, "grade": call.grade,
            "budget_confirmed": call.budget_confirmed, "authority": call.authority, "need": call.need,
            "timeline": call.timeline,
            "recontact_at": call.recontact_at.isoformat() if call.recontact_at else None}
