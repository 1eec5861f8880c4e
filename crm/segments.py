"""Customer segments: a saved, named set of rules on the customer's fields, tier, lifetime value, last purchase
and region. A segment is dynamic: its members are whoever matches the rules when it is read (a campaign reads
it as it sends), never a stored list. Every change is journaled.

Rules (all optional, all must hold): ``status`` (potential | actual), ``kind`` (person | company), ``regions``,
``tiers``, ``segments`` (the customer's segment field), ``channels``, ``locales`` (lists: any of them),
``min_clv`` / ``max_clv`` (rials of estimated lifetime value), ``bought_within_days`` (a purchase in the last N
days), ``not_bought_within_days`` (none in the last N days, never-buyers included), ``owner``, ``has`` (``mobile``
or ``email``: reachable on that channel)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.errors import RecordConflict, RecordNotFound, refuse_fields
from crm.models import Campaign, Customer, LoyaltyAccount, Purchase, Segment
from crm.text import clean
from crm.unit import Ctx

LISTS = {"regions": 120, "tiers": 16, "segments": 80, "channels": 40, "locales": 8}
TIERS = ("bronze", "silver", "gold", "platinum")
MAX_ITEMS = 50
MAX_DAYS = 3650
RULES = ("status", "kind", *LISTS, "min_clv", "max_clv", "bought_within_days", "not_bought_within_days", "owner",
         "has")


def _text_list(name: str, value: Any, errors: dict[str, list[str]]) -> list[str] | None:
    if value in (None, []):
        return None
    if not isinstance(value, list) or not value or len(value) > MAX_ITEMS or not all(
            isinstance(v, str) and v.strip() and len(v) <= LISTS[name] for v in value):
        errors[name] = [f"a list of up to {MAX_ITEMS} values"]
        return None
    if name == "tiers" and not set(value) <= set(TIERS):
        errors[name] = [f"tiers among: {', '.join(TIERS)}"]
        return None
    return sorted({clean(v) for v in value})


def _whole(name: str, value: Any, top: int, errors: dict[str, list[str]]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        errors[name] = [f"a whole number from 0 to {top}"]
        return None
    return value


def check_rules(raw: Any) -> dict[str, Any]:
    """The rules, checked and normalised (unset ones left out); ``InvalidRecord`` names each bad one."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, Mapping):
        refuse_fields({"rules": ["an object of rules"]})
    unknown = sorted(set(raw) - set(RULES))
    for name in unknown:
        errors[name] = [f"not a rule; rules are: {', '.join(RULES)}"]
    rules = _choices(raw, errors)
    for name in LISTS:
        if (items := _text_list(name, raw.get(name), errors)) is not None:
            rules[name] = items
    for name, top in (("min_clv", 10**15), ("max_clv", 10**15), ("bought_within_days", MAX_DAYS),
                      ("not_bought_within_days", MAX_DAYS)):
        if (number := _whole(name, raw.get(name), top, errors)) is not None:
            rules[name] = number
    if "min_clv" in rules and "max_clv" in rules and rules["min_clv"] > rules["max_clv"]:
        errors["max_clv"] = ["at least the minimum"]
    refuse_fields(errors)
    return rules


def _choices(raw: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for name, allowed in (("status", ("potential", "actual")), ("kind", ("person", "company")),
                          ("has", ("mobile", "email"))):
        value = raw.get(name)
        if value not in (None, ""):
            if value not in allowed:
                errors[name] = [f"one of: {', '.join(allowed)}"]
            else:
                rules[name] = value
    owner = raw.get("owner")
    if owner not in (None, ""):
        if not isinstance(owner, str) or len(owner) > 150:
            errors["owner"] = ["a user name"]
        else:
            rules["owner"] = owner.strip()
    return rules


def _bought_since(since: datetime) -> Any:
    return exists().where(Purchase.customer_id == Customer.id, Purchase.purchased_at >= since)


def conditions(rules: Mapping[str, Any], now: datetime | None = None) -> list[Any]:
    """The SQL conditions on ``Customer`` (outer-joined to ``LoyaltyAccount``) the rules make."""
    now = now or utcnow()
    found: list[Any] = []
    for name, column in (("status", Customer.status), ("kind", Customer.kind), ("owner", Customer.owner)):
        if name in rules:
            found.append(column == rules[name])
    for name, column in (("regions", Customer.region), ("segments", Customer.segment),
                         ("channels", Customer.channel), ("locales", Customer.locale)):
        if name in rules:
            found.append(column.in_(rules[name]))
    if "tiers" in rules:  # a customer not ranked yet counts as bronze, as the customer list shows them
        tier = LoyaltyAccount.tier.in_(rules["tiers"])
        found.append(or_(tier, LoyaltyAccount.customer_id.is_(None)) if "bronze" in rules["tiers"] else tier)
    clv = func.coalesce(LoyaltyAccount.lifetime_value, 0)
    if "min_clv" in rules:
        found.append(clv >= rules["min_clv"])
    if "max_clv" in rules:
        found.append(clv <= rules["max_clv"])
    if "bought_within_days" in rules:
        found.append(_bought_since(now - timedelta(days=rules["bought_within_days"])))
    if "not_bought_within_days" in rules:
        found.append(not_(_bought_since(now - timedelta(days=rules["not_bought_within_days"]))))
    if rules.get("has") == "mobile":
        found.append(Customer.mobile.is_not(None))
    elif rules.get("has") == "email":
        found.append(Customer.email.is_not(None))
    return found


def members_query(rules: Mapping[str, Any], now: datetime | None = None) -> Select[Any]:
    """The customers matching ``rules`` now, by id."""
    return (select(Customer).outerjoin(LoyaltyAccount, LoyaltyAccount.customer_id == Customer.id)
            .where(and_(True, *conditions(rules, now))).order_by(Customer.id))


def count_members(session: Session, rules: Mapping[str, Any], now: datetime | None = None) -> int:
    query = (select(func.count(Customer.id)).select_from(Customer)
             .outerjoin(LoyaltyAccount, LoyaltyAccount.customer_id == Customer.id)
             .where(and_(True, *conditions(rules, now))))
    return int(session.scalar(query) or 0)


def members(session: Session, rules: Mapping[str, Any], *, limit: int = 20, offset: int = 0,
            now: datetime | None = None) -> list[tuple[Customer, LoyaltyAccount | None]]:
    query = (select(Customer, LoyaltyAccount).outerjoin(LoyaltyAccount, LoyaltyAccount.customer_id == Customer.id)
             .where(and_(True, *conditions(rules, now))).order_by(Customer.id).limit(limit).offset(offset))
    return [(customer, account) for customer, account in session.execute(query)]


# -- the saved segments ---------------------------------------------------------------------------

def _name(raw: Any) -> str:
    name = clean(raw) if isinstance(raw, str) else ""
    if not name or len(name) > 120:
        refuse_fields({"name": ["a name of 1 to 120 characters"]})
    return name


def _unique(session: Session, name: str, other_than: int | None = None) -> None:
    query = select(Segment.id).where(Segment.name == name)
    if other_than is not None:
        query = query.where(Segment.id != other_than)
    if session.scalar(query) is not None:
        raise RecordConflict(f"a segment named {name!r} exists already")


def create_segment(ctx: Ctx, data: Mapping[str, Any]) -> Segment:
    name, rules = _name(data.get("name")), check_rules(data.get("rules") or {})
    _unique(ctx.session, name)
    now = utcnow()
    return ctx.add(Segment(name=name, rules=rules, created_at=now, created_by=ctx.actor, updated_at=now,
                           updated_by=ctx.actor), "segment")


def get_segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise RecordNotFound(f"segment {segment_id} not found")
    return segment


def update_segment(ctx: Ctx, segment: Segment, data: Mapping[str, Any]) -> Segment:
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["name"] = _name(data["name"])
        _unique(ctx.session, changes["name"], segment.id)
    if "rules" in data:
        changes["rules"] = check_rules(data["rules"])
    ctx.change(segment, "segment", changes)
    return segment


def delete_segment(ctx: Ctx, segment: Segment) -> None:
    if ctx.session.scalar(select(func.count(Campaign.id)).where(Campaign.segment_id == segment.id)):
        raise RecordConflict("campaigns were sent to this segment: it stays, so that their reports can name it")
    ctx.session.delete(segment)
    ctx.record("crm.segment.deleted", record="segment", id=segment.id, name=segment.name)


def list_segments(session: Session) -> list[Segment]:
    return list(session.scalars(select(Segment).order_by(Segment.name)))
