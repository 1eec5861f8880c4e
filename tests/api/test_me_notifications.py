"""The in-app inbox and the addresses staff notices go to, through HTTP on SQLite and PostgreSQL: every staff
notice lands in its employee's inbox (newest first, unread count, pages, read one or all), and is also mailed
or sent by SMS where the account has an address; nobody reads or marks another's notices; administrators set
e-mail and mobile on accounts and each user on their own, checked (422 with field errors)."""

from __future__ import annotations

from typing import Any

import pytest

from api.composition import ravand_ctx
from api.staff import directory
from engine.runtime.services import ServiceCall
from engine.store.transactions import transaction
from processes.notices import tell_staff
from tests.api.conftest import PASSWORD, Api
from tests.engine import bpmn

ME = "/api/v1/me/notifications"


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    return answer.get_json()


def refused(answer: Any, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    assert answer.content_type == "application/problem+json"
    return answer.get_json()


def _tell(api: Api, who: list[str], task_name: str, task_id: str = "t-1") -> list[str]:
    """A staff notice as the processes send it, through the app's own directory of user accounts."""
    ravand = api.app.extensions["ravand"]

    def run(session: Any) -> list[str]:
        call = ServiceCall(session, "pi-1", "bk-1", "notify", "system",
                           {**ravand.engine.ctx.settings, "staff_directory": directory})
        return tell_staff(call, ravand_ctx(session, "system"), who, template="task_assigned",
                          params={"task_name": task_name, "by": "Omid",
                                  "task_url": f"http://127.0.0.1:8000/app/tasks/{task_id}"})

    return transaction(ravand.sessions, run)


def _user_id(api: Api, name: str) -> int:
    users = ok(api.call("GET", "/api/v1/users?limit=100", "admin"))["items"]
    return next(u["id"] for u in users if u["username"] == name)


def test_my_notices_newest_first_with_the_unread_count_a_page_at_a_time(api: Api):
    for number in range(3):
        assert _tell(api, ["alice"], f"Call {number}", f"t-{number}") == ["alice"]
    _tell(api, ["bob"], "Bob's own")
    first = ok(api.call("GET", f"{ME}?limit=2", "employee"))
    assert (first["total"], first["unread"], first["limit"], first["offset"]) == (3, 3, 2, 0)
    assert [n["subject"] for n in first["items"]] == ["A task for you: Call 2", "A task for you: Call 1"]
    assert first["items"][0]["link"] == "/app/tasks/t-2" and first["items"][0]["read_at"] is None
    assert first["items"][0]["body"].startswith("Dear alice") and first["items"][0]["template"] == "task_assigned"
    second = ok(api.call("GET", f"{ME}?limit=2&offset=2", "employee"))
    assert [n["subject"] for n in second["items"]] == ["A task for you: Call 0"] and second["total"] == 3
    assert ok(api.call("GET", ME, "auditor")) == {"items": [], "total": 0, "unread": 0, "limit": 20, "offset": 0}


def test_reading_one_and_all(api: Api):
    for number in range(3):
        _tell(api, ["alice"], f"Call {number}", f"t-{number}")
    newest, middle, _ = ok(api.call("GET", ME, "employee"))["items"]
    read = ok(api.call("POST", f"{ME}/{middle['id']}/read", "employee"))
    assert read["id"] == middle["id"] and read["read_at"] is not None
    again = ok(api.call("POST", f"{ME}/{middle['id']}/read", "employee"))
    assert again["read_at"] == read["read_at"]  # reading it again changes nothing
    listed = ok(api.call("GET", ME, "employee"))
    assert listed["unread"] == 2 and [n["read_at"] is None for n in listed["items"]] == [True, False, True]
    unread = ok(api.call("GET", f"{ME}?unread=true", "employee"))
    assert unread["total"] == 2 and newest["id"] in [n["id"] for n in unread["items"]]
    assert ok(api.call("POST", f"{ME}/read-all", "employee")) == {"marked": 2, "unread": 0}
    assert ok(api.call("GET", ME, "employee"))["unread"] == 0
    assert ok(api.call("POST", f"{ME}/read-all", "employee")) == {"marked": 0, "unread": 0}
    changes = ok(api.call("GET", "/api/v1/journal?limit=200", "auditor"))["items"]
    assert sum(1 for e in changes if e["kind"] == "crm.notification.changed") == 3  # each read is journaled


def test_nobody_reads_or_marks_anothers_notices(api: Api):
    _tell(api, ["alice"], "Alice's task")
    [mine] = ok(api.call("GET", ME, "employee"))["items"]
    assert ok(api.call("GET", ME, "employee2"))["total"] == 0
    for who in ("employee2", "admin"):  # not even an administrator marks someone else's
        refused(api.call("POST", f"{ME}/{mine['id']}/read", who), 404)
    assert ok(api.call("POST", f"{ME}/read-all", "employee2"))["marked"] == 0
    assert ok(api.call("GET", ME, "employee"))["unread"] == 1  # still unread for alice
    refused(api.call("POST", f"{ME}/999999/read", "employee"), 404)
    refused(api.call("POST", f"{ME}/99999999999999/read", "employee"), 404)
    refused(api.call("GET", ME, None), 401)
    refused(api.call("GET", f"{ME}?limit=0", "employee"), 422)
    refused(api.call("GET", f"{ME}?unread=maybe", "employee"), 422)


def test_notices_go_to_the_accounts_address_and_to_the_inbox(api: Api):
    created = ok(api.call("POST", "/api/v1/users", "admin", json={
        "username": "sara", "password": PASSWORD, "role": "employee", "groups": ["sales"], "locale": "fa",
        "display_name": "سارا احمدی", "email": " Sara@Ravand.Example ", "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷"}), 201)
    assert (created["email"], created["mobile"]) == ("sara@ravand.example", "+989121234567")
    ok(api.call("POST", "/api/v1/users", "admin", json={
        "username": "reza", "password": PASSWORD, "role": "employee", "mobile": "0912-765-4321"}), 201)
    assert _tell(api, ["sara", "reza"], "تماس با شرکت آلفا") == ["sara", "reza"]
    outbox = ok(api.call("GET", "/api/v1/notifications?limit=50", "admin"))["items"]
    sent = sorted((m["channel"], m["recipient"], m["status"]) for m in outbox)
    assert sent == [("app", "reza", "sent"), ("app", "sara", "sent"), ("email", "sara@ravand.example", "pending"),
                    ("sms", "+989127654321", "pending")]
    token = ok(api.client.post("/api/v1/auth/token", json={"username": "sara", "password": PASSWORD}))
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    [notice] = ok(api.client.get(ME, headers=headers))["items"]
    assert notice["body"].startswith("سارا احمدی گرامی") and "تماس با شرکت آلفا" in notice["body"]
    assert notice["subject"] and notice["link"] == "/app/tasks/t-1"


def test_administrators_set_and_clear_addresses_checked(api: Api):
    ok(api.call("POST", "/api/v1/users", "admin", json={"username": "nima", "password": PASSWORD,
                                                        "role": "employee"}), 201)
    nima = _user_id(api, "nima")
    bad = refused(api.call("POST", "/api/v1/users", "admin", json={
        "username": "x", "password": PASSWORD, "role": "employee", "email": "sara@", "mobile": "021 8877 6655"}), 422)
    assert set(bad["errors"]) == {"email", "mobile"} and "ایمیل" in bad["errors"]["email"][0]
    assert "not a mobile number" in bad["errors"]["mobile"][0]
    assert all(u["username"] != "x" for u in ok(api.call("GET", "/api/v1/users?limit=100", "admin"))["items"])
    changed = ok(api.call("PATCH", f"/api/v1/users/{nima}", "admin", json={"email": "nima@ravand.example",
                                                                          "mobile": "+44 7700 900123"}))
    assert (changed["email"], changed["mobile"]) == ("nima@ravand.example", "+447700900123")
    refused(api.call("PATCH", f"/api/v1/users/{nima}", "admin", json={"mobile": "12"}), 422)
    cleared = ok(api.call("PATCH", f"/api/v1/users/{nima}", "admin", json={"mobile": None}))
    assert (cleared["email"], cleared["mobile"]) == ("nima@ravand.example", None)
    refused(api.call("PATCH", f"/api/v1/users/{nima}", "employee", json={"email": "me@evil.example"}), 403)


@pytest.mark.parametrize("who", ["employee", "auditor"])
def test_each_user_sets_their_own_addresses(api: Api, who: str):
    mine = ok(api.call("PATCH", "/api/v1/auth/me", who, json={"email": "Me@Example.com", "mobile": "09351112233"}))
    assert (mine["email"], mine["mobile"], mine["locale"]) == ("me@example.com", "+989351112233", "en")
    assert ok(api.call("GET", "/api/v1/auth/me", who))["email"] == "me@example.com"
    assert refused(api.call("PATCH", "/api/v1/auth/me", who, json={"email": "no at sign"}), 422)["errors"]["email"]
    refused(api.call("PATCH", "/api/v1/auth/me", who, json={}), 422)
    assert ok(api.call("PATCH", "/api/v1/auth/me", who, json={"email": ""}))["email"] is None


def test_a_real_task_assignment_reaches_the_inbox_with_its_link(api: Api):
    ok(api.deploy(bpmn.approval_files()), 201)
    started = ok(api.call("POST", "/api/v1/process-definitions/key/approval/start", "employee", json={}), 201)
    [task] = ok(api.call("GET", f"/api/v1/tasks?process_instance={started['id']}", "admin"))["items"]
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/assign", "admin", json={"user": "bob"}))
    [notice] = ok(api.call("GET", ME, "employee2"))["items"]
    assert notice["link"] == f"/app/tasks/{task['id']}" and notice["process_instance_id"] == started["id"]
    assert ok(api.call("GET", ME, "employee"))["total"] == 0
