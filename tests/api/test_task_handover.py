"""Handing a task over (assign, delegate), through HTTP on SQLite and PostgreSQL: only to an active employee or
administrator among the task's candidates (an administrator may go outside them by saying so), never to an
unknown name, a disabled account, an auditor, a designer or an integration account. The new assignee is told,
and an overdue task's people are told once, each in their language and by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from api.outbox import schedule_outbox
from api.staff_notices import MAX_RECIPIENTS, overdue_job, tell_due_soon, tell_overdue
from engine.clock import utcnow
from engine.store.transactions import transaction
from tests.api.conftest import PASSWORD, Api
from tests.engine import bpmn


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    return answer.get_json()


def refused(answer: Any, status: int = 422) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    assert answer.content_type == "application/problem+json"
    return answer.get_json()


@pytest.fixture
def task(api: Api) -> str:
    """An approval review offered to the groups sales and managers, claimed by alice (sales)."""
    ok(api.deploy(bpmn.approval_files()), 201)
    started = ok(api.call("POST", "/api/v1/process-definitions/key/approval/start", "employee", json={}), 201)
    [item] = ok(api.call("GET", f"/api/v1/tasks?process_instance={started['id']}", "admin"))["items"]
    ok(api.call("POST", f"/api/v1/tasks/{item['id']}/claim", "employee"))
    for name, role, groups in (("integ", "integration", []), ("gone", "employee", ["sales"]),
                               ("mona", "employee", ["managers"])):
        ok(api.call("POST", "/api/v1/users", "admin", json={"username": name, "password": PASSWORD, "role": role,
                                                            "groups": groups, "display_name": name.title()}), 201)
    users = ok(api.call("GET", "/api/v1/users?limit=100", "admin"))["items"]
    gone = next(u["id"] for u in users if u["username"] == "gone")
    ok(api.call("PATCH", f"/api/v1/users/{gone}", "admin", json={"active": False}))
    return item["id"]


def _assignee(api: Api, task_id: str) -> str | None:
    return ok(api.call("GET", f"/api/v1/tasks/{task_id}", "admin"))["assignee"]


@pytest.mark.parametrize(("user", "says"), [
    ("ali", "no user 'ali'"), ("audrey", "is an auditor account"), ("dana", "is an designer account"),
    ("integ", "is an integration account"), ("gone", "gone is disabled"),
    ("carol", "carol is not among the task's candidates (group sales, group managers)"),
])
def test_a_task_is_not_handed_to_someone_who_cannot_work_it(api: Api, task: str, user: str, says: str):
    for action, who in (("assign", "employee"), ("delegate", "employee"), ("assign", "admin")):
        body = refused(api.call("POST", f"/api/v1/tasks/{task}/{action}", who, json={"user": user}))
        assert list(body["errors"]) == ["user"] and says in body["errors"]["user"][0], body
        assert "/" in body["detail"]  # English / Persian
    assert _assignee(api, task) == "alice"


def test_handed_to_a_candidate_by_group_or_name(api: Api, task: str):
    assert ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "employee", json={"user": " mona "}))["assignee"] == \
        "mona"  # a manager: in a candidate group
    ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin", json={"user": "bob"}))
    delegated = ok(api.call("POST", f"/api/v1/tasks/{task}/delegate", "employee2", json={"user": "alice"}))
    assert (delegated["assignee"], delegated["owner"]) == ("alice", "bob")


def test_only_an_administrator_goes_outside_the_candidates_and_says_so(api: Api, task: str):
    hint = refused(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin", json={"user": "carol"}))
    assert "override: true" in hint["errors"]["user"][0]
    mine = refused(api.call("POST", f"/api/v1/tasks/{task}/assign", "employee",
                            json={"user": "carol", "override": True}))
    assert list(mine["errors"]) == ["override"]
    assert _assignee(api, task) == "alice"
    assert ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin",
                       json={"user": "carol", "override": True}))["assignee"] == "carol"
    refused(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin", json={"user": "audrey", "override": True}))
    journal = ok(api.call("GET", "/api/v1/journal?kind=task.assigned", "auditor"))["items"]
    assert [(e["actor"], e["data"]["user"]) for e in journal][:1] == [("root", "carol")]


def _told(api: Api, template: str) -> list[dict]:
    items = ok(api.call("GET", "/api/v1/notifications?limit=100", "admin"))["items"]
    return sorted((m for m in items if m["template"] == template), key=lambda m: (m["recipient"], m["channel"]))


def _add_user(api: Api, name: str, groups: list[str], *, locale: str = "en", display: str | None = None) -> None:
    ok(api.call("POST", "/api/v1/users", "admin", json={"username": name, "password": PASSWORD, "role": "employee",
                                                        "groups": groups, "locale": locale, "display_name": display}),
       201)


def test_the_new_assignee_is_told_in_their_language_by_name(api: Api, task: str):
    _add_user(api, "sara@ravand.example", ["sales"], locale="fa", display="سارا احمدی")
    ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "employee", json={"user": "sara@ravand.example"}))
    inbox, persian = _told(api, "task_assigned")  # in her in-app inbox, and mailed
    assert (persian["channel"], persian["recipient"]) == ("email", "sara@ravand.example")
    assert (inbox["channel"], inbox["recipient"], inbox["link"]) == ("app", "sara@ravand.example", f"/app/tasks/{task}")
    assert "سارا احمدی گرامی" in persian["body"] and "Review the request" in persian["body"]
    assert "alice" in persian["body"] and f"/app/tasks/{task}" in persian["body"]
    ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin", json={"user": "mona"}))
    english = [m for m in _told(api, "task_assigned") if m["recipient"] == "mona"]
    assert len(english) == 1 and english[0]["channel"] == "app" and "Dear Mona" in english[0]["body"]
    assert "root handed you" in english[0]["body"]
    ok(api.call("POST", f"/api/v1/tasks/{task}/unclaim", "admin"))
    ok(api.call("POST", f"/api/v1/tasks/{task}/claim", "employee2"))  # bob takes it himself: nobody is told
    assert len(_told(api, "task_assigned")) == 3


def _tell_overdue(api: Api, days: float = 3) -> int:
    ravand = api.app.extensions["ravand"]
    return transaction(ravand.sessions, lambda s: tell_overdue(
        ravand.engine, s, now=utcnow() + timedelta(days=days)))


def test_an_overdue_task_tells_its_assignee_once(api: Api, task: str):
    assert _tell_overdue(api, days=1) == 0  # due in two days
    assert _tell_overdue(api) == 1
    [notice] = _told(api, "task_overdue")
    assert notice["recipient"] == "alice" and "Dear alice" in notice["body"] and "Review the request" in notice["body"]
    assert _tell_overdue(api, days=5) == 0 and len(_told(api, "task_overdue")) == 1


def test_an_unclaimed_overdue_task_tells_its_candidates_within_a_bound(api: Api, task: str):
    ok(api.call("POST", f"/api/v1/tasks/{task}/unclaim", "employee"))
    for number in range(MAX_RECIPIENTS):
        _add_user(api, f"m{number:02d}", ["managers"])
    assert _tell_overdue(api) == 1
    told = [m["recipient"] for m in _told(api, "task_overdue")]
    assert len(told) == MAX_RECIPIENTS and len(set(told)) == MAX_RECIPIENTS and "gone" not in told
    assert all(m["process_instance_id"] for m in _told(api, "task_overdue"))


def test_the_scheduler_runs_the_overdue_job_beside_the_outbox(api: Api, task: str):
    ravand = api.app.extensions["ravand"]
    scheduler = BackgroundScheduler()
    schedule_outbox(scheduler, ravand)
    assert {job.id for job in scheduler.get_jobs()} == {"ravand-outbox", "ravand-overdue-tasks", "ravand-campaigns",
                                                        "ravand-loyalty-expiry"}
    overdue_job(ravand)  # nothing is due yet: it runs and tells nobody
    assert _told(api, "task_overdue") == []


def test_a_comment_tells_the_colleagues_it_mentions_who_may_see_the_task(api: Api, task: str):
    _add_user(api, "sima", ["sales"], locale="fa", display="سیما")
    text = "@mona و @sima لطفاً ببینید؛ @carol و @gone و @nobody و @alice. نشانی a@b.com"
    ok(api.call("POST", f"/api/v1/tasks/{task}/comments", "employee", json={"text": text}), 201)
    told = _told(api, "mentioned")
    # mona (managers) and sima (sales) see the task; carol (support) does not, gone is disabled, nobody is no one,
    # and alice wrote it
    assert sorted(m["recipient"] for m in told) == ["mona", "sima"]
    persian = next(m for m in told if m["recipient"] == "sima")
    assert "سیما گرامی" in persian["body"] and "alice" in persian["body"] and "لطفاً ببینید" in persian["body"]
    assert persian["link"] == f"/app/tasks/{task}"
    ok(api.call("POST", f"/api/v1/tasks/{task}/comments", "employee", json={"text": "no one named here"}), 201)
    assert len(_told(api, "mentioned")) == 2


def _tell_due_soon(api: Api, days: float) -> int:
    ravand = api.app.extensions["ravand"]
    return transaction(ravand.sessions, lambda s: tell_due_soon(
        ravand.engine, s, now=utcnow() + timedelta(days=days)))


def test_a_task_coming_due_tells_its_assignee_once_before_it_is_overdue(api: Api, task: str):
    assert _tell_due_soon(api, days=1) == 0  # due in two days, four hours is the window
    assert _tell_due_soon(api, days=1.9) == 1
    [notice] = _told(api, "task_due_soon")
    assert notice["recipient"] == "alice" and "Review the request" in notice["body"]
    assert _tell_due_soon(api, days=1.95) == 0 and len(_told(api, "task_due_soon")) == 1
    assert _tell_overdue(api) == 1  # overdue is its own notice


def test_notices_reach_each_person_where_they_chose(api: Api, task: str):
    ok(api.call("POST", "/api/v1/users", "admin", json={
        "username": "nasim", "password": PASSWORD, "role": "employee", "groups": ["sales"], "locale": "fa",
        "email": "nasim@example.com", "mobile": "09120001122"}), 201)
    token = api.client.post("/api/v1/auth/token", json={"username": "nasim", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert api.client.get("/api/v1/me/preferences", headers=headers).get_json()["notice_channel"] == "auto"
    bad = api.client.patch("/api/v1/me/preferences", headers=headers, json={"notice_channel": "pigeon"})
    assert bad.status_code == 422 and "notice_channel" in bad.get_json()["errors"]
    nasims = {"nasim", "nasim@example.com", "+989120001122"}
    for choice, outside in (("auto", "email"), ("sms", "sms"), ("app", None)):
        chosen = api.client.patch("/api/v1/me/preferences", headers=headers, json={"notice_channel": choice})
        assert chosen.get_json() == {"amount_unit": "rial", "notice_channel": choice}
        before = {m["id"] for m in _told(api, "task_assigned")}
        ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin", json={"user": "nasim"}))
        new = [m for m in _told(api, "task_assigned") if m["id"] not in before]
        assert {m["recipient"] for m in new} <= nasims, new
        assert sorted(m["channel"] for m in new) == sorted(["app", *([outside] if outside else [])]), (choice, new)
        ok(api.call("POST", f"/api/v1/tasks/{task}/assign", "admin", json={"user": "alice"}))
