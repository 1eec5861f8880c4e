"""complaint_escalation, path by path: resolved at tier 1, escalated to tier 2 then to the managers
when SLAs run out, the survey answered through its message or closed unanswered."""

from __future__ import annotations

from sqlalchemy import select

from crm import complaints
from crm.models import Complaint, Notification
from tests.processes.conftest import Flow

FILED = {"contact_name": "مریم رضایی", "contact_mobile": "09351234567", "category": "delivery",
         "severity": "high", "channel": "portal", "description": "سفارشم پس از دو هفته نرسیده است."}


def _complaint(flow: Flow, instance_id: str) -> Complaint:
    instance = flow.instance(instance_id)
    return flow.records(lambda s: s.get(Complaint, instance.variables["complaint_id"]))


def _outbox(flow: Flow) -> list[tuple[str, str, str]]:
    return flow.records(lambda s: [(n.template, n.channel, n.recipient)
                                   for n in s.scalars(select(Notification).order_by(Notification.id))])


def test_resolved_at_tier_one_and_survey_answered(flow: Flow):
    flow.deploy("complaint_escalation")
    started = flow.start("complaint_escalation", FILED, actor="api")
    task = flow.open_task(started.id, "tier1")
    assert task.candidate_groups == ["support-1"] and task.priority == 80 and task.due_at is not None
    complaint = _complaint(flow, started.id)
    assert complaint.status == "in_progress" and complaint.tier == 1 and complaint.sla_due is not None
    assert _outbox(flow) == [("complaint_received", "sms", "+989351234567")]
    flow.work(started.id, "tier1", "maryam", {"resolution": "ارسال مجدد انجام شد",
                                              "public_update": "بسته امروز ارسال شد"})
    assert flow.instance(started.id).active_elements == ["survey"]
    assert [t for t, _, _ in _outbox(flow)] == ["complaint_received", "complaint_resolved", "survey_request"]
    flow.write(lambda ctx: complaints.answer_survey(ctx, complaint.tracking_code, 4, "سریع بود"))
    flow(lambda s: flow.engine.correlate(s, "survey_answered", correlation={"tracking_code": complaint.tracking_code}))
    done = flow.instance(started.id)
    assert done.state == "completed" and done.variables["satisfaction"] == 4
    closed = _complaint(flow, started.id)
    assert closed.status == "closed" and closed.handling_seconds is not None
    view = flow.records(lambda s: complaints.public_view(s, complaint.tracking_code))
    assert "بسته امروز ارسال شد" in str(view)


def test_sla_breaches_escalate_to_tier_two_then_managers(flow: Flow):
    flow.deploy("complaint_escalation")
    started = flow.start("complaint_escalation", {**FILED, "severity": "critical"}, actor="api")
    assert flow.later(started.id, hours=30) == 1  # the tier-1 SLA (2 working hours) passed
    assert flow.open_elements(started.id) == ["tier2"]
    assert flow.open_task(started.id, "tier2").candidate_groups == ["support-2"]
    complaint = _complaint(flow, started.id)
    assert complaint.tier == 2 and complaint.breaches == 1 and complaint.status == "escalated"
    assert ("complaint_escalated", "email", "support-lead@ravand.example") in _outbox(flow)
    assert flow.later(started.id, days=3) == 1
    assert flow.open_task(started.id, "tier3").candidate_groups == ["managers"]
    assert _complaint(flow, started.id).breaches == 2
    flow.work(started.id, "tier3", "omid", {"resolution": "refund issued"})
    assert flow.later(started.id, days=8) == 1  # nobody answered the survey
    done = flow.instance(started.id)
    assert done.state == "completed" and done.variables["satisfaction"] is None
    assert _complaint(flow, started.id).status == "closed"
    assert len(flow.journal("timer.fired", started.id)) == 3


def test_billing_goes_to_finance_at_tier_two_and_known_customer_by_email(flow: Flow):
    flow.deploy("complaint_escalation")
    from crm.customers import create_customer

    customer, _ = flow.write(lambda ctx: create_customer(ctx, {"kind": "person", "person_name": "John Smith",
                                                               "email": "john@example.com", "locale": "en"}))
    started = flow.start("complaint_escalation", {"customer_id": customer.id, "category": "billing",
                                                  "severity": "low", "channel": "api",
                                                  "description": "Charged twice"})
    assert _outbox(flow) == [("complaint_received", "email", "john@example.com")]
    flow.later(started.id, days=30)
    assert flow.open_task(started.id, "tier2").candidate_groups == ["finance"]


def test_complaint_by_message_with_bad_data_is_an_incident(flow: Flow):
    flow.deploy("complaint_escalation")
    delivery = flow(lambda s: flow.engine.correlate(s, "complaint_received", variables={"category": "weather"}))
    instance = flow.instance(delivery.instance_ids[0])
    assert instance.state == "failed" and "the complaint is not valid" in instance.incidents[0].message
