"""The customer portal over HTTP on both databases: filing without an account, following a complaint
by its code (that one complaint, nothing else), the survey, codes that cannot be probed, and the rate
limits per client address."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from api.composition import ravand_ctx
from crm import complaints, notify
from crm.clock import as_utc
from tests.api.conftest import Api, make_api
from tests.conftest import Database

PORTAL = "/api/v1/portal/complaints"
PROBLEM = "application/problem+json"
FILED = {"name": "Sara Ahmadi", "mobile": "۰۹۳۵ ۱۱۱ ۲۲۳۳", "category": "delivery", "severity": "high",
         "description": "My parcel never arrived."}


@pytest.fixture
def api(api: Api) -> Api:
    """The API with the CRM processes deployed: a complaint filed in the portal starts its process."""
    import processes

    assert api.deploy(processes.bundle()).status_code == 201
    return api


def _file(api: Api, body: dict | None = None, address: str = "10.0.0.1") -> Any:
    return api.call("POST", PORTAL, None, json=body or FILED, environ_base={"REMOTE_ADDR": address})


def _get(api: Api, code: str, address: str = "10.0.0.1") -> Any:
    return api.call("GET", f"{PORTAL}/{code}", None, environ_base={"REMOTE_ADDR": address})


def _staff(api: Api, fn: Any) -> Any:
    """Act on the records as an employee would through the processes, and commit."""
    with api.app.extensions["ravand"].sessions() as session:
        result = fn(ravand_ctx(session, "carol"))
        session.commit()
        return result


def _id(api: Api, code: str) -> int:
    with api.app.extensions["ravand"].sessions() as session:
        return complaints.by_tracking_code(session, code).id


def test_file_without_an_account(api: Api):
    answer = _file(api)
    assert answer.status_code == 201, answer.get_json()
    code = answer.get_json()["tracking_code"]
    assert set(answer.get_json()) == {"tracking_code"} and code.startswith("RC-") and len(code) == 13
    staff = api.call("GET", f"/api/v1/complaints/{_id(api, code)}", "employee").get_json()
    assert (staff["channel"], staff["contact_mobile"], staff["created_by"]) == ("portal", "+989351112233", "portal")
    created = api.call("GET", "/api/v1/journal?kind=crm.complaint.created&actor=portal", "auditor").get_json()
    assert created["total"] == 1
    instance = api.call("GET", f"/api/v1/process-instances?business_key={code}", "designer").get_json()["items"]
    assert [i["process_key"] for i in instance] == ["complaint_escalation"]  # its process took it over


def test_field_errors_use_the_portal_names(api: Api):
    missing = _file(api, {**FILED, "mobile": None})
    assert missing.status_code == 422
    no_contact = _file(api, {k: v for k, v in FILED.items() if k != "mobile"})
    assert no_contact.status_code == 422 and set(no_contact.get_json()["errors"]) == {"mobile"}
    landline = _file(api, {**FILED, "mobile": "021 8877 6655", "email": "not-mail"})
    assert set(landline.get_json()["errors"]) == {"mobile", "email"}
    bad = _file(api, {**FILED, "severity": "", "extra": 1})
    assert bad.status_code == 422 and {"severity", "extra"} <= set(bad.get_json()["errors"])
    assert bad.content_type == PROBLEM
    weather = _file(api, {**FILED, "category": "weather", "kind": "praise"})
    assert weather.status_code == 422 and set(weather.get_json()["errors"]) == {"category", "kind"}
    assert _file(api, {**FILED, "category": "ارسال و تحویل", "kind": "انتقاد"}).status_code == 201  # labels too


def test_a_code_shows_that_complaint_and_nothing_else(api: Api):
    mine = _file(api).get_json()["tracking_code"]
    theirs = _file(api, {**FILED, "name": "Other Person", "mobile": "09127770000",
                         "description": "Other secret problem"}).get_json()["tracking_code"]
    mine_id, theirs_id = _id(api, mine), _id(api, theirs)
    _staff(api, lambda ctx: complaints.route(ctx, mine_id, team="secret-team", tier=1, sla_due=None))
    _staff(api, lambda ctx: complaints.assign(ctx, mine_id, "carol"))
    _staff(api, lambda ctx: complaints.add_update(ctx, mine_id, "internal: suspected abuse", public=False))
    _staff(api, lambda ctx: complaints.add_update(ctx, mine_id, "A courier is on the way.", public=True))
    _staff(api, lambda ctx: complaints.add_update(ctx, theirs_id, "their note", public=True))
    answer = _get(api, mine.lower().replace("-", " "))  # typed loosely
    assert answer.status_code == 200
    view = answer.get_json()
    assert view["tracking_code"] == mine and view["status"] == "in_progress" and view["tier"] == "our support desk"
    assert [u["text"] for u in view["updates"]] == ["A courier is on the way."]
    text = answer.get_data(as_text=True)
    for secret in ("secret-team", "carol", "suspected abuse", "Sara", "0935", "Other", "their note",
                   theirs, "author", "assignee"):
        assert secret not in text, secret
    assert view["description"] == "My parcel never arrived."  # the customer reads their own words back


def test_unknown_and_malformed_codes_look_alike(api: Api):
    code = _file(api).get_json()["tracking_code"]
    unknown = _get(api, "RC-" + ("2" if code[3] != "2" else "3") * 10)
    malformed = _get(api, "'%20OR%201=1--")
    for answer in (unknown, malformed, _get(api, "x" * 300)):
        assert answer.status_code == 404 and answer.content_type == PROBLEM
        assert answer.get_json() == unknown.get_json()
    assert api.call("POST", f"{PORTAL}/nonsense/survey", None, json={"score": 5}).status_code == 404


def test_survey(api: Api):
    code = _file(api).get_json()["tracking_code"]
    survey = f"{PORTAL}/{code}/survey"
    early = api.call("POST", survey, None, json={"score": 5})
    assert early.status_code == 409 and early.content_type == PROBLEM
    complaint_id = _id(api, code)
    _staff(api, lambda ctx: complaints.resolve(ctx, complaint_id, "Courier fined.", "Delivered again."))
    view = _get(api, code).get_json()
    assert (view["resolution"], view["survey_open"]) == ("Delivered again.", True)
    assert "fined" not in _get(api, code).get_data(as_text=True)
    assert api.call("POST", survey, None, json={"score": 6}).status_code == 422
    assert api.call("POST", survey, None, json={"score": "five"}).status_code == 422
    answered = api.call("POST", survey, None, json={"score": 4, "comment": "خوب بود"})
    assert answered.status_code == 200 and answered.get_json()["survey_open"] is False
    assert api.call("POST", survey, None, json={"score": 1}).status_code == 409
    staff = api.call("GET", f"/api/v1/complaints/{complaint_id}", "auditor").get_json()
    assert (staff["satisfaction"], staff["satisfaction_comment"]) == (4, "خوب بود")


@pytest.mark.parametrize("kind", ["write", "read"])
def test_rate_limits_per_address(api: Api, kind: str):
    limit = 20 if kind == "write" else 60
    send = (lambda address: _file(api, {"name": "x"}, address)) if kind == "write" else (
        lambda address: _get(api, "RC-2222222222", address))
    for _ in range(limit):
        assert send("10.9.9.9").status_code in (404, 422)  # invalid requests count too
    limited = send("10.9.9.9")
    assert limited.status_code == 429 and limited.content_type == PROBLEM
    assert int(limited.headers["Retry-After"]) > 0 and limited.get_json()["status"] == 429
    assert send("10.9.9.10").status_code in (404, 422)  # another address is not limited


# -- the portal is not a relay ----------------------------------------------------------------------

PHISHING = "Your account is locked. Verify at http://evil.example/login"
BAIT = "Pay the release fee at http://evil.example/pay"


def _outbox(api: Api) -> list[dict]:
    return api.call("GET", "/api/v1/notifications", "admin", query_string={"limit": 200}).get_json()["items"]


def _resolve(api: Api, code: str, **data: str) -> None:
    """The support desk works the complaint through its process: the filer is told once, with the survey."""
    [task] = [t for t in api.call("GET", "/api/v1/tasks?candidate=me", "outsider").get_json()["items"]
              if t["business_key"] == code]
    assert api.call("POST", f"/api/v1/tasks/{task['id']}/claim", "outsider").status_code == 200
    done = api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "outsider",
                    json={"data": {"outcome": "resolve", "resolution": "A courier brought it again.", **data}})
    assert done.status_code == 200, done.get_json()


def test_what_the_form_marks_internal_never_reaches_the_portal(api: Api):
    code = _file(api).get_json()["tracking_code"]
    _resolve(api, code, resolution="The warehouse mislabelled it; fined.", internal_note="Check warehouse 3",
             public_update="A courier brought your parcel again today.")
    page = _get(api, code)
    assert page.get_json()["resolution"] == "A courier brought your parcel again today."
    for internal in ("warehouse", "fined", "Check"):
        assert internal not in page.get_data(as_text=True)
    staff = api.call("GET", f"/api/v1/complaints/{_id(api, code)}", "employee").get_json()
    assert staff["resolution"].startswith("The warehouse") and staff["assignee"] == "carol"
    assert [h["action"] for h in staff["handling"]] == ["claimed", "resolved"]


def test_the_customer_answers_a_question_and_asks_to_reopen(api: Api):
    code = _file(api).get_json()["tracking_code"]
    [task] = [t for t in api.call("GET", "/api/v1/tasks?candidate=me", "outsider").get_json()["items"]
              if t["business_key"] == code]
    asked = api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "outsider",
                     json={"data": {"outcome": "wait", "question": "کد سفارش شما چیست؟"}})
    assert asked.status_code == 200, asked.get_json()
    waiting = _get(api, code).get_json()
    assert (waiting["status"], waiting["question"], waiting["reopen_until"]) == (
        "waiting_customer", "کد سفارش شما چیست؟", None)
    reply = api.call("POST", f"{PORTAL}/{code}/reply", None, json={"text": "سفارش ۷۷"})
    assert reply.status_code == 200 and reply.get_json()["status"] == "in_progress"
    assert reply.get_json()["question"] is None
    again = api.call("POST", f"{PORTAL}/{code}/reply", None, json={"text": "again"})
    assert again.status_code == 409 and again.content_type == PROBLEM
    early = api.call("POST", f"{PORTAL}/{code}/reopen", None, json={"text": "not yet"})
    assert early.status_code == 409
    _resolve(api, code)
    resolved = _get(api, code).get_json()
    with api.app.extensions["ravand"].sessions() as session:
        resolved_at = as_utc(complaints.by_tracking_code(session, code).resolved_at)
    assert datetime.fromisoformat(resolved["reopen_until"]) == resolved_at + timedelta(days=14)
    reopened = api.call("POST", f"{PORTAL}/{code}/reopen", None, json={"text": "هنوز نرسیده"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "in_progress"
    assert api.call("POST", f"{PORTAL}/{code}/reopen", None, json={"text": ""}).status_code == 422
    tasks = api.call("GET", "/api/v1/tasks?candidate=me", "outsider").get_json()["items"]
    assert [t["element_id"] for t in tasks if t["business_key"] == code] == ["tier1"]


def test_a_portal_complaint_finds_the_customer_with_that_mobile(api: Api):
    customer = api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "person", "person_name": "فاطمه نوری", "mobile": "09187654321"}).get_json()["customer"]
    code = _file(api, {**FILED, "name": "فاطمه", "mobile": "۰۹۱۸ ۷۶۵ ۴۳۲۱"}).get_json()["tracking_code"]
    staff = api.call("GET", f"/api/v1/complaints/{_id(api, code)}", "employee").get_json()
    assert staff["customer_id"] == customer["id"]


@pytest.mark.parametrize("contact", [{"mobile": "09351234567"}, {"email": "victim@example.com"}])
def test_no_text_of_the_filer_reaches_a_message(api: Api, contact: dict):
    body = {"name": PHISHING, **contact, "category": "delivery", "severity": "low", "description": BAIT}
    answer = _file(api, body)
    assert answer.status_code == 201, answer.get_json()
    code = answer.get_json()["tracking_code"]
    _resolve(api, code)
    messages = _outbox(api)
    assert [m["template"] for m in reversed(messages)] == ["complaint_received", "complaint_resolved"]
    recipient = "+989351234567" if "mobile" in contact else "victim@example.com"
    for message in messages:
        assert message["recipient"] == recipient  # only the address given, nobody else
        text = f"{message['subject'] or ''} {message['body']}"
        for typed in ("evil.example", "locked", "Verify", "release fee"):
            assert typed not in text, (typed, message["template"])
    assert code in messages[-1]["body"]  # what it does say: the tracking code, our own words


def test_a_destination_gets_at_most_n_messages_a_day(api: Api):
    cap = notify.DAILY_PER_RECIPIENT
    codes = []
    for number in range(cap + 2):
        answer = _file(api, {**FILED, "mobile": "0935 123 4567"}, address=f"10.1.0.{number}")
        assert answer.status_code == 201 and set(answer.get_json()) == {"tracking_code"}  # filed all the same
        codes.append(answer.get_json()["tracking_code"])
    assert _file(api, {**FILED, "mobile": "09121112222"}).status_code == 201
    outbox = _outbox(api)
    to_victim = [m for m in outbox if m["recipient"] == "+989351234567"]
    assert len(to_victim) == cap and {m["template"] for m in to_victim} == {"complaint_received"}
    assert [m["recipient"] for m in outbox].count("+989121112222") == 1  # another number is not capped
    filed = api.call("GET", "/api/v1/complaints", "admin", query_string={"limit": 100}).get_json()
    assert {c["tracking_code"] for c in filed["items"]} >= set(codes)  # every complaint was filed


def test_the_daily_cap_is_a_setting(db: Database, tmp_path: Any):
    db.engine.dispose()
    api = make_api(db.url, tmp_path, extra={"notify_daily_per_recipient": 2})
    import processes

    assert api.deploy(processes.bundle()).status_code == 201
    only_email = {k: v for k, v in FILED.items() if k != "mobile"} | {"email": "victim@example.com"}
    for number in range(4):
        assert _file(api, only_email, f"10.2.0.{number}").status_code == 201
    assert [m["recipient"] for m in _outbox(api)].count("victim@example.com") == 2
