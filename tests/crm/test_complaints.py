"""Complaints: filing (tracking codes), routing, escalation (breaches, the customer's note), notes,
resolving, the survey, closing (handling time), corrections, the list and the public view; on both
databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from crm import codes, complaint_work, complaints
from crm.clock import as_utc
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


PORTAL = {"contact_name": "Sara Ahmadi", "contact_mobile": "09351112233", "category": "delivery",
          "severity": "high", "channel": "portal", "description": "The parcel never arrived.\nOrder 77."}
DUE = datetime(2040, 1, 1, tzinfo=UTC)


def _filed(world: World, **changes: object) -> complaints.Complaint:
    complaint = complaints.file_complaint(world.ctx("portal"), {**PORTAL, **changes})
    world.session.commit()
    return complaint


def test_file_from_the_portal(world: World):
    complaint = _filed(world)
    assert re.fullmatch(r"RC-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}", complaint.tracking_code)
    assert (complaint.status, complaint.tier, complaint.breaches, complaint.customer_id) == ("received", 1, 0, None)
    assert complaint.contact_mobile == "+989351112233" and complaint.description.endswith("\nOrder 77.")
    assert world.entries("crm.complaint.created")[0]["fields"]["tracking_code"] == complaint.tracking_code
    other = _filed(world)
    assert other.tracking_code != complaint.tracking_code


def test_file_for_a_customer(world: World):
    customer = world.customer()
    complaint = complaints.file_complaint(world.ctx(), {"customer_id": customer.id, "category": "billing",
                                                        "severity": "low", "channel": "phone",
                                                        "description": "charged twice"})
    assert complaint.customer_id == customer.id and complaint.contact_name is None
    with pytest.raises(RecordNotFound):
        complaints.file_complaint(world.ctx(), {"customer_id": 999, "category": "billing", "severity": "low",
                                                "channel": "phone", "description": "x"})


def test_file_refuses(world: World):
    with pytest.raises(InvalidRecord) as refused:
        complaints.file_complaint(world.ctx(), {"category": "weather", "severity": "apocalyptic", "channel": "fax"})
    assert set(refused.value.field_errors) == {"category", "severity", "channel", "description", "contact_name",
                                               "contact_mobile"}
    with pytest.raises(InvalidRecord) as bad_contact:
        complaints.file_complaint(world.ctx(), {**PORTAL, "contact_mobile": "021 8877 6655",
                                                "contact_email": "nope"})
    assert set(bad_contact.value.field_errors) == {"contact_mobile", "contact_email"}


def test_codes_are_read_leniently_and_unknown_ones_alike(world: World):
    complaint = _filed(world)
    code = complaint.tracking_code
    typed = code.lower().replace("rc-", "rc ")
    assert complaints.by_tracking_code(world.session, typed) is complaint
    assert complaints.by_tracking_code(world.session, code[3:]) is complaint  # without the prefix
    for wrong in ("RC-" + "2" * 10, "RC-0000000000", "'; drop table complaint; --", "", "RC-" + "A" * 500, None):
        with pytest.raises(RecordNotFound) as refused:
            complaints.by_tracking_code(world.session, wrong)  # type: ignore[arg-type]
        assert refused.value.message == complaints.UNKNOWN_CODE
    assert codes.read_tracking_code("rc-۲۳۴۵۶۷۸۹ab") == "RC-23456789AB"  # Persian digits typed


def test_route_escalate_resolve_survey_close(world: World):
    complaint = _filed(world)
    complaints.route(world.ctx("system"), complaint.id, team="support-1", tier=1, sla_due=DUE)
    assert (complaint.status, complaint.team, complaint.sla_due) == ("in_progress", "support-1", DUE)
    complaints.assign(world.ctx(), complaint.id, "carol")
    complaints.escalate(world.ctx("system"), complaint.id, team="support-2", tier=2, sla_due=DUE + timedelta(hours=4))
    assert (complaint.status, complaint.tier, complaint.breaches, complaint.team) == ("escalated", 2, 1, "support-2")
    notes = complaints.updates(world.session, complaint.id)
    assert len(notes) == 1 and notes[0].public and "tier 2" in notes[0].text and "specialist" in notes[0].text
    assert world.changes("complaint", complaint.id)[-1]["breaches"] == [0, 1]
    with pytest.raises(InvalidRecord, match="lowers"):
        complaints.escalate(world.ctx(), complaint.id, team="support-1", tier=1, sla_due=None)
    complaints.resolve(world.ctx("carol"), complaint.id, "Sent again by courier.")
    assert complaint.status == "resolved" and complaint.resolved_at is not None
    with pytest.raises(RecordConflict):
        complaints.route(world.ctx(), complaint.id, team="x", tier=1, sla_due=None)
    complaints.answer_survey(world.ctx("portal"), complaint.tracking_code, "۴", " quick ")
    assert (complaint.satisfaction, complaint.satisfaction_comment) == (4, "quick")
    with pytest.raises(RecordConflict, match="already"):
        complaints.answer_survey(world.ctx("portal"), complaint.tracking_code, 5)
    complaint.satisfaction = None  # as if unanswered: a survey answer after closing is refused clearly
    closed = complaints.close(world.ctx("system"), complaint.id, handling_seconds=5400,
                              now=complaint.resolved_at + timedelta(days=3))
    world.session.commit()
    assert closed.status == "closed" and closed.handling_seconds == 5400  # working time, counted by the process
    with pytest.raises(RecordConflict, match="closed and its survey"):
        complaints.answer_survey(world.ctx("portal"), complaint.tracking_code, 2)
    for act in (lambda: complaints.add_update(world.ctx(), complaint.id, "late", public=False),
                lambda: complaints.close(world.ctx(), complaint.id),
                lambda: complaints.assign(world.ctx(), complaint.id, "bob")):
        with pytest.raises(RecordConflict, match="closed"):
            act()


def test_persian_customers_hear_persian(world: World):
    complaint = _filed(world, description="بسته به دستم نرسید")
    complaints.escalate(world.ctx(), complaint.id, team="support-3", tier=3, sla_due=None)
    text = complaints.updates(world.session, complaint.id)[0].text
    assert "۳" in text and "مدیریت ارشد" in text
    assert complaints.public_view(world.session, complaint.tracking_code)["tier"] == "مدیریت ارشد"


def test_routing_and_survey_refusals(world: World):
    complaint = _filed(world)
    with pytest.raises(InvalidRecord) as refused:
        complaints.route(world.ctx(), complaint.id, team=" ", tier=0, sla_due="tomorrow")  # type: ignore[arg-type]
    assert set(refused.value.field_errors) == {"team", "tier", "sla_due"}
    with pytest.raises(RecordConflict, match="still being handled"):
        complaints.answer_survey(world.ctx(), complaint.tracking_code, 5)
    for score in (0, 6, "five", None, True):
        with pytest.raises(InvalidRecord):
            complaints.answer_survey(world.ctx(), complaint.tracking_code, score)  # type: ignore[arg-type]
    with pytest.raises(InvalidRecord):
        complaints.answer_survey(world.ctx(), complaint.tracking_code, 3, "x" * 2001)
    with pytest.raises(RecordConflict, match="received"):
        complaints.close(world.ctx(), complaint.id)
    for empty in (lambda: complaints.resolve(world.ctx(), complaint.id, ""),
                  lambda: complaints.assign(world.ctx(), complaint.id, ""),
                  lambda: complaints.add_update(world.ctx(), complaint.id, " ", public=True)):
        with pytest.raises(InvalidRecord):
            empty()


def test_updates_and_corrections(world: World):
    complaint = _filed(world)
    internal = complaints.add_update(world.ctx("carol"), complaint.id, "customer is a VIP", public=False)
    public = complaints.add_update(world.ctx("carol"), complaint.id, "We are looking into it.", public=True)
    assert internal.author == "carol" and world.entries("crm.complaint_update.created")[0]["id"] == internal.id
    assert complaints.updates(world.session, complaint.id, public_only=True) == [public]
    customer = world.customer()
    _, reroute = complaints.update_complaint(world.ctx(), complaint.id, {"category": "محصول",
                                                                          "customer_id": customer.id})
    assert reroute and world.changes("complaint", complaint.id)[0] == {"category": ["delivery", "product"],
                                                                       "customer_id": [None, customer.id]}
    _, reroute = complaints.update_complaint(world.ctx(), complaint.id, {"severity": "low", "kind": "Criticism"})
    assert reroute and (complaint.severity, complaint.kind) == ("low", "criticism")
    assert complaints.update_complaint(world.ctx(), complaint.id, {"customer_id": None})[1] is False
    with pytest.raises(InvalidRecord):
        complaints.update_complaint(world.ctx(), complaint.id, {"status": "closed"})
    with pytest.raises(InvalidRecord):
        complaints.update_complaint(world.ctx(), complaint.id, {"category": "weather"})
    with pytest.raises(InvalidRecord):
        complaints.update_complaint(world.ctx(), complaint.id, {"severity": "apocalyptic"})
    with pytest.raises(RecordNotFound):
        complaints.update_complaint(world.ctx(), complaint.id, {"customer_id": 9999})


def test_public_view_shows_only_what_the_customer_may_see(world: World):
    mine = _filed(world)
    theirs = _filed(world, contact_name="Other Person", description="Other problem")
    complaints.route(world.ctx(), mine.id, team="secret-team", tier=1, sla_due=DUE)
    complaints.assign(world.ctx(), mine.id, "carol")
    complaints.add_update(world.ctx("carol"), mine.id, "internal: refund abuse suspected", public=False)
    complaints.add_update(world.ctx("carol"), mine.id, "A courier is on the way.", public=True)
    complaints.add_update(world.ctx("carol"), theirs.id, "their public note", public=True)
    view = complaints.public_view(world.session, mine.tracking_code)
    assert set(view) == {"tracking_code", "kind", "category", "status", "tier", "created_at", "description",
                         "updates", "resolution", "survey_open"}
    assert [u["text"] for u in view["updates"]] == ["A courier is on the way."]
    assert (view["status"], view["tier"], view["resolution"], view["survey_open"]) == (
        "in_progress", "our support desk", None, False)
    flat = repr(view)
    for secret in ("secret-team", "carol", "refund abuse", "Sara", "0935", "their public note", "Other",
                   theirs.tracking_code):
        assert secret not in flat
    complaints.resolve(world.ctx(), mine.id, "Internal: courier fined.", "Delivered today.")
    view = complaints.public_view(world.session, mine.tracking_code)
    assert view["survey_open"] is True and view["resolution"] == "Delivered today."
    assert "fined" not in repr(view)  # the internal resolution never reaches the portal
    other = _filed(world)
    complaints.resolve(world.ctx(), other.id, "Internal only.")
    assert complaints.public_view(world.session, other.tracking_code)["resolution"] is None


def test_list(world: World):
    first = _filed(world)
    second = _filed(world, category="billing")
    complaints.route(world.ctx(), second.id, team="billing", tier=1, sla_due=None)
    complaints.assign(world.ctx(), second.id, "carol")
    world.session.commit()
    assert complaints.list_complaints(world.session) == ([second, first], 2)
    assert complaints.list_complaints(world.session, status="received") == ([first], 1)
    assert complaints.list_complaints(world.session, category="billing", team="billing", assignee="carol",
                                      severity="high") == ([second], 1)
    assert complaints.list_complaints(world.session, limit=1, offset=1) == ([first], 2)


def test_a_racing_second_survey_answer_is_refused(crm_db: Database):
    """Two answers of one survey in flight: the second waits for the first's row lock, then sees it answered."""
    if crm_db.dialect == "sqlite":
        pytest.skip("SQLite serialises writers itself; row locks are PostgreSQL's")
    with crm_db.sessions() as setup:
        world = World(setup)
        complaint = complaints.file_complaint(world.ctx(), PORTAL)
        complaints.resolve(world.ctx(), complaint.id, "done")
        setup.commit()
        code = complaint.tracking_code
    with crm_db.sessions() as first, crm_db.sessions() as second:
        late = World(second)
        assert complaints.by_tracking_code(second, code).satisfaction is None  # loaded before the first answer
        complaints.answer_survey(World(first).ctx("portal"), code, 5)
        first.commit()
        with pytest.raises(RecordConflict, match="already"):
            complaints.answer_survey(late.ctx("portal"), code, 1)


def test_kinds_labels_and_languages(world: World):
    suggestion = _filed(world, kind="پیشنهاد", category="Delivery", description="Please deliver on Fridays too")
    assert (suggestion.kind, suggestion.category, suggestion.locale) == ("suggestion", "delivery", "en")
    persian = _filed(world, contact_name="Sara", description="بسته به دستم نرسید")
    assert persian.locale == "fa" and complaints.locale_of(world.session, persian) == "fa"
    with pytest.raises(InvalidRecord) as refused:
        complaints.check_complaint(world.session, {**PORTAL, "kind": "praise"})
    assert set(refused.value.field_errors) == {"kind"}
    assert complaints.check_complaint(world.session, PORTAL)["category"] == "delivery"


def test_a_portal_complaint_is_linked_to_the_known_customer(world: World):
    customer = world.customer(mobile="09121112233", email="ali@example.com")
    assert _filed(world, contact_mobile="۰۹۱۲ ۱۱۱ ۲۲۳۳").customer_id == customer.id
    assert _filed(world, contact_mobile=None, contact_email="Ali@Example.com").customer_id == customer.id
    assert _filed(world, contact_mobile="09127776655").customer_id is None
    world.customer("Ali Twin", email="ali@example.com")  # two customers share the address: not guessed
    assert _filed(world, contact_mobile=None, contact_email="ali@example.com").customer_id is None


def test_wait_resume_reopen_and_the_handling_history(world: World):
    complaint = _filed(world)
    complaints.route(world.ctx(), complaint.id, team="support-1", tier=1, sla_due=DUE)
    with pytest.raises(RecordConflict, match="not waiting"):
        complaint_work.customer_reply(world.ctx("portal"), complaint.tracking_code, "x")
    complaint_work.pause(world.ctx("carol"), complaint.id, left_seconds=3600, question="Which order?")
    assert (complaint.status, complaint.sla_left_seconds) == ("waiting_customer", 3600)
    complaint_work.customer_reply(world.ctx("portal"), complaint.tracking_code, "Order 77")
    complaint_work.resume(world.ctx(), complaint.id)
    assert complaint.status == "in_progress" and complaint.paused_at is None
    with pytest.raises(RecordConflict, match="being handled"):
        complaint_work.reopen(world.ctx("portal"), complaint.id, "again")
    complaints.resolve(world.ctx("carol"), complaint.id, "sent again", "Sent again.")
    complaint_work.reopen(world.ctx("portal"), complaint.id, "It never came")
    assert (complaint.status, complaint.tier, complaint.reopened, complaint.resolved_at) == ("received", 1, 1, None)
    complaints.resolve(world.ctx("carol"), complaint.id, "sent again", "Sent again.")
    complaint.resolved_at = complaint.resolved_at - timedelta(days=20)
    with pytest.raises(RecordConflict, match="within 14 days"):
        complaint_work.reopen(world.ctx("portal"), complaint.id, "still not")
    steps = [(h.user, h.action) for h in complaint_work.handling(world.session, complaint.id)]
    assert steps == [("carol", "waiting"), ("alice", "resumed"), ("portal", "reopened")]
    public = [u.text for u in complaints.updates(world.session, complaint.id, public_only=True)]
    assert "Which order?" in public and "Order 77" in public and "It never came" not in public


def test_what_the_portal_offers_the_question_and_the_reopening_deadline(world: World):
    complaint = _filed(world)
    complaints.route(world.ctx(), complaint.id, team="support-1", tier=1, sla_due=DUE)
    complaints.add_update(world.ctx("carol"), complaint.id, "We are looking into it.", public=True)
    assert complaint_work.question(world.session, complaint) is None
    complaint_work.pause(world.ctx("carol"), complaint.id, left_seconds=60, question="شمارهٔ سفارش شما چیست؟")
    complaints.add_update(world.ctx("carol"), complaint.id, "internal: ask the warehouse", public=False)
    assert complaint_work.question(world.session, complaint) == "شمارهٔ سفارش شما چیست؟"
    assert complaint_work.reopen_until(complaint) is None  # still being handled
    complaint_work.customer_reply(world.ctx("portal"), complaint.tracking_code, "سفارش ۷۷")
    complaint_work.resume(world.ctx(), complaint.id)
    assert complaint_work.question(world.session, complaint) is None
    complaints.resolve(world.ctx("carol"), complaint.id, "sent again", "Sent again.")
    resolved = as_utc(complaint.resolved_at)
    assert complaint_work.reopen_until(complaint, window_days=7) == resolved + timedelta(days=7)
    assert complaint_work.reopen_until(complaint, now=resolved + timedelta(days=15)) is None
    late = resolved + timedelta(days=13, hours=23)
    assert complaint_work.reopen_until(complaint, now=late) == resolved + timedelta(days=14)
