"""Invoices and payments. An accepted quote is the order, and its invoice is issued at once: the quote's payable
amount (VAT included), due ``payment_days`` later (the ``invoice_days`` setting, 30 by default). Payments are
recorded against it as the money comes in (cash, card, transfer, cheque; never more than what is still owed).
Once paid in full it is ``paid`` and becomes a purchase of the customer (paid on time when the last rial came by
the due day), which is what the customer ranking, the lifetime value and the campaigns' return read; an
invoice still open after its due day counts as a late payment in the ranking's settlement factor.
Every change is journaled."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import dates
from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound, refuse_fields
from crm.models import Invoice, Payment, Quote
from crm.money import parse_amount
from crm.purchases import record_purchase
from crm.quotes import lines_of, totals
from crm.unit import Ctx

METHODS = ("cash", "card", "transfer", "cheque")
PAYMENT_DAYS = 30


def issue(ctx: Ctx, quote: Quote, *, today: date, payment_days: int = PAYMENT_DAYS) -> Invoice:
    """The invoice of an accepted quote (once: a second call answers the first)."""
    found = ctx.session.scalar(select(Invoice).where(Invoice.quote_id == quote.id))
    if found is not None:
        return found
    if quote.state != "accepted":
        raise RecordConflict(f"the quote is {quote.state}: only an accepted quote is invoiced")
    amount = totals(quote, lines_of(ctx.session, quote.id)).payable
    return ctx.add(Invoice(quote_id=quote.id, customer_id=quote.customer_id, opportunity_id=quote.opportunity_id,
                           issued_on=today, due_on=today + timedelta(days=payment_days), amount=amount, paid=0,
                           state="open"), "invoice")


def get_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise RecordNotFound(f"invoice {invoice_id} not found")
    return invoice


def invoice_of_quote(session: Session, quote_id: int) -> Invoice | None:
    return session.scalar(select(Invoice).where(Invoice.quote_id == quote_id))


def payments_of(session: Session, invoice_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.invoice_id == invoice_id).order_by(Payment.id)))


def record_payment(ctx: Ctx, invoice: Invoice, data: dict[str, Any], *, today: date,
                   zone: str = "Asia/Tehran") -> Payment:
    """Money received against an open invoice; the last of it makes the invoice paid and a purchase."""
    if invoice.state != "open":
        raise RecordConflict(f"the invoice is {invoice.state}: nothing more is owed")
    errors: dict[str, list[str]] = {}
    amount = 0
    try:
        amount = parse_amount(data.get("amount", ""), "amount")
    except InvalidRecord as exc:
        errors.update(exc.field_errors)
    owed = invoice.amount - invoice.paid
    if not errors and not 0 < amount <= owed:
        errors["amount"] = [f"between 1 and what is still owed ({owed:,} rials)"]
    paid_on = today
    if data.get("paid_on") not in (None, ""):
        try:
            paid_on = dates.parse_day(data["paid_on"], field="paid_on") or today
        except InvalidRecord as exc:
            errors.update(exc.field_errors)
    if paid_on > today:
        errors["paid_on"] = ["not a day to come"]
    if paid_on < invoice.issued_on:
        errors["paid_on"] = ["not before the invoice was issued"]
    method = data.get("method", "transfer")
    if method not in METHODS:
        errors["method"] = [f"one of: {', '.join(METHODS)}"]
    reference = data.get("reference")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 80):
        errors["reference"] = ["a text of up to 80 characters"]
    refuse_fields(errors)
    payment = ctx.add(Payment(invoice_id=invoice.id, amount=amount, paid_on=paid_on, method=method,
                              reference=(reference or "").strip() or None, created_at=utcnow(),
                              created_by=ctx.actor), "payment")
    changes: dict[str, Any] = {"paid": invoice.paid + amount}
    if changes["paid"] >= invoice.amount:
        last = max(p.paid_on for p in payments_of(ctx.session, invoice.id))
        # noon of the day it was paid; a payment of today before noon is a purchase of now, never one to come
        when = min(datetime.combine(last, time(12), ZoneInfo(zone)), utcnow())
        purchase = record_purchase(ctx, invoice.customer_id, amount=invoice.amount, purchased_at=when,
                                   channel="agent", paid_on_time=last <= invoice.due_on,
                                   reference=f"INV-{invoice.id}")
        changes.update(state="paid", paid_on=last, purchase_id=purchase.id)
    ctx.change(invoice, "invoice", changes)
    return payment


def list_invoices(session: Session, *, state: str | None = None, overdue_on: date | None = None,
                  customer_id: int | None = None, limit: int = 50, offset: int = 0) -> tuple[list[Invoice], int]:
    """Invoices, the oldest due first; ``overdue_on``: the open ones due before that day."""
    query = select(Invoice)
    if state:
        query = query.where(Invoice.state == state)
    if overdue_on is not None:
        query = query.where(Invoice.state == "open", Invoice.due_on < overdue_on)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.order_by(Invoice.due_on, Invoice.id).limit(limit).offset(offset))), total


def overdue_counts(session: Session, today: date) -> dict[int, int]:
    """Open invoices past their due day, by customer (the ranking's late payments not yet made)."""
    return {customer_id: int(count) for customer_id, count in session.execute(
        select(Invoice.customer_id, func.count(Invoice.id)).where(Invoice.state == "open", Invoice.due_on < today)
        .group_by(Invoice.customer_id))}
