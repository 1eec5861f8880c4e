"""What a member (on the portal) and staff (on the customer's page) are shown of a loyalty account: the tier
and its benefits, the balance and the points that lapse soon, the latest entries of the ledger (a spent
reward named), the vouchers still to spend, the catalogue (what the balance affords) and the rewards taken.
Reading writes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import loyalty, loyalty_expiry, loyalty_rewards
from crm.clock import utcnow
from crm.customers import get_customer
from crm.models import LoyaltyRedemption, LoyaltyReward, LoyaltyTier, Voucher

ENTRIES = 30
REDEMPTIONS = 20


def _tier(session: Session, tier: str) -> dict[str, Any]:
    row = session.get(LoyaltyTier, tier)
    higher = session.scalars(select(LoyaltyTier).where(LoyaltyTier.rank > (row.rank if row else 0))
                             .order_by(LoyaltyTier.rank)).first()
    return {"tier": tier, "earn_percent": row.earn_percent if row else 100,
            "points_months": row.points_months if row else 0, "perks_fa": row.perks_fa if row else "",
            "perks_en": row.perks_en if row else "", "next_tier": higher.tier if higher else None}


def _entries(session: Session, customer_id: int) -> list[dict[str, Any]]:
    entries = loyalty.ledger(session, customer_id, limit=ENTRIES)
    named = dict(session.execute(select(LoyaltyRedemption.entry_id, LoyaltyReward.id)
                                 .join(LoyaltyReward, LoyaltyReward.id == LoyaltyRedemption.reward_id)
                                 .where(LoyaltyRedemption.entry_id.in_([e.id for e in entries]))).all())
    rewards = {r.id: r for r in session.scalars(select(LoyaltyReward).where(LoyaltyReward.id.in_(named.values())))}
    return [{"id": e.id, "at": e.at, "points": e.points, "kind": e.kind, "reason": e.reason,
             "purchase_id": e.purchase_id, "expires_at": e.expires_at, "remaining": e.remaining,
             "reward_fa": rewards[named[e.id]].name_fa if e.id in named else None,
             "reward_en": rewards[named[e.id]].name_en if e.id in named else None} for e in entries]


def statement(session: Session, customer_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The member's statement (see the module's text)."""
    now = now or utcnow()
    customer = get_customer(session, customer_id)
    holder = loyalty.account(session, customer_id)
    open_vouchers = session.scalars(select(Voucher).where(Voucher.customer_id == customer_id,
                                                          Voucher.redeemed_at.is_(None), Voucher.expires_at > now)
                                    .order_by(Voucher.expires_at))
    rewards = loyalty_rewards.list_rewards(session)
    return {
        "customer_id": customer.id, "name": customer.company_name or customer.person_name,
        "locale": customer.locale or "fa", "referral_code": customer.referral_code,
        "points": holder.points, **_tier(session, holder.tier),
        "expiring": [{"at": at, "points": points} for at, points in loyalty_expiry.expiring(session, customer_id, now)],
        "entries": _entries(session, customer_id),
        "vouchers": [{"code": v.code, "kind": v.kind, "value": v.value, "expires_at": v.expires_at}
                     for v in open_vouchers],
        "rewards": [{"id": r.id, "name_fa": r.name_fa, "name_en": r.name_en, "points": r.points, "kind": r.kind,
                     "voucher_kind": r.voucher_kind, "voucher_value": r.voucher_value,
                     "in_stock": r.stock is None or r.stock > 0,
                     "affordable": holder.points >= r.points and (r.stock is None or r.stock > 0)} for r in rewards],
        "redemptions": _redemptions(session, customer_id),
    }


def _redemptions(session: Session, customer_id: int) -> list[dict[str, Any]]:
    taken = loyalty_rewards.redemptions(session, customer_id=customer_id, limit=REDEMPTIONS)
    rewards = {r.id: r for r in session.scalars(select(LoyaltyReward).where(
        LoyaltyReward.id.in_({t.reward_id for t in taken})))}
    return [{"id": t.id, "reward_id": t.reward_id, "name_fa": rewards[t.reward_id].name_fa,
             "name_en": rewards[t.reward_id].name_en, "points": t.points, "state": t.state, "at": t.at,
             "channel": t.channel, "voucher_id": t.voucher_id} for t in taken]
