"""Customer ranking: a score from 0 to 100 per customer, the loyalty tier it earns, and an estimated
lifetime value. Weights, scales, tier thresholds and lifetime parameters are passed in (from a DMN
decision or the settings); the ``DEFAULT_*`` dicts below are only documented defaults, merged under
whatever the caller gives.

Score. Four parts, each from 0 to 1, averaged with the weights ``amount``, ``count``, ``on_time`` and
``channel`` (relative: only their proportions matter), times 100:

- amount:  √(total rials / ``amount_full``), at most 1 (a customer who spent ``amount_full`` rials or
  more gets the whole part; the square root makes the first rials count more than the last);
- count:   √(purchases / ``count_full``), at most 1;
- on_time: purchases paid on time / purchases;
- channel: the mean over the purchases of their channel's value, ``channel_<name>`` (store, online,
  phone, agent; ``channel_other`` for any other channel).

A customer without purchases scores 0. The tier is the highest of silver, gold, platinum whose
threshold the score reaches, else bronze.

Lifetime value (rials) = average order value × purchases per year × ``lifespan_years`` × ``margin``,
where purchases per year = purchases / years since the first purchase (at least ``min_years``, so a
new customer's first week does not count as a year's rate). It equals total rials / observed years ×
lifespan × margin, rounded to whole rials.

``rank_all`` aggregates the purchases in SQL (a handful of queries whatever the number of customers),
writes every account in bulk, and journals each tier change and one ``crm.ranking.completed`` event
holding the parameters used."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.errors import InvalidRecord
from crm.loyalty import TIERS
from crm.models import Customer, Invoice, LoyaltyAccount, Purchase
from crm.unit import Ctx

DEFAULT_WEIGHTS: dict[str, float] = {
    "amount": 0.4, "count": 0.3, "on_time": 0.2, "channel": 0.1,
    "amount_full": 1_000_000_000,  # rials (100 million tomans): the amount part is full
    "count_full": 24,  # purchases: the count part is full
    "channel_online": 1.0, "channel_agent": 0.8, "channel_store": 0.7, "channel_phone": 0.6, "channel_other": 0.5,
}
DEFAULT_THRESHOLDS: dict[str, float] = {"silver": 30.0, "gold": 55.0, "platinum": 80.0}
DEFAULT_LIFETIME: dict[str, float] = {"margin": 0.2, "lifespan_years": 3.0, "min_years": 1.0}
MAX_LIFETIME_VALUE = 10**18  # rials; the column is a 64-bit integer
PARTS = ("amount", "count", "on_time", "channel")
_POSITIVE = ("amount_full", "count_full", "lifespan_years", "min_years")


@dataclass(frozen=True)
class CustomerStats:
    """One customer's purchases, aggregated."""

    customer_id: int
    total_amount: int = 0
    purchases: int = 0
    on_time: int = 0
    channels: Mapping[str, int] = field(default_factory=dict)
    first_at: datetime | None = None
    overdue: int = 0  # invoices still open past their due day: late payments not yet made


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _resolve(given: Mapping[str, float] | None, defaults: Mapping[str, float], name: str,
             extra_prefix: str | None = None) -> dict[str, float]:
    """Defaults overridden by ``given``; unknown keys and values that are not numbers ≥ 0 refused."""
    errors: dict[str, list[str]] = {}
    merged = dict(defaults)
    for key, value in (given or {}).items():
        number = _number(value)
        if key not in defaults and not (extra_prefix and str(key).startswith(extra_prefix)):
            errors[f"{name}.{key}"] = [f"unknown; known: {', '.join(defaults)}"]
        elif number is None or not 0 <= number < math.inf:
            errors[f"{name}.{key}"] = ["a number, 0 or more"]
        else:
            merged[key] = number
    for key in _POSITIVE:
        if key in merged and merged[key] <= 0:
            errors[f"{name}.{key}"] = ["above 0"]
    if errors:
        raise InvalidRecord(f"invalid {name}", errors)
    return merged


def resolve_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    merged = _resolve(weights, DEFAULT_WEIGHTS, "weights", "channel_")
    if sum(merged[p] for p in PARTS) <= 0:
        raise InvalidRecord("invalid weights", {"weights": ["at least one of amount, count, on_time, channel > 0"]})
    return merged


def resolve_thresholds(thresholds: Mapping[str, float] | None = None) -> dict[str, float]:
    merged = _resolve(thresholds, DEFAULT_THRESHOLDS, "thresholds")
    if not merged["silver"] <= merged["gold"] <= merged["platinum"]:
        raise InvalidRecord("invalid thresholds", {"thresholds": ["silver ≤ gold ≤ platinum"]})
    return merged


def resolve_lifetime(params: Mapping[str, float] | None = None) -> dict[str, float]:
    return _resolve(params, DEFAULT_LIFETIME, "lifetime")


def _share(value: float, full: float) -> float:
    return min(1.0, math.sqrt(value / full))


def score_customer(stats: CustomerStats, weights: Mapping[str, float] | None = None) -> float:
    """The score, 0 to 100 (two decimals), of one customer's stats with the given weights."""
    return _score(stats, resolve_weights(weights))


def _score(stats: CustomerStats, w: Mapping[str, float]) -> float:
    if stats.purchases <= 0:
        return 0.0
    channel = sum(n * w.get(f"channel_{name}", w["channel_other"]) for name, n in stats.channels.items())
    parts = {
        "amount": _share(max(stats.total_amount, 0), w["amount_full"]),
        "count": _share(stats.purchases, w["count_full"]),
        "on_time": stats.on_time / (stats.purchases + stats.overdue),
        "channel": min(1.0, channel / stats.purchases),
    }
    total_weight = sum(w[p] for p in PARTS)
    return round(100 * sum(w[p] * parts[p] for p in PARTS) / total_weight, 2)


def tier_for(score: float, thresholds: Mapping[str, float] | None = None) -> str:
    """The highest tier whose threshold ``score`` reaches (bronze below silver's)."""
    return _tier(score, resolve_thresholds(thresholds))


def _tier(score: float, limits: Mapping[str, float]) -> str:
    earned = [tier for tier in TIERS[1:] if score >= limits[tier]]
    return earned[-1] if earned else TIERS[0]


def lifetime_value(stats: CustomerStats, params: Mapping[str, float] | None = None, *,
                   now: datetime | None = None) -> int:
    """Estimated lifetime value in rials (see the module's docstring for the formula)."""
    return _lifetime(stats, resolve_lifetime(params), as_utc(now) if now else utcnow())


def _lifetime(stats: CustomerStats, p: Mapping[str, float], now: datetime) -> int:
    if stats.purchases <= 0 or stats.first_at is None:
        return 0
    days = (now - as_utc(stats.first_at)).total_seconds() / 86_400
    years = max(p["min_years"], days / 365.25)
    average_order = stats.total_amount / stats.purchases
    per_year = stats.purchases / years
    value = average_order * per_year * p["lifespan_years"] * p["margin"]
    return 0 if math.isnan(value) else round(min(value, MAX_LIFETIME_VALUE))


@dataclass(frozen=True)
class TierChange:
    customer_id: int
    before: str
    after: str
    score: float


@dataclass
class RankingReport:
    ranked: int
    accounts_created: int
    changes: list[TierChange]
    tiers: dict[str, int]
    weights: dict[str, float]
    thresholds: dict[str, float]
    lifetime: dict[str, float]
    ran_at: datetime


def load_stats(session: Session, now: datetime | None = None) -> dict[int, CustomerStats]:
    """Every customer's purchase stats (customers without purchases included) and open invoices past their due
    day at ``now``, in four queries."""
    on_time = func.sum(case((Purchase.paid_on_time.is_(True), 1), else_=0))
    totals = session.execute(select(
        Purchase.customer_id, func.sum(Purchase.amount), func.count(Purchase.id), on_time,
        func.min(Purchase.purchased_at)).group_by(Purchase.customer_id)).all()
    channels: dict[int, dict[str, int]] = {}
    for customer_id, channel, count in session.execute(select(
            Purchase.customer_id, Purchase.channel, func.count(Purchase.id))
            .group_by(Purchase.customer_id, Purchase.channel)):
        channels.setdefault(customer_id, {})[channel] = count
    overdue = {cid: int(n) for cid, n in session.execute(
        select(Invoice.customer_id, func.count(Invoice.id)).where(
            Invoice.state == "open", Invoice.due_on < (now or utcnow()).date()).group_by(Invoice.customer_id))}
    stats = {cid: CustomerStats(cid) for cid in session.scalars(select(Customer.id))}
    for cid, amount, count, paid, first in totals:
        stats[cid] = CustomerStats(cid, int(amount or 0), int(count), int(paid or 0), channels.get(cid, {}), first,
                                   overdue.get(cid, 0))
    return stats


def rank_all(ctx: Ctx, *, weights: Mapping[str, float] | None = None,
             thresholds: Mapping[str, float] | None = None, now: datetime | None = None,
             lifetime: Mapping[str, float] | None = None) -> RankingReport:
    """Recompute every customer's score, tier and lifetime value; create missing accounts (bronze, no
    points); journal each created account, each tier change and the run with its parameters."""
    w, t, p = resolve_weights(weights), resolve_thresholds(thresholds), resolve_lifetime(lifetime)
    now = as_utc(now) if now else utcnow()
    session = ctx.session
    current = {row.customer_id: row.tier for row in session.execute(
        select(LoyaltyAccount.customer_id, LoyaltyAccount.tier))}
    report = RankingReport(0, 0, [], dict.fromkeys(TIERS, 0), w, t, p, now)
    created, updated = [], []
    for stats in load_stats(session, now).values():
        score = _score(stats, w)
        row = {"customer_id": stats.customer_id, "tier": _tier(score, t), "score": score,
               "lifetime_value": _lifetime(stats, p, now), "ranked_at": now}
        before = current.get(stats.customer_id)
        (updated if before is not None else created).append(row)
        if row["tier"] != (before or TIERS[0]):
            report.changes.append(TierChange(stats.customer_id, before or TIERS[0], row["tier"], score))
        report.tiers[row["tier"]] += 1
    _write(ctx, created, updated, report.changes)
    report.ranked, report.accounts_created = len(created) + len(updated), len(created)
    ctx.record("crm.ranking.completed", weights=w, thresholds=t, lifetime=p, ranked=report.ranked,
               accounts_created=len(created), tier_changes=len(report.changes), tiers=report.tiers)
    return report


def _write(ctx: Ctx, created: list[dict], updated: list[dict], changes: list[TierChange]) -> None:
    session = ctx.session
    session.flush()
    if created:
        session.execute(insert(LoyaltyAccount), [{**row, "points": 0} for row in created])
    if updated:
        session.execute(update(LoyaltyAccount), updated)
    session.expire_all()  # the bulk statements bypassed the session: what it holds is read again when used
    for row in created:
        ctx.record("crm.loyalty_account.created", record="loyalty_account", id=row["customer_id"],
                   fields={"tier": row["tier"], "points": 0, "score": row["score"],
                           "lifetime_value": row["lifetime_value"]})
    for change in changes:
        ctx.record("crm.loyalty_account.changed", record="loyalty_account", id=change.customer_id,
                   changes={"tier": [change.before, change.after]}, score=change.score, reason="ranking")
