"""quote_approval on the real engine (one transaction a step): a quote within the decision table's limits goes
to the customer at once with its link; a large discount waits for a manager who did not write it; approved it
is sent, turned down it is a draft again with the reason and its writer is told."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from crm import quotes
from crm.customers import create_customer
from crm.errors import RecordConflict
from crm.models import Notification
from crm.opportunities import open_opportunity
from engine.views import Actor
from processes.notices import StaffMember
from tests.conftest import Database
from tests.processes.conftest import Flow


def directory(_session: Any, wanted: Any) -> list[StaffMember]:
    return [StaffMember(n, n.title(), "fa", email=f"{n}@ravand.example") for n in wanted if not n.startswith("group:")]


SETTINGS = {"locale": "fa", "quote_link_secret": "q" * 64, "quote_link_zone": "Asia/Tehran",
            "public_url": "https://crm.example", "staff_directory": directory}


@pytest.fixture
def flow(crm_db: Database) -> Flow:
    made = Flow(crm_db, settings=dict(SETTINGS))
    made.deploy("quote_approval")
    return made


def _quote(flow: Flow, *, discount: int = 0, owner: str = "sara") -> int:
    def write(ctx: Any) -> int:
        customer, _ = create_customer(ctx, {"kind": "company", "company_name": "پارس افزار", "mobile": "09121234567",
                                            "email": "buyer@pars.example"})
        opportunity = open_opportunity(ctx, customer_id=customer.id, title="انبار", amount=500_000_000)
        return quotes.create_quote(ctx, opportunity, {"discount_percent": discount, "lines": [
            {"description": "مجوز نرم‌افزار", "unit": "licence", "quantity": 2, "unit_price": 120_000_000}]},
            vat_percent=10, today=date.today()).id
    return flow.write(lambda ctx: write(type(ctx)(ctx.session, owner, ctx.audit)))


def _state(flow: Flow, quote_id: int) -> Any:
    return flow.records(lambda s: quotes.get_quote(s, quote_id))


def _sent_to(flow: Flow, template: str) -> list[str]:
    return flow.records(lambda s: list(s.scalars(select(Notification.recipient)
                                                 .where(Notification.template == template))))


def test_a_quote_within_the_limits_goes_to_the_customer_at_once(flow: Flow) -> None:
    quote_id = _quote(flow, discount=5)
    instance = flow.start("quote_approval", {"quote_id": quote_id})
    assert flow.instance(instance.id).state == "completed"
    quote = _state(flow, quote_id)
    assert (quote.state, quote.process_instance_id) == ("sent", instance.id)
    assert sorted(_sent_to(flow, "quote_sent")) == ["+989121234567", "buyer@pars.example"]


def test_a_large_discount_waits_for_a_manager_who_did_not_write_it(flow: Flow) -> None:
    quote_id = _quote(flow, discount=20, owner="mina")
    instance = flow.start("quote_approval", {"quote_id": quote_id}, actor="mina")
    assert flow.open_elements(instance.id) == ["approve"] and _state(flow, quote_id).state == "pending"
    task = flow.open_task(instance.id, "approve")
    shown = flow(lambda s: flow.engine.task(s, task.id, Actor("omid", frozenset({"managers"}))))
    assert shown.data["largest_discount"] == 20 and "مجوز نرم‌افزار" in shown.data["lines_text"]
    assert shown.form is not None and shown.form["id"] == "quote-decision"
    with pytest.raises(RecordConflict, match="another manager"):  # mina wrote it
        flow(lambda s: flow.engine.claim(s, task.id, Actor("mina", frozenset({"managers"}))))
    with pytest.raises(RecordConflict, match="only a draft is changed"):
        flow.write(lambda ctx: quotes.update_quote(ctx, quotes.get_quote(ctx.session, quote_id), {"notes": "x"},
                                                    today=date.today()))
    flow.work(instance.id, "approve", "omid", {"decision": "approve"})
    assert _state(flow, quote_id).state == "sent" and flow.instance(instance.id).state == "completed"


def test_turned_down_it_is_a_draft_again_with_the_reason_and_its_writer_is_told(flow: Flow) -> None:
    quote_id = _quote(flow, discount=25)
    instance = flow.start("quote_approval", {"quote_id": quote_id})
    flow.work(instance.id, "approve", "omid", {"decision": "reject", "reason": "حداکثر ۱۲٪ تخفیف بدهید."})
    quote = _state(flow, quote_id)
    assert (quote.state, quote.review_note) == ("draft", "حداکثر ۱۲٪ تخفیف بدهید.")
    assert sorted(_sent_to(flow, "quote_returned")) == ["sara", "sara@ravand.example"]  # inbox and e-mail
    assert _sent_to(flow, "quote_sent") == []
    # fixed, it goes through again (a new instance) and is let through
    flow.write(lambda ctx: quotes.update_quote(ctx, quotes.get_quote(ctx.session, quote_id),
                                               {"discount_percent": 10}, today=date.today()))
    again = flow.start("quote_approval", {"quote_id": quote_id})
    assert _state(flow, quote_id).state == "sent" and _state(flow, quote_id).review_note is None
    assert flow.instance(again.id).state == "completed"


def test_an_expired_quote_stops_at_an_incident_and_stays_a_draft(flow: Flow) -> None:
    quote_id = _quote(flow)
    flow.write(lambda ctx: setattr(quotes.get_quote(ctx.session, quote_id), "valid_until",
                                   date.today() - timedelta(days=1)))
    instance = flow.start("quote_approval", {"quote_id": quote_id})
    shown = flow.instance(instance.id)
    assert shown.incidents and "validity has passed" in shown.incidents[0].message
    assert _state(flow, quote_id).state == "draft"
