"""Referrals: referring (and the refusals: unknown code, self-referral, an existing customer, a person
already referred), linking the lead, the purchase, the reward (loyalty points) and expiry; on both
databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm import leads, loyalty, referrals
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
    assert world.entries("crm.referral.created")[0]["fields"]["referrer_id"] == referrer.id


def test_unknown_code_and_bad_fields(world: World, referrer):
    for code in ("NOSUCHCD", "", None, "x" * 100):
        with pytest.raises(InvalidRecord) as refused:
            referrals.refer(world.ctx(), code=code, referred_name="Reza")  # type: ignore[arg-type]
        assert set(refused.value.field_errors) == {"code"}
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
