"""lead_qualification, path by path: scored and routed by its DMN tables, then qualified,
disqualified, or nurtured and called again when its timer fires."""

from __future__ import annotations

from crm.models import Customer, Lead, Opportunity
from tests.processes.conftest import Flow

HOT = {"person_name": "علي كريمي", "company_name": "پارس افزار", "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "source": "web_form",
       "product": "software", "region": "Tehran", "estimated_revenue": 2_000_000_000, "budget_confirmed": True,
       "authority": True, "need": "high", "timeline": "now"}
COLD = {"person_name": "John Smith", "email": "john@example.com", "source": "campaign", "product": "hardware",
        "region": "Kerman", "estimated_revenue": 10_000_000, "need": "low", "timeline": "year"}


def test_hot_lead_is_scored_routed_and_qualified(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", HOT, business_key="lead-web-1")
    instance = flow.instance(started.id)
    assert instance.active_elements == ["call"]
    # 20 budget + 15 authority + 25 need + 20 now + 10 revenue ≥ 1bn = 90 → grade A, call within 4 hours
    assert instance.variables["score"] == 90 and instance.variables["grade"] == "A"
    task = flow.open_task(started.id, "call")
    assert task.candidate_groups == ["sales"] and task.priority == 90 and task.due_at is not None
    flow.work(started.id, "call", "sara", {"outcome": "qualified", "opportunity_title": "ERP licences",
                                           "amount": 2_500_000_000, "expected_close": "2026-12-20"})
    done = flow.instance(started.id)
    assert done.state == "completed" and done.active_elements == []

    def check(s):
        lead = s.get(Lead, done.variables["lead_id"])
        customer = s.get(Customer, done.variables["customer_id"])
        opportunity = s.get(Opportunity, done.variables["opportunity_id"])
        assert lead.status == "qualified" and lead.mobile == "+989121234567" and lead.score == 90
        assert customer.status == "potential" and customer.person_name == "علی کریمی"
        assert opportunity.stage == "qualification" and opportunity.amount == 2_500_000_000
        assert opportunity.owner == "sara"
    flow.records(check)
    assert flow.journal("crm.lead.created", started.id)


def test_large_deal_goes_to_enterprise_sales_and_is_disqualified_with_reason(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", {**HOT, "estimated_revenue": 9_000_000_000})
    assert flow.open_task(started.id, "call").candidate_groups == ["sales-enterprise"]
    flow.work(started.id, "call", "sara", {"outcome": "disqualified", "reason": "budget frozen until spring"})
    done = flow.instance(started.id)
    assert done.state == "completed"
    lead = flow.records(lambda s: s.get(Lead, done.variables["lead_id"]))
    assert lead.status == "disqualified" and lead.disqualify_reason == "budget frozen until spring"


def test_cold_lead_nurtured_then_called_again(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", COLD)
    instance = flow.instance(started.id)
    assert instance.variables["grade"] == "D"
    assert flow.open_task(started.id, "call").candidate_groups == ["sales-regions"]
    flow.work(started.id, "call", "reza", {"outcome": "nurture", "recontact_days": 14})
    waiting = flow.instance(started.id)
    assert waiting.active_elements == ["wait_recontact"]
    assert flow.records(lambda s: s.get(Lead, waiting.variables["lead_id"]).status) == "nurture"
    assert flow.later(started.id, days=13) == 0  # not yet
    assert flow.later(started.id, days=2) == 1
    again = flow.instance(started.id)
    assert again.active_elements == ["call"] and again.variables.get("outcome") is None
    flow.work(started.id, "call", "reza", {"outcome": "qualified", "opportunity_title": "Printers", "amount": 50})
    assert flow.instance(started.id).state == "completed"


def test_lead_by_message_and_duplicate_of_existing_customer(flow: Flow):
    flow.deploy("lead_qualification")
    from crm.customers import create_customer

    existing, _ = flow.write(lambda ctx: create_customer(ctx, {"kind": "person", "person_name": "علی کریمی",
                                                               "mobile": "09121234567"}))
    delivery = flow(lambda s: flow.engine.correlate(s, "lead_received", "web-77", variables=HOT))
    assert delivery.started
    instance = flow.instance(delivery.instance_ids[0])
    assert instance.variables["duplicate_of"] == existing.id
    flow.work(instance.id, "call", "sara", {"outcome": "qualified", "opportunity_title": "ERP", "amount": 1})
    done = flow.instance(instance.id)
    assert done.variables["customer_id"] == existing.id  # linked, not a second customer


def test_invalid_lead_from_a_message_becomes_a_readable_incident(flow: Flow):
    flow.deploy("lead_qualification")
    delivery = flow(lambda s: flow.engine.correlate(s, "lead_received", None, variables={"source": "fax"}))
    instance = flow.instance(delivery.instance_ids[0])
    assert instance.state == "failed"
    assert "the lead is not valid" in instance.incidents[0].message
