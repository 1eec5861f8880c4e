"""The loyalty club's catalogue: rewards points buy, and the redemptions of them.

A **voucher** reward takes the points and issues the customer a voucher (``crm.vouchers``) at once; a
**gift** takes the points and waits (``requested``) for staff to hand it over (``delivered``) or to call it
off (``cancelled``: the points come back as a new lot). A reward with a ``stock`` has that many left; the
reward's and the account's rows are locked while one is taken, so two customers racing for the last one, or
one customer's two requests racing for the same points, are served one after the other and the second is
refused. Every step is journaled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import loyalty, vouchers
from crm.clock import utcnow
from crm.errors import RecordNotFound, Rejected, refuse_fields
from crm.models import LoyaltyRedemption, LoyaltyReward
from crm.text import clean, persian_digits
from crm.unit import Ctx

REWARD_KINDS = ("voucher", "gift")
STATES = ("issued", "requested", "delivered", "cancelled")
CHANNELS = ("portal", "staff")
FIELDS = ("name_fa", "name_en", "points", "kind", "voucher_kind", "voucher_value", "valid_days", "stock", "active")


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _reward_values(data: Mapping[str, Any], current: LoyaltyReward | None) -> dict[str, Any]:
    merged = {**({} if current is None else {f: getattr(current, f) for f in FIELDS}), **data}
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in ("name_fa", "name_en"):
        text = clean(merged.get(name)) if isinstance(merged.get(name), str) else None
        if not text or len(text) > 120:
            errors[name] = ["a text of 1 to 120 characters / متنی از ۱ تا ۱۲۰ نویسه"]
        values[name] = text
    if not _whole(merged.get("points"), 1, loyalty.MAX_POINTS):
        errors["points"] = [f"must be between 1 and {loyalty.MAX_POINTS}"]
    if merged.get("kind") not in REWARD_KINDS:
        errors["kind"] = [f"one of: {', '.join(REWARD_KINDS)}"]
    values.update(points=merged.get("points"), kind=merged.get("kind"))
    if merged.get("kind") == "voucher":
        kind = merged.get("voucher_kind")
        if kind not in vouchers.KINDS:
            errors["voucher_kind"] = [f"one of: {', '.join(vouchers.KINDS)}"]
        high = 100 if kind == "percent" else 10**15
        if not _whole(merged.get("voucher_value"), 1, high):
            errors["voucher_value"] = [f"must be between 1 and {high}"]
        days = merged.get("valid_days") or vouchers.DEFAULT_VALID_DAYS
        if not _whole(days, 1, 3650):
            errors["valid_days"] = ["must be between 1 and 3650"]
        values.update(voucher_kind=kind, voucher_value=merged.get("voucher_value"), valid_days=days)
    else:
        values.update(voucher_kind=None, voucher_value=None, valid_days=None)
    stock = merged.get("stock")
    if stock is not None and not _whole(stock, 0, 10**9):
        errors["stock"] = ["must be between 0 and 1000000000"]
    active = merged.get("active", True)
    if not isinstance(active, bool):
        errors["active"] = ["must be true or false"]
    values.update(stock=stock, active=active)
    refuse_fields(errors)
    return values


def add_reward(ctx: Ctx, data: Mapping[str, Any]) -> LoyaltyReward:
    """A new entry of the catalogue (journaled)."""
    return ctx.add(LoyaltyReward(**_reward_values(data, None)), "loyalty_reward")


def get_reward(session: Session, reward_id: int, *, lock: bool = False) -> LoyaltyReward:
    reward = session.get(LoyaltyReward, reward_id, with_for_update=lock or None, populate_existing=lock)
    if reward is None:
        raise RecordNotFound(f"reward {reward_id} not found")
    return reward


def change_reward(ctx: Ctx, reward_id: int, data: Mapping[str, Any]) -> LoyaltyReward:
    """Change the fields given (the others are kept); journaled. Redemptions already made keep their terms."""
    reward = get_reward(ctx.session, reward_id)
    ctx.change(reward, "loyalty_reward", {**_reward_values(data, reward), "updated_by": ctx.actor})
    return reward


def list_rewards(session: Session, *, include_inactive: bool = False) -> list[LoyaltyReward]:
    """The catalogue, cheapest first."""
    query = select(LoyaltyReward).order_by(LoyaltyReward.points, LoyaltyReward.id)
    return list(session.scalars(query if include_inactive else query.where(LoyaltyReward.active.is_(True))))


def take(ctx: Ctx, customer_id: int, reward_id: int, *, channel: str) -> LoyaltyRedemption:
    """The customer takes the reward: its points are redeemed, a voucher issued (a voucher reward) or the
    gift requested. Refused (``Rejected``, in both languages) for an inactive reward, an empty stock, or a
    balance short of the points."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    reward = get_reward(ctx.session, reward_id, lock=True)
    if not reward.active:
        raise Rejected("this reward is no longer offered / این جایزه دیگر ارائه نمی‌شود")
    if reward.stock is not None and reward.stock <= 0:
        raise Rejected("this reward is out of stock / موجودی این جایزه تمام شده است")
    holder = loyalty.account(ctx, customer_id, lock=True)
    if holder.points < reward.points:
        raise Rejected(f"this reward costs {reward.points} points; the balance is {holder.points} / "
                       f"این جایزه {persian_digits(reward.points)} امتیاز می‌خواهد و موجودی "
                       f"{persian_digits(holder.points)} امتیاز است")
    entry = loyalty.move(ctx, customer_id, -reward.points, f"reward {reward.id}: {reward.name_en}"[:255],
                         kind="redeem")
    if reward.stock is not None:
        ctx.change(reward, "loyalty_reward", {"stock": reward.stock - 1})
    voucher = None
    if reward.kind == "voucher":
        voucher = vouchers.issue(ctx, customer_id, kind=reward.voucher_kind or "amount",
                                 value=int(reward.voucher_value or 0),
                                 valid_days=reward.valid_days or vouchers.DEFAULT_VALID_DAYS)
    return ctx.add(LoyaltyRedemption(customer_id=customer_id, reward_id=reward.id, points=reward.points,
                                     entry_id=entry.id, voucher_id=voucher.id if voucher else None,
                                     state="issued" if voucher else "requested", channel=channel,
                                     at=utcnow(), by=ctx.actor), "loyalty_redemption")


def get_redemption(session: Session, redemption_id: int, *, lock: bool = False) -> LoyaltyRedemption:
    found = session.get(LoyaltyRedemption, redemption_id, with_for_update=lock or None, populate_existing=lock)
    if found is None:
        raise RecordNotFound(f"redemption {redemption_id} not found")
    return found


def settle(ctx: Ctx, redemption_id: int, state: str) -> LoyaltyRedemption:
    """A requested gift handed over (``delivered``) or called off (``cancelled``: its points credited back
    and the stock restored). Refused for a redemption that is not waiting."""
    if state not in ("delivered", "cancelled"):
        refuse_fields({"state": ["one of: delivered, cancelled"]})
    redemption = get_redemption(ctx.session, redemption_id, lock=True)
    if redemption.state != "requested":
        raise Rejected("this redemption is not waiting to be handed over / این درخواست در انتظار تحویل نیست")
    if state == "cancelled":  # the reward's row before the account's, in the order ``take`` locks them
        reward = get_reward(ctx.session, redemption.reward_id, lock=True)
        if reward.stock is not None:
            ctx.change(reward, "loyalty_reward", {"stock": reward.stock + 1})
        loyalty.move(ctx, redemption.customer_id, redemption.points, f"redemption {redemption.id} cancelled",
                     kind="refund")
    ctx.change(redemption, "loyalty_redemption", {"state": state, "settled_at": utcnow(), "settled_by": ctx.actor})
    return redemption


def redemptions(session: Session, *, state: str | None = None, customer_id: int | None = None,
                limit: int = 50, offset: int = 0) -> list[LoyaltyRedemption]:
    """Redemptions, newest first, of one state and/or one customer."""
    query = select(LoyaltyRedemption).order_by(LoyaltyRedemption.id.desc())
    if state is not None:
        query = query.where(LoyaltyRedemption.state == state)
    if customer_id is not None:
        query = query.where(LoyaltyRedemption.customer_id == customer_id)
    return list(session.scalars(query.limit(limit).offset(offset)))
