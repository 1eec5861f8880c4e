"""The demo's loyalty club: the company's rules from before its first customer (a point per million rials, the
support plan earning twice as fast, an autumn festival that doubled points for three weeks), bronze and silver
points lasting six months, a catalogue of vouchers and gifts, and the rewards its members took: a voucher on
the portal, a gift handed over, another still waiting."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from crm import loyalty_rewards, loyalty_rules
from crm.models import LoyaltyAccount, LoyaltyEntry, LoyaltyReward, LoyaltyTier, Purchase

RULES = (
    {"kind": "earn", "name": "هر خرید: یک امتیاز برای هر میلیون ریال", "rials_per_point": 1_000_000},
    {"kind": "earn", "name": "طرح پشتیبانی: دو برابر", "product": "support_plan", "rials_per_point": 500_000},
)
SHORTER_TERMS = (("bronze", "امتیاز هر خرید؛ اعتبار امتیازها شش ماه",
                  "Points on every purchase; points last six months"),
                 ("silver", "۱۰٪ امتیاز بیشتر؛ اعتبار امتیازها شش ماه", "10% more points; points last six months"))
REWARDS = (
    {"name_fa": "کد تخفیف ۱۰٪", "name_en": "10% off voucher", "points": 150, "kind": "voucher",
     "voucher_kind": "percent", "voucher_value": 10, "valid_days": 60},
    {"name_fa": "۵ میلیون تومان تخفیف", "name_en": "5 million toman off", "points": 400, "kind": "voucher",
     "voucher_kind": "amount", "voucher_value": 50_000_000, "valid_days": 90},
    {"name_fa": "ماگ باشگاه مشتریان", "name_en": "Club mug", "points": 120, "kind": "gift", "stock": 25},
    {"name_fa": "یک ساعت آموزش رایگان", "name_en": "One hour of free training", "points": 250, "kind": "gift"},
)


def club(demo: Any) -> None:
    """The club's rules, before the first customer."""
    with demo.at(185, "09:00"):
        for tier, perks_fa, perks_en in SHORTER_TERMS:
            demo.records("parvin", lambda ctx, t=tier, fa=perks_fa, en=perks_en: loyalty_rules.change_tier(
                ctx, t, {"points_months": 6, "perks_fa": fa, "perks_en": en}))
        for rule in RULES:
            demo.records("parvin", lambda ctx, r=rule: loyalty_rules.add_rule(ctx, r))
        festival = {"kind": "bonus", "name": "جشنوارهٔ پاییزه: امتیاز دو برابر", "multiplier": 200,
                    "starts_on": (date.today() - timedelta(days=70)).isoformat(),
                    "ends_on": (date.today() - timedelta(days=50)).isoformat()}
        demo.records("parvin", lambda ctx: loyalty_rules.add_rule(ctx, festival))
        for reward in REWARDS:
            demo.records("parvin", lambda ctx, r=reward: loyalty_rewards.add_reward(ctx, r))


def _reward(demo: Any, name_en: str) -> int:
    return demo.run(lambda s: s.scalar(select(LoyaltyReward.id).where(LoyaltyReward.name_en == name_en)))


def stories(demo: Any) -> None:
    """The rewards members took, once their purchases had earned the points."""
    _lots_from_their_day(demo)
    pars, nouri, alborz = (demo.customers[k] for k in ("pars", "nouri", "alborz"))
    with demo.at(20, "19:40"):
        demo.records("customer", lambda ctx: loyalty_rewards.take(ctx, pars, _reward(demo, "10% off voucher"),
                                                                  channel="portal"))
    with demo.at(14, "11:00"):
        gift = demo.records("sara", lambda ctx: loyalty_rewards.take(ctx, alborz, _reward(demo, "Club mug"),
                                                                     channel="staff").id)
    with demo.at(12, "15:30"):
        demo.records("parvin", lambda ctx: loyalty_rewards.settle(ctx, gift, "delivered"))
    with demo.at(3, "10:15"):
        demo.records("customer", lambda ctx: loyalty_rewards.take(ctx, nouri, _reward(demo, "Club mug"),
                                                                  channel="portal"))


def _lots_from_their_day(demo: Any) -> None:
    """The demo's clock moves when an entry was written, not when its lot lapses: give each lot its tier's
    term from the (moved) day it was earned (a purchase's day), as if it had been written then."""
    def settle(session: Any) -> None:
        months = dict(session.execute(select(LoyaltyTier.tier, LoyaltyTier.points_months)).all())
        tiers = dict(session.execute(select(LoyaltyAccount.customer_id, LoyaltyAccount.tier)).all())
        bought = dict(session.execute(select(Purchase.id, Purchase.purchased_at)).all())
        for lot in session.scalars(select(LoyaltyEntry).where(LoyaltyEntry.expires_at.is_not(None))):
            term = months.get(tiers.get(lot.customer_id, "bronze"), 0)
            start = bought.get(lot.purchase_id) or lot.at
            lot.expires_at = start + relativedelta(months=term) if term else None

    demo.run(settle)
