"""Service tasks of ``referral_rewards``: check the referral, hand the person to lead_qualification,
then reward the referrer once the referred customer's first qualifying purchase arrives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crm import loyalty, referrals
from crm.customers import get_customer
from crm.errors import Rejected
from crm.models import Lead, Referral
from crm.unit import Ctx
from engine.services import HandlerRegistry, ServiceCall
from processes.common import ctx_of, need
from processes.notices import tell_customer

LEAD_PROCESS = "lead_qualification"


def _referral(ctx: Ctx, variables: dict[str, Any]) -> Referral:
    return referrals.get_referral(ctx.session, int(need(variables, "referral_id")))


def register_referral(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Record the referral (or take the one the API recorded); a refusal ends the process with its reason."""
    ctx = ctx_of(call)
    if variables.get("referral_id"):
        referral = _referral(ctx, variables)
    else:
        try:
            referral = referrals.refer(ctx, code=str(need(variables, "code")),
                                       referred_name=need(variables, "referred_name"),
                                       referred_mobile=variables.get("referred_mobile"),
                                       referred_email=variables.get("referred_email"),
                                       process_instance_id=call.instance_id)
        except Rejected as refusal:
            call.record("referral.refused", {"code": variables.get("code"), "reason": refusal.message})
            return {"refused": True, "refusal": refusal.message}
    if referral.process_instance_id is None:
        ctx.change(referral, "referral", {"process_instance_id": call.instance_id})
    return {"refused": False, "referral_id": referral.id, "referrer_id": referral.referrer_id}


def start_lead(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The referred person becomes a lead, qualified by the sales team like any other."""
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    lead_instance = call.start_process(LEAD_PROCESS, business_key=f"lead-for-referral-{referral.id}", variables={
        "person_name": referral.referred_name, "mobile": referral.referred_mobile,
        "email": referral.referred_email, "source": "referral", "referral_id": referral.id})
    lead_id = ctx.session.scalar(select(Lead.id).where(Lead.process_instance_id == lead_instance))
    referrals.link_lead(ctx, referral.id, need({"lead_id": lead_id}, "lead_id"))
    return {"lead_id": lead_id, "lead_instance_id": lead_instance, "source": "referral"}


def lead_qualified(variables: dict[str, Any], call: ServiceCall) -> None:
    ctx = ctx_of(call)
    ctx.change(_referral(ctx, variables), "referral",
               {"referred_customer_id": int(need(variables, "referred_customer_id"))})


def referrer_tier(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    return {"referrer_tier": loyalty.account(ctx, referral.referrer_id).tier,
            "purchase_amount": int(need(variables, "purchase_amount"))}


def purchased(variables: dict[str, Any], call: ServiceCall) -> None:
    referrals.mark_purchased(ctx_of(call), int(need(variables, "referral_id")),
                             purchase_id=variables.get("purchase_id"),
                             customer_id=variables.get("referred_customer_id"))


def reward(variables: dict[str, Any], call: ServiceCall) -> None:
    referrals.reward(ctx_of(call), int(need(variables, "referral_id")), kind=need(variables, "reward_kind"),
                     value=int(need(variables, "reward_value")))


def thank(variables: dict[str, Any], call: ServiceCall) -> None:
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    referrer = get_customer(ctx.session, referral.referrer_id)
    points = referral.reward_value if referral.reward_kind == "points" else 0
    tell_customer(ctx, call, referrer, template="referral_rewarded",
                  params={"referred_name": referral.referred_name, "points": points})


def declined(variables: dict[str, Any], call: ServiceCall) -> None:
    ctx = ctx_of(call)
    ctx.change(_referral(ctx, variables), "referral",
               {"reject_reason": f"reward declined: {need(variables, 'reward_comment')}"})


def expire(variables: dict[str, Any], call: ServiceCall) -> None:
    """Lapsed: the lead was disqualified (its reason came with the message), it was not qualified in
    time, or the qualified customer bought nothing in time."""
    ctx = ctx_of(call)
    referral = _referral(ctx, variables)
    if variables.get("lost_reason"):
        reason = f"the referred lead was disqualified: {variables['lost_reason']}"
    else:
        reason = "no purchase in time" if referral.referred_customer_id else "not qualified in time"
    referrals.expire(ctx, referral.id, reason)


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"referralRegister": register_referral, "referralStartLead": start_lead,
                          "referralLeadQualified": lead_qualified, "referralReferrerTier": referrer_tier,
                          "referralPurchased": purchased, "referralReward": reward, "referralThank": thank,
                          "referralDeclined": declined, "referralExpire": expire}.items():
        registry.register(name, handler)
