"""What a referral's page adds to the referral: both people's names and how to reach the referrer, the voucher
its reward became, the attempts to refer this person, and the open tasks of its process."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.resources.crm.record_pages import open_tasks
from crm.models import Customer, Referral, ReferralAttempt, Voucher
from crm.opportunities import customer_names
from crm.text import ascii_digits, name_key

ATTEMPTS_SHOWN = 20
ATTEMPTS_READ = 200  # the referrer's latest tries looked through


def names(session: Session, found: list[Referral]) -> list[dict[str, Any]]:
    """Each referral with its referrer's name (the company's, else the person's)."""
    known = customer_names(session, {r.referrer_id for r in found})
    return [{"referral": r, "referrer_name": known.get(r.referrer_id)} for r in found]


def _tail(mobile: str | None) -> str:
    """The last ten digits of a number however it was typed (spaces, Persian digits, +98 or 0)."""
    return "".join(ch for ch in ascii_digits(mobile or "") if ch.isdigit())[-10:]


def _attempts(session: Session, referral: Referral) -> list[ReferralAttempt]:
    """This referral's accepted attempt and the referrer's other tries at the same person (the same mobile however
    typed, e-mail or name), newest first."""
    recent = session.scalars(select(ReferralAttempt).where(or_(
        ReferralAttempt.referral_id == referral.id, ReferralAttempt.referrer_id == referral.referrer_id))
        .order_by(ReferralAttempt.id.desc()).limit(ATTEMPTS_READ))
    mobile, email, key = _tail(referral.referred_mobile), (referral.referred_email or "").lower(), \
        name_key(referral.referred_name)
    return [a for a in recent if a.referral_id == referral.id or (mobile and _tail(a.referred_mobile) == mobile)
            or (email and (a.referred_email or "").strip().lower() == email)
            or (key and name_key(a.referred_name) == key)][:ATTEMPTS_SHOWN]


def detail(session: Session, referral: Referral) -> dict[str, Any]:
    referrer = session.get(Customer, referral.referrer_id)
    voucher = session.scalars(select(Voucher).where(Voucher.referral_id == referral.id).limit(1)).first()
    referred = (customer_names(session, {referral.referred_customer_id}).get(referral.referred_customer_id)
                if referral.referred_customer_id else None)
    return {
        "referrer_name": (referrer.company_name or referrer.person_name) if referrer else None,
        "referrer_mobile": referrer.mobile if referrer else None,
        "referred_customer_name": referred,
        "voucher": voucher, "attempts": _attempts(session, referral),
        "tasks": open_tasks(session, referral.process_instance_id),
    }
