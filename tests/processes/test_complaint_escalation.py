"""complaint_escalation, path by path through the real engine (one committed transaction a step), in Persian
and English: resolved at tier 1 (internal text never public), escalated by choice and by missed deadlines
(hand-over, notices, warnings, the managers' deadline), waiting for the customer (the SLA clock stops), a low
survey score followed up and reopened, the customer reopening, corrections re-routing, suggestions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm import complaint_work, complaints
from crm.customers import create_customer
from crm.errors import InvalidRecord
from crm.models import Complaint, ComplaintHandling, Notification
from engine.store.models import Timer
from engine.views import Actor
from processes.notices import StaffMember
from tests.conftest import Database
from tests.processes.conftest import PEOPLE, Flow

FILED = {"contact_name": "مریم رضایی", "contact_mobile": "۰۹۳۵ ۱۲۳ ۴۵۶۷", "category": "ارسال و تحویل",
         "severity": "high", "channel": "portal", "description": "سفارشم پس از دو هفته نرسیده است."}
ENGLISH = {"contact_name": "David Miller", "contact_email": "david@example.com", "category": "product",
           "severity": "medium", "channel": "portal", "description": "The card reader does not switch on."}
STAFF = {"maryam": ("مریم حسینی", "fa", {"support-1"}), "omid": ("Omid Karimi", "en", {"support-2", "managers"}),
         "mina": ("مینا", "fa", {"managers"}), "leila": ("لیلا", "fa", {"support-leads"})}


def _directory(_session: object, names: Iterable[str]) -> list[StaffMember]:
    found: dict[str, StaffMember] = {}
    for name in names:
        for user, (display, locale, groups) in STAFF.items():
            if name == user or name.removeprefix("group:") in groups:
                found.setdefault(user, StaffMember(user, display, locale))
    return list(found.values())


@pytest.fixture
def flow(crm_db: Database) -> Flow:
    PEOPLE.setdefault("leila", Actor("leila", frozenset({"support-leads"})))
    flow = Flow(crm_db, settings={"locale": "fa", "staff_directory": _directory, "public_url": "https://crm.example"})
    flow.deploy("complaint_escalation")
    return flow


def _complaint(flow: Flow, instance_id: str) -> Complaint:
    instance = flow.instance(instance_id)
    return flow.records(lambda s: s.get(Complaint, instance.variables["complaint_id"]))


def _outbox(flow: Flow) -> list[tuple[str, str, str]]:
    return flow.records(lambda s: [(n.template, n.channel, n.recipient)
                                   for n in s.scalars(select(Notification).order_by(Notification.id))])


def _bodies(flow: Flow, template: str) -> list[str]:
    return flow.records(lambda s: list(s.scalars(select(Notification.body).where(Notification.template == template))))


def _steps(flow: Flow, complaint_id: int) -> list[tuple[str | None, str, int]]:
    return flow.records(lambda s: [(h.user, h.action, h.tier) for h in complaint_work.handling(s, complaint_id)])


def _fire(flow: Flow, instance_id: str, element_id: str) -> None:
    """The instance's timer at ``element_id`` falls due now (as an operator can make it)."""
    timer = flow.records(lambda s: s.scalars(select(Timer).where(Timer.process_instance_id == instance_id,
                                                                 Timer.element_id == element_id)).one())
    past = datetime.now(UTC) - timedelta(seconds=1)
    flow(lambda s: flow.engine.reschedule_timer(s, timer.id, past, "operator"))


def _claim(flow: Flow, instance_id: str, element_id: str, who: str) -> str:
    task = flow.open_task(instance_id, element_id)
    flow(lambda s: flow.engine.claim(s, task.id, PEOPLE[who]))
    return task.id


def test_resolved_at_tier_one_the_internal_text_stays_internal(flow: Flow):
    started = flow.start("complaint_escalation", FILED, actor="portal")
    task = flow.open_task(started.id, "tier1")
    assert task.candidate_groups == ["support-1"] and task.priority == 80 and task.due_at is not None
    data = flow.instance(started.id).variables
    assert data["description"] == FILED["description"] and data["complainant"] == "مریم رضایی"
    assert data["complainant_mobile"] == "+989351234567" and data["category"] == "delivery"
    assert "تحویل" in data["category_label"] and "زیاد" in data["severity_label"] and data["kind"] == "complaint"
    assert data["tracking_code"].startswith("RC-") and data["complainant_locale"] == "fa"
    assert _outbox(flow) == [("complaint_received", "sms", "+989351234567")]
    _claim(flow, started.id, "tier1", "maryam")
    flow.work(started.id, "tier1", "maryam", {"outcome": "resolve", "resolution": "انبار اشتباه ارسال کرده بود",
                                              "public_update": "بسته امروز دوباره ارسال شد",
                                              "internal_note": "انبار را بازخواست کنید"})
    complaint = _complaint(flow, started.id)
    assert complaint.status == "resolved" and complaint.assignee == "maryam"
    assert _steps(flow, complaint.id) == [("maryam", "claimed", 1), ("maryam", "resolved", 1)]
    assert [t for t, _, _ in _outbox(flow)] == ["complaint_received", "complaint_resolved"]  # one message
    [resolved] = _bodies(flow, "complaint_resolved")
    assert "https://crm.example/portal/complaints/" in resolved and "انبار" not in resolved
    view = flow.records(lambda s: complaints.public_view(s, complaint.tracking_code))
    assert view["resolution"] == "بسته امروز دوباره ارسال شد" and "انبار" not in str(view)
    flow.write(lambda ctx: complaints.answer_survey(ctx, complaint.tracking_code, "۴", "سریع بود"))
    flow(lambda s: flow.engine.correlate(s, "survey_answered", correlation={"tracking_code": complaint.tracking_code}))
    done = flow.instance(started.id)
    assert done.state == "completed" and done.variables["satisfaction"] == 4
    closed = _complaint(flow, started.id)
    assert closed.status == "closed" and 0 <= closed.handling_seconds <= 8 * 3600  # working time


def test_tier_one_passes_it_on_with_a_reason_in_english(flow: Flow):
    started = flow.start("complaint_escalation", ENGLISH, actor="portal")
    task_id = _claim(flow, started.id, "tier1", "maryam")
    flow(lambda s: flow.engine.add_comment(s, task_id, "Firmware 2.1 suspected", PEOPLE["maryam"]))
    flow.work(started.id, "tier1", "maryam", {"outcome": "escalate", "escalation_reason": "Needs a technician",
                                              "internal_note": "Tried a reset"})
    assert flow.open_elements(started.id) == ["tier2"]
    assert flow.open_task(started.id, "tier2").candidate_groups == ["support-2"]
    complaint = _complaint(flow, started.id)
    assert (complaint.tier, complaint.breaches, complaint.status, complaint.assignee) == (2, 0, "escalated", None)
    data = flow.instance(started.id).variables
    assert data["handover"][0]["text"] == "Firmware 2.1 suspected" and data["handover"][0]["from"] == "maryam"
    assert "Tried a reset" in data["history_text"] and "Needs a technician" in data["history_text"]
    assert ("complaint_escalated_customer", "email", "david@example.com") in _outbox(flow)
    [customer_mail] = _bodies(flow, "complaint_escalated_customer")
    assert "senior staff" in customer_mail  # English, as the complaint was written
    assert ("complaint_escalated", "app", "leila") in _outbox(flow)  # the team lead, by name, in Persian
    [lead] = _bodies(flow, "complaint_escalated")
    assert "لیلا" in lead and "Needs a technician" in lead
    assert "(محصول، شدت متوسط)" in lead and " / " not in lead  # category and severity in the reader's words only
    assert _steps(flow, complaint.id)[:2] == [("maryam", "claimed", 1), ("maryam", "escalated", 1)]
    view = flow.records(lambda s: complaints.public_view(s, complaint.tracking_code))
    assert "Tried a reset" not in str(view) and "technician" not in str(view)


def test_breaches_hand_over_warn_and_the_managers_have_a_deadline(flow: Flow):
    started = flow.start("complaint_escalation", {**FILED, "severity": "critical"}, actor="portal")
    task_id = _claim(flow, started.id, "tier1", "maryam")
    flow(lambda s: flow.engine.add_comment(s, task_id, "با انبار تماس گرفتم", PEOPLE["maryam"]))
    _fire(flow, started.id, "tier1_warning")
    assert flow.open_elements(started.id) == ["tier1"]  # a warning takes nothing away
    assert ("complaint_sla_warning", "app", "maryam") in _outbox(flow)
    _fire(flow, started.id, "tier1_breached")
    assert flow.open_elements(started.id) == ["tier2"]
    complaint = _complaint(flow, started.id)
    assert (complaint.tier, complaint.breaches, complaint.status) == (2, 1, "escalated")
    assert ("complaint_handed_over", "app", "maryam") in _outbox(flow)
    assert ("complaint_escalated_customer", "sms", "+989351234567") in _outbox(flow)
    assert "با انبار تماس گرفتم" in flow.instance(started.id).variables["history_text"]
    assert ("maryam", "handed_over", 1) in _steps(flow, complaint.id)
    _fire(flow, started.id, "tier2_breached")
    assert flow.open_task(started.id, "tier3").candidate_groups == ["managers"]
    assert {r for t, _, r in _outbox(flow) if t == "complaint_escalated"} >= {"omid", "mina"}
    bodies = _bodies(flow, "complaint_escalated")  # each reader's words, not «علت: -» or "ارسال و تحویل / Delivery"
    assert all("علت: مهلت پاسخ گذشت" in b or "Why: the answer's deadline passed" in b for b in bodies)
    assert all(" / " not in b for b in bodies) and any("Delivery, severity critical" in b for b in bodies)
    first_due = flow.open_task(started.id, "tier3").due_at
    assert first_due is not None  # the managers' tier has a deadline
    _fire(flow, started.id, "tier3_breached")
    assert flow.open_elements(started.id) == ["tier3"]  # no higher tier: reminded, a new deadline
    assert _complaint(flow, started.id).breaches == 3
    assert len([r for t, _, r in _outbox(flow) if t == "complaint_escalated" and r == "mina"]) == 2


def test_waiting_for_the_customer_stops_the_clock(flow: Flow):
    started = flow.start("complaint_escalation", ENGLISH, actor="portal")
    due = flow.open_task(started.id, "tier1").due_at
    flow.work(started.id, "tier1", "maryam", {"outcome": "wait", "question": "Which model is it?"})
    complaint = _complaint(flow, started.id)
    assert complaint.status == "waiting_customer" and complaint.sla_left_seconds > 0
    assert flow.open_elements(started.id) == [] and ("complaint_waiting", "email", "david@example.com") in _outbox(flow)
    view = flow.records(lambda s: complaints.public_view(s, complaint.tracking_code))
    assert view["status"] == "waiting_customer" and view["updates"][-1]["text"] == "Which model is it?"
    flow.write(lambda ctx: complaint_work.customer_reply(ctx, complaint.tracking_code, "Model X200"))
    flow(lambda s: flow.engine.correlate(s, "complaint_customer_replied",
                                         correlation={"tracking_code": complaint.tracking_code}))
    again = flow.open_task(started.id, "tier1")
    assert _complaint(flow, started.id).status == "in_progress"
    assert abs((again.due_at - due).total_seconds()) < 3600 * 24 * 3  # resumed with the time that was left
    assert ("maryam", "waiting", 1) in _steps(flow, complaint.id)


def test_a_low_score_is_followed_up_and_reopened(flow: Flow):
    started = flow.start("complaint_escalation", FILED, actor="portal")
    flow.work(started.id, "tier1", "maryam", {"outcome": "resolve", "resolution": "ارسال مجدد انجام شد",
                                              "public_update": "دوباره ارسال شد"})
    code = _complaint(flow, started.id).tracking_code
    flow.write(lambda ctx: complaints.answer_survey(ctx, code, 2, "سه روز است کسی زنگ نزده"))
    flow(lambda s: flow.engine.correlate(s, "survey_answered", correlation={"tracking_code": code}))
    follow_up = flow.open_task(started.id, "follow_up")
    assert set(follow_up.candidate_groups) == {"support-leads", "managers"}
    assert flow.instance(started.id).variables["satisfaction_comment"] == "سه روز است کسی زنگ نزده"
    flow.work(started.id, "follow_up", "leila", {"follow_up": "reopen", "follow_up_note": "تماس گرفتم، هنوز نرسیده"})
    assert flow.open_elements(started.id) == ["tier1"]
    complaint = _complaint(flow, started.id)
    assert (complaint.status, complaint.reopened, complaint.satisfaction, complaint.tier) == ("in_progress", 1, None, 1)


def test_the_customer_asks_to_reopen(flow: Flow):
    started = flow.start("complaint_escalation", ENGLISH, actor="portal")
    flow.work(started.id, "tier1", "maryam", {"outcome": "resolve", "resolution": "replaced the unit"})
    complaint = _complaint(flow, started.id)
    flow.write(lambda ctx: complaint_work.reopen(ctx, complaint.id, "Still broken"))
    flow(lambda s: flow.engine.correlate(s, "complaint_reopen_requested",
                                         correlation={"tracking_code": complaint.tracking_code}))
    assert flow.open_elements(started.id) == ["tier1"] and _complaint(flow, started.id).reopened == 1


def test_a_correction_reroutes_and_recomputes_the_sla(flow: Flow):
    started = flow.start("complaint_escalation", {**FILED, "severity": "low"}, actor="portal")
    due = flow.open_task(started.id, "tier1").due_at
    complaint = _complaint(flow, started.id)
    _, reroute = flow.write(lambda ctx: complaints.update_complaint(ctx, complaint.id, {"category": "صورتحساب و پرداخت",
                                                                                        "severity": "critical"}))
    assert reroute
    code = complaint.tracking_code
    flow(lambda s: flow.engine.correlate(s, "complaint_changed", correlation={"tracking_code": code}))
    task = flow.open_task(started.id, "tier1")
    assert task.due_at < due and task.priority == 100
    _fire(flow, started.id, "tier1_breached")
    assert flow.open_task(started.id, "tier2").candidate_groups == ["finance"]


def test_a_suggestion_is_not_escalated_by_time(flow: Flow):
    started = flow.start("complaint_escalation", {**ENGLISH, "kind": "suggestion",
                                                  "description": "Please add a dark mode."}, actor="portal")
    _fire(flow, started.id, "tier1_breached")
    assert flow.open_elements(started.id) == ["tier1"]
    complaint = _complaint(flow, started.id)
    assert (complaint.kind, complaint.tier, complaint.breaches) == ("suggestion", 1, 1)
    assert ("complaint_escalated", "app", "leila") in _outbox(flow)


def test_a_known_customer_is_told_in_their_language(flow: Flow):
    customer, _ = flow.write(lambda ctx: create_customer(ctx, {"kind": "person", "person_name": "John Smith",
                                                               "email": "john@example.com", "locale": "en"}))
    started = flow.start("complaint_escalation", {"customer_id": customer.id, "category": "billing",
                                                  "severity": "low", "channel": "api",
                                                  "description": "دو بار از حسابم کم شد"})
    assert _outbox(flow) == [("complaint_received", "email", "john@example.com")]
    assert "We received" in _bodies(flow, "complaint_received")[0]
    assert flow.instance(started.id).variables["complainant"] == "John Smith"


def test_complaint_by_message_with_bad_data_is_refused_by_the_check(flow: Flow):
    with pytest.raises(InvalidRecord) as refused:
        flow.records(lambda s: complaints.check_complaint(s, {"category": "weather"}))
    assert {"category", "severity", "channel", "description"} <= set(refused.value.field_errors)
    assert flow.records(lambda s: s.scalar(select(ComplaintHandling.id))) is None
