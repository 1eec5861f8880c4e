"""referral_rewards, path by path, together with the lead_qualification instance it starts: on both
databases, one committed transaction a step, with Persian and English referrers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm import loyalty, reports
from crm.customers import create_customer
from crm.models import Customer, Lead, LoyaltyAccount, Notification, Purchase, Referral, ReferralAttempt, Voucher
from crm.purchases import record_purchase
from engine.store.models import JournalEntry
from tests.processes.conftest import Flow

DISQUALIFY = {"outcome": "disqualified", "reason": "no_need", "reason_comment": "only browsing"}


def _referrer(flow: Flow, tier: str | None = None, *, locale: str = "fa", name: str = "نرگس موسوی",
              mobile: str = "09120000001", address: str | None = None) -> Customer:
    customer, _ = flow.write(lambda ctx: create_customer(ctx, {
        "kind": "person", "person_name": name, "mobile": mobile, "status": "actual", "locale": locale,
        "address": address}))
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


def _send(flow: Flow, customer_id: int, **variables) -> None:
    """What POST /customers/{id}/purchases sends (the referral_purchase message is internal)."""
    flow(lambda s: flow.engine.correlate(s, "referral_purchase", correlation={"referred_customer_id": customer_id},
                                         variables=variables))


def _buy(flow: Flow, customer_id: int, amount: int) -> int:
    purchase = flow.write(lambda ctx: record_purchase(ctx, customer_id, amount=amount))
    _send(flow, customer_id, purchase_id=purchase.id, purchase_amount=amount)
    return purchase.id


def _referral(flow: Flow, instance_id: str) -> Referral:
    return flow.records(lambda s: s.get(Referral, flow.instance(instance_id).variables["referral_id"]))


def _messages(flow: Flow, template: str) -> list[Notification]:
    return flow.records(lambda s: list(s.scalars(select(Notification).where(Notification.template == template))))


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_small_purchases_add_up_and_the_referrer_earns_points(flow: Flow, locale: str):
    referrer = _referrer(flow, "silver", locale=locale)
    instance_id = _refer(flow, referrer)
    assert flow.instance(instance_id).active_elements == ["lead_outcome"]
    assert flow.instance(flow.instance(instance_id).variables["lead_instance_id"]).variables["referral_note"] is None
    assert _referral(flow, instance_id).status == "lead"
    customer_id = _qualify_lead(flow, instance_id)
    assert flow.instance(instance_id).active_elements == ["await_purchase", "purchase_deadline"]
    deadline = flow.due(instance_id)
    assert deadline[0] - _referral(flow, instance_id).qualified_at == timedelta(days=90)
    _buy(flow, customer_id, 3_000_000)  # too small alone: still waiting, the deadline did not move (R6)
    assert "await_purchase" in flow.instance(instance_id).active_elements
    assert flow.due(instance_id) == deadline
    _buy(flow, customer_id, 2_500_000)  # 5.5 M in the window: qualifies
    done = flow.instance(instance_id)
    assert done.state == "completed" and done.variables["reward_value"] == 2000
    assert done.variables["purchase_amount"] == 5_500_000
    referral = _referral(flow, instance_id)
    assert (referral.status, referral.reward_kind, referral.purchase_total) == ("rewarded", "points", 5_500_000)
    assert flow.records(lambda s: s.get(LoyaltyAccount, referrer.id).points) == 2000
    [thanked] = _messages(flow, "referral_rewarded")
    assert thanked.recipient == "+989120000001"
    assert ("۲٬۰۰۰" if locale == "fa" else "2,000") in thanked.body


def test_a_bare_or_forged_purchase_message_rewards_nothing(flow: Flow):
    """R1: only a purchase on record for the referred customer, inside the window, counted once."""
    referrer = _referrer(flow)
    before = _referrer(flow, name="Other Buyer", mobile="09120000077")
    instance_id = _refer(flow, referrer)
    old = flow.write(lambda ctx: record_purchase(ctx, before.id, amount=90_000_000))
    customer_id = _qualify_lead(flow, instance_id)
    _send(flow, customer_id, purchase_amount=50_000_000)  # no purchase at all
    _send(flow, customer_id, purchase_id=old.id, purchase_amount=90_000_000)  # another customer's purchase
    _send(flow, customer_id, purchase_id=10**9)
    small = _buy(flow, customer_id, 1_000_000)
    _send(flow, customer_id, purchase_id=small, purchase_amount=80_000_000)  # the same purchase again
    instance = flow.instance(instance_id)
    assert instance.state == "running" and "await_purchase" in instance.active_elements
    assert instance.variables["purchase_amount"] == 1_000_000
    refused = flow.journal("referral.purchase_refused", instance_id)
    assert len(refused) == 4 and "counted already" in refused[-1].data["reason"]
    assert _referral(flow, instance_id).status == "lead"
    assert flow.records(lambda s: s.get(LoyaltyAccount, referrer.id).points) == 0


def test_gold_reward_is_reviewed_with_both_people_and_earlier_referrals(flow: Flow):
    referrer = _referrer(flow, tier="gold", address="تهران، خیابان ولیعصر، پلاک ۱۲")
    first = _refer(flow, referrer, referred_name="Leila Ahmadi", referred_mobile="09125550001")
    flow.work(flow.instance(first).variables["lead_instance_id"], "call", "reza", DISQUALIFY)
    instance_id = _refer(flow, referrer)
    customer_id = _qualify_lead(flow, instance_id)
    _buy(flow, customer_id, 80_000_000)
    assert flow.open_elements(instance_id) == ["approve_reward"]
    data = flow.instance(instance_id).variables
    assert data["referrer"]["name"] == "نرگس موسوی" and data["referrer"]["address"].startswith("تهران")
    assert data["referred"]["mobile"] == "+989127654321" and data["referred"]["id"] == customer_id
    assert [p["amount"] for p in data["purchases"]] == [80_000_000]
    assert [(r["referred_name"], r["status"]) for r in data["earlier_referrals"]] == [("Leila Ahmadi", "expired")]
    flow.work(instance_id, "approve_reward", "mina", {"reward_decision": "approve"})
    assert flow.records(lambda s: s.get(LoyaltyAccount, referrer.id).points) == 3000


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_declined_as_fraud(flow: Flow, locale: str):
    """R3: declined with the reason, no conversion in the report, the referrer told in their language."""
    referrer = _referrer(flow, tier="gold", locale=locale)
    instance_id = _refer(flow, referrer)
    _buy(flow, _qualify_lead(flow, instance_id), 80_000_000)
    flow.work(instance_id, "approve_reward", "mina", {"reward_decision": "decline",
                                                      "reward_comment": "برادر معرف، همان نشانی"})
    assert flow.instance(instance_id).state == "completed"
    referral = _referral(flow, instance_id)
    assert (referral.status, referral.reject_reason) == ("declined", "برادر معرف، همان نشانی")
    assert referral.declined_at is not None and referral.reward_kind is None
    report = flow.records(lambda s: reports.referrals(s))
    assert (report["referrals"], report["conversions"], report["rewards"]) == (1, 0, 0)
    [told] = _messages(flow, "referral_declined")
    assert told.recipient == "+989120000001" and "Sam Lee" in told.body
    assert ("پاداشی" in told.body) if locale == "fa" else ("no reward" in told.body), told.body
    assert "برادر" not in told.body  # the reviewer's reason stays internal
    assert flow.records(lambda s: s.get(LoyaltyAccount, referrer.id).points) == 0


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_a_discount_reward_is_a_voucher_told_by_its_code(flow: Flow, locale: str):
    """R5: the gold referrer's 15 % becomes a voucher; the SMS gives its code, never "0 points"."""
    referrer = _referrer(flow, tier="gold", locale=locale)
    instance_id = _refer(flow, referrer)
    _buy(flow, _qualify_lead(flow, instance_id), 600_000_000)
    flow.work(instance_id, "approve_reward", "mina", {"reward_decision": "approve"})
    voucher = flow.records(lambda s: s.scalars(select(Voucher)).one())
    assert (voucher.customer_id, voucher.kind, voucher.value) == (referrer.id, "percent", 15)
    assert voucher.referral_id == _referral(flow, instance_id).id and voucher.redeemed_at is None
    assert flow.instance(instance_id).variables["voucher_code"] == voucher.code
    assert _messages(flow, "referral_rewarded") == []
    [told] = _messages(flow, "referral_voucher")
    assert voucher.code in told.body and ("۱۵٪" in told.body if locale == "fa" else "15%" in told.body)
    assert "0 " not in told.body.replace(voucher.code, "") and "۰ امتیاز" not in told.body
    bought = flow.write(lambda ctx: record_purchase(ctx, referrer.id, amount=10_000_000, voucher_code=voucher.code))
    assert (bought.amount, bought.discount, bought.voucher_id) == (8_500_000, 1_500_000, voucher.id)


def test_a_small_reward_that_looks_wrong_goes_to_review(flow: Flow):
    """A bronze referrer's reward is small, but the referred person shares the family name and address."""
    referrer = _referrer(flow, address="Isfahan, Chahar Bagh 5", name="Ali Rahimi", locale="en")
    instance_id = _refer(flow, referrer, referred_name="Reza Rahimi")

    def same_address(ctx):
        customer = ctx.session.scalars(select(Customer).where(Customer.mobile == "+989127654321")).one()
        ctx.change(customer, "customer", {"address": "isfahan chahar bagh 5"})

    customer_id = _qualify_lead(flow, instance_id)
    flow.write(same_address)
    _buy(flow, customer_id, 10_000_000)
    assert flow.open_elements(instance_id) == ["approve_reward"]
    variables = flow.instance(instance_id).variables
    assert variables["review_reasons"] == ["same_address", "same_family_name"]
    assert variables["needs_approval"] is False and variables["needs_review"] is True


def test_self_referral_by_message_is_refused_and_recorded(flow: Flow):
    referrer = _referrer(flow)
    flow.deploy("lead_qualification", "referral_rewards")
    delivery = flow(lambda s: flow.engine.correlate(s, "referral_received", variables={
        "code": referrer.referral_code, "referred_name": "نرگس موسوی", "referred_mobile": "09120000001"}))
    done = flow.instance(delivery.instance_ids[0])
    assert done.state == "completed" and done.variables["refused"] is True
    assert "themselves" in done.variables["refusal"] and done.variables["refusal_reason"] == "self_referral"
    attempt = flow.records(lambda s: s.scalars(select(ReferralAttempt)).one())
    assert (attempt.channel, attempt.outcome, attempt.reason, attempt.referrer_id) == (
        "message", "refused", "self_referral", referrer.id)


def test_lead_disqualified_then_referral_lapses(flow: Flow):
    instance_id = _refer(flow, _referrer(flow), note=" بعد از ساعت ۵ تماس بگیرید ")
    lead_instance = flow.instance(instance_id).variables["lead_instance_id"]
    assert flow.instance(lead_instance).variables["referral_note"] == "بعد از ساعت ۵ تماس بگیرید"  # on the call
    flow.work(lead_instance, "call", "reza", DISQUALIFY)
    assert flow.instance(instance_id).state == "completed"
    referral = _referral(flow, instance_id)
    assert referral.status == "expired" and "disqualified" in referral.reject_reason


@pytest.mark.parametrize("outcome", ["qualified", "disqualified"])
def test_a_lapsed_referral_never_breaks_its_lead(flow: Flow, outcome: str):
    """R2: the 60-day window lapses while the lead is open; qualifying or disqualifying it still completes."""
    instance_id = _refer(flow, _referrer(flow))
    lead_instance = flow.instance(instance_id).variables["lead_instance_id"]
    assert flow.later(instance_id, days=61) == 1
    assert flow.instance(instance_id).state == "completed"
    assert _referral(flow, instance_id).reject_reason == "not qualified in time"
    data = DISQUALIFY if outcome == "disqualified" else {
        "outcome": "qualified", "opportunity_title": "فروش نرم‌افزار", "amount": 100_000_000}
    flow.work(lead_instance, "call", "reza", data)
    lead = flow.instance(lead_instance)
    assert lead.state == "completed"
    assert flow.records(lambda s: s.scalars(select(Lead.status).where(
        Lead.process_instance_id == lead_instance)).one()) == outcome
    assert _referral(flow, instance_id).status == "expired"
    with flow.db.sessions() as s:
        assert s.scalar(select(JournalEntry).where(JournalEntry.kind == "incident.raised")) is None


def test_no_purchase_in_time(flow: Flow):
    instance_id = _refer(flow, _referrer(flow))
    customer_id = _qualify_lead(flow, instance_id)
    _buy(flow, customer_id, 1_000_000)
    assert flow.later(instance_id, days=91) == 1
    referral = _referral(flow, instance_id)
    assert referral.status == "expired" and referral.reject_reason == "no qualifying purchase in time"
    assert flow.records(lambda s: s.scalar(select(Purchase.amount))) == 1_000_000
