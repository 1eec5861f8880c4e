"""Opportunities: opening, moving through the funnel (stage visits, probabilities, closing), corrections
and the list; on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise

import pytest

from crm import opportunities
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
from crm.funnel import Funnel
from crm.models import Customer
from crm.purchases import record_purchase
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def _open(world: World, **extra: object) -> opportunities.Opportunity:
    customer = world.customer()
    return opportunities.open_opportunity(world.ctx(), customer_id=customer.id, title="Fleet tracking",
                                          amount=50_000_000, **extra)


def test_open_at_qualification(world: World):
    opportunity = _open(world, owner="alice")
    world.session.commit()
    assert (opportunity.stage, opportunity.probability, opportunity.owner, opportunity.closed_at) == (
        "qualification", 25, "alice", None)
    visits = opportunities.stage_visits(world.session, opportunity.id)
    assert [(v.stage, v.left_at) for v in visits] == [("qualification", None)]
    assert visits[0].entered_at == opportunity.stage_entered_at
    assert {e["record"] for e in world.entries("crm.opportunity.created")} == {"opportunity"}
    assert world.entries("crm.opportunity_stage.created")[0]["fields"]["stage"] == "qualification"


def test_open_refuses(world: World):
    customer = world.customer()
    with pytest.raises(InvalidRecord) as closed:
        opportunities.open_opportunity(world.ctx(), customer_id=customer.id, title="x", amount=1, stage="won")
    assert "stage" in closed.value.field_errors
    with pytest.raises(InvalidRecord) as bad:
        opportunities.open_opportunity(world.ctx(), customer_id=customer.id, title=" ", amount=-1)
    assert set(bad.value.field_errors) == {"title", "amount"}
    with pytest.raises(RecordNotFound):
        opportunities.open_opportunity(world.ctx(), customer_id=9999, title="x", amount=1)
    with pytest.raises(InvalidRecord, match="percentage"):
        opportunities.open_opportunity(world.ctx(), customer_id=customer.id, title="x", amount=1, probability=101)


def test_move_through_the_funnel_to_won(world: World):
    opportunity = _open(world)
    opportunities.move_stage(world.ctx("bob"), opportunity.id, "proposal")
    opportunities.move_stage(world.ctx("bob"), opportunity.id, "negotiation", probability=80)
    won = opportunities.move_stage(world.ctx("bob"), opportunity.id, "won")
    world.session.commit()
    assert (won.stage, won.probability, won.updated_by) == ("won", 100, "bob")
    assert won.closed_at is not None and won.closed_at == won.stage_entered_at
    visits = opportunities.stage_visits(world.session, opportunity.id)
    assert [v.stage for v in visits] == ["qualification", "proposal", "negotiation", "won"]
    assert all(v.left_at == nxt.entered_at for v, nxt in pairwise(visits))
    assert visits[-1].left_at is None  # it rests in "won"
    changes = world.changes("opportunity", opportunity.id)
    assert changes[0]["stage"] == ["qualification", "proposal"] and changes[0]["probability"] == [25, 50]
    assert changes[1]["probability"] == [50, 80]
    with pytest.raises(RecordConflict, match="closed"):
        opportunities.move_stage(world.ctx(), opportunity.id, "negotiation")
    with pytest.raises(RecordConflict):
        opportunities.update_opportunity(world.ctx(), opportunity.id, {"amount": 1})


def test_lost_from_any_open_stage_and_same_stage(world: World):
    opportunity = _open(world)
    same = opportunities.move_stage(world.ctx(), opportunity.id, "qualification", probability=30)
    assert same.probability == 30 and len(opportunities.stage_visits(world.session, opportunity.id)) == 1
    with pytest.raises(InvalidRecord) as no_reason:
        opportunities.move_stage(world.ctx(), opportunity.id, "lost")
    assert "reason" in no_reason.value.field_errors
    with pytest.raises(InvalidRecord, match="reason"):
        opportunities.move_stage(world.ctx(), opportunity.id, "lost", details={"reason": "bad luck"})
    lost = opportunities.move_stage(world.ctx(), opportunity.id, "lost",
                                    details={"reason": "انتخاب رقیب", "comment": "went with a cheaper offer"})
    assert (lost.stage, lost.probability) == ("lost", 0) and lost.closed_at is not None
    assert (lost.loss_reason, lost.loss_comment) == ("competitor", "went with a cheaper offer")
    with pytest.raises(RecordConflict):
        opportunities.move_stage(world.ctx(), opportunity.id, "won")


def test_move_refuses_unknown(world: World):
    opportunity = _open(world)
    with pytest.raises(InvalidRecord):
        opportunities.move_stage(world.ctx(), opportunity.id, "celebration")
    with pytest.raises(RecordNotFound):
        opportunities.move_stage(world.ctx(), 4242, "proposal")
    with pytest.raises(RecordNotFound):
        opportunities.stage_visits(world.session, 4242)
    for impossible in (10**40, -1, 0, True, "7"):  # ids no key can hold: not found, never a database error
        with pytest.raises(RecordNotFound):
            opportunities.get_opportunity(world.session, impossible)  # type: ignore[arg-type]
    with pytest.raises(RecordNotFound):
        opportunities.open_opportunity(world.ctx(), customer_id=10**40, title="x", amount=1)


def test_update_opportunity(world: World):
    opportunity = _open(world)
    opportunities.update_opportunity(world.ctx(), opportunity.id, {"amount": "۶۰٬۰۰۰٬۰۰۰", "owner": "bob",
                                                                   "expected_close": "2031-06-01"})
    assert opportunity.amount == 60_000_000 and str(opportunity.expected_close) == "2031-06-01"
    assert world.changes("opportunity", opportunity.id)[0]["amount"] == [50_000_000, 60_000_000]
    with pytest.raises(InvalidRecord) as refused:
        opportunities.update_opportunity(world.ctx(), opportunity.id, {"title": "", "expected_close": "soon"})
    assert set(refused.value.field_errors) == {"title", "expected_close"}
    with pytest.raises(InvalidRecord):
        opportunities.update_opportunity(world.ctx(), opportunity.id, {"stage": "won"})


def test_list(world: World):
    first = _open(world, owner="alice")
    second = opportunities.open_opportunity(world.ctx(), customer_id=world.customer("Sara").id, title="Other",
                                            amount=1, stage="prospecting")
    world.session.commit()
    assert opportunities.list_opportunities(world.session) == ([second, first], 2)
    assert opportunities.list_opportunities(world.session, stage="prospecting") == ([second], 1)
    assert opportunities.list_opportunities(world.session, owner="alice") == ([first], 1)
    assert opportunities.list_opportunities(world.session, customer_id=first.customer_id) == ([first], 1)
    assert opportunities.list_opportunities(world.session, limit=1, offset=1) == ([first], 2)


def test_won_makes_the_customer_actual_and_links_the_purchase(world: World):
    opportunity = _open(world)
    other = world.customer("Sara Ahmadi")
    theirs = record_purchase(world.ctx(), other.id, amount=10)
    with pytest.raises(InvalidRecord, match="another customer"):
        opportunities.move_stage(world.ctx(), opportunity.id, "won", details={"purchase_id": theirs.id})
    purchase = record_purchase(world.ctx(), opportunity.customer_id, amount=50_000_000)
    world.session.get(Customer, opportunity.customer_id).status = "potential"
    won = opportunities.move_stage(world.ctx(), opportunity.id, "won", details={"purchase_id": purchase.id})
    assert (won.stage, won.purchase_id, won.contract_id) == ("won", purchase.id, None)
    assert world.session.get(Customer, opportunity.customer_id).status == "actual"


def test_an_upsell_for_an_existing_customer_needs_no_lead(world: World):
    customer = world.customer()
    today = date.today()
    upsell = opportunities.create_opportunity(world.ctx("sara"), {
        "customer_id": customer.id, "kind": "upsell", "title": "Support plan", "amount": "۱۲۰٬۰۰۰٬۰۰۰",
        "expected_close": "۱۴۱۰/۰۱/۰۱"}, today=today)
    assert (upsell.kind, upsell.owner, upsell.lead_id, upsell.stage, upsell.probability) == (
        "upsell", "sara", None, "prospecting", 10)
    with pytest.raises(InvalidRecord) as refused:
        opportunities.create_opportunity(world.ctx("sara"), {
            "kind": "gift", "title": "x", "amount": 1, "expected_close": (today - timedelta(days=1)).isoformat()},
            today=today)
    assert {"customer_id", "kind"} <= set(refused.value.field_errors)
    with pytest.raises(InvalidRecord) as past:
        opportunities.create_opportunity(world.ctx("sara"), {
            "customer_id": customer.id, "title": "x", "amount": 1, "expected_close": "1400-01-01"}, today=today)
    assert set(past.value.field_errors) == {"expected_close"}


def test_the_funnel_is_a_setting(world: World):
    funnel = Funnel.parse(["lead_in:5", "demo:40", "quote:70"])
    assert funnel.stages == ("lead_in", "demo", "quote", "won", "lost") and funnel.entry == "lead_in"
    opportunity = _open(world, funnel=funnel)
    assert (opportunity.stage, opportunity.probability) == ("lead_in", 5)
    moved = opportunities.move_stage(world.ctx(), opportunity.id, "quote", funnel=funnel)
    assert moved.probability == 70
    with pytest.raises(InvalidRecord):
        opportunities.move_stage(world.ctx(), opportunity.id, "proposal", funnel=funnel)
    for bad in (["won:100"], [], ["a b:5"], ["demo:140"], ["demo:5", "demo:6"]):
        with pytest.raises(ValueError):
            Funnel.parse(bad)


def test_only_owner_manager_or_admin_may_change(world: World):
    opportunity = _open(world, owner="john")
    assert opportunities.may_change(opportunity, "john")
    assert not opportunities.may_change(opportunity, "maryam")
    assert opportunities.may_change(opportunity, "mina", manager=True)
    assert opportunities.may_change(opportunity, "root", admin=True)
    assert opportunities.may_change(_open(world), "anyone")  # nobody owns it


def test_a_title_is_found_however_its_letters_were_typed(world: World):
    from sqlalchemy import select

    from crm.list_filters import contract_search
    from crm.models import Contract

    found = opportunities.open_opportunity(world.ctx(), customer_id=world.customer("Sara").id,
                                           title="آموزش کارکنان-فروش ۱۴۰۵", amount=1)
    world.session.commit()
    for typed in ("اموزش", "آموزش", "كاركنان", "کارکنان فروش", "کارکنان‌فروش", "1405", "100%"):
        expected = [] if typed == "100%" else [found]
        assert opportunities.list_opportunities(world.session, q=typed)[0] == expected, typed
    found.title = "Fleet tracking"  # a new title, a new key
    world.session.commit()
    assert opportunities.list_opportunities(world.session, q="fleet")[0] == [found]
    assert opportunities.list_opportunities(world.session, q="اموزش")[0] == []

    contract = world.ctx().add(Contract(customer_id=found.customer_id, title="قرارداد پشتيباني سالانه", amount=1,
                                        discount_percent=0, terms="", standard_terms=True, status="draft", rounds=0,
                                        revision=1), "contract")
    world.session.commit()
    assert world.session.scalars(select(Contract.id).where(contract_search("پشتیبانی"))).all() == [contract.id]
