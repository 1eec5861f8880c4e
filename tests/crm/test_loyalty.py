"""Loyalty accounts and the points ledger: the balance is the sum of the entries, never below zero,
and every movement is journaled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm import loyalty
from crm.errors import InvalidRecord, RecordNotFound, Rejected
from crm.models import LoyaltyAccount
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def test_account_created_on_first_use(world: World):
    customer = world.customer()
    unsaved = loyalty.account(world.session, customer.id)  # reading writes nothing
    assert (unsaved.tier, unsaved.points) == ("bronze", 0)
    assert world.session.get(LoyaltyAccount, customer.id) is None
    created = loyalty.account(world.ctx(), customer.id)
    assert world.session.get(LoyaltyAccount, customer.id) is created
    assert world.entries("crm.loyalty_account.created")[0]["id"] == customer.id
    assert loyalty.account(world.ctx(), customer.id) is created
    assert len(world.entries("crm.loyalty_account.created")) == 1
    with pytest.raises(RecordNotFound):
        loyalty.account(world.ctx(), 999_999)


def test_ledger_and_balance(world: World):
    customer = world.customer()
    loyalty.credit(world.ctx(), customer.id, 100, "first purchase")
    loyalty.credit(world.ctx("bob"), customer.id, 50, " referral ", referral_id=7)
    taken = loyalty.debit(world.ctx(), customer.id, 30, "discount on order 12")
    world.session.commit()
    assert taken.points == -30 and taken.by == "alice"
    account = loyalty.account(world.session, customer.id)
    assert account.points == 120 == loyalty.ledger_balance(world.session, customer.id)
    entries = loyalty.ledger(world.session, customer.id)
    assert [(e.points, e.reason, e.referral_id) for e in entries] == [
        (-30, "discount on order 12", None), (50, "referral", 7), (100, "first purchase", None)]
    assert [e.reason for e in loyalty.ledger(world.session, customer.id, limit=1, offset=1)] == ["referral"]
    changes = world.changes("loyalty_account", customer.id)
    assert [c["points"] for c in changes] == [[0, 100], [100, 150], [150, 120]]
    assert len(world.entries("crm.loyalty_entry.created")) == 3


def test_debit_never_below_zero(world: World):
    customer = world.customer()
    loyalty.credit(world.ctx(), customer.id, 10, "gift")
    with pytest.raises(Rejected):
        loyalty.debit(world.ctx(), customer.id, 11, "too much")
    assert loyalty.account(world.session, customer.id).points == 10
    assert loyalty.ledger_balance(world.session, customer.id) == 10


def test_bad_movements_refused(world: World):
    customer = world.customer()
    for points, reason in [(0, "x"), (-5, "x"), (True, "x"), (1.5, "x"), ("10", "x"), (10, ""), (10, "   "),
                           (10, "x" * 256), (10, None), (loyalty.MAX_POINTS + 1, "x")]:
        for move in (loyalty.credit, loyalty.debit):
            with pytest.raises(InvalidRecord):
                move(world.ctx(), customer.id, points, reason)
    assert world.entries("crm.loyalty_entry.created") == []


def test_unknown_customer(world: World):
    with pytest.raises(RecordNotFound):
        loyalty.credit(world.ctx(), 999_999, 10, "x")
    with pytest.raises(RecordNotFound):
        loyalty.ledger(world.session, 999_999)
