"""lead_qualification, path by path, one transaction a step: scored and routed by its DMN tables on list keys
(a lead typed in Persian routes like one typed in English), the call carrying who to call and why the lead
scored so, each call kept on the lead with its BANT answers and the score recomputed from them, then
qualified, disqualified (a listed reason), or nurtured and called again by the rep who nurtured it; a
corrected lead is scored and routed again while its call waits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from sqlalchemy import select

from crm import lead_calls, leads
from crm.activities import activities_of
from crm.models import Customer, Lead, LeadCall, Notification, Opportunity
from processes.notices import StaffMember
from tests.conftest import Database
from tests.processes.conftest import Flow

HOT = {"person_name": "علي كريمي", "company_name": "پارس افزار", "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "source": "web_form",
       "product": "software", "region": "Tehran", "estimated_revenue": 2_000_000_000, "budget_confirmed": True,
       "authority": True, "need": "high", "timeline": "now"}
HOT_FA = {**HOT, "source": "فرم وب‌سایت", "product": "نرم افزار", "region": "تهران", "mobile": "۰۹۱۲ ۳۴۵ ۶۷۸۹"}
HOT_EN = {**HOT, "person_name": "Ali Karimi", "company_name": "Pars Afzar", "source": "Website form",
          "product": "Software", "region": "Tehran", "mobile": "+98 912 345 0000"}
COLD = {"person_name": "John Smith", "email": "john@example.com", "source": "campaign", "product": "hardware",
        "region": "Kerman", "estimated_revenue": 10_000_000, "need": "low", "timeline": "year"}
TEHRAN = ZoneInfo("Asia/Tehran")


def _jalali(day: date) -> str:
    shamsi = jdatetime.date.fromgregorian(date=day)
    return f"{shamsi.year}/{shamsi.month:02d}/{shamsi.day:02d}"


def _calls(flow: Flow, lead_id: int) -> list[LeadCall]:
    return flow.records(lambda s: lead_calls.calls_of(s, lead_id))


@pytest.mark.parametrize("typed", [HOT_FA, HOT_EN], ids=["persian", "english"])
def test_a_lead_routes_and_scores_alike_in_persian_and_english(flow: Flow, typed: dict):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", typed)
    variables = flow.instance(started.id).variables
    # 20 budget + 15 authority + 25 need + 20 now + 10 revenue ≥ 1bn = 90 → grade A, to the sales team
    assert (variables["score"], variables["grade"], variables["sales_group"]) == (90, "A", "sales")
    assert (variables["product"], variables["region"], variables["source"]) == ("software", "tehran", "web_form")
    assert variables["source_label"] == {"fa": "فرم وب‌سایت", "en": "Website form"}
    assert variables["mobile"].startswith("+98912345") and variables["person_name"] and variables["earlier_calls"] == []
    assert {part["why"]: part["points"] for part in variables["score_why"]} == {
        "budget": 20, "authority": 15, "need_high": 25, "buys_now": 20, "revenue": 10}
    assert {part["fa"] for part in variables["score_why"]} >= {"بودجه تأیید شده"}
    task = flow.open_task(started.id, "call")
    assert task.candidate_groups == ["sales"] and task.priority == 90 and task.assignee is None
    # due in four working hours on the Iranian calendar: within 08:00–16:00 Tehran, never at night
    due = task.due_at.astimezone(TEHRAN)
    assert due.weekday() != 4 and 8 <= due.hour <= 16 and due > task.created_at
    lead = flow.records(lambda s: s.get(Lead, variables["lead_id"]))
    assert lead.score_parts and sum(p["points"] for p in lead.score_parts) == 90


def test_the_call_asks_bant_the_score_is_recomputed_and_the_call_kept(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", HOT_FA, business_key="lead-web-1")
    close = date.today() + timedelta(days=60)
    flow.work(started.id, "call", "sara", {
        "outcome": "qualified", "opportunity_title": "ERP licences", "amount": 2_500_000_000,
        "expected_close": _jalali(close), "budget_confirmed": False, "authority": True, "need": "medium",
        "timeline": "quarter", "call_notes": "با مدیر عامل صحبت شد"})
    done = flow.instance(started.id)
    assert done.state == "completed"

    def check(s):
        lead = s.get(Lead, done.variables["lead_id"])
        opportunity = s.get(Opportunity, done.variables["opportunity_id"])
        # 15 authority + 10 medium need + 10 this quarter + 10 revenue = 45 → B
        assert (lead.status, lead.score, lead.grade, lead.budget_confirmed, lead.need) == (
            "qualified", 45, "B", False, "medium")
        assert s.get(Customer, done.variables["customer_id"]).status == "potential"
        assert opportunity.stage == "qualification" and opportunity.amount == 2_500_000_000
        assert opportunity.expected_close == close and opportunity.owner == "sara" and opportunity.kind == "new"
    flow.records(check)
    [call] = _calls(flow, done.variables["lead_id"])
    assert (call.by, call.outcome, call.notes, call.score, call.grade) == ("sara", "qualified",
                                                                           "با مدیر عامل صحبت شد", 45, "B")
    assert (call.budget_confirmed, call.authority, call.need, call.timeline) == (False, True, "medium", "quarter")
    # the call is among the lead's activities, as any call logged by hand
    [activity] = flow.records(lambda s: activities_of(s, "lead", done.variables["lead_id"])[0])
    assert (activity.kind, activity.direction, activity.owner, activity.notes, activity.source, activity.source_id) == (
        "call", "outbound", "sara", "با مدیر عامل صحبت شد", "lead_call", call.id)
    assert activity.done_at is not None


def test_answers_that_cannot_be_taken_send_the_call_back_to_the_caller(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", HOT)
    flow.work(started.id, "call", "sara", {"outcome": "nurture", "recontact_on": "1400-01-01"})
    instance = flow.instance(started.id)
    assert instance.state == "running" and not instance.incidents
    assert "recontact_on" in instance.variables["call_problem"]
    task = flow.open_task(started.id, "call")
    assert task.assignee == "sara"
    assert _calls(flow, instance.variables["lead_id"]) == []
    flow.work(started.id, "call", "sara", {"outcome": "disqualified", "reason": "no_budget",
                                           "reason_comment": "budget frozen until spring"})
    done = flow.instance(started.id)
    lead = flow.records(lambda s: s.get(Lead, done.variables["lead_id"]))
    assert (lead.status, lead.disqualify_reason, lead.disqualify_comment) == (
        "disqualified", "no_budget", "budget frozen until spring")
    [call] = _calls(flow, lead.id)
    assert (call.outcome, call.reason, call.comment) == ("disqualified", "no_budget", "budget frozen until spring")


def test_large_deal_goes_to_enterprise_sales(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", {**HOT_FA, "estimated_revenue": "۹٬۰۰۰٬۰۰۰٬۰۰۰"})
    assert flow.open_task(started.id, "call").candidate_groups == ["sales-enterprise"]


def _directory(_session: object, names: object) -> list[StaffMember]:
    """The one employee these tests tell: reza, who reads Persian."""
    return [StaffMember("reza", "رضا احمدی", "fa")] if "reza" in names else []  # type: ignore[operator]


def test_nurtured_on_a_jalali_day_comes_back_to_the_rep_who_nurtured_it(crm_db: Database):
    flow = Flow(crm_db, settings={"locale": "fa", "staff_directory": _directory})
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", COLD)
    assert flow.instance(started.id).variables["grade"] == "D"
    assert flow.open_task(started.id, "call").candidate_groups == ["sales-regions"]
    back_on = date.today() + timedelta(days=20)
    flow.work(started.id, "call", "reza", {"outcome": "nurture", "recontact_on": _jalali(back_on),
                                           "need": "high", "call_notes": "after Nowruz"})
    waiting = flow.instance(started.id)
    assert waiting.active_elements == ["wait_recontact"]
    lead = flow.records(lambda s: s.get(Lead, waiting.variables["lead_id"]))
    assert lead.status == "nurture" and lead.recontact_by == "reza"
    assert lead.recontact_at == datetime(back_on.year, back_on.month, back_on.day, 8, tzinfo=TEHRAN)
    assert flow.later(started.id, days=19) == 0  # not yet
    assert flow.later(started.id, days=2) == 1
    again = flow.instance(started.id)
    assert again.active_elements == ["call", "corrected"] and again.variables.get("outcome") is None
    task = flow.open_task(started.id, "call")
    assert task.assignee == "reza" and task.state == "claimed"  # back to reza, not to the whole group
    told = flow.records(lambda s: list(s.scalars(select(Notification).where(
        Notification.template == "lead_recontact"))))
    assert [(n.channel, n.recipient) for n in told] == [("app", "reza")]  # reza is told, in Persian, by name
    assert "رضا احمدی" in told[0].body and "john@example.com" in told[0].body and told[0].link == "/app/tasks"
    assert again.variables["score"] == 25  # re-scored after nurture: the call's "high" need counts
    assert [c["notes"] for c in again.variables["earlier_calls"]] == ["after Nowruz"]
    flow.work(started.id, "call", "reza", {"outcome": "qualified", "opportunity_title": "Printers", "amount": 50})
    assert flow.instance(started.id).state == "completed"
    assert [c.outcome for c in _calls(flow, lead.id)] == ["nurture", "qualified"]


def test_nurtured_for_some_days_and_refused_when_the_day_is_past(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", COLD)
    flow.work(started.id, "call", "reza", {"outcome": "nurture", "recontact_days": 14})
    waiting = flow.instance(started.id)
    assert waiting.active_elements == ["wait_recontact"]
    assert flow.later(started.id, days=13) == 0
    assert flow.later(started.id, days=2) == 1
    assert flow.open_task(started.id, "call").assignee == "reza"


def test_a_corrected_lead_is_scored_and_routed_again_while_its_call_waits(flow: Flow):
    flow.deploy("lead_qualification")
    started = flow.start("lead_qualification", COLD)
    first = flow.open_task(started.id, "call")
    assert first.candidate_groups == ["sales-regions"]
    lead_id = flow.instance(started.id).variables["lead_id"]
    flow.write(lambda ctx: leads.update_lead(ctx, lead_id, {"region": "تهران", "budget_confirmed": True}))
    delivery = flow(lambda s: flow.engine.correlate(s, "lead_corrected", None, correlation={"lead_id": lead_id},
                                                    waiting_only=True))
    assert delivery.instance_ids == [started.id]
    second = flow.open_task(started.id, "call")
    assert second.id != first.id and second.candidate_groups == ["sales"]
    variables = flow.instance(started.id).variables
    assert (variables["region"], variables["score"]) == ("tehran", 20)
    assert flow.records(lambda s: s.get(Lead, lead_id).sales_group) == "sales"


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
    assert flow.records(lambda s: len(list(s.scalars(select(Customer))))) == 1


def test_a_message_lead_is_checked_without_writing(flow: Flow):
    from crm.errors import InvalidRecord

    with pytest.raises(InvalidRecord) as refused:
        flow.records(lambda s: leads.check_lead(s, {"person_name": "x", "source": "fax", "product": "گوشی"}))
    assert {"source", "product", "mobile"} <= set(refused.value.field_errors)
    assert flow.records(lambda s: leads.check_lead(s, HOT_FA))["region"] == "tehran"
    assert flow.records(lambda s: s.scalar(select(Lead.id))) is None


def test_invalid_lead_from_a_message_becomes_a_readable_incident(flow: Flow):
    flow.deploy("lead_qualification")
    delivery = flow(lambda s: flow.engine.correlate(s, "lead_received", None, variables={"source": "fax"}))
    instance = flow.instance(delivery.instance_ids[0])
    assert instance.state == "failed"
    assert "the lead is not valid" in instance.incidents[0].message
