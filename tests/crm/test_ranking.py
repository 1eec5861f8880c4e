"""Ranking: the score from purchases with weights passed in, tiers from thresholds passed in, the
lifetime value formula, and ``rank_all`` over every customer in a handful of queries."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from crm import ranking
from crm.errors import InvalidRecord
from crm.loyalty import account, credit
from crm.models import Customer, Purchase
from crm.purchases import record_purchase
from crm.ranking import CustomerStats, lifetime_value, rank_all, score_customer, tier_for
from tests.conftest import Database
from tests.crm.records import World, open_world

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BIG = CustomerStats(1, total_amount=2_000_000_000, purchases=30, on_time=30, channels={"online": 30},
                    first_at=NOW - timedelta(days=730.5))
SMALL = CustomerStats(2, total_amount=500_000, purchases=1, on_time=0, channels={"store": 1},
                      first_at=NOW - timedelta(days=7))


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def test_score_bounds_and_weights():
    assert score_customer(CustomerStats(3)) == 0.0
    assert score_customer(BIG) == 100.0
    assert 0 < score_customer(SMALL) < 30
    punctual = {"amount": 0, "count": 0, "on_time": 1, "channel": 0}
    assert score_customer(SMALL, punctual) == 0.0 and score_customer(BIG, punctual) == 100.0
    store_lovers = {"amount": 0, "count": 0, "on_time": 0, "channel": 1, "channel_store": 1.0}
    assert score_customer(SMALL, store_lovers) == 100.0
    assert score_customer(CustomerStats(4, 10, 1, 1, {"kiosk": 1}), {"amount": 0, "count": 0, "on_time": 0,
                                                                     "channel_kiosk": 0.25}) == 25.0


@pytest.mark.parametrize("weights", [{"speed": 1}, {"amount": -1}, {"amount": "high"}, {"amount": True},
                                     {"amount": 0, "count": 0, "on_time": 0, "channel": 0}, {"count_full": 0},
                                     {"amount": float("inf")}])
def test_bad_weights_refused(weights):
    with pytest.raises(InvalidRecord):
        score_customer(BIG, weights)


def test_tiers_from_thresholds():
    assert [tier_for(s) for s in (0, 29.9, 30, 55, 80, 100)] == ["bronze", "bronze", "silver", "gold",
                                                                  "platinum", "platinum"]
    assert tier_for(20, {"silver": 10, "gold": 15, "platinum": 20}) == "platinum"
    for bad in ({"gold": 10}, {"diamond": 90}, {"silver": -1}):
        with pytest.raises(InvalidRecord):
            tier_for(50, bad)


def test_lifetime_value_formula():
    # 2 years observed: 2,000,000,000 / 2 a year × 3 years × 0.2 margin
    assert lifetime_value(BIG, now=NOW) == 600_000_000
    assert lifetime_value(BIG, {"margin": 0.5, "lifespan_years": 1}, now=NOW) == 500_000_000
    # a week-old customer is observed over at least a year (min_years), not extrapolated from a week
    assert lifetime_value(SMALL, now=NOW) == 500_000 * 3 * 0.2
    assert lifetime_value(CustomerStats(5), now=NOW) == 0
    with pytest.raises(InvalidRecord):
        lifetime_value(BIG, {"lifespan_years": 0}, now=NOW)


def _buy(world: World, customer: Customer, amounts: list[int], channel: str = "store", late: int = 0) -> None:
    for n, amount in enumerate(amounts):
        record_purchase(world.ctx(), customer.id, amount=amount, channel=channel, paid_on_time=n >= late,
                        purchased_at=NOW - timedelta(days=400 - n))


def test_rank_all_and_changed_weights(world: World):
    loyal = world.customer("Loyal")
    _buy(world, loyal, [50_000_000] * 20, "online")
    late = world.customer("Late payer")
    _buy(world, late, [300_000_000] * 2, "agent", late=2)
    idle = world.customer("Idle")
    credit(world.ctx(), idle.id, 25, "welcome")
    world.journal.clear()
    report = rank_all(world.ctx("root"), now=NOW)
    world.session.commit()
    tiers = {c.id: account(world.session, c.id).tier for c in (loyal, late, idle)}
    assert tiers == {loyal.id: "platinum", late.id: "silver", idle.id: "bronze"}
    assert report.ranked == 3 and report.accounts_created == 2 and report.tiers["platinum"] == 1
    assert account(world.session, idle.id).points == 25  # ranking never touches points
    assert account(world.session, loyal.id).lifetime_value == round(1_000_000_000 / (400 / 365.25) * 3 * 0.2)
    assert {(c.customer_id, c.before, c.after) for c in report.changes} == {(loyal.id, "bronze", "platinum"),
                                                                            (late.id, "bronze", "silver")}
    assert {e["id"] for e in world.entries("crm.loyalty_account.changed")} == {loyal.id, late.id}
    (run,) = world.entries("crm.ranking.completed")
    assert run["weights"]["amount"] == 0.4 and run["ranked"] == 3

    world.journal.clear()
    big_spenders = {"amount": 1, "count": 0, "on_time": 0, "channel": 0, "amount_full": 600_000_000}
    report = rank_all(world.ctx("root"), weights=big_spenders, thresholds={"platinum": 95}, now=NOW)
    world.session.commit()
    assert account(world.session, late.id).tier == "platinum"
    assert account(world.session, loyal.id).tier == "platinum"
    assert [(c.customer_id, c.before, c.after) for c in report.changes] == [(late.id, "silver", "platinum")]
    assert world.changes("loyalty_account", late.id) == [{"tier": ["silver", "platinum"]}]
    assert world.entries("crm.ranking.completed")[0]["weights"]["amount_full"] == 600_000_000


def test_rank_all_refuses_bad_parameters(world: World):
    with pytest.raises(InvalidRecord):
        rank_all(world.ctx(), thresholds={"silver": 90, "gold": 50})
    with pytest.raises(InvalidRecord):
        rank_all(world.ctx(), lifetime={"margin": -1})


def test_rank_all_on_ten_thousand_customers_in_a_few_queries(world: World, crm_db: Database):
    now, session = datetime.now(UTC), world.session
    session.execute(insert(Customer), [
        {"id": n, "kind": "person", "person_name": f"c{n}", "name_key": f"c{n}", "interests": [],
         "status": "actual", "referral_code": f"R{n:07d}", "locale": "fa", "created_at": now, "updated_at": now}
        for n in range(1, 10_001)])
    session.execute(insert(Purchase), [
        {"customer_id": n % 10_000 + 1, "amount": 1_000_000 * (n % 97 + 1), "channel": ("store", "online")[n % 2],
         "paid_on_time": n % 5 != 0, "purchased_at": now - timedelta(days=n % 700)} for n in range(30_000)])
    session.commit()
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(crm_db.engine, "before_cursor_execute", listen)
    try:
        started = time.perf_counter()
        report = rank_all(world.ctx("root"))
        session.commit()
        elapsed = time.perf_counter() - started
    finally:
        event.remove(crm_db.engine, "before_cursor_execute", listen)
    assert report.ranked == 10_000 and sum(report.tiers.values()) == 10_000
    assert len(statements) < 20, statements[:30]
    assert elapsed < 30, elapsed
    again = rank_all(world.ctx("root"))
    assert again.accounts_created == 0 and again.changes == []
    assert ranking.load_stats(session)[1].purchases == 3
