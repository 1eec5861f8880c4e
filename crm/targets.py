"""Sales targets and how far each salesperson and team came: a target is the rials of won opportunities a
person (``owner``) or a team (``team_key``) is to reach in a period of days; setting one again for the same
person or team and days changes it. ``performance`` sets beside each person's target what they won in a period
(amount and count of opportunities won then, by owner), the calls they made (call activities done then) and
the complaints they resolved; a team's row adds up its members, against the team's own target, or the sum of
its members' when it has none. Targets count when their days lie within the period asked."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.dates import parse_day
from crm.errors import InvalidRecord
from crm.models import Activity, ComplaintHandling, Opportunity, SalesTarget
from crm.unit import Ctx
from crm.validation import Form, fetch

MAX_DAYS = 400  # a target covers at most a (Jalali or Gregorian) year and a little


def _day(form: Form, field: str) -> date | None:
    try:
        found = parse_day(form.data.get(field), field=field)
    except InvalidRecord as exc:
        for message in exc.field_errors.get(field, [exc.message]):
            form.fail(field, message)
        return None
    if found is None:
        form.fail(field, "this field is required")
    return found


def set_target(ctx: Ctx, data: Mapping[str, Any], *, users: Collection[str], teams: Collection[str]) -> SalesTarget:
    """Set a person's or a team's target for a period (``owner`` or ``team``, ``first_day``, ``last_day``,
    ``amount``); the same person or team and days again changes its amount."""
    form = Form(data)
    owner, team = form.text("owner", max_len=150), form.text("team", max_len=80)
    if bool(owner) == bool(team):
        form.fail("owner", "name a salesperson or a team, one of them")
    elif owner and owner not in users:
        form.fail("owner", "no active employee by this name")
    elif team and team not in teams:
        form.fail("team", "no team by this key")
    first, last = _day(form, "first_day"), _day(form, "last_day")
    if first and last and not 0 <= (last - first).days <= MAX_DAYS:
        form.fail("last_day", f"must be on or after the first day, within {MAX_DAYS} days of it")
    amount = form.amount("amount", required=True)
    if amount is not None and amount <= 0 and "amount" not in form.errors:
        form.fail("amount", "must be more than zero")
    form.check("the target is not valid")
    found = ctx.session.scalars(select(SalesTarget).where(
        SalesTarget.owner.is_(None) if owner is None else SalesTarget.owner == owner,
        SalesTarget.team_key.is_(None) if team is None else SalesTarget.team_key == team,
        SalesTarget.first_day == first, SalesTarget.last_day == last)).first()
    if found is not None:
        ctx.change(found, "sales_target", {"amount": amount})
        return found
    return ctx.add(SalesTarget(owner=owner, team_key=team, first_day=first, last_day=last, amount=amount),
                   "sales_target")


def remove_target(ctx: Ctx, target_id: int) -> None:
    target = fetch(ctx.session, SalesTarget, target_id, "sales_target")
    ctx.record("crm.sales_target.removed", record="sales_target", id=target.id, owner=target.owner,
               team_key=target.team_key, amount=target.amount)
    ctx.session.delete(target)
    ctx.session.flush()


def targets_within(session: Session, first: date, last: date) -> list[SalesTarget]:
    """The targets whose days lie within ``first`` to ``last``."""
    return list(session.scalars(select(SalesTarget).where(SalesTarget.first_day >= first, SalesTarget.last_day <= last)
                                .order_by(SalesTarget.first_day, SalesTarget.id)))


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    team: str | None


def _sums(session: Session, query: Any) -> dict[str, tuple[int, int]]:
    return {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in session.execute(query)}


def performance(session: Session, people: list[Person], first: date, last: date, since: datetime,
                until: datetime) -> dict[str, list[dict[str, Any]]]:
    """Each person's and team's target, won amount and count, percent of the target, calls and complaints
    resolved in the period (days ``first``..``last``, moments ``since``..``until``)."""
    names = [p.username for p in people]
    won = _sums(session, select(Opportunity.owner, func.sum(Opportunity.amount), func.count())
                .where(Opportunity.stage == "won", Opportunity.closed_at >= since, Opportunity.closed_at < until,
                       Opportunity.owner.in_(names)).group_by(Opportunity.owner))
    calls = dict(session.execute(select(Activity.owner, func.count()).where(
        Activity.kind == "call", Activity.done_at >= since, Activity.done_at < until, Activity.owner.in_(names))
        .group_by(Activity.owner)).all())
    resolved = dict(session.execute(select(ComplaintHandling.user, func.count()).where(
        ComplaintHandling.action == "resolved", ComplaintHandling.at >= since, ComplaintHandling.at < until,
        ComplaintHandling.user.in_(names)).group_by(ComplaintHandling.user)).all())
    own: dict[str, int] = {}
    team_own: dict[str, int] = {}
    for target in targets_within(session, first, last):
        if target.owner:
            own[target.owner] = own.get(target.owner, 0) + target.amount
        elif target.team_key:
            team_own[target.team_key] = team_own.get(target.team_key, 0) + target.amount

    def row(target: int | None, amount: int, count: int, call_count: int, complaints: int) -> dict[str, Any]:
        return {"target": target, "won_amount": amount, "won_count": count,
                "percent": round(amount * 100 / target, 1) if target else None, "calls": call_count,
                "complaints_resolved": complaints}

    rows = [{"username": p.username, "name": p.name, "team": p.team,
             **row(own.get(p.username), *won.get(p.username, (0, 0)), int(calls.get(p.username, 0)),
                   int(resolved.get(p.username, 0)))} for p in people]
    teams = []
    for key in sorted({p.team for p in people if p.team} | set(team_own)):
        members = [r for r in rows if r["team"] == key]
        member_targets = [r["target"] for r in members if r["target"]]
        target = team_own.get(key) or (sum(member_targets) if member_targets else None)
        teams.append({"team": key, "members": len(members), **row(
            target, sum(r["won_amount"] for r in members), sum(r["won_count"] for r in members),
            sum(r["calls"] for r in members), sum(r["complaints_resolved"] for r in members))})
    return {"people": rows, "teams": teams}
