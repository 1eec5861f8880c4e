"""Leads: capture (validation, normalisation, duplicates), scoring, qualifying into a customer and an
opportunity, disqualifying, nurturing and reopening, corrections, and the list; on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from crm import leads
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
from crm.models import Customer, StageVisit
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


WEB = {"person_name": "علي كريمي", "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "email": "Ali@Example.COM", "source": "web_form",
       "product": "نرم افزار", "region": "تهران", "estimated_revenue": "۱۲٬۵۰۰٬۰۰۰", "budget_confirmed": True,
       "authority": "yes", "need": "high", "timeline": "quarter"}


def test_capture_normalises_and_journals(world: World):
    lead = leads.capture_lead(world.ctx(), WEB)
    world.session.commit()
    assert (lead.status, lead.person_name, lead.mobile, lead.email) == ("new", "علی کریمی", "+989121234567",
                                                                         "ali@example.com")
    assert lead.estimated_revenue == 12_500_000 and lead.budget_confirmed and lead.authority
    assert lead.name_key == "علیکریمی" and lead.duplicate_of is None and lead.created_by == "alice"
    assert (lead.product, lead.region, lead.source) == ("software", "tehran", "web_form")  # list keys
    created = world.entries("crm.lead.created")
    assert created[0]["id"] == lead.id and created[0]["fields"]["source"] == "web_form"
    assert leads.get_lead(world.session, lead.id) is lead


def test_capture_defaults_and_tomans(world: World):
    lead = leads.capture_lead(world.ctx(), {"company_name": "Pars Co", "phone": "021 8877 6655", "source": "phone",
                                            "estimated_revenue": "150,000 تومان"})
    assert lead.estimated_revenue == 1_500_000 and lead.timeline == "unknown" and lead.need is None
    assert lead.budget_confirmed is False and lead.name_key == "parsco"


def test_capture_refuses_with_every_field_error(world: World):
    with pytest.raises(InvalidRecord) as refused:
        leads.capture_lead(world.ctx(), {"source": "fax", "product": "گوشی", "need": "urgent",
                                         "estimated_revenue": "-5",
                                         "mobile": "12", "email": "not-an-email", "budget_confirmed": "perhaps"})
    assert {"source", "product", "need", "estimated_revenue", "mobile", "email", "budget_confirmed"} <= set(
        refused.value.field_errors)
    with pytest.raises(InvalidRecord) as nobody:
        leads.capture_lead(world.ctx(), {"source": "walk_in"})
    assert set(nobody.value.field_errors) == {"person_name", "mobile"}
    with pytest.raises(InvalidRecord) as landline:
        leads.capture_lead(world.ctx(), {"person_name": "Sara", "mobile": "021 8877 6655", "source": "phone"})
    assert "mobile" in landline.value.field_errors
    with pytest.raises(InvalidRecord):
        leads.capture_lead(world.ctx(), "not a mapping")  # type: ignore[arg-type]
    assert world.entries("crm.lead.created") == []


def test_duplicate_is_named_not_refused(world: World):
    known = world.customer("علی کریمی", mobile="09121234567")
    lead = leads.capture_lead(world.ctx(), {**WEB, "person_name": "Someone Else"})
    assert lead.duplicate_of == known.id and lead.status == "new"


def _scored(world: World, data: dict | None = None) -> int:
    lead = leads.capture_lead(world.ctx(), data or WEB)
    leads.set_score(world.ctx("scorer"), lead.id, score=82, grade="A", sales_group="sales")
    return lead.id


def test_score_then_qualify_creates_customer_and_opportunity(world: World):
    lead_id = _scored(world)
    lead = leads.get_lead(world.session, lead_id)
    assert (lead.status, lead.score, lead.grade, lead.sales_group) == ("qualifying", 82, "A", "sales")
    assert world.changes("lead", lead_id)[0]["status"] == ["new", "qualifying"]
    customer, opportunity = leads.qualify(world.ctx("bob"), lead_id, title="ERP for Karimi", amount="۹۰۰۰۰۰۰",
                                          expected_close=date(2031, 1, 1), owner="bob")
    world.session.commit()
    assert (customer.status, customer.person_name, customer.mobile, customer.owner) == ("potential", "علی کریمی",
                                                                                         "+989121234567", "bob")
    assert (opportunity.stage, opportunity.probability, opportunity.amount, opportunity.lead_id) == (
        "qualification", 25, 9_000_000, lead_id)
    assert (lead.status, lead.customer_id) == ("qualified", customer.id)
    visits = world.session.query(StageVisit).filter_by(opportunity_id=opportunity.id).all()
    assert [(v.stage, v.left_at) for v in visits] == [("qualification", None)]
    assert world.changes("lead", lead_id)[-1] == {"status": ["qualifying", "qualified"],
                                                  "customer_id": [None, customer.id]}
    with pytest.raises(RecordConflict, match="qualified"):
        leads.qualify(world.ctx(), lead_id, title="again", amount=1)


def test_qualify_links_the_duplicate_customer(world: World):
    known = world.customer("علی کریمی", mobile="09121234567")
    lead_id = _scored(world)
    customer, opportunity = leads.qualify(world.ctx(), lead_id, title="Renewal", amount=5)
    assert customer.id == known.id and opportunity.customer_id == known.id
    assert world.session.query(Customer).count() == 1


def test_qualify_refuses_a_bad_opportunity(world: World):
    lead_id = _scored(world)
    with pytest.raises(InvalidRecord) as refused:
        leads.qualify(world.ctx(), lead_id, title="", amount="lots")
    assert set(refused.value.field_errors) == {"title", "amount"}


def test_disqualify_needs_a_reason(world: World):
    lead_id = _scored(world)
    with pytest.raises(InvalidRecord) as refused:
        leads.disqualify(world.ctx(), lead_id, "  ")
    assert refused.value.field_errors == {"reason": ["this field is required"]}
    with pytest.raises(InvalidRecord) as unlisted:
        leads.disqualify(world.ctx(), lead_id, "no budget this year")
    assert "reason" in unlisted.value.field_errors
    lead = leads.disqualify(world.ctx(), lead_id, "بودجه ندارد", " until spring ")  # a label: its key is kept
    assert (lead.status, lead.disqualify_reason, lead.disqualify_comment) == ("disqualified", "no_budget",
                                                                             "until spring")
    for act in (lambda: leads.set_score(world.ctx(), lead_id, score=1, grade="C", sales_group="x"),
                lambda: leads.nurture(world.ctx(), lead_id, datetime.now(UTC) + timedelta(days=1)),
                lambda: leads.disqualify(world.ctx(), lead_id, "other"),
                lambda: leads.reopen(world.ctx(), lead_id)):
        with pytest.raises(RecordConflict, match="disqualified"):
            act()


def test_nurture_and_reopen(world: World):
    lead_id = _scored(world)
    with pytest.raises(InvalidRecord, match="future"):
        leads.nurture(world.ctx(), lead_id, datetime.now(UTC) - timedelta(minutes=1))
    with pytest.raises(RecordConflict, match="nurture"):
        leads.reopen(world.ctx(), lead_id)
    when = datetime(2040, 3, 21, 8, 30)  # naive: taken as UTC
    lead = leads.nurture(world.ctx(), lead_id, when)
    world.session.commit()
    world.session.expire_all()
    lead = leads.get_lead(world.session, lead_id)
    assert lead.status == "nurture" and lead.recontact_at == when.replace(tzinfo=UTC)
    with pytest.raises(RecordConflict):
        leads.qualify(world.ctx(), lead_id, title="t", amount=1)
    lead = leads.reopen(world.ctx(), lead_id)
    assert (lead.status, lead.recontact_at) == ("qualifying", None)
    assert world.changes("lead", lead_id)[-1]["status"] == ["nurture", "qualifying"]


def test_set_score_validates(world: World):
    lead = leads.capture_lead(world.ctx(), WEB)
    with pytest.raises(InvalidRecord) as refused:
        leads.set_score(world.ctx(), lead.id, score="high", grade="", sales_group="")  # type: ignore[arg-type]
    assert set(refused.value.field_errors) == {"score", "grade", "sales_group"}
    with pytest.raises(RecordNotFound):
        leads.set_score(world.ctx(), 999, score=1, grade="A", sales_group="sales")


def test_update_lead(world: World):
    lead = leads.capture_lead(world.ctx(), WEB)
    leads.update_lead(world.ctx("bob"), lead.id, {"company_name": "شركت پارس", "estimated_revenue": 7})
    assert lead.name_key == "شرکتپارس|علیکریمی" and lead.estimated_revenue == 7 and lead.updated_by == "bob"
    assert world.changes("lead", lead.id)[0]["estimated_revenue"] == [12_500_000, 7]
    with pytest.raises(InvalidRecord) as refused:
        leads.update_lead(world.ctx(), lead.id, {"status": "qualified", "score": 100})
    assert set(refused.value.field_errors) == {"status", "score"}
    with pytest.raises(InvalidRecord):
        leads.update_lead(world.ctx(), lead.id, {"mobile": None, "email": None})  # no way to reach them left
    leads.disqualify(world.ctx(), lead.id, "duplicate")
    with pytest.raises(RecordConflict):
        leads.update_lead(world.ctx(), lead.id, {"region": "Tehran"})


def test_list_filters_and_search(world: World):
    first = leads.capture_lead(world.ctx(), WEB)
    second = leads.capture_lead(world.ctx(), {"company_name": "Pars_Co 100%", "phone": "021 8877 6655",
                                              "source": "campaign"})
    leads.set_score(world.ctx(), second.id, score=40, grade="B", sales_group="key-accounts")
    world.session.commit()
    assert leads.list_leads(world.session) == ([second, first], 2)
    assert leads.list_leads(world.session, status="new") == ([first], 1)
    assert leads.list_leads(world.session, source="campaign", sales_group="key-accounts") == ([second], 1)
    assert leads.list_leads(world.session, q="علي  كريمي")[1] == 1  # Arabic letters, doubled space
    assert leads.list_leads(world.session, q="۰۹۱۲۱۲۳")[0] == [first]  # Persian digits, leading 0
    assert leads.list_leads(world.session, q="88776655")[0] == [second]
    assert leads.list_leads(world.session, q="EXAMPLE.com")[0] == [first]
    assert leads.list_leads(world.session, q="100%")[0] == [second]  # % is not a wildcard
    assert leads.list_leads(world.session, q="nobody")[1] == 0
    assert leads.list_leads(world.session, limit=1, offset=1) == ([first], 2)
