"""A task about a record the reader may not read, over HTTP on SQLite and PostgreSQL: once the employee role
reads its team's records, alice (team A), offered the qualification task of bob's (team B) lead, sees the task
but not the lead's title, id or page, and cannot find it by the lead's name; bob and the administrator see the
title; with no rule (the default) everyone sees every title, as before. An auditor restricted the same way sees
the process instance without its record's title."""

from __future__ import annotations

import processes
from tests.api.conftest import Api
from tests.api.test_crm_records import V1, ok
from tests.api.test_record_access import _organise

ARYA = {"company_name": "Arya Soft", "person_name": "Ali Rezaei", "mobile": "09123450001", "source": "phone",
        "product": "software"}
PARS = {"company_name": "پارس تجارت", "person_name": "سارا نوری", "mobile": "09123450002", "source": "phone",
        "product": "software"}


def _by_task(api: Api, who: str, **query: str) -> dict[str, dict]:
    return {t["id"]: t for t in ok(api.call("GET", V1 + "/tasks", who, query_string=query))["items"]}


def test_a_task_about_another_teams_lead_hides_the_lead(api: Api) -> None:
    ok(api.deploy(processes.files("lead_qualification")), 201)
    _organise(api)
    mine = ok(api.call("POST", V1 + "/leads", "employee", json=PARS), 201)
    theirs = ok(api.call("POST", V1 + "/leads", "employee2", json=ARYA), 201)
    tasks = {t["record"]["id"]: t for t in _by_task(api, "admin").values()}
    their_task, my_task = tasks[str(theirs["id"])], tasks[str(mine["id"])]
    assert their_task["title"].endswith("Arya Soft — Ali Rezaei — 0912 345 0001")

    # the default (no rule): alice sees every title, as before
    seen = _by_task(api, "employee")
    assert seen[their_task["id"]]["record"]["title"] == their_task["record"]["title"]
    assert "hidden" not in seen[their_task["id"]]["record"]
    assert list(_by_task(api, "employee", q="arya")) == [their_task["id"]]

    ok(api.call("PUT", V1 + "/access-rules/role/employee", json={"read_scope": "team", "edit_scope": "team"}))
    ok(api.call("PUT", V1 + "/access-rules/role/auditor", json={"read_scope": "own", "edit_scope": "own"}))
    page = ok(api.call("GET", V1 + "/tasks", "employee", query_string={"candidate": "me"}))
    seen = {t["id"]: t for t in page["items"]}
    assert page["total"] == 2 and set(seen) == {their_task["id"], my_task["id"]}  # the task is still offered
    hidden = seen[their_task["id"]]
    assert hidden["record"] == {"type": "lead", "id": None, "title": None, "url": None, "hidden": True}
    assert hidden["title"] == hidden["name"]
    assert seen[my_task["id"]]["record"]["title"].startswith("پارس تجارت — ")
    assert seen[my_task["id"]]["title"] == my_task["title"]
    detail = ok(api.call("GET", f"{V1}/tasks/{their_task['id']}", "employee"))
    assert detail["record"]["hidden"] is True and detail["title"] == detail["name"]
    assert "Arya" not in str({key: detail[key] for key in ("record", "title")})
    # a search does not find a task by the text of a record the reader may not read (page and total)
    for q in ("arya", "09123450001", "ali rezaei"):
        found = ok(api.call("GET", V1 + "/tasks", "employee", query_string={"q": q}))
        assert found["items"] == [] and found["total"] == 0, q
    found = ok(api.call("GET", V1 + "/tasks", "employee", query_string={"q": "پارس"}))
    assert [t["id"] for t in found["items"]] == [my_task["id"]] and found["total"] == 1

    # bob (team B) and the administrator see the title; bob finds it
    assert _by_task(api, "employee2")[their_task["id"]]["title"] == their_task["title"]
    assert list(_by_task(api, "employee2", q="arya")) == [their_task["id"]]
    assert _by_task(api, "admin")[their_task["id"]]["record"]["title"] == their_task["record"]["title"]
    assert list(_by_task(api, "admin", q="arya")) == [their_task["id"]]

    # an auditor reading only their own records sees the instances without their records' titles
    instances = ok(api.call("GET", V1 + "/process-instances", "auditor"))["items"]
    assert {i["record"]["type"] for i in instances} == {"lead"}
    assert all(i["record"]["hidden"] and i["record"]["title"] is None for i in instances)
    one = ok(api.call("GET", f"{V1}/process-instances/{instances[0]['id']}", "auditor"))
    assert one["record"] == {"type": "lead", "id": None, "title": None, "url": None, "hidden": True}
    assert ok(api.call("GET", V1 + "/process-instances", "auditor", query_string={"q": "arya"}))["total"] == 0
    assert ok(api.call("GET", V1 + "/process-instances", "designer", query_string={"q": "arya"}))["total"] == 1

    # no rule again: alice sees the title
    assert api.call("DELETE", V1 + "/access-rules/role/employee").status_code == 204
    assert _by_task(api, "employee")[their_task["id"]]["title"] == their_task["title"]
