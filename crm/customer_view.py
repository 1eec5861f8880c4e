"""The customer 360: one customer with everything the CRM holds about them, as plain JSON-able dicts
(times as ISO 8601 strings). Each list holds the newest ``LIMIT`` records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.loyalty import new_account
from crm.models import (
    Complaint,
    Contact,
    Contract,
    Customer,
    Lead,
    LoyaltyAccount,
    LoyaltyEntry,
    Opportunity,
    Purchase,
    Referral,
)
from crm.unit import plain
from crm.validation import fetch

LIMIT = 50
LEDGER_LIMIT = 20
_LEFT_OUT = {Contract: {"document_html", "terms"}}


def _rows(session: Session, model: Any, condition: Any, order: Any, limit: int = LIMIT) -> list[dict[str, Any]]:
    records = session.scalars(select(model).where(condition).order_by(order.desc()).limit(limit))
    return [plain(r, _LEFT_OUT.get(model, set())) for r in records]


def _loyalty(session: Session, customer_id: int) -> dict[str, Any]:
    account = session.get(LoyaltyAccount, customer_id) or new_account(customer_id)
    summary = plain(account, {"customer_id"})
    ledger = _rows(session, LoyaltyEntry, LoyaltyEntry.customer_id == customer_id, LoyaltyEntry.id, LEDGER_LIMIT)
    return {**summary, "ledger": ledger}


def _purchases(session: Session, customer_id: int) -> dict[str, Any]:
    count, total = session.execute(select(func.count(Purchase.id), func.coalesce(func.sum(Purchase.amount), 0))
                                   .where(Purchase.customer_id == customer_id)).one()
    items = _rows(session, Purchase, Purchase.customer_id == customer_id, Purchase.purchased_at)
    return {"count": count, "total": int(total), "last_at": items[0]["purchased_at"] if items else None,
            "items": items}


def customer_360(session: Session, customer_id: int) -> dict[str, Any]:
    """The customer, contacts, leads, opportunities, complaints, contracts, referrals made and received,
    the loyalty account with its recent ledger, and purchases (count, total, the newest)."""
    customer = fetch(session, Customer, customer_id, "customer")
    return {
        "customer": plain(customer),
        "contacts": _rows(session, Contact, Contact.customer_id == customer_id, Contact.id),
        "leads": _rows(session, Lead, Lead.customer_id == customer_id, Lead.id),
        "opportunities": _rows(session, Opportunity, Opportunity.customer_id == customer_id, Opportunity.id),
        "complaints": _rows(session, Complaint, Complaint.customer_id == customer_id, Complaint.id),
        "contracts": _rows(session, Contract, Contract.customer_id == customer_id, Contract.id),
        "referrals_made": _rows(session, Referral, Referral.referrer_id == customer_id, Referral.id),
        "referrals_received": _rows(session, Referral, Referral.referred_customer_id == customer_id, Referral.id),
        "loyalty": _loyalty(session, customer_id),
        "purchases": _purchases(session, customer_id),
    }
