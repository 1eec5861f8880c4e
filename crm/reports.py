"""Reports for managers: the sales funnel, complaints and referrals.

Every figure is an SQL aggregate that runs the same on SQLite and PostgreSQL. Monthly series are summed
per day (in the ``zone`` asked, UTC unless told) in SQL and folded into months here, Gregorian (``2026-11``) or
Jalali (``1405-09``).
``since`` is inclusive and ``until`` exclusive; both are instants (a date means its midnight, UTC).
Rates are percentages rounded to one decimal, ``None`` where there is nothing to divide by."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.errors import InvalidRecord
from crm.funnel import DEFAULT, Funnel
from crm.jalali import check_calendar, month_of
from crm.models import Complaint, ComplaintHandling, Opportunity, Referral, StageVisit, UtcDateTime
from crm.text import defuse_formula

CONVERTED = ("purchased", "rewarded")
Instant = datetime | date | None


# -- shared pieces --------------------------------------------------------------------------------

def _instant(value: Instant) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return None if value is None else as_utc(value)
    return datetime.combine(value, time(), tzinfo=UTC)


def days(first: date | None, last: date | None, zone: str) -> dict[str, datetime | None]:
    """A period of whole days in ``zone`` (the company's: a Jalali month or quarter starts at midnight in Tehran,
    not in Greenwich) as ``since`` (the first day's midnight, inclusive) and ``until`` (the midnight after the
    last day, exclusive), in UTC."""
    where = ZoneInfo(zone)

    def start(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=where).astimezone(UTC)

    return {"since": start(first) if first else None, "until": start(last + timedelta(days=1)) if last else None}


def _window(column: Any, since: Instant, until: Instant) -> list[ColumnElement[bool]]:
    start, end = _instant(since), _instant(until)
    if start and end and start > end:
        raise InvalidRecord("the period ends before it starts", {"until": ["must not come before since"]})
    return [c for c in (column >= start if start else None, column < end if end else None) if c is not None]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _day(session: Session, column: Any, zone: str = "UTC") -> ColumnElement[str]:
    """The date of a timestamp in ``zone`` as ``YYYY-MM-DD`` text. SQLite keeps timestamps as UTC text: there the
    UTC minute (``YYYY-MM-DD HH:MM``) is grouped, and ``_local_day`` moves it into the zone (Tehran is UTC+3:30)."""
    if _postgres(session):
        return func.to_char(func.timezone(zone, column), "YYYY-MM-DD")
    return func.substr(column, 1, 10 if zone == "UTC" else 16)


def _local_day(value: Any, zone: str) -> date:
    text = str(value)
    if len(text) <= 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date()


def _seconds(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    if _postgres(session):
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _num(value: Any, scale: float = 1.0) -> float | None:
    return None if value is None else round(float(value) / scale, 2)


def _by_month(rows: Iterable[Any], calendar: str, fields: tuple[str, ...],
              zone: str = "UTC") -> dict[str, dict[str, int]]:
    """Fold ``(day, value…)`` rows (``_day``'s) into months: ``{month: {field: sum}}``."""
    months: dict[str, dict[str, int]] = {}
    for day, *values in rows:
        if day is None:
            continue
        month = month_of(_local_day(day, zone), calendar)
        sums = months.setdefault(month, dict.fromkeys(fields, 0))
        for name, value in zip(fields, values):
            sums[name] += int(value or 0)
    return months


def _series(*parts: dict[str, dict[str, int]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, int]] = {}
    for part in parts:
        for month, sums in part.items():
            into = merged.setdefault(month, dict.fromkeys(fields, 0))
            for name, value in sums.items():
                into[name] += value
    return [{"month": month, **merged[month]} for month in sorted(merged)]


# -- the funnel -----------------------------------------------------------------------------------

def _rank(column: Any, funnel: Funnel = DEFAULT) -> ColumnElement[int]:
    return case({stage: i for i, stage in enumerate(funnel.path)}, value=column, else_=-1)


def _reach(session: Session, where: list[ColumnElement[bool]],
           funnel: Funnel = DEFAULT) -> tuple[int, list[int], int]:
    """(opportunities, how many reached each stage of the funnel's path or one after it, how many were lost)."""
    visits = (select(StageVisit.opportunity_id.label("oid"), func.max(_rank(StageVisit.stage, funnel)).label("rank"),
                     func.max(case((StageVisit.stage == "lost", 1), else_=0)).label("lost"))
              .group_by(StageVisit.opportunity_id).subquery())
    own = _rank(Opportunity.stage, funnel)
    reached = case((func.coalesce(visits.c.rank, -1) > own, visits.c.rank), else_=own)
    lost = or_(Opportunity.stage == "lost", visits.c.lost == 1)
    columns = [func.count(Opportunity.id),
               *(func.coalesce(func.sum(case((reached >= i, 1), else_=0)), 0) for i in range(len(funnel.path))),
               func.coalesce(func.sum(case((lost, 1), else_=0)), 0)]
    row = session.execute(select(*columns).select_from(Opportunity)
                          .outerjoin(visits, visits.c.oid == Opportunity.id).where(*where)).one()
    return int(row[0]), [int(n) for n in row[1:-1]], int(row[-1])


def reached(stage: str, funnel: Funnel = DEFAULT) -> ColumnElement[bool]:
    """The condition on ``Opportunity`` the funnel's ``count`` of ``stage`` counts: the opportunity is in the stage
    or a later one of the path, or it visited one (for ``lost``: it is lost now or once was). An unknown stage is
    an ``InvalidRecord`` naming ``reached``."""
    if stage == "lost":
        ever_lost = select(StageVisit.opportunity_id).where(StageVisit.stage == "lost")
        return or_(Opportunity.stage == "lost", Opportunity.id.in_(ever_lost))
    if stage not in funnel.path:
        raise InvalidRecord(f"reached: {stage!r} is not a stage of the funnel / این مرحله در قیف فروش نیست",
                            {"reached": [f"one of: {', '.join(funnel.stages)}"]})
    later = funnel.path[funnel.path.index(stage):]
    visited = select(StageVisit.opportunity_id).where(StageVisit.stage.in_(later))
    return or_(Opportunity.stage.in_(later), Opportunity.id.in_(visited))


def _days_in_stage(session: Session, where: list[ColumnElement[bool]], now: datetime,
                   funnel: Funnel = DEFAULT) -> dict[str, float]:
    """Average days per stay in each open stage: finished stays, and stays still running up to ``now``."""
    end = func.coalesce(StageVisit.left_at, literal(now, UtcDateTime()))
    rows = session.execute(
        select(StageVisit.stage, func.avg(_seconds(session, StageVisit.entered_at, end)))
        .join(Opportunity, Opportunity.id == StageVisit.opportunity_id)
        .where(StageVisit.stage.in_(funnel.open_stages), *where).group_by(StageVisit.stage))
    return {stage: round(float(seconds) / 86400, 2) for stage, seconds in rows if seconds is not None}


def _standing(session: Session, where: list[ColumnElement[bool]],
              funnel: Funnel = DEFAULT) -> dict[str, tuple[int, int, int]]:
    """Per current stage: (opportunities in it, their amount, Σ amount × stage probability)."""
    chance = case(funnel.chances, value=Opportunity.stage, else_=0)
    rows = session.execute(select(Opportunity.stage, func.count(), func.sum(Opportunity.amount),
                                  func.sum(Opportunity.amount * chance))
                           .where(*where).group_by(Opportunity.stage))
    return {stage: (int(n), int(amount or 0), int(weighted or 0)) for stage, n, amount, weighted in rows}


def funnel(session: Session, *, since: Instant = None, until: Instant = None, owner: str | None = None,
           now: datetime | None = None, stages: Funnel = DEFAULT) -> dict[str, Any]:
    """The funnel of the opportunities created in the period (and owned by ``owner``), along ``stages``
    (``crm.funnel``: the ``funnel_stages`` setting).

    ``count``: opportunities that reached the stage or one after it (``lost`` counts those lost);
    ``conversion_rate``: percent of the previous stage's count (for ``lost``: of all opportunities);
    ``avg_days_in_stage``: per stay, open stages only; ``amount`` and ``in_stage``: what rests in the stage now;
    ``forecast``: Σ amount × the stage's probability over open opportunities."""
    where = _window(Opportunity.created_at, since, until)
    if owner:
        where.append(Opportunity.owner == owner)
    total, reached, lost = _reach(session, where, stages)
    days = _days_in_stage(session, where, as_utc(now) if now else utcnow(), stages)
    standing = _standing(session, where, stages)
    path = stages.path
    counts = {**dict(zip(path, reached)), "lost": lost}
    rows = []
    for i, stage in enumerate(stages.stages):
        previous = total if stage == "lost" else counts[path[i - 1]] if i else 0
        in_stage, amount, _ = standing.get(stage, (0, 0, 0))
        rows.append({"stage": stage, "count": counts[stage], "conversion_rate": _rate(counts[stage], previous),
                     "avg_days_in_stage": days.get(stage), "amount": amount, "in_stage": in_stage})
    weighted = sum(standing.get(s, (0, 0, 0))[2] for s in stages.open_stages)
    return {"stages": rows, "total": total, "forecast": (weighted + 50) // 100,
            "open_amount": sum(standing.get(s, (0, 0, 0))[1] for s in stages.open_stages)}


# -- complaints -----------------------------------------------------------------------------------

def _complaint_totals(session: Session, where: list[ColumnElement[bool]]) -> dict[str, Any]:
    row = session.execute(select(
        func.count(), func.coalesce(func.sum(case((Complaint.breaches > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(Complaint.breaches), 0), func.avg(Complaint.handling_seconds),
        func.avg(Complaint.satisfaction)).where(*where)).one()
    return {"received": int(row[0]), "sla_breaches": int(row[1]), "breaches_total": int(row[2]),
            "avg_handling_hours": _num(row[3], 3600), "satisfaction": _num(row[4])}


def _per_employee(session: Session, where: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
    """From the handling history: complaints each employee handled, resolved (and of those closed), the average
    working time of their steps (from taking up the tier's work to resolving, escalating or asking the customer),
    the satisfaction with what they resolved, and the breaches that happened in their hands."""
    step = ComplaintHandling
    resolved = case((step.action == "resolved", 1), else_=0)
    timed = case((step.action.in_(("resolved", "escalated", "waiting")), step.working_seconds), else_=None)
    rows = session.execute(
        select(step.user, func.count(func.distinct(step.complaint_id)), func.sum(resolved),
               func.sum(case((and_(step.action == "resolved", Complaint.closed_at.is_not(None)), 1), else_=0)),
               func.avg(timed), func.avg(case((step.action == "resolved", Complaint.satisfaction), else_=None)),
               func.sum(case((step.action == "handed_over", 1), else_=0)))
        .join(Complaint, Complaint.id == step.complaint_id)
        .where(step.user.is_not(None), *where).group_by(step.user).order_by(step.user))
    return [{"assignee": who, "handled": int(n), "resolved": int(done or 0), "closed": int(closed or 0),
             "avg_handling_hours": _num(secs, 3600), "satisfaction": _num(score), "breaches": int(breached or 0)}
            for who, n, done, closed, secs, score, breached in rows]


def complaints(session: Session, *, since: Instant = None, until: Instant = None,
               calendar: str = "gregorian", zone: str = "UTC") -> dict[str, Any]:
    """Complaints received in the period: still open (neither resolved nor closed) per tier, SLA breaches
    (complaints breached, and the breaches in all), average handling hours and satisfaction, figures per
    assignee, and per month (received and breached by the month received, closed by the month closed) in
    ``zone``'s calendar days."""
    check_calendar(calendar)
    where = _window(Complaint.created_at, since, until)
    still_open = and_(Complaint.resolved_at.is_(None), Complaint.closed_at.is_(None))
    tiers = session.execute(select(Complaint.tier, func.count()).where(still_open, *where).group_by(Complaint.tier))
    received_day = _day(session, Complaint.created_at, zone)
    received = session.execute(select(received_day, func.count(), func.sum(case((Complaint.breaches > 0, 1),
                                                                                else_=0)))
                               .where(*where).group_by(received_day))
    closed_day = _day(session, Complaint.closed_at, zone)
    closed = session.execute(select(closed_day, func.count()).where(
        Complaint.closed_at.is_not(None), *_window(Complaint.closed_at, since, until)).group_by(closed_day))
    fields = ("received", "closed", "breaches")
    by_month = _series(_by_month(received, calendar, ("received", "breaches"), zone),
                       _by_month(closed, calendar, ("closed",), zone), fields=fields)
    return {"open_by_tier": {str(tier): int(n) for tier, n in sorted(tiers)}, **_complaint_totals(session, where),
            "per_employee": _per_employee(session, where), "by_month": by_month}


# -- referrals ------------------------------------------------------------------------------------

def referrals(session: Session, *, since: Instant = None, until: Instant = None,
              calendar: str = "gregorian", zone: str = "UTC") -> dict[str, Any]:
    """Referrals made in the period and how many of them converted (the referred person bought), the
    rewards given in the period (count and loyalty points), and both series per month made."""
    check_calendar(calendar)
    where = _window(Referral.created_at, since, until)
    converted = case((Referral.status.in_(CONVERTED), 1), else_=0)
    count, conversions = session.execute(select(func.count(), func.coalesce(func.sum(converted), 0))
                                         .where(*where)).one()
    points = case((Referral.reward_kind == "points", func.coalesce(Referral.reward_value, 0)), else_=0)
    rewards, given = session.execute(select(func.count(), func.coalesce(func.sum(points), 0)).where(
        and_(Referral.rewarded_at.is_not(None), *_window(Referral.rewarded_at, since, until)))).one()
    day = _day(session, Referral.created_at, zone)
    rows = session.execute(select(day, func.count(), func.sum(converted)).where(*where).group_by(day))
    fields = ("referrals", "conversions")
    return {"referrals": int(count), "conversions": int(conversions), "conversion_rate": _rate(conversions, count),
            "rewards": int(rewards), "points": int(given),
            "by_month": _series(_by_month(rows, calendar, fields, zone), fields=fields)}


# -- CSV ------------------------------------------------------------------------------------------

def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is made plain text; nested values become JSON."""
    if isinstance(value, Mapping | list | tuple):
        value = json.dumps(value, ensure_ascii=False)
    return defuse_formula(value)


def to_csv(report_rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows of a report (e.g. ``funnel(...)["stages"]``) as CSV: ``columns``, else every key in first-seen order."""
    rows = list(report_rows)
    names: dict[str, None] = dict.fromkeys(columns or ())
    if columns is None:
        for row in rows:
            names.update(dict.fromkeys(row))
    buffer = io.StringIO()
    csv.writer(buffer).writerow(names)
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted: one cell whatever the separator
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in names])
    return buffer.getvalue()
