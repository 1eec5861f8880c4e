"""What a referral's reward is checked against: the purchase on record and the window's total (the purchase
must exist, be the referred customer's, be dated inside the window and not be counted already), the signs of
fraud that send even a small reward to a manager, and the facts the manager reviews.

The window opens when the referred lead qualifies (``Referral.qualified_at``) and closes at the deadline the
process fixed then; the reward is chosen by the total the referred customer paid (after vouchers) on
purchases dated inside it, so several small purchases add up and none of them moves the deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.errors import Rejected
from crm.models import Customer, Purchase, Referral
from crm.text import name_key, words
from crm.validation import fetch

BUSY_REFERRER = 5  # referrals made in BUSY_DAYS days that send the next reward to review
BUSY_DAYS = 30
EARLIER_SHOWN = 20


def take_purchase(session: Session, referral: Referral, purchase_id: Any, counted: list[int]) -> int:
    """The window's total with purchase ``purchase_id`` in it; ``Rejected`` (the reason) when that purchase
    is not on record for the referred customer, is dated outside the window, was counted already (``counted``:
    the ids this referral counted) or rewarded another referral."""
    known = isinstance(purchase_id, int) and not isinstance(purchase_id, bool) and purchase_id > 0
    purchase = session.get(Purchase, purchase_id) if known else None
    if purchase is None or purchase.customer_id != referral.referred_customer_id:
        raise Rejected(f"no purchase {purchase_id!r} of the referred customer is on record")
    if referral.qualified_at is None or purchase.purchased_at < referral.qualified_at:
        raise Rejected(f"purchase {purchase.id} was made before the referred lead qualified")
    if purchase.id in counted or session.scalar(select(func.count()).select_from(Referral).where(
            Referral.purchase_id == purchase.id, Referral.id != referral.id)):
        raise Rejected(f"purchase {purchase.id} was counted already")
    return window_total(session, referral)


def window_total(session: Session, referral: Referral) -> int:
    """Rials the referred customer paid on purchases dated from the qualification on."""
    if referral.referred_customer_id is None or referral.qualified_at is None:
        return 0
    return int(session.scalar(select(func.coalesce(func.sum(Purchase.amount), 0)).where(
        Purchase.customer_id == referral.referred_customer_id,
        Purchase.purchased_at >= referral.qualified_at)) or 0)


def _family(name: str | None) -> str:
    keys = words(name)
    return keys[-1] if len(keys) > 1 and len(keys[-1]) >= 3 else ""


def suspicions(session: Session, referral: Referral) -> list[str]:
    """Why a reward should be reviewed even when it is small: ``same_address``, ``same_family_name``,
    ``busy_referrer`` (``BUSY_REFERRER`` referrals or more in ``BUSY_DAYS`` days)."""
    referrer = fetch(session, Customer, referral.referrer_id, "customer")
    referred = session.get(Customer, referral.referred_customer_id) if referral.referred_customer_id else None
    found = []
    if referred is not None and referrer.address and name_key(referrer.address) == name_key(referred.address):
        found.append("same_address")
    family = _family(referrer.person_name)
    if family and family == _family(referred.person_name if referred else referral.referred_name):
        found.append("same_family_name")
    recent = session.scalar(select(func.count()).select_from(Referral).where(
        Referral.referrer_id == referrer.id, Referral.created_at >= utcnow() - timedelta(days=BUSY_DAYS)))
    if (recent or 0) >= BUSY_REFERRER:
        found.append("busy_referrer")
    return found


def _person(customer: Customer | None, name: str | None = None, mobile: str | None = None) -> dict[str, Any]:
    if customer is None:
        return {"id": None, "name": name or "", "mobile": mobile or "", "email": "", "address": ""}
    return {"id": customer.id, "name": customer.person_name or customer.company_name or "",
            "mobile": customer.mobile or customer.phone or "", "email": customer.email or "",
            "address": customer.address or ""}


def review_facts(session: Session, referral: Referral) -> dict[str, Any]:
    """What the approver sees: both people (name, mobile, e-mail, address), the purchases in the window,
    and the referrer's earlier referrals with their outcomes (newest first)."""
    referrer = fetch(session, Customer, referral.referrer_id, "customer")
    referred = session.get(Customer, referral.referred_customer_id) if referral.referred_customer_id else None
    bought = [] if referred is None or referral.qualified_at is None else session.scalars(
        select(Purchase).where(Purchase.customer_id == referred.id, Purchase.purchased_at >= referral.qualified_at)
        .order_by(Purchase.purchased_at))
    earlier = session.scalars(select(Referral).where(Referral.referrer_id == referrer.id, Referral.id != referral.id)
                              .order_by(Referral.id.desc()).limit(EARLIER_SHOWN))
    return {
        "referrer": _person(referrer), "referred": _person(referred, referral.referred_name, referral.referred_mobile),
        "purchases": [{"id": p.id, "amount": p.amount, "date": p.purchased_at.date().isoformat(),
                       "channel": p.channel, "reference": p.reference or ""} for p in bought],
        "earlier_referrals": [{"id": r.id, "referred_name": r.referred_name, "status": r.status,
                               "reason": r.reject_reason or "", "date": r.created_at.date().isoformat()}
                              for r in earlier],
    }
