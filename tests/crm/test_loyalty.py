"""Loyalty accounts and the points ledger: the balance is the sum of the entries, never below zero (also
when two redemptions race), and every movement is journaled; vouchers issued and spent once on a purchase."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from crm import loyalty, vouchers
from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordNotFound, Rejected
from crm.models import LoyaltyAccount
from crm.purchases import record_purchase
from crm.unit import Ctx
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


# -- spending points -------------------------------------------------------------------------------

def test_redeem_points_writes_a_ledger_entry_and_says_the_balance(world: World):
    customer = world.customer()
    loyalty.credit(world.ctx(), customer.id, 500, "referral 1")
    entry, balance = loyalty.redeem(world.ctx("sara"), customer.id, 200, "فاکتور ۱۲")
    world.session.commit()
    assert (entry.points, entry.reason, entry.by, balance) == (-200, "فاکتور ۱۲", "sara", 300)
    with pytest.raises(Rejected, match="the balance is 300 points") as refused:
        loyalty.redeem(world.ctx(), customer.id, 301, "too much")
    assert "موجودی ۳۰۰ امتیاز" in refused.value.message
    assert loyalty.ledger_balance(world.session, customer.id) == 300


def test_two_redemptions_racing_never_overdraw(crm_db: Database):
    """On PostgreSQL the second redemption waits for the first's lock on the account, then sees the new
    balance and is refused; the balance never goes below zero."""
    if crm_db.dialect != "postgres":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    with crm_db.sessions() as s:
        customer = World(s).customer()
        loyalty.credit(Ctx(s, "t"), customer.id, 100, "gift")
        s.commit()
    outcome: list[str] = []

    def second() -> None:
        with crm_db.sessions() as s:
            try:
                loyalty.redeem(Ctx(s, "b"), customer.id, 70, "second")
                s.commit()
                outcome.append("spent")
            except Rejected:
                s.rollback()
                outcome.append("refused")

    with crm_db.sessions() as first:
        loyalty.redeem(Ctx(first, "a"), customer.id, 70, "first")  # holds the account's row
        racer = threading.Thread(target=second)
        racer.start()
        racer.join(0.5)
        assert racer.is_alive()  # waiting for the lock
        first.commit()
    racer.join(10)
    assert outcome == ["refused"]
    with crm_db.sessions() as s:
        assert loyalty.account(s, customer.id).points == 30 == loyalty.ledger_balance(s, customer.id)


# -- vouchers ----------------------------------------------------------------------------------------

def test_voucher_issued_and_redeemed_once_on_a_purchase(world: World):
    customer = world.customer()
    voucher = vouchers.issue(world.ctx(), customer.id, kind="percent", value=15, valid_days=30)
    assert voucher.code.startswith("V-") and len(voucher.code) == 10
    typed = " " + voucher.code.lower().replace("-", " ") + " "
    assert vouchers.check(world.session, typed, customer.id, 10_000_000)[0] == 1_500_000
    purchase = record_purchase(world.ctx(), customer.id, amount=10_000_000, voucher_code=typed)
    world.session.commit()
    assert (purchase.amount, purchase.discount, purchase.voucher_id) == (8_500_000, 1_500_000, voucher.id)
    assert (voucher.purchase_id, voucher.discount) == (purchase.id, 1_500_000) and voucher.redeemed_at
    with pytest.raises(InvalidRecord, match="used already") as again:
        record_purchase(world.ctx(), customer.id, amount=10_000_000, voucher_code=voucher.code)
    assert list(again.value.field_errors) == ["voucher_code"] and "استفاده شده" in again.value.message


def test_voucher_of_another_customer_unknown_or_expired_is_refused(world: World):
    owner, other = world.customer(), world.customer("Sara Nouri", mobile="09121112233")
    voucher = vouchers.issue(world.ctx(), owner.id, kind="amount", value=2_000_000)
    for code, who in (("V-XXXXXXXX", owner.id), ("nonsense", owner.id), (None, owner.id), (voucher.code, other.id)):
        with pytest.raises(InvalidRecord, match="no such voucher"):
            vouchers.redeem(world.ctx(), code, who, 5_000_000)
    voucher.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(InvalidRecord, match="expired"):
        record_purchase(world.ctx(), owner.id, amount=5_000_000, voucher_code=voucher.code)
    assert world.entries("crm.purchase.created") == []


def test_an_amount_voucher_never_takes_more_than_the_amount(world: World):
    customer = world.customer()
    voucher = vouchers.issue(world.ctx(), customer.id, kind="amount", value=2_000_000)
    discount, spent = vouchers.redeem(world.ctx(), voucher.code, customer.id, 1_500_000, purchase_id=None)
    assert (discount, spent.discount) == (1_500_000, 1_500_000)
    for kind, value, days in (("cash", 5, 10), ("percent", 101, 10), ("percent", 0, 10), ("amount", 5, 0)):
        with pytest.raises(InvalidRecord):
            vouchers.issue(world.ctx(), customer.id, kind=kind, value=value, valid_days=days)
    assert [v.id for v in vouchers.vouchers_of(world.session, customer.id)] == [voucher.id]
