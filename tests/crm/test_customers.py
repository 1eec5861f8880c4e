"""Customers: creation with normalisation and a duplicates warning, changes journaled with before and
after, search across Persian/Arabic spellings and digit scripts, contacts, purchases, the 360 view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from crm import customers
from crm.errors import InvalidRecord, RecordNotFound
from crm.loyalty import credit
from crm.models import Complaint, Contract, Opportunity, Referral
from crm.purchases import purchases_of, record_purchase
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def test_create_normalises_and_journals(world: World):
    customer, duplicates = customers.create_customer(world.ctx(), {
        "person_name": "  علي   كريمي ", "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "phone": "(021) 8877-6655",
        "email": " Ali@Example.COM ", "interests": "نرم‌افزار، ERP,  ERP", "region": "تهران"})
    world.session.commit()
    assert duplicates == []
    assert (customer.kind, customer.person_name, customer.mobile, customer.phone, customer.email) == (
        "person", "علی کریمی", "+989121234567", "+982188776655", "ali@example.com")
    assert (customer.status, customer.locale, customer.interests) == ("potential", "fa", ["نرم‌افزار", "ERP"])
    assert customer.name_key == "علیکریمی" and customer.created_by == "alice"
    assert len(customer.referral_code) == 8 and customer.referral_code.isalnum()
    created = world.entries("crm.customer.created")
    assert created[0]["id"] == customer.id and created[0]["fields"]["mobile"] == "+989121234567"


def test_kind_and_its_name(world: World):
    company, _ = customers.create_customer(world.ctx(), {"company_name": "شرکت پارس"})
    assert company.kind == "company" and company.name_key == "شرکتپارس"
    both, _ = customers.create_customer(world.ctx(), {"kind": "company", "company_name": "Pars Co",
                                                      "person_name": "Sara Ahmadi", "locale": "EN"})
    assert both.name_key == "parsco|saraahmadi" and both.locale == "en"
    with pytest.raises(InvalidRecord) as no_company:
        customers.create_customer(world.ctx(), {"kind": "company", "person_name": "Sara"})
    assert list(no_company.value.field_errors) == ["company_name"]
    with pytest.raises(InvalidRecord) as nobody:
        customers.create_customer(world.ctx(), {"mobile": "09121234567"})
    assert list(nobody.value.field_errors) == ["person_name"]


def test_every_bad_field_reported_at_once(world: World):
    with pytest.raises(InvalidRecord) as refused:
        customers.create_customer(world.ctx(), {
            "person_name": "x" * 300, "mobile": "021 8877 6655", "phone": "12", "email": "not-an-email",
            "status": "maybe", "kind": "robot", "locale": "de", "colour": "red", "interests": 5})
    assert set(refused.value.field_errors) == {"person_name", "mobile", "phone", "email", "status", "kind",
                                               "locale", "colour", "interests"}
    assert refused.value.field_errors["colour"] == ["unknown field"]


def test_duplicates_are_a_warning(world: World):
    first = world.customer("علی کریمی", mobile="09121234567", email="ali@example.com")
    company = world.customer(kind="company", company_name="شرکت نوآوران", person_name="رضا")
    cases = [
        {"person_name": "علي كريمي"},  # the same name, Arabic letters
        {"person_name": "Someone", "mobile": "+98 912 123 4567"},  # the same mobile
        {"person_name": "Another", "phone": "0912-123-4567"},  # a mobile typed as the phone
        {"person_name": "A third", "email": "ALI@example.com"},  # the same e-mail
    ]
    for data in cases:
        created, duplicates = customers.create_customer(world.ctx(), data)
        assert created.id and duplicates[0].id == first.id, data  # created anyway: a warning, not a refusal
    _, by_company = customers.create_customer(world.ctx(), {"company_name": "شركت نوآوران"})
    assert [d.id for d in by_company] == [company.id]
    _, none = customers.create_customer(world.ctx(), {"person_name": "علی رضایی", "mobile": "09351234567"})
    assert none == []
    assert customers.find_duplicates(world.session, name="علی کریمی", exclude_id=first.id)[0].id != first.id
    assert customers.find_duplicates(world.session, phone="garbage", name="") == []


def test_update_validates_and_journals_before_and_after(world: World):
    customer = world.customer("علی کریمی", mobile="09121234567")
    world.journal.clear()
    changed = customers.update_customer(world.ctx("bob"), customer.id, {
        "person_name": "علي كريمي‌زاده", "mobile": "0935 123 4567", "segment": "VIP"})
    assert changed.name_key == "علیکریمیزاده" and changed.mobile == "+989351234567"
    assert changed.updated_by == "bob"
    (changes,) = world.changes("customer", customer.id)
    assert changes["mobile"] == ["+989121234567", "+989351234567"] and changes["segment"] == [None, "VIP"]
    assert changes["name_key"] == ["علیکریمی", "علیکریمیزاده"]
    with pytest.raises(InvalidRecord) as refused:
        customers.update_customer(world.ctx(), customer.id, {"kind": "company"})
    assert list(refused.value.field_errors) == ["company_name"]
    with pytest.raises(InvalidRecord):
        customers.update_customer(world.ctx(), customer.id, {"referral_code": "MINE"})
    with pytest.raises(InvalidRecord):
        customers.update_customer(world.ctx(), customer.id, {"status": None})
    with pytest.raises(RecordNotFound):
        customers.update_customer(world.ctx(), 999_999, {"segment": "x"})
    world.journal.clear()
    customers.update_customer(world.ctx(), customer.id, {"segment": "VIP"})  # nothing changes: no entry
    assert world.entries("crm.customer.changed") == []


def test_search(world: World):
    ali = world.customer("علی کریمی", mobile="09121234567", email="ali.k@example.com", region="تهران")
    sara = world.customer("Sara Ahmadi", phone="021 8877 6655", region="اصفهان", segment="VIP")
    pars = world.customer(kind="company", company_name="شرکت پارس", person_name="رضا کریمی")

    def ids(**filters):
        found, total = customers.search_customers(world.session, **filters)
        assert total == len(found)
        return {c.id for c in found}

    assert ids(q="علي كريمي") == {ali.id}
    assert ids(q="کريمی") == {ali.id, pars.id}
    assert ids(q="كريمي رضا") == {pars.id}
    assert ids(q="پارس") == {pars.id}
    assert ids(q="۰۹۱۲۱۲۳") == {ali.id} == ids(q="0912 123 4567") == ids(q="+98 912")
    assert ids(q="8877") == {sara.id}
    assert ids(q="ali.k@") == {ali.id}
    assert ids(q="sara") == {sara.id}
    assert ids(q="100%_") == set()
    assert ids(region="تهران") == {ali.id}
    assert ids(segment="VIP", q="ahmadi") == {sara.id}
    assert ids(status="potential") == {ali.id, sara.id, pars.id}
    assert ids(tier="bronze") == {ali.id, sara.id, pars.id} and ids(tier="gold") == set()
    page, total = customers.search_customers(world.session, limit=2, offset=0)
    assert total == 3 and [c.id for c in page] == [pars.id, sara.id]


def test_referral_code_lookup(world: World):
    customer = world.customer()
    assert customers.find_customer_by_referral_code(world.session, customer.referral_code.lower()) is customer
    assert customers.find_customer_by_referral_code(world.session, " nope ") is None
    assert customers.find_customer_by_referral_code(world.session, None) is None


def test_contacts(world: World):
    customer = world.customer(kind="company", company_name="Pars Co")
    contact = customers.add_contact(world.ctx(), customer.id, {"name": " مریم  احمدی ", "role": "خرید",
                                                               "mobile": "۰۹۱۲۰۰۰۱۱۲۲"})
    assert (contact.name, contact.mobile, contact.created_by) == ("مریم احمدی", "+989120001122", "alice")
    assert world.entries("crm.contact.created")[0]["id"] == contact.id
    assert customers.contacts_of(world.session, customer.id) == [contact]
    with pytest.raises(InvalidRecord) as refused:
        customers.add_contact(world.ctx(), customer.id, {"role": "x", "email": "nope"})
    assert set(refused.value.field_errors) == {"name", "email"}
    with pytest.raises(RecordNotFound):
        customers.add_contact(world.ctx(), 999_999, {"name": "x"})


def test_purchase_marks_actual(world: World):
    customer = world.customer()
    earlier = datetime.now(UTC) - timedelta(days=30)
    record_purchase(world.ctx(), customer.id, amount=5_000_000, purchased_at=earlier, channel="online")
    latest = record_purchase(world.ctx("bob"), customer.id, amount=1_000, reference=" INV-7 ")
    assert customer.status == "actual" and latest.created_by == "bob" and latest.reference == "INV-7"
    assert world.changes("customer", customer.id) == [{"status": ["potential", "actual"]}]
    assert [p.amount for p in purchases_of(world.session, customer.id)] == [1_000, 5_000_000]
    with pytest.raises(InvalidRecord) as refused:
        record_purchase(world.ctx(), customer.id, amount=0, channel="fax",
                        purchased_at=datetime.now(UTC) + timedelta(days=2))
    assert set(refused.value.field_errors) == {"amount", "channel", "purchased_at"}
    with pytest.raises(InvalidRecord):
        record_purchase(world.ctx(), customer.id, amount=True)  # type: ignore[arg-type]
    with pytest.raises(RecordNotFound):
        record_purchase(world.ctx(), 999_999, amount=10)


def _related(world: World, customer_id: int, other_id: int) -> None:
    ctx, now = world.ctx(), datetime.now(UTC)
    ctx.add(Opportunity(customer_id=customer_id, title="ERP", stage="proposal", amount=10, probability=50,
                        stage_entered_at=now), "opportunity")
    ctx.add(Complaint(tracking_code="C-1", customer_id=customer_id, category="billing", severity="low",
                      channel="portal", description="late invoice", tier=1, breaches=0, status="open"),
            "complaint")
    ctx.add(Contract(customer_id=customer_id, title="Support", amount=10, discount_percent=0, terms="long",
                     standard_terms=True, status="draft", rounds=0, revision=1, document_html="<p>…</p>"),
            "contract")
    for referrer, referred in ((customer_id, other_id), (other_id, customer_id)):
        ctx.add(Referral(code="X", referrer_id=referrer, referred_name="n", referred_customer_id=referred,
                         status="new"), "referral")


def test_customer_360(world: World):
    customer = world.customer(kind="company", company_name="Pars Co")
    other = world.customer("Sara")
    customers.add_contact(world.ctx(), customer.id, {"name": "Maryam"})
    record_purchase(world.ctx(), customer.id, amount=2_000_000)
    credit(world.ctx(), customer.id, 40, "welcome")
    _related(world, customer.id, other.id)
    view = customers.customer_360(world.session, customer.id)
    assert view["customer"]["company_name"] == "Pars Co" and view["customer"]["status"] == "actual"
    assert isinstance(view["customer"]["created_at"], str)
    assert [c["name"] for c in view["contacts"]] == ["Maryam"]
    assert len(view["opportunities"]) == len(view["complaints"]) == len(view["contracts"]) == 1
    assert "document_html" not in view["contracts"][0]
    assert view["referrals_made"][0]["referred_customer_id"] == other.id
    assert view["referrals_received"][0]["referrer_id"] == other.id
    assert view["loyalty"]["points"] == 40 and view["loyalty"]["tier"] == "bronze"
    assert [e["reason"] for e in view["loyalty"]["ledger"]] == ["welcome"]
    assert view["purchases"]["count"] == 1 and view["purchases"]["total"] == 2_000_000
    assert view["leads"] == []
    fresh = customers.customer_360(world.session, other.id)
    assert fresh["loyalty"] == {"tier": "bronze", "points": 0, "score": 0.0, "lifetime_value": 0,
                                "ranked_at": None, "ledger": []}
    assert fresh["purchases"] == {"count": 0, "total": 0, "last_at": None, "items": []}
    with pytest.raises(RecordNotFound):
        customers.customer_360(world.session, 999_999)
