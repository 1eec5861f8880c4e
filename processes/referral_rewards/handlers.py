"""Service tasks of ``referral_rewards``: check the referral, hand the person to lead_qualification, then,
once qualified, add up the referred customer's recorded purchases in the window fixed at qualification and
reward the referrer (points, or a discount voucher), after a manager's review when the reward is large or
something looks wrong. A purchase message counts only for a purchase on record (``crm.referral_checks``)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from crm import loyalty, referral_attempts, referral_checks, referrals
from crm.customers import get_customer
from crm.errors import InvalidRecord, Rejected
from crm.models import Lead, Referral, Voucher
from crm.unit import Ctx
from engine.runtime.services import HandlerRegistry, ServiceCall
from processes import records
from processes.common import ctx_of, need
from processes.notices import tell_customer

LEAD_PROCESS = "lead_qualification"
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def _referral(ctx: Ctx, variables: dict[str, Any]) -> Referral:
    return referrals.get_referral(ctx.session, int(need(variables, "referral_id")))


def _duration(text: Any, name: str) -> timedelta:
    """``P90D``, ``P12W``, ``PT36H`` (weeks, days, hours, minutes) as a timedelta."""
    found = _DURATION.match(str(text or "").strip().strip("'\""))
    if not found or not any(found.groups()):
        raise InvalidRecord(f"{name}: an ISO 8601 duration such as P90D", {name: ["e.g. P90D"]})
    weeks, days, hours, minutes = (int(g or 0) for g in found.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)


def register_referral(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Take the referral the API recorded, or record one from the message (the attempt is recorded either
    way); a refusal ends the process with its reason."""
    ctx = ctx_of(call)
    if variables.get("referral_id"):
        referral = _referral(ctx, variables)
    else:
        outcome = referral_attempts.refer_or_refuse(ctx, variables, channel="message",
                                                    process_instance_id=call.instance_id)
        if not isinstance(outcome, Referral):
            reason = referral_attempts.reason_of(outcome)
            call.record("referral.refused", {"code": variables.get("code"), "reason": reason,
                                             "detail": outcome.message})
            return {"refused": True, "refusal": outcome.message, "refusal_reason": reason}
        referral = outcome
    if referral.process_instance_id is None:
        ctx.change(referral, "referral", {"process_instance_id": call.instance_id})
    call.set_record(records.referral_record(ctx.session, referral))
    return {"refused": False, "referral_id": referral.id, "referrer_id": referral.referrer_id}


def start_lead(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The referred person becomes a lead, qualified by the sales team like any other; the caller sees the
    referrer's note."""
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    lead_instance = call.start_process(LEAD_PROCESS, business_key=f"lead-for-referral-{referral.id}", variables={
        "person_name": referral.referred_name, "mobile": referral.referred_mobile,
        "email": referral.referred_email, "source": "referral", "referral_id": referral.id,
        "referral_note": referral.note})  # the referrer's note (e.g. when to call), shown on the call
    lead_id = ctx.session.scalar(select(Lead.id).where(Lead.process_instance_id == lead_instance))
    referrals.link_lead(ctx, referral.id, need({"lead_id": lead_id}, "lead_id"))
    return {"lead_id": lead_id, "lead_instance_id": lead_instance, "source": "referral"}


def lead_qualified(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The purchase window opens now and closes at ``purchase_due``, whatever is bought meanwhile."""
    ctx = ctx_of(call)
    referral = referrals.qualified(ctx, int(need(variables, "referral_id")),
                                   int(need(variables, "referred_customer_id")))
    due = referral.qualified_at + _duration(need(variables, "purchase_within"), "purchase_within")
    return {"purchase_due": due.isoformat(), "counted_purchases": [], "purchase_amount": 0}


def take_purchase(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A purchase arrived: counted if it is on record for the referred customer, inside the window and not
    counted before; ``purchase_amount`` becomes the window's total. A message without such a purchase
    changes nothing (journaled ``referral.purchase_refused``) and the referral waits on."""
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    counted = [int(i) for i in variables.get("counted_purchases") or []]
    purchase_id = variables.get("purchase_id")
    try:
        total = referral_checks.take_purchase(ctx.session, referral, purchase_id, counted)
    except Rejected as refusal:
        call.record("referral.purchase_refused", {"purchase_id": purchase_id, "reason": refusal.message})
        return {"purchase_ok": False, "purchase_refusal": refusal.message,
                "purchase_amount": referral_checks.window_total(ctx.session, referral)}
    return {"purchase_ok": True, "purchase_refusal": None, "purchase_amount": total,
            "counted_purchases": [*counted, int(purchase_id)]}


def referrer_tier(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    ctx = ctx_of(call)
    return {"referrer_tier": loyalty.account(ctx, _referral(ctx, variables).referrer_id).tier}


def purchased(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The window's total qualifies: the referral is ``purchased``; what a reviewer needs is gathered, and
    signs of fraud (``review_reasons``) send even a small reward to review."""
    ctx = ctx_of(call)
    referral = referrals.mark_purchased(ctx, int(need(variables, "referral_id")),
                                        purchase_id=int(need(variables, "purchase_id")),
                                        customer_id=int(need(variables, "referred_customer_id")),
                                        total=int(need(variables, "purchase_amount")))
    reasons = referral_checks.suspicions(ctx.session, referral)
    return {**referral_checks.review_facts(ctx.session, referral), "review_reasons": reasons,
            "needs_review": bool(reasons)}


def reward(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    ctx = ctx_of(call)
    referral = referrals.reward(ctx, int(need(variables, "referral_id")), kind=need(variables, "reward_kind"),
                                value=int(need(variables, "reward_value")))
    voucher = ctx.session.scalar(select(Voucher).where(Voucher.referral_id == referral.id))
    return {"voucher_code": voucher.code if voucher else None}


def thank(variables: dict[str, Any], call: ServiceCall) -> None:
    """Points: how many were credited. A discount: the voucher's code, percent and expiry (never "0 points")."""
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    referrer = get_customer(ctx.session, referral.referrer_id)
    if referral.reward_kind == "discount":
        voucher = ctx.session.scalars(select(Voucher).where(Voucher.referral_id == referral.id)).one()
        tell_customer(ctx, call, referrer, template="referral_voucher", params={
            "referred_name": referral.referred_name, "percent": voucher.value, "code": voucher.code,
            "expires": voucher.expires_at})
        return
    tell_customer(ctx, call, referrer, template="referral_rewarded",
                  params={"referred_name": referral.referred_name, "points": referral.reward_value})


def declined(variables: dict[str, Any], call: ServiceCall) -> None:
    """Refused at review: the referral is ``declined`` with the reviewer's reason; the referrer is told that
    no reward is given (the reason stays internal)."""
    ctx = ctx_of(call)
    referral = referrals.decline(ctx, int(need(variables, "referral_id")), need(variables, "reward_comment"))
    tell_customer(ctx, call, get_customer(ctx.session, referral.referrer_id), template="referral_declined",
                  params={"referred_name": referral.referred_name})


def expire(variables: dict[str, Any], call: ServiceCall) -> None:
    """Lapsed: the lead was disqualified (its reason came with the message), it was not qualified in
    time, or the qualified customer bought too little in time."""
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    if variables.get("lost_reason"):
        reason = f"the referred lead was disqualified: {variables['lost_reason']}"
    else:
        reason = "no qualifying purchase in time" if referral.referred_customer_id else "not qualified in time"
    referrals.expire(ctx, referral.id, reason)


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"referralRegister": register_referral, "referralStartLead": start_lead,
                          "referralLeadQualified": lead_qualified, "referralTakePurchase": take_purchase,
                          "referralReferrerTier": referrer_tier, "referralPurchased": purchased,
                          "referralReward": reward, "referralThank": thank, "referralDeclined": declined,
                          "referralExpire": expire}.items():
        registry.register(name, handler)
