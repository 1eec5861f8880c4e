"""referral_rewards, path by path, together with the lead_qualification instance it starts."""

from __future__ import annotations

from crm import loyalty
from crm.customers import create_customer
from crm.models import Customer, LoyaltyAccount, Notification, Referral
from crm.purchases import record_purchase
from tests.processes.conftest import Flow


def _referrer(flow: Flow, tier: str | None = None) -> Customer:
    customer, _ = flow.write(lambda ctx: create_customer(ctx, {
        "kind": "person", "person_name": "نرگس موسوی", "mobile": "09120000001", "status": "actual"}))
    if tier:
        def set_tier(ctx):
            loyalty.account(ctx, customer.id).tier = tier
        flow.write(set_tier)
    return customer


def _refer(flow: Flow, referrer: Customer, **extra) -> str:
    flow.deploy("lead_qualification", "referral_rewards")
    started = flow.start("referral_rewards", {"code": referrer.referral_code, "referred_name": "Sam Lee",
                                              "referred_mobile": "09127654321", **extra})
    return started.id


def _qualify_lead(flow: Flow, instance_id: str) -> int:
    lead_instance = flow.instance(instance_id).variables["lead_instance_id"]
    flow.work(lead_instance, "call", "reza", {"outcome": "qualified", "opportunity_title": "Referral deal",
                                              "amount": 100_000_000})
    return flow.instance(lead_instance).variables["customer_id"]


def _buy(flow: Flow, customer_id: int, amount: int) -> None:
    purchase = flow.write(lambda ctx: record_purchase(ctx, customer_id, amount=amount))
    flow(lambda s: flow.engine.correlate(s, "referral_purchase", correlation={"referred_customer_id": customer_id},
                                         variables={"purchase_id": purchase.id, "purchase_amount": amount}))


def _referral(flow: Flow, instance_id: str) -> Referral:
    return flow.records(lambda s: s.get(Referral, flow.instance(instance_id).variables["referral_id"]))


def test_referred_lead_qualifies_buys_and_the_referrer_earns_points(flow: Flow):
    referrer = _referrer(flow)
    instance_id = _refer(flow, referrer)
    assert flow.instance(instance_id).active_elements == ["lead_outcome"]
    assert _referral(flow, instance_id).status == "lead"
    customer_id = _qualify_lead(flow, instance_id)
    assert flow.instance(instance_id).active_elements == ["await_purchase", "purchase_deadline"]
    _buy(flow, customer_id, 1_000_000)  # too small: still waiting
    assert "await_purchase" in flow.instance(instance_id).active_elements
    _buy(flow, customer_id, 80_000_000)
    done = flow.instance(instance_id)
    assert done.state == "completed" and done.variables["reward_value"] == 1000
    referral = _referral(flow, instance_id)
    assert referral.status == "rewarded" and referral.reward_kind == "points"
    assert flow.records(lambda s: s.get(LoyaltyAccount, referrer.id).points) == 1000
    thanked = flow.records(lambda s: s.query(Notification).filter_by(template="referral_rewarded").one())
    assert thanked.recipient == "+989120000001"


def test_gold_referrer_reward_needs_a_manager(flow: Flow):
    referrer = _referrer(flow, tier="gold")
    instance_id = _refer(flow, referrer)
    _buy(flow, _qualify_lead(flow, instance_id), 80_000_000)
    assert flow.open_elements(instance_id) == ["approve_reward"]
    flow.work(instance_id, "approve_reward", "mina", {"reward_decision": "approve"})
    assert flow.records(lambda s: s.get(LoyaltyAccount, referrer.id).points) == 3000


def test_declined_reward(flow: Flow):
    referrer = _referrer(flow, tier="gold")
    instance_id = _refer(flow, referrer)
    _buy(flow, _qualify_lead(flow, instance_id), 80_000_000)
    flow.work(instance_id, "approve_reward", "mina", {"reward_decision": "decline", "reward_comment": "fraud"})
    assert flow.instance(instance_id).state == "completed"
    assert "fraud" in _referral(flow, instance_id).reject_reason


def test_self_referral_by_message_is_refused(flow: Flow):
    referrer = _referrer(flow)
    flow.deploy("lead_qualification", "referral_rewards")
    delivery = flow(lambda s: flow.engine.correlate(s, "referral_received", variables={
        "code": referrer.referral_code, "referred_name": "نرگس موسوی", "referred_mobile": "09120000001"}))
    done = flow.instance(delivery.instance_ids[0])
    assert done.state == "completed" and done.variables["refused"] is True
    assert "themselves" in done.variables["refusal"]


def test_lead_disqualified_then_referral_lapses(flow: Flow):
    instance_id = _refer(flow, _referrer(flow))
    lead_instance = flow.instance(instance_id).variables["lead_instance_id"]
    flow.work(lead_instance, "call", "reza", {"outcome": "disqualified", "reason": "only browsing"})
    assert flow.instance(instance_id).state == "completed"
    referral = _referral(flow, instance_id)
    assert referral.status == "expired" and "only browsing" in referral.reject_reason


def test_no_purchase_in_time(flow: Flow):
    instance_id = _refer(flow, _referrer(flow))
    _qualify_lead(flow, instance_id)
    assert flow.later(instance_id, days=91) == 1
    referral = _referral(flow, instance_id)
    assert referral.status == "expired" and referral.reject_reason == "no purchase in time"
