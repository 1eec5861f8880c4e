"""Contracts: drafting, revisions (who, which fields, before and after), approval rounds and decisions,
the document, sending, signing and expiry; on both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from crm import contract_signing, contracts
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
from crm.models import ContractCode, Customer, Notification, Purchase
from crm.opportunities import open_opportunity
from crm.text import ascii_digits
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


LATER = datetime.now(UTC) + timedelta(days=14)


def _draft(world: World, **extra: object) -> contracts.Contract:
    customer = world.customer()
    contract = contracts.draft(world.ctx("alice"), {"customer_id": customer.id, "title": "Support 1404",
                                                    "amount": "۲۰۰٬۰۰۰٬۰۰۰", "discount_percent": "۱۰", **extra})
    world.session.commit()
    return contract


def test_draft(world: World):
    contract = _draft(world)
    assert (contract.status, contract.revision, contract.rounds, contract.amount, contract.discount_percent) == (
        "draft", 1, 0, 200_000_000, 10)
    assert contract.standard_terms is True and contract.terms == ""
    first = contracts.revisions(world.session, contract.id)
    assert len(first) == 1 and first[0].number == 1 and first[0].by == "alice"
    assert first[0].changes["amount"] == [None, 200_000_000]
    assert world.entries("crm.contract.created")[0]["id"] == contract.id


def test_draft_refuses(world: World):
    with pytest.raises(InvalidRecord) as refused:
        contracts.draft(world.ctx(), {"title": "", "amount": "many", "discount_percent": 120})
    assert set(refused.value.field_errors) == {"customer_id", "title", "amount", "discount_percent"}
    customer = world.customer()
    with pytest.raises(InvalidRecord) as no_terms:
        contracts.draft(world.ctx(), {"customer_id": customer.id, "title": "Custom", "amount": 1,
                                      "standard_terms": False})
    assert set(no_terms.value.field_errors) == {"terms"}
    with pytest.raises(RecordNotFound):
        contracts.draft(world.ctx(), {"customer_id": 999, "title": "t", "amount": 1})


def test_revise_records_the_diff(world: World):
    contract = _draft(world)
    contracts.attach_document(world.ctx(), contract.id, "<p>v1</p>")
    contracts.revise(world.ctx("bob"), contract.id, {"amount": 180_000_000, "title": "Support 1404"})
    assert contract.revision == 2 and contract.amount == 180_000_000 and contract.document_html is None
    revision = contracts.revisions(world.session, contract.id)[-1]
    assert (revision.number, revision.by, revision.changes) == (2, "bob", {"amount": [200_000_000, 180_000_000]})
    assert world.changes("contract", contract.id)[-1]["revision"] == [1, 2]
    unchanged = contracts.revise(world.ctx(), contract.id, {"amount": 180_000_000})
    assert unchanged.revision == 2 and len(contracts.revisions(world.session, contract.id)) == 2
    with pytest.raises(InvalidRecord):
        contracts.revise(world.ctx(), contract.id, {"status": "signed"})
    with pytest.raises(InvalidRecord):
        contracts.revise(world.ctx(), contract.id, {"standard_terms": False})  # no terms written


def test_approval_rounds_and_decisions(world: World):
    contract = _draft(world)
    contracts.submit(world.ctx(), contract.id)
    assert (contract.status, contract.rounds) == ("in_approval", 1)
    with pytest.raises(RecordConflict):
        contracts.revise(world.ctx(), contract.id, {"amount": 1})
    with pytest.raises(InvalidRecord) as no_comment:
        contracts.decide(world.ctx(), contract.id, level="finance", decision="changes", comment=" ")
    assert set(no_comment.value.field_errors) == {"comment"}
    with pytest.raises(InvalidRecord) as bad:
        contracts.decide(world.ctx(), contract.id, level="cfo", decision="maybe")
    assert set(bad.value.field_errors) == {"level", "decision"}
    contracts.decide(world.ctx("manager1"), contract.id, level="manager", decision="approve")
    contracts.decide(world.ctx("fin"), contract.id, level="finance", decision="changes", comment="discount too high")
    with pytest.raises(RecordConflict, match="already decided"):
        contracts.decide(world.ctx(), contract.id, level="finance", decision="approve")
    contracts.request_changes(world.ctx(), contract.id)
    assert contract.status == "changes_requested"
    contracts.revise(world.ctx(), contract.id, {"discount_percent": 5})
    contracts.submit(world.ctx(), contract.id)
    contracts.decide(world.ctx("fin"), contract.id, level="finance", decision="approve")  # a new round
    contracts.approve(world.ctx(), contract.id)
    world.session.commit()
    decided = contracts.decisions(world.session, contract.id)
    assert [(d.round, d.level, d.decision, d.by) for d in decided] == [
        (1, "manager", "approve", "manager1"), (1, "finance", "changes", "fin"), (2, "finance", "approve", "fin")]
    assert decided[1].comment == "discount too high"
    assert (contract.status, contract.rounds, contract.revision) == ("approved", 2, 2)
    with pytest.raises(RecordConflict):
        contracts.decide(world.ctx(), contract.id, level="legal", decision="approve")


def test_reject(world: World):
    contract = _draft(world)
    with pytest.raises(RecordConflict):
        contracts.reject(world.ctx(), contract.id)
    contracts.submit(world.ctx(), contract.id)
    contracts.decide(world.ctx("lawyer"), contract.id, level="legal", decision="reject", comment="unlawful clause")
    contracts.reject(world.ctx(), contract.id)
    assert contract.status == "rejected"
    for act in (lambda: contracts.submit(world.ctx(), contract.id),
                lambda: contracts.attach_document(world.ctx(), contract.id, "<p/>"),
                lambda: contracts.approve(world.ctx(), contract.id),
                lambda: contracts.request_changes(world.ctx(), contract.id)):
        with pytest.raises(RecordConflict, match="rejected"):
            act()


def _approved(world: World) -> contracts.Contract:
    contract = _draft(world)
    contracts.submit(world.ctx(), contract.id)
    contracts.approve(world.ctx(), contract.id)
    return contract


def test_send_and_sign(world: World):
    contract = _approved(world)
    with pytest.raises(RecordConflict, match="document"):
        contracts.mark_sent(world.ctx(), contract.id, expires_at=LATER)
    with pytest.raises(InvalidRecord):
        contracts.attach_document(world.ctx(), contract.id, "  ")
    contracts.attach_document(world.ctx(), contract.id, "<h1>قرارداد</h1>")
    with pytest.raises(InvalidRecord, match="future"):
        contracts.mark_sent(world.ctx(), contract.id, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(RecordConflict):
        contracts.mark_signed(world.ctx(), contract.id)
    contracts.mark_sent(world.ctx(), contract.id, expires_at=LATER)
    assert contract.status == "sent" and contract.sent_at is not None and contract.expires_at == LATER
    with pytest.raises(RecordConflict, match="expired"):
        contracts.mark_signed(world.ctx(), contract.id, now=LATER + timedelta(seconds=1))
    contracts.mark_signed(world.ctx(), contract.id)
    world.session.commit()
    assert contract.status == "signed" and contract.signed_at is not None
    with pytest.raises(RecordConflict):
        contracts.mark_expired(world.ctx(), contract.id)
    assert world.changes("contract", contract.id)[-1]["status"] == ["sent", "signed"]


def test_expire(world: World):
    contract = _approved(world)
    contracts.attach_document(world.ctx(), contract.id, "<p>offer</p>")
    contracts.mark_sent(world.ctx(), contract.id, expires_at=LATER)
    contracts.mark_expired(world.ctx("system"), contract.id)
    assert contract.status == "expired"
    with pytest.raises(RecordConflict):
        contracts.mark_signed(world.ctx(), contract.id)


def test_lookups_and_list(world: World):
    first = _draft(world)
    second = _approved(world)
    assert contracts.list_contracts(world.session) == ([second, first], 2)
    assert contracts.list_contracts(world.session, status="draft") == ([first], 1)
    assert contracts.list_contracts(world.session, customer_id=second.customer_id) == ([second], 1)
    assert contracts.list_contracts(world.session, limit=1, offset=1) == ([first], 2)
    for lookup in (contracts.get_contract, contracts.revisions, contracts.decisions):
        with pytest.raises(RecordNotFound):
            lookup(world.session, 999)


def test_four_eyes_the_drafter_the_last_reviser_and_one_level_a_round(world: World):
    contract = _draft(world)
    contracts.revise(world.ctx("bob"), contract.id, {"discount_percent": 12})
    contracts.submit(world.ctx("bob"), contract.id)
    for who in ("alice", "bob"):
        with pytest.raises(RecordConflict, match="drafted or last revised"):
            contracts.decide(world.ctx(who), contract.id, level="manager", decision="approve")
    contracts.decide(world.ctx("nima"), contract.id, level="finance", decision="approve", comment="موافقم")
    with pytest.raises(RecordConflict, match="one level a round"):
        contracts.decide(world.ctx("nima"), contract.id, level="legal", decision="approve")
    contracts.decide(world.ctx("mina"), contract.id, level="manager", decision="approve")
    assert [d.comment for d in contracts.round_decisions(world.session, contract)] == ["موافقم", None]


def test_dates_instalments_and_the_opportunity(world: World):
    contract = _draft(world, start_date="۱۴۰۵/۰۲/۰۱", end_date="2027-04-20",
                      instalments="1405-02-01 100,000,000\n۱۴۰۵/۰۸/۰۱ ۸۰۰۰۰۰۰۰")
    assert contract.start_date.isoformat() == "2026-04-21" and contract.end_date.isoformat() == "2027-04-20"
    assert contract.instalments == [{"due": "2026-04-21", "amount": 100_000_000},
                                    {"due": "2026-10-23", "amount": 80_000_000}]
    assert contracts.revisions(world.session, contract.id)[0].changes["start_date"] == [None, "2026-04-21"]
    with pytest.raises(InvalidRecord) as bad:
        contracts.revise(world.ctx(), contract.id, {"end_date": "1405-01-01", "instalments": "1405-02-01 -5"})
    assert set(bad.value.field_errors) == {"instalments"}
    with pytest.raises(InvalidRecord) as early:
        contracts.revise(world.ctx(), contract.id, {"end_date": "1405-01-01"})
    assert set(early.value.field_errors) == {"end_date"}
    other = world.customer("مشتری دیگر")
    foreign = open_opportunity(world.ctx(), customer_id=other.id, title="x", amount=1)
    with pytest.raises(InvalidRecord) as mismatch:
        _draft(world, opportunity_id=foreign.id)
    assert set(mismatch.value.field_errors) == {"opportunity_id"}


def _sent(world: World, **extra: object) -> contracts.Contract:
    contract = _draft(world, **extra)
    contracts.submit(world.ctx(), contract.id)
    contracts.approve(world.ctx(), contract.id)
    contracts.attach_document(world.ctx(), contract.id, "<p>offer</p>")
    contracts.mark_sent(world.ctx(), contract.id, expires_at=LATER, vat_percent=10)
    world.session.commit()
    return contract


def test_signing_is_a_sale_the_customer_actual_the_purchase_recorded_the_opportunity_won(world: World):
    customer = world.customer("شرکت آریا", mobile="09121112233")
    opportunity = open_opportunity(world.ctx(), customer_id=customer.id, title="ERP", amount=200_000_000)
    contract = _sent(world, customer_id=customer.id, opportunity_id=opportunity.id)
    assert contracts.payable(contract) == 198_000_000  # 200 m less 10 %, plus 10 % VAT
    contracts.mark_signed(world.ctx("customer"), contract.id, mobile="+989121112233", ip="192.0.2.1", via="code")
    purchase = world.session.get(Purchase, contract.purchase_id)
    assert (purchase.amount, purchase.channel, purchase.reference) == (198_000_000, "online", f"contract-{contract.id}")
    assert world.session.get(Customer, customer.id).status == "actual" and opportunity.stage == "won"
    assert (contract.signed_mobile, contract.signed_ip, contract.signed_via) == ("+989121112233", "192.0.2.1", "code")


SECRET = "s" * 64


def test_signed_links_open_one_revision_until_they_expire(world: World):
    contract = _sent(world)
    token = contract_signing.link_token(SECRET, contract.id, contract.revision, LATER)
    assert contract_signing.open_contract(world.session, SECRET, token) is contract
    for bad in (token[:-1] + ("0" if token[-1] != "0" else "1"), "1.1.1", "", "x" * 70):
        with pytest.raises(contract_signing.LinkRefused) as refused:
            contract_signing.open_contract(world.session, SECRET, bad)
        assert refused.value.reason == "invalid"
    with pytest.raises(contract_signing.LinkRefused) as other_key:
        contract_signing.open_contract(world.session, "t" * 64, token)
    assert other_key.value.reason == "invalid"
    old = contract_signing.link_token(SECRET, contract.id, contract.revision, datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(contract_signing.LinkRefused) as expired:
        contract_signing.open_contract(world.session, SECRET, old)
    assert expired.value.reason == "expired"
    stale = contract_signing.link_token(SECRET, contract.id, contract.revision - 1 or 9, LATER)
    with pytest.raises(contract_signing.LinkRefused) as outdated:
        contract_signing.open_contract(world.session, SECRET, stale)
    assert outdated.value.reason == "outdated"


def _code_sent(world: World) -> str:
    body = world.session.query(Notification).filter_by(template="contract_code").order_by(Notification.id.desc()) \
        .first().body
    return re.findall(r"(?<![\d,])\d{6}(?![\d,])", ascii_digits(body))[0]


def test_one_time_codes_hashed_limited_and_used_once(world: World):
    customer = world.customer("شرکت آریا", mobile="09121112233", locale="en")
    contract = _sent(world, customer_id=customer.id)
    row = contract_signing.send_code(world.ctx("customer"), SECRET, contract, ip="192.0.2.1")
    code = _code_sent(world)
    assert row.code_hash != code and code not in row.code_hash and row.mobile == "+989121112233"
    with pytest.raises(contract_signing.TooManyCodes):
        contract_signing.send_code(world.ctx("customer"), SECRET, contract, ip="192.0.2.1")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidRecord, match="wrong code"):
        contract_signing.check_code(world.ctx("customer"), SECRET, contract, wrong)
    assert row.attempts == 1
    with pytest.raises(InvalidRecord):
        contract_signing.check_code(world.ctx("customer"), SECRET, contract, "12")
    used = contract_signing.check_code(world.ctx("customer"), SECRET, contract, code)
    assert used.used_at is not None
    with pytest.raises(InvalidRecord, match="ask for a code"):
        contract_signing.check_code(world.ctx("customer"), SECRET, contract, code)
    world.session.query(ContractCode).update({"created_at": datetime.now(UTC) - timedelta(minutes=10)})
    contract_signing.send_code(world.ctx("customer"), SECRET, contract, ip=None)
    latest = world.session.query(ContractCode).order_by(ContractCode.id.desc()).first()
    latest.attempts = contract_signing.MAX_ATTEMPTS
    with pytest.raises(InvalidRecord, match="expired"):
        contract_signing.check_code(world.ctx("customer"), SECRET, contract, _code_sent(world))


def test_no_code_without_a_mobile(world: World):
    customer = world.customer("شرکت ثابت", phone="02188881234")
    contract = _sent(world, customer_id=customer.id)
    with pytest.raises(RecordConflict, match="no mobile"):
        contract_signing.send_code(world.ctx("customer"), SECRET, contract, ip=None)
