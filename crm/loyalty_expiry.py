"""Points that lapse, and what a member is shown of their points.

A lot (a credit of the ledger) lapses at its ``expires_at`` with whatever of it is neither spent nor lapsed:
``expire_customer`` writes one ``expire`` entry for all of a customer's lapsed lots, with the account's row
locked like every other move, so a redemption racing with it sees the balance after it. ``due_customers``
finds those to visit a batch at a time; the caller runs each batch in its own short transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import loyalty
from crm.clock import utcnow
from crm.models import LoyaltyEntry
from crm.unit import Ctx

BATCH = 200  # customers per transaction
SOON = timedelta(days=60)  # a member is warned of points that lapse this soon


def due_customers(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Customers with a lot that lapsed by ``now`` and still holds points (smallest id first)."""
    return list(session.scalars(select(LoyaltyEntry.customer_id).where(
        LoyaltyEntry.expires_at <= now, LoyaltyEntry.remaining > 0).group_by(LoyaltyEntry.customer_id)
        .order_by(LoyaltyEntry.customer_id).limit(limit)))


def lapsed_points(session: Session, customer_id: int, now: datetime) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(LoyaltyEntry.remaining), 0)).where(
        LoyaltyEntry.customer_id == customer_id, LoyaltyEntry.expires_at <= now, LoyaltyEntry.remaining > 0)) or 0)


def expire_customer(ctx: Ctx, customer_id: int, now: datetime | None = None) -> int:
    """Write off what the customer's lapsed lots still hold (one ``expire`` entry); the points written off.
    Debits take from the lot that lapses first, so the entry empties exactly the lapsed lots."""
    now = now or utcnow()
    loyalty.account(ctx, customer_id, lock=True)  # then read the lots as the last move left them
    points = lapsed_points(ctx.session, customer_id, now)
    if points <= 0:
        return 0
    loyalty.move(ctx, customer_id, -points, "points expired", kind="expire")
    return points


def expire_batch(ctx: Ctx, now: datetime | None = None, limit: int = BATCH) -> tuple[int, int]:
    """``expire_customer`` for up to ``limit`` customers with lapsed points: (customers, points)."""
    now = now or utcnow()
    customers = due_customers(ctx.session, now, limit)
    return len(customers), sum(expire_customer(ctx, c, now) for c in customers)


def expiring(session: Session, customer_id: int, now: datetime | None = None,
             within: timedelta = SOON) -> list[tuple[datetime, int]]:
    """The points that lapse within ``within`` from ``now``, by when: ``[(expires_at, points)]``, soonest first."""
    now = now or utcnow()
    rows = session.execute(select(LoyaltyEntry.expires_at, func.sum(LoyaltyEntry.remaining)).where(
        LoyaltyEntry.customer_id == customer_id, LoyaltyEntry.remaining > 0, LoyaltyEntry.expires_at > now,
        LoyaltyEntry.expires_at <= now + within).group_by(LoyaltyEntry.expires_at).order_by(LoyaltyEntry.expires_at))
    return [(when, int(points)) for when, points in rows]
