"""Referrals: referring (and the refusals: unknown code, self-referral, an existing customer, a person
already referred), linking the lead, the purchase, the reward (loyalty points) and expiry; on both
databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from crm import leads, loyalty, referral_attempts, referral_checks, referrals
from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound, Rejected
from crm.purchases import record_purchase
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


@pytest.fixture
def referrer(world: World) -> referrals.Customer:
    return world.customer("مریم رضایی", mobile="09121110000", email="maryam@example.com")


def _refer(world: World, referrer: referrals.Customer, **extra: str) -> referrals.Referral:
    data = {"referred_name": "Reza Tehrani", "referred_mobile": "09125550000", **extra}
    return referrals.refer(world.ctx(), code=referrer.referral_code, **data)


def test_refer(world: World, referrer):
    typed = "-".join([referrer.referral_code[:4].lower(), referrer.referral_code[4:]])  # lower case, a dash
    referral = referrals.refer(world.ctx(), code=typed, referred_name=" Reza  Tehrani ",
                               referred_mobile="۰۹۱۲ ۵۵۵ ۰۰۰۰", referred_email="Reza@Example.com")
    world.session.commit()
    assert (referral.status, referral.referrer_id, referral.code) == ("pending", referrer.id, referrer.referral_code)
    assert (referral.referred_name, referral.referred_mobile, referral.referred_email) == (
        "Reza Tehrani", "+989125550000", "reza@example.com")
    noted = referrals.refer(world.ctx(), code=referrer.referral_code, referred_name="Sara Karimi",
                            referred_email="sara@example.com", note="  after 5 pm, please\nnot on Fridays ")
    assert noted.note == "after 5 pm, please\nnot on Fridays" and referral.note is None
    assert world.entries("crm.referral.created")[0]["fields"]["referrer_id"] == referrer.id


def test_unknown_code_and_bad_fields(world: World, referrer):
    for code in ("NOSUCHCD", "", None, "x" * 100):
        with pytest.raises(InvalidRecord) as refused:
            referrals.refer(world.ctx(), code=code, referred_name="Reza", referred_mobile="09125550000")  # type: ignore[arg-type]
        assert set(refused.value.field_errors) == {"code"}
    with pytest.raises(InvalidRecord) as everything:  # an unknown code and the details' problems, in one answer
        referrals.refer(world.ctx(), code="NOSUCHCD", referred_name="", referred_mobile="0912", note="x" * 2001)
    assert set(everything.value.field_errors) == {"code", "referred_name", "referred_mobile", "note"}
    assert referral_attempts.reason_of(everything.value) == "unknown_code"
    with pytest.raises(InvalidRecord) as bad:
        referrals.refer(world.ctx(), code=referrer.referral_code, referred_name="", referred_email="nope")
    assert set(bad.value.field_errors) == {"referred_name", "referred_email"}
    with pytest.raises(InvalidRecord) as unreachable:
        referrals.refer(world.ctx(), code=referrer.referral_code, referred_name="Reza")
    assert set(unreachable.value.field_errors) == {"referred_mobile"}


@pytest.mark.parametrize("who", [
    {"referred_name": "Someone", "referred_mobile": "0912 111 0000"},  # the referrer's own mobile
    {"referred_name": "Someone", "referred_email": "MARYAM@example.com"},  # own email, other case
    {"referred_name": "مريم رضايي", "referred_mobile": "09129990000"},  # own name, Arabic letters
])
def test_self_referral_is_rejected(world: World, referrer, who):
    with pytest.raises(Rejected, match="themselves"):
        referrals.refer(world.ctx(), code=referrer.referral_code, **who)
    assert world.entries("crm.referral.created") == []


def test_an_existing_customer_is_rejected(world: World, referrer):
    world.customer("Reza Tehrani", mobile="09125550000")
    with pytest.raises(Rejected, match="already a customer"):
        _refer(world, referrer)


def test_the_same_person_twice_while_pending_is_rejected(world: World, referrer):
    first = _refer(world, referrer)
    other = world.customer("Nima", mobile="09127770000")
    with pytest.raises(Rejected, match="already been referred"):
        _refer(world, other, referred_name="R. Tehrani")  # another referrer, the same mobile
    with pytest.raises(Rejected, match="already been referred"):
        _refer(world, referrer, referred_mobile="09126660000")  # the same referrer, the same name
    referrals.expire(world.ctx(), first.id, "no answer")
    assert _refer(world, other).status == "pending"  # once expired, the person may be referred again


def test_lead_purchase_reward_points(world: World, referrer):
    referral = _refer(world, referrer)
    lead = leads.capture_lead(world.ctx(), {"person_name": "Reza Tehrani", "mobile": "09125550000",
                                            "source": "referral", "referral_id": referral.id})
    with pytest.raises(RecordNotFound):
        referrals.link_lead(world.ctx(), referral.id, 999)
    referrals.link_lead(world.ctx(), referral.id, lead.id)
    assert (referral.status, referral.lead_id) == ("lead", lead.id)
    with pytest.raises(RecordConflict):
        referrals.link_lead(world.ctx(), referral.id, lead.id)
    with pytest.raises(RecordConflict, match="purchased"):
        referrals.reward(world.ctx(), referral.id, kind="points", value=100)
    buyer = world.customer("Reza Tehrani")
    purchase = record_purchase(world.ctx(), buyer.id, amount=10_000_000)
    referrals.mark_purchased(world.ctx(), referral.id, purchase_id=purchase.id, customer_id=buyer.id)
    assert (referral.status, referral.purchase_id, referral.referred_customer_id) == ("purchased", purchase.id,
                                                                                      buyer.id)
    with pytest.raises(InvalidRecord) as bad:
        referrals.reward(world.ctx(), referral.id, kind="cash", value=0)
    assert set(bad.value.field_errors) == {"kind", "value"}
    referrals.reward(world.ctx("system"), referral.id, kind="points", value=500)
    world.session.commit()
    assert (referral.status, referral.reward_kind, referral.reward_value) == ("rewarded", "points", 500)
    assert referral.rewarded_at is not None
    assert loyalty.account(world.session, referrer.id).points == 500
    entry = loyalty.ledger(world.session, referrer.id)[0]
    assert (entry.points, entry.referral_id) == (500, referral.id)
    assert world.changes("referral", referral.id)[-1]["status"] == ["purchased", "rewarded"]
    with pytest.raises(RecordConflict):
        referrals.expire(world.ctx(), referral.id, "too late")


def test_discount_reward_touches_no_points(world: World, referrer):
    referral = _refer(world, referrer)
    with pytest.raises(RecordNotFound):
        referrals.mark_purchased(world.ctx(), referral.id, purchase_id=None, customer_id=999)
    referrals.mark_purchased(world.ctx(), referral.id, purchase_id=None, customer_id=None)
    with pytest.raises(InvalidRecord):
        referrals.reward(world.ctx(), referral.id, kind="discount", value=150)
    referrals.reward(world.ctx(), referral.id, kind="discount", value=15)
    assert (referral.reward_kind, referral.reward_value) == ("discount", 15)
    assert loyalty.account(world.session, referrer.id).points == 0


def test_expire_and_lookups(world: World, referrer):
    referral = _refer(world, referrer)
    with pytest.raises(InvalidRecord):
        referrals.expire(world.ctx(), referral.id, " ")
    referrals.expire(world.ctx(), referral.id, "no purchase within 90 days")
    assert (referral.status, referral.reject_reason) == ("expired", "no purchase within 90 days")
    with pytest.raises(RecordConflict, match="expired"):
        referrals.mark_purchased(world.ctx(), referral.id, purchase_id=None, customer_id=None)
    with pytest.raises(RecordNotFound):
        referrals.mark_purchased(world.ctx(), 999, purchase_id=None, customer_id=None)
    second = _refer(world, referrer, referred_name="Leila", referred_mobile="09124440000")
    world.session.commit()
    assert referrals.list_referrals(world.session) == ([second, referral], 2)
    assert referrals.list_referrals(world.session, status="expired") == ([referral], 1)
    assert referrals.list_referrals(world.session, referrer_id=referrer.id, limit=1) == ([second], 2)
    assert referrals.get_referral(world.session, second.id) is second


def test_decline_keeps_the_reason_and_is_not_a_conversion(world: World, referrer):
    referral = _refer(world, referrer)
    with pytest.raises(RecordConflict, match="pending"):
        referrals.decline(world.ctx(), referral.id, "fraud")
    referrals.mark_purchased(world.ctx(), referral.id, purchase_id=None, customer_id=None)
    with pytest.raises(InvalidRecord):
        referrals.decline(world.ctx(), referral.id, "  ")
    referrals.decline(world.ctx("mina"), referral.id, "برادر معرف با همان نشانی")
    world.session.commit()
    assert (referral.status, referral.reject_reason) == ("declined", "برادر معرف با همان نشانی")
    assert referral.declined_at is not None
    assert referrals.list_referrals(world.session, status="declined") == ([referral], 1)
    with pytest.raises(RecordConflict):
        referrals.reward(world.ctx(), referral.id, kind="points", value=100)


def test_every_attempt_is_recorded_and_counted_per_referrer(world: World, referrer):
    tries = [{"referred_name": "Someone", "referred_mobile": "09121110000"},  # self
             {"referred_name": "Reza Tehrani", "referred_mobile": "09125550000"},  # accepted
             {"referred_name": "R. Tehrani", "referred_mobile": "09125550000"}]  # already referred
    outcomes = [referral_attempts.refer_or_refuse(world.ctx(), {"code": referrer.referral_code, **t},
                                                  channel="portal") for t in tries]
    unknown = referral_attempts.refer_or_refuse(world.ctx(), {"code": "NOSUCHCD", "referred_name": "X"},
                                                channel="staff")
    world.session.commit()
    assert [referral_attempts.reason_of(o) for o in (outcomes[0], outcomes[2], unknown)] == [
        "self_referral", "already_referred", "unknown_code"]
    assert "خودش" in outcomes[0].message and "themselves" in outcomes[0].message
    found, total = referral_attempts.attempts(world.session)
    assert total == 4 and [(a.outcome, a.reason, a.channel) for a in found] == [
        ("refused", "unknown_code", "staff"), ("refused", "already_referred", "portal"),
        ("accepted", None, "portal"), ("refused", "self_referral", "portal")]
    assert found[0].referrer_id is None and found[0].code == "NOSUCHCD"
    assert found[2].referral_id == outcomes[1].id and found[2].by == "alice"
    counts = referral_attempts.counts(world.session, referrer.id)
    assert (counts["attempts"], counts["accepted"], counts["refused"]) == (3, 1, 2)
    assert counts["refused_by_reason"]["self_referral"] == 1 and counts["refused_by_reason"]["unknown_code"] == 0
    assert referral_attempts.attempts(world.session, referrer_id=referrer.id, outcome="refused")[1] == 2


def test_a_purchase_counts_only_if_it_is_on_record_in_the_window(world: World, referrer):
    referral = _refer(world, referrer)
    buyer = world.customer("Reza Tehrani")
    early = record_purchase(world.ctx(), buyer.id, amount=9_000_000)
    early.purchased_at = utcnow() - timedelta(days=1)
    referrals.qualified(world.ctx(), referral.id, buyer.id)
    other = record_purchase(world.ctx(), referrer.id, amount=7_000_000)
    first = record_purchase(world.ctx(), buyer.id, amount=3_000_000)
    for purchase_id, why in ((None, "no purchase"), (10**9, "no purchase"), (True, "no purchase"),
                             (other.id, "no purchase"), (early.id, "before the referred lead qualified"),
                             (first.id, "counted already")):
        with pytest.raises(Rejected, match=why):
            referral_checks.take_purchase(world.session, referral, purchase_id, [first.id])
    second = record_purchase(world.ctx(), buyer.id, amount=4_000_000)
    assert referral_checks.take_purchase(world.session, referral, second.id, [first.id]) == 7_000_000


def test_signs_of_fraud_and_the_review_facts(world: World):
    referrer = world.customer("Ali Rahimi", mobile="09121234000", address="Tehran, Vali-e Asr 12")
    for n in range(4):
        _refer(world, referrer, referred_name=f"Friend {n}", referred_mobile=f"0912777000{n}")
    referral = _refer(world, referrer, referred_name="Reza Rahimi", referred_mobile="09125550000")
    assert referral_checks.suspicions(world.session, referral) == ["same_family_name", "busy_referrer"]
    buyer = world.customer("Reza Rahimi", mobile="09125550000", address="tehran vali e asr 12")
    referrals.qualified(world.ctx(), referral.id, buyer.id)
    record_purchase(world.ctx(), buyer.id, amount=12_000_000, reference="INV-7")
    assert referral_checks.suspicions(world.session, referral)[0] == "same_address"
    facts = referral_checks.review_facts(world.session, referral)
    assert facts["referrer"]["address"] == "Tehran, Vali-e Asr 12" and facts["referred"]["id"] == buyer.id
    assert [(p["amount"], p["reference"]) for p in facts["purchases"]] == [(12_000_000, "INV-7")]
    assert [r["referred_name"] for r in facts["earlier_referrals"]] == [f"Friend {n}" for n in (3, 2, 1, 0)]
