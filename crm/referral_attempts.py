"""Every try to refer someone, accepted or refused at intake, with who tried (the referrer, when the code is
known), the code as typed, the person named, the channel (staff, portal, message) and the refusal's reason:
``self_referral``, ``existing_customer``, ``already_referred``, ``unknown_code`` or ``invalid``.

The caller records a refused attempt in a transaction of its own (the refusal rolls the referral back),
so ``refer_or_refuse`` returns the refusal instead of raising it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.customers import find_customer_by_referral_code
from crm.errors import CrmError, InvalidRecord
from crm.models import Customer, Referral, ReferralAttempt
from crm.referrals import Refusal, refer
from crm.unit import Ctx
from crm.validation import fetch, page

CHANNELS = ("staff", "portal", "message")
OUTCOMES = ("accepted", "refused")
REASONS = ("self_referral", "existing_customer", "already_referred", "unknown_code", "invalid")


def reason_of(refusal: CrmError) -> str:
    """The reason key of an intake refusal."""
    if isinstance(refusal, Refusal):
        return refusal.reason
    if isinstance(refusal, InvalidRecord) and "code" in refusal.field_errors:  # whatever else was wrong
        return "unknown_code"
    return "invalid"


def _cut(value: Any, size: int) -> str | None:
    return value.strip()[:size] or None if isinstance(value, str) else None


def record(ctx: Ctx, data: Mapping[str, Any], *, channel: str, referral: Referral | None = None,
           refusal: CrmError | None = None) -> ReferralAttempt:
    """Record one attempt: ``referral`` when it was accepted, else ``refusal``."""
    referrer = find_customer_by_referral_code(ctx.session, data.get("code"))
    attempt = ReferralAttempt(
        at=utcnow(), channel=channel, code=_cut(data.get("code"), 32), referrer_id=referrer.id if referrer else None,
        referred_name=_cut(data.get("referred_name"), 255), referred_mobile=_cut(data.get("referred_mobile"), 40),
        referred_email=_cut(data.get("referred_email"), 255), outcome="refused" if refusal else "accepted",
        reason=reason_of(refusal) if refusal else None, detail=refusal.message[:2000] if refusal else None,
        referral_id=referral.id if referral else None, by=ctx.actor)
    return ctx.add(attempt, "referral_attempt")


def refer_or_refuse(ctx: Ctx, data: Mapping[str, Any], *, channel: str,
                    process_instance_id: str | None = None) -> Referral | CrmError:
    """``crm.referrals.refer`` with the attempt recorded: the referral, or the refusal (nothing else written
    but the attempt)."""
    try:
        referral = refer(ctx, code=str(data.get("code") or ""), referred_name=data.get("referred_name"),
                         referred_mobile=data.get("referred_mobile"), referred_email=data.get("referred_email"),
                         note=data.get("note"), process_instance_id=process_instance_id)
    except (Refusal, InvalidRecord) as refusal:
        record(ctx, data, channel=channel, refusal=refusal)
        return refusal
    record(ctx, data, channel=channel, referral=referral)
    return referral


def attempts(session: Session, *, referrer_id: int | None = None, outcome: str | None = None,
             reason: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[ReferralAttempt], int]:
    """A page of attempts, newest first, and the total."""
    query = select(ReferralAttempt)
    if referrer_id is not None:
        query = query.where(ReferralAttempt.referrer_id == referrer_id)
    if outcome:
        query = query.where(ReferralAttempt.outcome == outcome)
    if reason:
        query = query.where(ReferralAttempt.reason == reason)
    return page(session, query.order_by(ReferralAttempt.id.desc()), limit, offset)


def counts(session: Session, referrer_id: int) -> dict[str, Any]:
    """How often the customer tried to refer: in all, accepted, refused, and refused by reason."""
    fetch(session, Customer, referrer_id, "customer")
    rows = session.execute(select(ReferralAttempt.outcome, ReferralAttempt.reason, func.count())
                           .where(ReferralAttempt.referrer_id == referrer_id)
                           .group_by(ReferralAttempt.outcome, ReferralAttempt.reason)).all()
    by_reason = {reason: int(n) for outcome, reason, n in rows if outcome == "refused"}
    accepted = sum(int(n) for outcome, _, n in rows if outcome == "accepted")
    refused = sum(by_reason.values())
    return {"referrer_id": referrer_id, "attempts": accepted + refused, "accepted": accepted, "refused": refused,
            "refused_by_reason": {r: by_reason.get(r, 0) for r in REASONS}}
