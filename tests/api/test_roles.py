"""Every route, every role: the server enforces who may do what."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.engine import bpmn

ROLES = ("admin", "designer", "employee", "auditor")


@pytest.fixture
def world(sqlite_api: Api) -> dict:
    api = sqlite_api
    assert api.deploy(bpmn.approval_files()).status_code == 201
    started = api.call("POST", "/api/v1/process-definitions/key/approval/start", "admin", json={}).get_json()
    task = api.call("GET", f"/api/v1/tasks?process_instance={started['id']}", "admin").get_json()["items"][0]
    other = api.call("POST", "/api/v1/process-definitions/key/approval/start", "admin", json={}).get_json()
    return {"api": api, "instance": started["id"], "task": task["id"], "other": other["id"]}


# (method, path template, body, {role: expected status}); statuses other than 401/403 mean "let in"
ROUTES = [
    ("GET", "/api/v1/auth/me", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/users", None, {"admin": 200, "designer": 403, "employee": 403, "auditor": 403}),
    ("POST", "/api/v1/users", {"username": "new-{role}", "password": "longenough1", "role": "employee"},
     {"admin": 201, "designer": 403, "employee": 403, "auditor": 403}),
    ("GET", "/api/v1/process-definitions", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/process-definitions/1", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/process-definitions/1/xml", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/process-definitions/1/statistics", None,
     {"admin": 200, "designer": 200, "employee": 403, "auditor": 200}),
    ("POST", "/api/v1/process-definitions/key/approval/start", {}, {"admin": 201, "designer": 201,
                                                                     "employee": 201, "auditor": 403}),
    ("GET", "/api/v1/process-instances", None, {"admin": 200, "designer": 200, "employee": 403, "auditor": 200}),
    ("GET", "/api/v1/process-instances/{instance}", None,
     {"admin": 200, "designer": 200, "employee": 403, "auditor": 200}),
    ("GET", "/api/v1/process-instances/{instance}/history", None,
     {"admin": 200, "designer": 200, "employee": 403, "auditor": 200}),
    ("POST", "/api/v1/process-instances/{instance}/incidents/999/retry", None,
     {"admin": 404, "designer": 404, "employee": 403, "auditor": 403}),
    ("GET", "/api/v1/tasks", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/tasks/{task}", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/tasks/{task}/comments", None, dict.fromkeys(ROLES, 200)),
    ("POST", "/api/v1/tasks/{task}/comments", {"text": "hello"},
     {"admin": 201, "designer": 403, "employee": 201, "auditor": 403}),
    # the employee (alice) acts before the administrator on the same task:
    ("POST", "/api/v1/tasks/{task}/claim", None, {"admin": 409, "designer": 403, "employee": 200, "auditor": 403}),
    ("POST", "/api/v1/tasks/{task}/unclaim", None, {"admin": 409, "designer": 403, "employee": 200,
                                                     "auditor": 403}),
    ("POST", "/api/v1/tasks/{task}/assign", {"user": "alice"},
     {"admin": 200, "designer": 403, "employee": 403, "auditor": 403}),
    ("POST", "/api/v1/tasks/{task}/delegate", {"user": "bob"},
     {"admin": 200, "designer": 403, "employee": 200, "auditor": 403}),
    ("POST", "/api/v1/tasks/{task}/complete", {"data": {"amount": 1}},
     {"admin": 200, "designer": 403, "employee": 403, "auditor": 403}),
    ("GET", "/api/v1/journal", None, {"admin": 200, "designer": 403, "employee": 403, "auditor": 200}),
    ("GET", "/api/v1/journal/verify", None, {"admin": 200, "designer": 403, "employee": 403, "auditor": 200}),
    ("POST", "/api/v1/process-instances/{other}/cancel", {"reason": "test"},
     {"admin": 409, "designer": 200, "employee": 403, "auditor": 403}),
]


def test_every_route_with_every_role(world):
    api: Api = world["api"]
    for method, template, body, expected in ROUTES:
        for role in ("auditor", "designer", "employee", "admin"):  # the actors last: they change state
            path = template.format(**world)
            payload = None if body is None else {k: v.format(role=role) if isinstance(v, str) else v
                                                 for k, v in body.items()}
            answer = api.call(method, path, role, json=payload)
            assert answer.status_code == expected[role], (method, path, role, answer.get_json())
            if answer.status_code >= 400:
                assert answer.content_type == "application/problem+json"
        assert api.call(method, template.format(**world), None, json=body).status_code == 401


def test_deployments_are_for_designers(sqlite_api: Api):
    for role, status in (("designer", 201), ("admin", 201), ("employee", 403), ("auditor", 403)):
        assert sqlite_api.deploy(bpmn.approval_files(), who=role).status_code == status


def test_employees_see_only_their_tasks(world):
    api: Api = world["api"]
    assert api.call("GET", f"/api/v1/tasks/{world['task']}", "outsider").status_code == 404
    assert api.call("POST", f"/api/v1/tasks/{world['task']}/claim", "outsider").status_code == 404
    assert api.call("GET", "/api/v1/tasks", "outsider").get_json()["total"] == 0
    assert api.call("GET", "/api/v1/tasks?candidate=me", "employee").get_json()["total"] == 2  # two instances


def test_claimed_task_completes_only_by_assignee(world):
    api: Api = world["api"]
    task = world["task"]
    assert api.call("POST", f"/api/v1/tasks/{task}/claim", "employee").status_code == 200
    assert api.call("POST", f"/api/v1/tasks/{task}/claim", "employee2").status_code == 409
    answer = api.call("POST", f"/api/v1/tasks/{task}/complete", "employee2", json={"data": {"amount": 1}})
    assert answer.status_code == 403
    assert api.call("POST", f"/api/v1/tasks/{task}/complete", "employee", json={"data": {"amount": 1}}).status_code \
        == 200


def test_disabled_user_loses_access(world):
    api: Api = world["api"]
    users = api.call("GET", "/api/v1/users", "admin").get_json()["items"]
    alice = next(u for u in users if u["username"] == "alice")
    assert api.call("PATCH", f"/api/v1/users/{alice['id']}", "admin", json={"active": False}).status_code == 200
    assert api.call("GET", "/api/v1/tasks", "employee").status_code == 401
