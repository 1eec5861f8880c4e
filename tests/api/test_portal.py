"""The customer portal over HTTP on both databases: filing without an account, following a complaint
by its code (that one complaint, nothing else), the survey, codes that cannot be probed, and the rate
limits per client address."""

from __future__ import annotations

from typing import Any

import pytest

from api.composition import ravand_ctx
from crm import complaints
from tests.api.conftest import Api

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
    bad = _file(api, {**FILED, "category": "weather", "severity": "", "extra": 1})
    assert bad.status_code == 422 and {"category", "severity", "extra"} <= set(bad.get_json()["errors"])
    assert bad.content_type == PROBLEM


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
    for secret in ("secret-team", "carol", "suspected abuse", "Sara", "0935", "never arrived", "Other", "their note",
                   theirs, "author", "assignee"):
        assert secret not in text, secret


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
    _staff(api, lambda ctx: complaints.resolve(ctx, complaint_id, "Delivered again."))
    view = _get(api, code).get_json()
    assert (view["resolution"], view["survey_open"]) == ("Delivered again.", True)
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
