"""Activities: what was done or is to be done about a record, as people who sell and serve keep them.

A call (outbound or inbound, its outcome, how many minutes), a meeting (attendees, place, its minutes), a note,
or a to-do. Any of them may lie ahead (``due_at``) with a reminder (``remind_at``, which the staff notices' job
sends to the owner once) until it is marked done (``done_at``); calls, meetings and notes logged after the fact
are done when logged. An activity belongs to one record (customer, lead, opportunity, complaint, contract) and
to one person, its owner (who logged it unless they name a colleague): whoever may read the record reads its
activities; the owner, whoever logged it, a manager or an administrator may change one (``may_change``).
A qualification call records its own activity (``crm.lead_calls``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.errors import InvalidRecord
from crm.models import Activity
from crm.text import ascii_digits
from crm.unit import Ctx
from crm.validation import Form, fetch, page

RECORD_TYPES = ("customer", "lead", "opportunity", "complaint", "contract")
KINDS = ("call", "meeting", "note", "todo")
DIRECTIONS = ("outbound", "inbound")
OUTCOMES = ("reached", "no_answer", "busy", "voicemail", "wrong_number")
EDITABLE = ("subject", "notes", "direction", "outcome", "duration_minutes", "attendees", "place", "owner",
            "due_at", "remind_at", "done")
MAX_ATTENDEES = 30
MAX_MINUTES = 24 * 60


def _moment(form: Form, field: str) -> datetime | None:
    """An ISO 8601 moment with its offset (``2026-12-07T09:30:00Z``, ``...+03:30``), any digits."""
    value = form.data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        found: datetime | None = value
    elif isinstance(value, str):
        try:
            found = datetime.fromisoformat(ascii_digits(value.strip()))
        except ValueError:
            found = None
    else:
        found = None
    if found is None or found.tzinfo is None:
        form.fail(field, "must be a moment with its time zone, e.g. 2026-12-07T09:30:00+03:30")
        return None
    return as_utc(found)


def _attendees(form: Form) -> list[str] | None:
    value = form.data.get("attendees")
    if value in (None, "", []):
        return None
    names = value.split("،") if isinstance(value, str) else value
    if isinstance(value, str):
        names = [part for chunk in names for part in chunk.split(",")]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        form.fail("attendees", "must be a list of names")
        return None
    cleaned = [n.strip()[:150] for n in names if n.strip()]
    if len(cleaned) > MAX_ATTENDEES:
        form.fail("attendees", f"at most {MAX_ATTENDEES} attendees")
    return cleaned or None


def _values(data: Mapping[str, Any], kind: str, *, partial: bool) -> dict[str, Any]:
    """The checked fields of an activity of ``kind`` (only those given when ``partial``)."""
    form = Form(data)
    values: dict[str, Any] = {
        "subject": form.text("subject", max_len=200, required=kind in ("meeting", "todo") and not partial),
        "notes": form.text("notes", max_len=20_000, plain=True, required=kind == "note" and not partial),
        "direction": form.choice("direction", DIRECTIONS) if kind == "call" else None,
        "outcome": form.choice("outcome", OUTCOMES) if kind == "call" else None,
        "duration_minutes": form.integer("duration_minutes", 0, MAX_MINUTES),
        "attendees": _attendees(form) if kind == "meeting" else None,
        "place": form.text("place", max_len=200) if kind == "meeting" else None,
        "owner": form.text("owner", max_len=150),
        "due_at": _moment(form, "due_at"),
        "remind_at": _moment(form, "remind_at"),
        "done": form.flag("done") if "done" in data else None,
    }
    if kind == "todo" and not partial and values["due_at"] is None:
        form.fail("due_at", "a to-do needs the time it is due")
    if values["remind_at"] and values["due_at"] and values["remind_at"] > values["due_at"]:
        form.fail("remind_at", "the reminder must come before the time it is due")
    unknown = sorted(set(data) - set(EDITABLE) - {"kind"})
    for name in unknown:
        form.fail(name, "is not a field of an activity")
    form.check("the activity is not valid")
    if partial:
        return {k: v for k, v in values.items() if k in data}
    return values


def log_activity(ctx: Ctx, record_type: str, record_id: int, data: Mapping[str, Any], *,
                 now: datetime | None = None) -> Activity:
    """Log an activity on a record (its existence and the caller's right to read it are the caller's to
    check). A call, meeting or note with no due time is done now; a to-do, or anything with a due time in the
    future, is open until marked done."""
    if record_type not in RECORD_TYPES:
        raise InvalidRecord("activities belong to a customer, lead, opportunity, complaint or contract",
                            {"record_type": [f"must be one of: {', '.join(RECORD_TYPES)}"]})
    form = Form(data)
    kind = form.choice("kind", KINDS, required=True)
    form.check("the activity is not valid")
    values = _values(data, str(kind), partial=False)
    now = as_utc(now) if now else utcnow()
    done = values.pop("done")
    ahead = values["due_at"] is not None and values["due_at"] > now
    if done is None:
        done = kind != "todo" and not ahead
    return ctx.add(Activity(record_type=record_type, record_id=record_id, kind=kind,
                            **{**values, "owner": values["owner"] or ctx.actor or "system"},
                            done_at=now if done else None), "activity")


def get_activity(session: Session, activity_id: int, *, lock: bool = False) -> Activity:
    return fetch(session, Activity, activity_id, "activity", lock=lock)


def may_change(activity: Activity, who: str | None, *, manager: bool = False, admin: bool = False) -> bool:
    """Its owner, whoever logged it, a manager or an administrator."""
    return admin or manager or (who is not None and who in (activity.owner, activity.created_by))


def change_activity(ctx: Ctx, activity: Activity, data: Mapping[str, Any], *, now: datetime | None = None) -> Activity:
    """Change an activity's fields; ``done`` true marks it done now, false opens it again. A new due time or
    reminder makes the reminder due again."""
    values = _values(data, activity.kind, partial=True)
    now = as_utc(now) if now else utcnow()
    changes = {k: v for k, v in values.items() if k != "done"}
    if changes.get("owner") is None:
        changes.pop("owner", None)
    if "done" in values:
        changes["done_at"] = (activity.done_at or now) if values["done"] else None
    if "remind_at" in changes or "due_at" in changes:
        changes["reminded_at"] = None
    due, remind = changes.get("due_at", activity.due_at), changes.get("remind_at", activity.remind_at)
    if due and remind and remind > due:
        raise InvalidRecord("the activity is not valid",
                            {"remind_at": ["the reminder must come before the time it is due"]})
    ctx.change(activity, "activity", changes)
    return activity


def activities_of(session: Session, record_type: str, record_id: int, *, limit: int = 50,
                  offset: int = 0) -> tuple[list[Activity], int]:
    """A record's activities: the open ones first (soonest due first), then the rest newest first."""
    query = (select(Activity).where(Activity.record_type == record_type, Activity.record_id == record_id)
             .order_by(Activity.done_at.is_not(None), Activity.due_at, Activity.done_at.desc(),
                       Activity.id.desc()))
    return page(session, query, limit, offset)


@dataclass(frozen=True)
class Day:
    """One day's activities of some people: open ones past due, open ones due that day, done that day."""

    overdue: list[Activity]
    due: list[Activity]
    done: list[Activity]


def _of(owners: Collection[str]) -> Select[Any]:
    return select(Activity).where(Activity.owner.in_(sorted(owners)))


def day_of(session: Session, owners: Collection[str], start: datetime, end: datetime, *,
           limit: int = 200) -> Day:
    """The activities of ``owners`` for the day from ``start`` to ``end``: open ones due before it (overdue),
    open ones due in it, and those done in it; each list at most ``limit`` long."""
    if not owners:
        return Day([], [], [])
    start, end = as_utc(start), as_utc(end)
    open_ = Activity.done_at.is_(None)
    overdue = _of(owners).where(open_, Activity.due_at < start).order_by(Activity.due_at, Activity.id)
    due = _of(owners).where(open_, Activity.due_at >= start, Activity.due_at < end).order_by(Activity.due_at,
                                                                                            Activity.id)
    done = _of(owners).where(Activity.done_at >= start, Activity.done_at < end).order_by(Activity.done_at.desc(),
                                                                                         Activity.id.desc())
    return Day(*(list(session.scalars(query.limit(limit))) for query in (overdue, due, done)))


def in_period(session: Session, owners: Collection[str], start: datetime, end: datetime, *,
              limit: int = 500) -> list[Activity]:
    """The activities of ``owners`` due from ``start`` to ``end`` (or, with no due time, done then), soonest
    first: what a calendar shows."""
    if not owners:
        return []
    start, end = as_utc(start), as_utc(end)
    when = func.coalesce(Activity.due_at, Activity.done_at)
    query = _of(owners).where(when >= start, when < end).order_by(when, Activity.id).limit(limit)
    return list(session.scalars(query))


def reminders_due(session: Session, now: datetime, batch: int, *, lock: bool = False) -> list[Activity]:
    """Open activities whose reminder time has come and that were not reminded yet, oldest reminder first."""
    query = (select(Activity).where(and_(Activity.remind_at <= as_utc(now), Activity.reminded_at.is_(None),
                                         Activity.done_at.is_(None)))
             .order_by(Activity.remind_at, Activity.id).limit(batch))
    if lock:
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def is_overdue(activity: Activity, now: datetime | None = None) -> bool:
    return activity.done_at is None and activity.due_at is not None and activity.due_at < (now or utcnow())


__all__ = ["DIRECTIONS", "KINDS", "OUTCOMES", "RECORD_TYPES", "Day", "activities_of", "change_activity",
           "day_of", "get_activity", "in_period", "is_overdue", "log_activity", "may_change", "reminders_due"]
