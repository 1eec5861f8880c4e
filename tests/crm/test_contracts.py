"""Contracts: drafting, revisions (who, which fields, before and after), approval rounds and decisions,
the document, sending, signing and expiry; on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from crm import contracts
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
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
        contracts.decide(world.ctx(), contract.id, level="ceo", decision="maybe")
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
    contracts.decide(world.ctx(), contract.id, level="legal", decision="reject", comment="unlawful clause")
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
