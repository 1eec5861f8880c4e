"""Purchases: what a customer bought, for how much (integer rials), through which channel, and whether
they paid on time. The first purchase makes a potential customer an actual one; each earns the loyalty club's
points its rules give. A voucher of the customer's
may be spent on a purchase: ``amount`` is then what was paid, ``discount`` what the voucher took off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import lists
from crm.clock import as_utc, utcnow
from crm.customers import get_customer, mark_actual
from crm.errors import InvalidRecord, invalid, refuse_fields
from crm.loyalty_rules import earn_for_purchase
from crm.models import Purchase
from crm.money import check_amount
from crm.text import clean
from crm.unit import Ctx
from crm.vouchers import attach, redeem

CHANNELS = ("store", "online", "phone", "agent")
_CLOCK_SKEW = timedelta(minutes=5)
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def _checked(amount: int, purchased_at: datetime | None, channel: str, reference: str | None) -> dict:
    errors: dict[str, list[str]] = {}
    try:
        check_amount(amount)
        if amount == 0:
            raise invalid("amount", "a purchase costs more than 0 rials")
    except InvalidRecord as exc:
        errors.update(exc.field_errors)
    when = utcnow()
    try:
        when = when if purchased_at is None else as_utc(purchased_at)
        if not _EARLIEST <= when <= utcnow() + _CLOCK_SKEW:
            errors["purchased_at"] = ["a purchase is not in the future (nor before 1900)"]
    except (OverflowError, ValueError, TypeError, AttributeError):
        errors["purchased_at"] = ["a date and time"]
    if channel not in CHANNELS:
        errors["channel"] = [f"one of {', '.join(CHANNELS)}"]
    text = clean(reference)
    if text is not None and len(text) > 80:
        errors["reference"] = ["at most 80 characters"]
    refuse_fields(errors)
    return {"amount": amount, "purchased_at": when, "channel": channel, "reference": text}


def record_purchase(ctx: Ctx, customer_id: int, *, amount: int, purchased_at: datetime | None = None,
                    channel: str = "store", paid_on_time: bool = True, reference: str | None = None,
                    voucher_code: str | None = None, product: str | None = None) -> Purchase:
    """Record a purchase (journaled), mark the customer actual, and credit the loyalty points it earns
    (``crm.loyalty_rules``). ``amount`` is the price before any
    voucher; with ``voucher_code`` the voucher is spent (``crm.vouchers.redeem``) and the purchase records
    what was paid and the discount. ``product``: an entry of the managed list ``product`` (key or label)."""
    get_customer(ctx.session, customer_id)
    values = _checked(amount, purchased_at, channel, reference)
    if product not in (None, ""):
        values["product"] = lists.key_of(ctx.session, "product", product, field="product")
    discount, voucher = 0, None
    if voucher_code not in (None, ""):
        discount, voucher = redeem(ctx, voucher_code, customer_id, values["amount"])
    purchase = ctx.add(Purchase(customer_id=customer_id, paid_on_time=bool(paid_on_time), created_by=ctx.actor,
                                **{**values, "amount": values["amount"] - discount}, discount=discount,
                                voucher_id=voucher.id if voucher else None), "purchase")
    if voucher is not None:
        attach(ctx, voucher, purchase.id)
    mark_actual(ctx, customer_id)
    earn_for_purchase(ctx, purchase)
    return purchase


def purchases_of(session: Session, customer_id: int, limit: int | None = None, offset: int = 0) -> list[Purchase]:
    """The customer's purchases, newest first."""
    get_customer(session, customer_id)
    stmt = (select(Purchase).where(Purchase.customer_id == customer_id)
            .order_by(Purchase.purchased_at.desc(), Purchase.id.desc()).offset(offset))
    return list(session.scalars(stmt if limit is None else stmt.limit(limit)))
