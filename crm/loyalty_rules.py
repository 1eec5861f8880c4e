"""The loyalty club's earning: rules, tiers' benefits, and the points a purchase earns.

An **earn** rule gives one point per ``rials_per_point`` rials paid, for one product group (a key of the
managed list ``product``) or for every purchase; a purchase is earned on by the rule for its own group if one
holds that day, else by the rule for every purchase, else not at all. A **bonus** multiplies those points
(``multiplier`` percent: 200 doubles them) for a group or every purchase, and, when it names a campaign, only
for customers the campaign reached; of several bonuses that hold, the largest counts (they do not stack). A
rule holds from ``starts_on`` to ``ends_on`` inclusive (days in Tehran; either may be open) while active.
The member's **tier** then scales the points by its ``earn_percent``. Points are whole: the figures are
rounded down once, at the end. Each change of a rule or a tier is journaled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from crm import lists, loyalty
from crm.clock import as_utc
from crm.dates import parse_day
from crm.errors import InvalidRecord, RecordNotFound, refuse_fields
from crm.models import Campaign, LoyaltyEntry, LoyaltyRule, LoyaltyTier, Notification, Purchase
from crm.text import clean
from crm.unit import Ctx

RULE_KINDS = ("earn", "bonus")
MAX_MULTIPLIER = 1000  # percent: ten times the points
MAX_RIALS_PER_POINT = 10**12
LOCAL_ZONE = ZoneInfo("Asia/Tehran")  # the days a rule holds are the company's days


# -- rules ------------------------------------------------------------------------------------------

def _whole(value: Any, low: int, high: int) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return value if ok else None


RULE_FIELDS = ("kind", "name", "product", "rials_per_point", "multiplier", "campaign_id", "starts_on", "ends_on",
               "active")


def _product(session: Session, data: Mapping[str, Any], merged: Mapping[str, Any],
             errors: dict[str, list[str]]) -> str | None:
    product = merged.get("product")
    if product in (None, ""):
        return None
    if "product" not in data:  # kept as it was
        return str(product)
    try:
        return lists.key_of(session, "product", product, field="product")
    except InvalidRecord as exc:
        errors.update(exc.field_errors)
        return None


def _figures(session: Session, merged: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """An earning rule's rate, or a bonus's multiplier and campaign."""
    if merged.get("kind") == "earn":
        rials = _whole(merged.get("rials_per_point"), 1, MAX_RIALS_PER_POINT)
        if rials is None:
            errors["rials_per_point"] = [f"must be between 1 and {MAX_RIALS_PER_POINT}"]
        return {"rials_per_point": rials, "multiplier": None, "campaign_id": None}
    multiplier = _whole(merged.get("multiplier"), 101, MAX_MULTIPLIER)
    if multiplier is None:
        errors["multiplier"] = [f"must be between 101 and {MAX_MULTIPLIER}"]
    campaign = merged.get("campaign_id")
    if campaign is not None and (_whole(campaign, 1, 2**31 - 1) is None or session.get(Campaign, campaign) is None):
        errors["campaign_id"] = ["no such campaign / چنین کارزاری نیست"]
    return {"rials_per_point": None, "multiplier": multiplier, "campaign_id": campaign}


def _days(merged: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in ("starts_on", "ends_on"):
        try:
            values[field] = parse_day(merged.get(field), field=field)
        except InvalidRecord as exc:
            errors.update(exc.field_errors)
    if values.get("starts_on") and values.get("ends_on") and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = ["ends on or after the day it starts / پایان پیش از آغاز نیست"]
    return values


def _rule_values(session: Session, data: Mapping[str, Any], current: LoyaltyRule | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    merged = {**({} if current is None else {f: getattr(current, f) for f in RULE_FIELDS}), **data}
    if merged.get("kind") not in RULE_KINDS:
        errors["kind"] = [f"one of: {', '.join(RULE_KINDS)}"]
    name = clean(merged.get("name")) if isinstance(merged.get("name"), str) else None
    if not name or len(name) > 120:
        errors["name"] = ["a text of 1 to 120 characters / متنی از ۱ تا ۱۲۰ نویسه"]
    active = merged.get("active", True)
    if not isinstance(active, bool):
        errors["active"] = ["must be true or false"]
    values = {"kind": merged.get("kind"), "name": name, "active": active,
              "product": _product(session, data, merged, errors), **_figures(session, merged, errors),
              **_days(merged, errors)}
    refuse_fields(errors)
    return values


def add_rule(ctx: Ctx, data: Mapping[str, Any]) -> LoyaltyRule:
    """A new rule (journaled)."""
    return ctx.add(LoyaltyRule(**_rule_values(ctx.session, data, None)), "loyalty_rule")


def get_rule(session: Session, rule_id: int) -> LoyaltyRule:
    rule = session.get(LoyaltyRule, rule_id)
    if rule is None:
        raise RecordNotFound(f"loyalty rule {rule_id} not found")
    return rule


def change_rule(ctx: Ctx, rule_id: int, data: Mapping[str, Any]) -> LoyaltyRule:
    """Change the fields given (the others are kept); journaled."""
    rule = get_rule(ctx.session, rule_id)
    ctx.change(rule, "loyalty_rule", {**_rule_values(ctx.session, data, rule), "updated_by": ctx.actor})
    return rule


def list_rules(session: Session) -> list[LoyaltyRule]:
    """Every rule: the active ones first, earning rules before bonuses, newest first."""
    return list(session.scalars(select(LoyaltyRule).order_by(LoyaltyRule.active.desc(), LoyaltyRule.kind.desc(),
                                                             LoyaltyRule.id.desc())))


# -- tiers ------------------------------------------------------------------------------------------

_SHIPPED_TIERS = (
    ("bronze", 100, 12, "امتیاز هر خرید؛ اعتبار امتیازها ۱۲ ماه", "Points on every purchase; points last 12 months"),
    ("silver", 110, 12, "۱۰٪ امتیاز بیشتر؛ پیشنهادهای ویژهٔ اعضا", "10% more points; members' special offers"),
    ("gold", 125, 18, "۲۵٪ امتیاز بیشتر؛ ارسال رایگان؛ اعتبار امتیازها ۱۸ ماه",
     "25% more points; free delivery; points last 18 months"),
    ("platinum", 150, 24, "۵۰٪ امتیاز بیشتر؛ ارسال رایگان؛ پشتیبانی اختصاصی؛ اعتبار امتیازها ۲۴ ماه",
     "50% more points; free delivery; a dedicated support line; points last 24 months"),
)


def shipped_tier_rows() -> list[dict[str, Any]]:
    """The tiers' benefits as Ravand ships them (migration 0038 writes them; an administrator changes them)."""
    return [{"tier": tier, "rank": rank, "earn_percent": percent, "points_months": months, "perks_fa": fa,
             "perks_en": en} for rank, (tier, percent, months, fa, en) in enumerate(_SHIPPED_TIERS, start=1)]


def list_tiers(session: Session) -> list[LoyaltyTier]:
    """The tiers, lowest first."""
    return list(session.scalars(select(LoyaltyTier).order_by(LoyaltyTier.rank)))


def change_tier(ctx: Ctx, tier: str, data: Mapping[str, Any]) -> LoyaltyTier:
    """Change a tier's benefits: ``earn_percent`` (50-1000), ``points_months`` (0-120; 0: points last),
    ``perks_fa``, ``perks_en`` (up to 1,000 characters each)."""
    row = ctx.session.get(LoyaltyTier, tier)
    if row is None:
        raise RecordNotFound(f"tier {tier!r} not found")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, low, high in (("earn_percent", 50, MAX_MULTIPLIER), ("points_months", 0, 120)):
        if field in data:
            values[field] = _whole(data[field], low, high)
            if values[field] is None:
                errors[field] = [f"must be between {low} and {high}"]
    for field in ("perks_fa", "perks_en"):
        if field in data:
            text = clean(data[field]) if isinstance(data[field], str) else None
            values[field] = text or ""
            if (data[field] is not None and not isinstance(data[field], str)) or len(values[field]) > 1000:
                errors[field] = ["at most 1000 characters"]
    refuse_fields(errors)
    ctx.change(row, "loyalty_tier", values)
    return row


# -- earning ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Earning:
    """The points a purchase earns and how: the earning rule, the bonus (if any) and the tier's percent."""

    points: int
    rule: LoyaltyRule | None
    bonus: LoyaltyRule | None
    tier: str
    tier_percent: int


def _holding(day: date) -> Any:
    return (LoyaltyRule.active.is_(True),
            or_(LoyaltyRule.starts_on.is_(None), LoyaltyRule.starts_on <= day),
            or_(LoyaltyRule.ends_on.is_(None), LoyaltyRule.ends_on >= day))


def _reached(campaign_id: int, customer_id: int) -> Any:
    return exists().where(Notification.campaign_id == campaign_id, Notification.customer_id == customer_id)


def earning(session: Session, purchase: Purchase) -> Earning:
    """What ``purchase`` earns under the rules that hold on its day (nothing is written)."""
    day = as_utc(purchase.purchased_at).astimezone(LOCAL_ZONE).date()
    group = or_(LoyaltyRule.product.is_(None), LoyaltyRule.product == purchase.product)
    rules = list(session.scalars(select(LoyaltyRule).where(*_holding(day), group).where(
        or_(LoyaltyRule.campaign_id.is_(None), _reached(LoyaltyRule.campaign_id, purchase.customer_id)))))
    earns = sorted((r for r in rules if r.kind == "earn"), key=lambda r: (r.product is None, -r.id))
    bonuses = sorted((r for r in rules if r.kind == "bonus"), key=lambda r: (-(r.multiplier or 0), -r.id))
    holder = loyalty.account(session, purchase.customer_id)
    tier = session.get(LoyaltyTier, holder.tier)
    percent = tier.earn_percent if tier else 100
    rule, bonus = (earns[0] if earns else None), (bonuses[0] if bonuses else None)
    if rule is None:
        return Earning(0, None, None, holder.tier, percent)
    points = purchase.amount * (bonus.multiplier if bonus else 100) * percent // (
        (rule.rials_per_point or 1) * 100 * 100)
    return Earning(int(min(points, loyalty.MAX_POINTS)), rule, bonus, holder.tier, percent)


def earn_for_purchase(ctx: Ctx, purchase: Purchase) -> LoyaltyEntry | None:
    """Credit the points ``purchase`` earns (a lot of kind ``earn`` naming the purchase, its term counted from
    the purchase's day); None if none."""
    found = earning(ctx.session, purchase)
    if found.points <= 0:
        return None
    reason = f"purchase {purchase.reference or purchase.id}"[:255]
    return loyalty.move(ctx, purchase.customer_id, found.points, reason, kind="earn", purchase_id=purchase.id,
                        earned_at=as_utc(purchase.purchased_at))
