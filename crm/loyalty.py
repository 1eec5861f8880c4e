"""Loyalty: an account per customer (tier, points balance, ranking score, estimated lifetime value) and
a points ledger. The balance is always the sum of the ledger's entries: points only move through ``move``
(``credit``, ``debit``, ``redeem``), each writing an entry and the new balance, both journaled. Each credit is
a lot that lapses after the months the customer's tier grants (``crm.loyalty_club`` expires them); debits take
from the lot that lapses first."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.errors import InvalidRecord, Rejected
from crm.models import Customer, LoyaltyAccount, LoyaltyEntry, LoyaltyTier
from crm.text import clean, persian_digits
from crm.unit import Ctx
from crm.validation import fetch

TIERS = ("bronze", "silver", "gold", "platinum")
MAX_POINTS = 1_000_000_000  # per entry; the balance is a 32-bit integer


def new_account(customer_id: int) -> LoyaltyAccount:
    """An account as it is before anything happened (not added to any session)."""
    return LoyaltyAccount(customer_id=customer_id, tier=TIERS[0], points=0, score=0.0, lifetime_value=0,
                          ranked_at=None)


def account(ctx_or_session: Ctx | Session, customer_id: int, *, lock: bool = False) -> LoyaltyAccount:
    """The customer's account. Given a ``Ctx`` it is created (bronze, no points, journaled) on first use;
    given only a session nothing is written and a customer without one gets an unsaved fresh account."""
    ctx = ctx_or_session if isinstance(ctx_or_session, Ctx) else None
    session = ctx.session if ctx else ctx_or_session
    fetch(session, Customer, customer_id, "customer")  # crm.customers imports this module (its 360 view)
    found = session.get(LoyaltyAccount, customer_id, with_for_update=lock or None, populate_existing=lock)
    if found is not None or ctx is None:
        return found or new_account(customer_id)
    try:
        with session.begin_nested():
            return ctx.add(new_account(customer_id), "loyalty_account")
    except IntegrityError:  # someone else created it meanwhile (ctx.add journals only after its flush)
        return session.get(LoyaltyAccount, customer_id, with_for_update=lock or None, populate_existing=True)


def _reason(reason: str) -> str:
    text = clean(reason) if isinstance(reason, str) else None
    if not text or len(text) > 255:
        raise InvalidRecord("reason: required, at most 255 characters",
                            {"reason": ["required, at most 255 characters"]})
    return text


def _points(points: int) -> int:
    if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_POINTS:
        raise InvalidRecord("points: a whole number above 0", {"points": [f"a whole number from 1 to {MAX_POINTS}"]})
    return points


def _lot_expiry(session: Session, tier: str, at: datetime) -> datetime | None:
    """When points credited now to a member of ``tier`` lapse (the tier's ``points_months``; 0: never)."""
    months = session.scalar(select(LoyaltyTier.points_months).where(LoyaltyTier.tier == tier)) or 0
    return at + relativedelta(months=months) if months > 0 else None


def _take_from_lots(session: Session, customer_id: int, points: int) -> None:
    """Debit ``points`` from the customer's lots, the one that lapses first (then the oldest) first."""
    lots = session.scalars(select(LoyaltyEntry).where(LoyaltyEntry.customer_id == customer_id,
                                                      LoyaltyEntry.remaining > 0)
                           .order_by(case((LoyaltyEntry.expires_at.is_(None), 1), else_=0),
                                     LoyaltyEntry.expires_at, LoyaltyEntry.id))
    for lot in lots:
        if points <= 0:
            break
        taken = min(points, lot.remaining or 0)
        lot.remaining, points = (lot.remaining or 0) - taken, points - taken


def move(ctx: Ctx, customer_id: int, points: int, reason: str, *, kind: str, referral_id: int | None = None,
         purchase_id: int | None = None, earned_at: datetime | None = None) -> LoyaltyEntry:
    """Write a ledger entry of ``points`` (positive: a new lot; negative: taken from the lots) of ``kind``
    and the account's new balance, with the account's row locked; never below zero. A lot's term runs from
    ``earned_at`` (a purchase's day, when it is recorded later) or else from now."""
    holder = account(ctx, customer_id, lock=True)
    if holder.points + points < 0:
        have, take = persian_digits(holder.points), persian_digits(-points)
        raise Rejected(f"the balance is {holder.points} points; {-points} cannot be taken / "
                       f"موجودی {have} امتیاز است؛ {take} امتیاز برداشت نمی‌شود")
    if holder.points + points > 2**31 - 1:
        raise Rejected("the balance would exceed the largest balance an account may hold")
    now = utcnow()
    lot = {"remaining": points, "expires_at": _lot_expiry(ctx.session, holder.tier, min(earned_at or now, now))
           } if points > 0 else {}
    if points < 0:
        _take_from_lots(ctx.session, customer_id, -points)
    entry = ctx.add(LoyaltyEntry(customer_id=customer_id, at=now, points=points, reason=reason, kind=kind,
                                 referral_id=referral_id, purchase_id=purchase_id, by=ctx.actor, **lot),
                    "loyalty_entry")
    ctx.change(holder, "loyalty_account", {"points": holder.points + points}, entry_id=entry.id)
    return entry


def credit(ctx: Ctx, customer_id: int, points: int, reason: str, *, referral_id: int | None = None) -> LoyaltyEntry:
    """Add points (``points`` > 0) with the reason; returns the ledger entry."""
    return move(ctx, customer_id, _points(points), _reason(reason), kind="credit", referral_id=referral_id)


def debit(ctx: Ctx, customer_id: int, points: int, reason: str, *, referral_id: int | None = None) -> LoyaltyEntry:
    """Take points (``points`` > 0) with the reason; refused (``Rejected``) beyond the balance."""
    return move(ctx, customer_id, -_points(points), _reason(reason), kind="debit", referral_id=referral_id)


def redeem(ctx: Ctx, customer_id: int, points: int, reason: str) -> tuple[LoyaltyEntry, int]:
    """The customer spends ``points`` (for ``reason``): the ledger entry and the balance left. The account's
    row is locked first, so two redemptions racing for the same points are taken one after the other and the
    second is refused (``Rejected``) if the balance no longer covers it."""
    entry = move(ctx, customer_id, -_points(points), _reason(reason), kind="redeem")
    return entry, account(ctx, customer_id).points


def ledger(session: Session, customer_id: int, limit: int = 50, offset: int = 0) -> list[LoyaltyEntry]:
    """The customer's ledger entries, newest first."""
    fetch(session, Customer, customer_id, "customer")
    return list(session.scalars(select(LoyaltyEntry).where(LoyaltyEntry.customer_id == customer_id)
                                .order_by(LoyaltyEntry.id.desc()).limit(limit).offset(offset)))


def ledger_balance(session: Session, customer_id: int) -> int:
    """The sum of the ledger's entries (equals the account's ``points``)."""
    return int(session.scalar(select(func.coalesce(func.sum(LoyaltyEntry.points), 0))
                              .where(LoyaltyEntry.customer_id == customer_id)) or 0)
