"""customer_ranking: the nightly timer start is scheduled; a run ranks with the DMN table's weights."""

from __future__ import annotations

from sqlalchemy import select

from crm.customers import create_customer
from crm.models import LoyaltyAccount
from crm.purchases import record_purchase
from engine.store.models import Timer
from tests.processes.conftest import Flow


def test_ranking_by_hand_and_nightly_timer(flow: Flow):
    flow.deploy("customer_ranking")
    nightly = flow.records(lambda s: s.scalars(select(Timer).where(Timer.process_instance_id.is_(None))).one())
    assert nightly.element_id == "nightly" and nightly.due_at.hour == 22 and nightly.due_at.minute == 30
    big, _ = flow.write(lambda ctx: create_customer(ctx, {"kind": "company", "company_name": "Big Co",
                                                          "email": "buy@big.example"}))
    small, _ = flow.write(lambda ctx: create_customer(ctx, {"kind": "person", "person_name": "Small",
                                                            "email": "s@small.example"}))
    for _ in range(24):
        flow.write(lambda ctx: record_purchase(ctx, big.id, amount=100_000_000, channel="online"))
    flow.write(lambda ctx: record_purchase(ctx, small.id, amount=1_000_000, paid_on_time=False))
    done = flow.instance(flow.start("customer_ranking", {}).id)
    assert done.state == "completed" and done.variables["ranked"] == 2
    tiers = flow.records(lambda s: {a.customer_id: a.tier for a in s.scalars(select(LoyaltyAccount))})
    assert tiers == {big.id: "platinum", small.id: "bronze"}
