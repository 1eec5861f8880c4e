"""What the API promises, route by route: problems for every error, deployments, instances, the
tasklist, sign-in and tokens, users, and the document itself.

Tests that touch the database run on SQLite and PostgreSQL (the ``api`` fixture); the ones that do
not (headers, sign-in limits, limits on size, the OpenAPI document) share one SQLite app."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from api.app import create_app
from api.composition import build
from tests.api.conftest import PASSWORD, Api, make_api
from tests.engine import bpmn

V1 = "/api/v1"
START = V1 + "/process-definitions/key/{}/start"
PROBLEM = "application/problem+json"

BROKEN = bpmn.diagram("broken", "\n".join([
    bpmn.start(), bpmn.script("divide", "result = 10 / count"), bpmn.end(), bpmn.chain("start", "divide", "end"),
]))
URGENT = bpmn.diagram("urgent", "\n".join([
    bpmn.start(), bpmn.user("call", "Call back", candidateGroups="sales", priority="90", dueDate="PT1H"), bpmn.end(),
    bpmn.chain("start", "call", "end"),
]))
UNCOMPILABLE = bpmn.diagram("uncompilable", "\n".join([
    bpmn.start(), bpmn.script("oops", "total = (1 +"), bpmn.end(), bpmn.chain("start", "oops", "end"),
]))


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Api:
    """One app for the tests that change nothing the others read."""
    tmp = tmp_path_factory.mktemp("plain")
    return make_api(f"sqlite:///{tmp}/ravand.sqlite", tmp)


def problem(answer: Any, status: int) -> dict:
    """Assert ``answer`` is an RFC 9457 problem with ``status`` and no trace of the server's insides."""
    text = answer.get_data(as_text=True)
    assert answer.status_code == status, (status, answer.status_code, text[:500])
    assert answer.content_type == PROBLEM, answer.content_type
    assert "Traceback (most recent" not in text and 'File "/' not in text, text
    body = answer.get_json()
    assert body["status"] == status and body["title"], body
    return body


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:500])
    return answer.get_json()


def start(api: Api, key: str = "approval", who: str = "admin", **body: Any) -> dict:
    return ok(api.call("POST", START.format(key), who, json=body), 201)


def tasks(api: Api, who: str = "admin", **query: Any) -> dict:
    return ok(api.call("GET", V1 + "/tasks", who, query_string=query))


def user_id(api: Api, username: str) -> int:
    return next(u["id"] for u in ok(api.call("GET", V1 + "/users?limit=500"))["items"] if u["username"] == username)


# -- errors ----------------------------------------------------------------------------------------

def test_client_errors_are_problems(plain: Api):
    api = plain
    answer = api.call("POST", START.format("approval"), data="{not json", content_type="application/json")
    problem(answer, 400)
    problem(api.call("DELETE", V1 + "/tasks"), 405)
    problem(api.call("PUT", V1 + "/health"), 405)
    problem(api.call("GET", V1 + "/no-such-thing"), 404)
    problem(api.call("GET", V1 + "/users", "employee"), 403)
    problem(api.call("POST", V1 + "/deployments", "auditor", data={}), 403)


def test_405_names_the_allowed_methods(plain: Api):
    answer = plain.call("DELETE", V1 + "/tasks")
    problem(answer, 405)
    assert "GET" in answer.headers.get("Allow", ""), dict(answer.headers)


def test_unauthenticated_callers_get_401(plain: Api):
    api = plain
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic cm9vdDpwdw=="},
                    {"Authorization": "Bearer rvd_not-a-real-api-token"}):
        answer = api.call("GET", V1 + "/auth/me", None, headers=headers)
        problem(answer, 401)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    settings = api.app.extensions["ravand"].settings.with_overrides(token_ttl_s=-1)  # every token is expired
    expiring = create_app(settings, build(settings)).test_client()
    token = ok(expiring.post(V1 + "/auth/token", json={"username": "alice", "password": PASSWORD}))["access_token"]
    problem(expiring.get(V1 + "/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)
    assert api.call("GET", V1 + "/auth/me", None, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_unknown_ids_are_404_and_invalid_bodies_422(deployed: Api):
    api = deployed
    instance = start(api)["id"]
    for method, path in (("GET", "/process-definitions/999"), ("GET", "/process-definitions/999/xml"),
                         ("GET", "/process-definitions/999/statistics"), ("GET", "/process-instances/nope"),
                         ("GET", "/process-instances/nope/history"), ("GET", "/tasks/nope"),
                         ("GET", "/tasks/nope/comments"), ("POST", "/tasks/nope/claim"), ("GET", "/users/999"),
                         ("DELETE", "/auth/api-tokens/999"), ("POST", "/process-definitions/key/nope/start"),
                         ("POST", f"/process-instances/{instance}/incidents/9/retry")):
        problem(api.call(method, V1 + path, json={} if method == "POST" else None), 404)
    problem(api.call("POST", V1 + "/process-instances/nope/cancel", json={"reason": "gone"}), 404)
    # and invalid bodies are 422, with the errors by field name
    body = problem(api.call("POST", START.format("approval"), json={"business_key": "", "variables": "many"}), 422)
    assert set(body["errors"]) == {"business_key", "variables"}, body
    body = problem(api.call("POST", START.format("approval"), json={"surprise": 1}), 422)
    assert "surprise" in body["errors"], body
    body = problem(api.call("POST", V1 + "/process-instances/x/cancel", json={}), 422)
    assert "reason" in body["errors"], body


def test_refused_deployment_names_file_element_and_line(plain: Api):
    api = plain
    body = problem(api.deploy([("uncompilable.bpmn", UNCOMPILABLE)]), 422)
    assert body["problems"], body
    first = body["problems"][0]
    assert (first["file"], first["element_id"]) == ("uncompilable.bpmn", "oops"), first
    assert isinstance(first["line"], int) and first["line"] > 1 and first["message"], first
    assert ok(api.call("GET", V1 + "/process-definitions?key=uncompilable"))["total"] == 0
    problem(api.call("POST", V1 + "/deployments", "designer", data={"other": (io.BytesIO(b"x"), "a.bpmn")},
                     content_type="multipart/form-data"), 400)


def test_deployment_over_the_limit_is_413(plain: Api):
    settings = plain.app.extensions["ravand"].settings.with_overrides(max_deployment_bytes=4096)
    app = create_app(settings, build(settings))  # the same database and secret: the same tokens work
    small = Api(app, app.test_client(), plain.tokens)
    problem(small.deploy([("big.bpmn", b" " * 5000)]), 413)  # refused by the route
    problem(small.deploy([("a.bpmn", b" " * 3000), ("b.bpmn", b" " * 3000)]), 413)  # the sum counts
    problem(small.deploy([("huge.bpmn", b" " * 200_000)]), 413)  # refused before the route reads it
    assert small.deploy(bpmn.approval_files()).status_code == 201


# -- deployments ---------------------------------------------------------------------------------

def test_deploy_redeploy_and_read_definitions(api: Api):
    deployed = ok(api.deploy([*bpmn.approval_files(), ("urgent.bpmn", URGENT)]), 201)
    assert {(d["key"], d["version"], d["created"]) for d in deployed} == {("approval", 1, True), ("urgent", 1, True)}
    assert all(set(d) >= {"id", "key", "version", "created"} for d in deployed)
    again = ok(api.deploy(bpmn.approval_files()), 201)
    assert [(d["key"], d["version"], d["created"]) for d in again] == [("approval", 1, False)]
    changed = bpmn.APPROVAL.replace(b'priority="70"', b'priority="75"')
    assert ok(api.deploy([("approval.bpmn", changed), ("review.form", bpmn.REVIEW_FORM)]), 201)[0]["version"] == 2

    everything = ok(api.call("GET", V1 + "/process-definitions", "employee"))
    assert everything["total"] == 3
    latest = ok(api.call("GET", V1 + "/process-definitions?key=approval&latest=true"))
    assert [(d["key"], d["version"]) for d in latest["items"]] == [("approval", 2)] and latest["total"] == 1
    first = next(d for d in deployed if d["key"] == "approval")
    xml = api.call("GET", f"{V1}/process-definitions/{first['id']}/xml", "auditor")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert xml.get_data() == bpmn.APPROVAL

    instance = start(api)
    task = tasks(api, process_instance=instance["id"])["items"][0]
    ok(api.call("POST", f"{V1}/tasks/{task['id']}/complete", json={"data": {"approved": True, "amount": 4}}))
    assert ok(api.call("GET", f"{V1}/process-instances/{instance['id']}"))["state"] == "completed"
    start(api)  # one more, waiting at the review
    latest_id = latest["items"][0]["id"]
    stats = {s["element_id"]: s for s in ok(api.call("GET", f"{V1}/process-definitions/{latest_id}/statistics"))}
    assert stats["review"]["active"] == 1 and stats["review"]["completed"] == 1, stats
    assert stats["mark"]["completed"] == 1 and stats["done"]["completed"] == 1, stats
    assert all(s["incidents"] == 0 for s in stats.values())


# -- instances -----------------------------------------------------------------------------------

def test_start_list_filter_and_cancel(deployed: Api):
    api = deployed
    before = datetime.now(UTC) - timedelta(seconds=1)
    first = start(api, business_key="order-1", variables={"amount": 10})
    assert first["state"] == "running" and first["active_elements"] == ["review"] and first["started_by"] == "root"
    second = start(api, who="employee", business_key="order-2")
    third = start(api, who="designer", business_key="order-3")

    def listed(**query: Any) -> list[str]:
        page = ok(api.call("GET", V1 + "/process-instances", "auditor", query_string=query))
        assert page["total"] == len(page["items"]) or "limit" in query
        return [i["id"] for i in page["items"]]

    assert set(listed(key="approval")) == {first["id"], second["id"], third["id"]}
    assert listed(business_key="order-2") == [second["id"]]
    assert listed(started_by="alice") == [second["id"]]
    assert listed(key="nope") == []
    assert len(listed(started_after=before.isoformat())) == 3
    assert listed(started_after=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []
    assert listed(limit=1, offset=1) == [second["id"]]  # newest first

    got = ok(api.call("GET", f"{V1}/process-instances/{first['id']}", "designer"))
    assert got["variables"] == {"amount": 10} and got["business_key"] == "order-1"
    cancelled = ok(api.call("POST", f"{V1}/process-instances/{third['id']}/cancel", "designer",
                            json={"reason": "customer withdrew"}))
    assert cancelled["state"] == "cancelled" and cancelled["end_reason"] == "customer withdrew"
    assert cancelled["ended_at"]
    problem(api.call("POST", f"{V1}/process-instances/{third['id']}/cancel", json={"reason": "again"}), 409)
    assert listed(state="cancelled") == [third["id"]]
    assert set(listed(state="running")) == {first["id"], second["id"]}


def test_time_filters_respect_the_offset(deployed: Api, request: pytest.FixtureRequest):
    """Times may come with any offset (Ravand's default zone is Asia/Tehran): the same instant, the same answer."""
    api = deployed
    started = datetime.fromisoformat(start(api)["started_at"])
    tehran, new_york = timezone(timedelta(hours=3, minutes=30)), timezone(timedelta(hours=-5))

    def total(when: datetime) -> int:
        return ok(api.call("GET", V1 + "/process-instances", query_string={"started_after": when.isoformat()}))["total"]

    assert total(started - timedelta(seconds=1)) == 1 and total(started + timedelta(seconds=1)) == 0
    assert total((started - timedelta(seconds=1)).astimezone(tehran)) == 1
    assert total((started + timedelta(seconds=1)).astimezone(new_york)) == 0


def test_history_as_json_and_csv(deployed: Api):
    api = deployed
    instance = start(api, business_key="سفارش-۱", variables={"note": "مشتری راضی است"})
    history = ok(api.call("GET", f"{V1}/process-instances/{instance['id']}/history"))
    kinds = [e["kind"] for e in history["items"]]
    assert kinds[0] == "instance.started" and history["total"] == len(kinds)
    assert [e["seq"] for e in history["items"]] == sorted(e["seq"] for e in history["items"])

    answer = api.call("GET", f"{V1}/process-instances/{instance['id']}/history?format=csv", "auditor")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["seq", "at", "actor", "kind", "element_id", "business_key", "data", "hash"]
    assert len(rows) == len(kinds) + 1
    assert rows[1][3] == "instance.started" and rows[1][5] == "سفارش-۱" and "مشتری راضی است" in rows[1][6]
    by_accept = api.call("GET", f"{V1}/process-instances/{instance['id']}/history", headers={"Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv"


def test_failed_script_becomes_an_incident_and_retry_counts_attempts(api: Api):
    ok(api.deploy([("broken.bpmn", BROKEN)]), 201)
    failed = start(api, "broken", variables={"count": 0})
    assert failed["state"] == "failed", failed
    [incident] = failed["incidents"]
    assert incident["element_id"] == "divide" and incident["attempts"] == 1 and incident["kind"] == "script"
    assert incident["message"] and incident["resolved_at"] is None
    listed = ok(api.call("GET", V1 + "/process-instances?state=failed"))
    assert [i["id"] for i in listed["items"]] == [failed["id"]]
    retry = f"{V1}/process-instances/{failed['id']}/incidents/{incident['id']}/retry"
    problem(api.call("POST", retry, "employee"), 403)
    again = ok(api.call("POST", retry, "designer"))
    assert again["state"] == "failed" and again["incidents"][0]["attempts"] == 2, again
    got = ok(api.call("GET", f"{V1}/process-instances/{failed['id']}"))
    assert got["incidents"][0]["id"] == incident["id"] and got["incidents"][0]["attempts"] == 2
    stats = ok(api.call("GET", f"{V1}/process-definitions/{failed['definition_id']}/statistics"))
    assert {s["element_id"]: s["incidents"] for s in stats}.get("divide") == 1, stats


# -- tasks ---------------------------------------------------------------------------------------

def test_tasklist_filters_sorting_and_paging(api: Api):
    ok(api.deploy([*bpmn.approval_files(), ("urgent.bpmn", URGENT)]), 201)
    for n in range(3):
        start(api, business_key=f"lead-{n}")
    urgent = start(api, "urgent", business_key="call-1")
    mine = tasks(api, "employee", business_key="lead-0")["items"][0]
    ok(api.call("POST", f"{V1}/tasks/{mine['id']}/claim", "employee"))

    assert [t["id"] for t in tasks(api, "employee", assignee="me")["items"]] == [mine["id"]]
    assert tasks(api, "employee2", assignee="me")["total"] == 0
    assert tasks(api, "employee", candidate="me")["total"] == 4
    assert tasks(api, "outsider", candidate="me")["total"] == 0
    unassigned = tasks(api, "employee", unassigned="true")
    assert unassigned["total"] == 3 and mine["id"] not in [t["id"] for t in unassigned["items"]]
    assert [t["process_instance"] for t in tasks(api, process_key="urgent")["items"]] == [urgent["id"]]
    assert [t["business_key"] for t in tasks(api, business_key="lead-2")["items"]] == ["lead-2"]
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    assert [t["process_key"] for t in tasks(api, due_before=soon)["items"]] == ["urgent"]
    assert tasks(api, due_before=(datetime.now(UTC) + timedelta(days=3)).isoformat())["total"] == 4

    by_priority = [t["priority"] for t in tasks(api, sort="-priority")["items"]]
    assert by_priority == sorted(by_priority, reverse=True) and by_priority[0] == 90
    page = tasks(api, sort="created", limit=2, offset=1)
    assert page["total"] == 4 and len(page["items"]) == 2 and (page["limit"], page["offset"]) == (2, 1)
    everything = [t["id"] for t in tasks(api, sort="created")["items"]]
    assert [t["id"] for t in page["items"]] == everything[1:3]
    problem(api.call("GET", V1 + "/tasks?sort=-colour"), 422)


def test_task_detail_comments_and_invalid_completion(deployed: Api):
    api = deployed
    instance = start(api, business_key="deal-7", variables={"customer": "Bahar"})
    task_id = tasks(api, "employee", process_instance=instance["id"])["items"][0]["id"]
    detail = ok(api.call("GET", f"{V1}/tasks/{task_id}", "employee"))
    assert detail["form"]["id"] == "review-form" and detail["data"] == {"customer": "Bahar"}
    assert set(detail["candidate_groups"]) == {"sales", "managers"} and detail["priority"] == 70
    comment = ok(api.call("POST", f"{V1}/tasks/{task_id}/comments", "employee", json={"text": "تماس گرفتم"}), 201)
    assert comment["author"] == "alice" and comment["text"] == "تماس گرفتم"
    ok(api.call("POST", f"{V1}/tasks/{task_id}/comments", "admin", json={"text": "thanks"}), 201)
    listed = ok(api.call("GET", f"{V1}/tasks/{task_id}/comments", "auditor"))
    assert [c["text"] for c in listed] == ["تماس گرفتم", "thanks"]
    problem(api.call("POST", f"{V1}/tasks/{task_id}/comments", "employee", json={"text": ""}), 422)

    ok(api.call("POST", f"{V1}/tasks/{task_id}/claim", "employee"))
    body = problem(api.call("POST", f"{V1}/tasks/{task_id}/complete", "employee",
                            json={"data": {"amount": -5, "comment": "x" * 300}}), 422)
    assert set(body["errors"]) == {"amount", "comment"}, body
    body = problem(api.call("POST", f"{V1}/tasks/{task_id}/complete", "employee", json={"data": {}}), 422)
    assert "amount" in body["errors"], body
    still = ok(api.call("GET", f"{V1}/tasks/{task_id}", "employee"))
    assert still["state"] == "claimed" and still["completed_at"] is None
    done = ok(api.call("POST", f"{V1}/tasks/{task_id}/complete", "employee", json={"data": {"amount": 3}}))
    assert done["state"] == "completed" and done["completed_by"] == "alice"
    problem(api.call("POST", f"{V1}/tasks/{task_id}/complete", "employee", json={"data": {"amount": 3}}), 409)


def test_claim_race_has_one_winner(deployed: Api):
    api = deployed
    instance = start(api)
    task_id = tasks(api, process_instance=instance["id"])["items"][0]["id"]
    barrier, statuses = threading.Barrier(2), {}

    def claim(who: str) -> None:
        client = api.app.test_client()
        barrier.wait()
        answer = client.post(f"{V1}/tasks/{task_id}/claim", headers={"Authorization": f"Bearer {api.tokens[who]}"})
        statuses[who] = (answer.status_code, answer.content_type)

    threads = [threading.Thread(target=claim, args=(who,)) for who in ("employee", "employee2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(code for code, _ in statuses.values()) == [200, 409], statuses
    loser = next(content for code, content in statuses.values() if code == 409)
    assert loser == PROBLEM
    winner = next(who for who, (code, _) in statuses.items() if code == 200)
    assert ok(api.call("GET", f"{V1}/tasks/{task_id}"))["assignee"] == {"employee": "alice", "employee2": "bob"}[winner]


# -- sign-in and tokens --------------------------------------------------------------------------

def test_sign_in_failures_and_rate_limit(plain: Api):
    client = plain.client
    answer = client.post(V1 + "/auth/token", json={"username": "carol", "password": "wrong password"})
    assert problem(answer, 401)["detail"] == "wrong user name or password"
    nobody = problem(client.post(V1 + "/auth/token", json={"username": "nobody", "password": "x"}), 401)
    assert nobody["detail"] == "wrong user name or password"  # the same words: no user enumeration
    for _ in range(9):  # ten failures for carol from this address
        problem(client.post(V1 + "/auth/token", json={"username": "carol", "password": "still wrong"}), 401)
    limited = client.post(V1 + "/auth/token", json={"username": "carol", "password": PASSWORD})
    problem(limited, 429)
    assert client.post(V1 + "/auth/token", json={"username": "audrey", "password": PASSWORD}).status_code == 200
    me = ok(plain.call("GET", V1 + "/auth/me", "outsider"))
    assert me == {"username": "carol", "role": "employee", "groups": ["support-1"], "locale": "en",
                  "email": None, "mobile": None}


def test_api_tokens_and_password_change(api: Api):
    """API tokens are shown once and die when revoked; a password change signs out access tokens."""
    created = ok(api.call("POST", V1 + "/auth/api-tokens", "employee", json={"name": "crm sync"}), 201)
    secret = created["token"]
    assert secret.startswith("rvd_") and created["prefix"] == secret[:len(created["prefix"])]
    bearer = {"Authorization": f"Bearer {secret}"}
    assert ok(api.call("GET", V1 + "/auth/me", None, headers=bearer))["username"] == "alice"
    assert api.call("GET", V1 + "/tasks?assignee=me", None, headers=bearer).status_code == 200
    problem(api.call("GET", V1 + "/users", None, headers=bearer), 403)
    listed = ok(api.call("GET", V1 + "/auth/api-tokens", "employee"))
    assert [t["name"] for t in listed] == ["crm sync"]
    assert all(not t.get("token") for t in listed) and secret not in str(listed)
    assert ok(api.call("GET", V1 + "/auth/api-tokens", "employee2")) == []
    problem(api.call("DELETE", f"{V1}/auth/api-tokens/{created['id']}", "employee2"), 404)  # not bob's
    revoked = ok(api.call("DELETE", f"{V1}/auth/api-tokens/{created['id']}", "employee"))
    assert revoked["revoked_at"]
    problem(api.call("GET", V1 + "/auth/me", None, headers=bearer), 401)

    # a password change signs out the access tokens issued before it
    alice = user_id(api, "alice")
    assert api.call("GET", V1 + "/auth/me", "employee").status_code == 200
    ok(api.call("PATCH", f"{V1}/users/{alice}", json={"password": "a brand new secret"}))
    problem(api.call("GET", V1 + "/auth/me", "employee"), 401)
    problem(api.client.post(V1 + "/auth/token", json={"username": "alice", "password": PASSWORD}), 401)
    fresh = ok(api.client.post(V1 + "/auth/token", json={"username": "alice", "password": "a brand new secret"}))
    me = api.call("GET", V1 + "/auth/me", None, headers={"Authorization": f"Bearer {fresh['access_token']}"})
    assert ok(me)["username"] == "alice"


# -- users ---------------------------------------------------------------------------------------

def test_user_administration(api: Api):
    body = problem(api.call("POST", V1 + "/users", json={"username": "eve", "password": "long enough",
                                                         "role": "overlord"}), 422)
    assert set(body["errors"]) == {"role"}, body
    body = problem(api.call("POST", V1 + "/users", json={"username": "eve", "password": "short", "role": "employee"}),
                   422)
    assert set(body["errors"]) == {"password"}, body
    created = ok(api.call("POST", V1 + "/users", json={"username": "eve", "password": "long enough",
                                                       "role": "designer", "groups": ["managers"]}), 201)
    assert created["role"] == "designer" and "password" not in created and created["active"] is True
    problem(api.call("POST", V1 + "/users", json={"username": "eve", "password": "long enough",
                                                  "role": "employee"}), 409)
    page = ok(api.call("GET", V1 + "/users?limit=2&offset=2"))
    assert page["total"] == 7 and len(page["items"]) == 2 and (page["limit"], page["offset"]) == (2, 2)
    names = [u["username"] for u in ok(api.call("GET", V1 + "/users?limit=500"))["items"]]
    assert [u["username"] for u in page["items"]] == names[2:4]
    problem(api.call("GET", V1 + "/users?limit=0"), 422)
    problem(api.call("PATCH", f"{V1}/users/{created['id']}", json={"role": "king"}), 422)


# -- the surface ---------------------------------------------------------------------------------

def test_security_headers_and_health(plain: Api):
    for answer in (plain.call("GET", V1 + "/health", None), plain.call("GET", V1 + "/tasks", None),
                   plain.call("GET", V1 + "/auth/me")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
        assert "form-action 'self'" in answer.headers["Content-Security-Policy"]  # no form posts off-site
    assert ok(plain.call("GET", V1 + "/health", None)) == {"status": "ok", "database": "ok"}


def test_openapi_documents_every_route(plain: Api):
    document = ok(plain.call("GET", V1 + "/openapi.json", None))
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in plain.app.url_map.iter_rules() if rule.rule.startswith(V1 + "/")
              and rule.rule != V1 + "/openapi.json" for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in document["paths"].items() for method in item
                  if method != "parameters"}
    assert routes == documented, (routes - documented, documented - routes)
    open_routes = {(V1 + "/health", "get"), (V1 + "/auth/token", "post"), (V1 + "/portal/complaints", "post"),
                   (V1 + "/portal/complaints/{code}", "get"), (V1 + "/portal/complaints/{code}/survey", "post"),
                   (V1 + "/portal/complaints/{code}/reply", "post"), (V1 + "/portal/complaints/{code}/reopen", "post"),
                   (V1 + "/portal/referrals", "post"), (V1 + "/portal/lists/{name}/entries", "get"),
                   (V1 + "/contract-links/{token}", "get"), (V1 + "/contract-links/{token}/document", "get"),
                   (V1 + "/contract-links/{token}/document.pdf", "get"), (V1 + "/contract-links/{token}/code", "post"),
                   (V1 + "/contract-links/{token}/accept", "post"), (V1 + "/portal/opt-out/{token}", "get"),
                   (V1 + "/portal/opt-out/{token}", "post"),  # the campaign e-mail's signed opt-out link
                   (V1 + "/sms/inbound/{token}", "post"),  # the SMS panel's forward, behind its secret address
                   (V1 + "/portal/club/link", "post"), (V1 + "/portal/club/{token}", "get"),  # the club's signed link
                   (V1 + "/portal/club/{token}/rewards/{reward_id}", "post"),
                   (V1 + "/quote-links/{token}", "get"), (V1 + "/quote-links/{token}/document.pdf", "get"),
                   (V1 + "/quote-links/{token}/answer", "post"),  # the quote's signed link
                   (V1 + "/quote-links/{token}/code", "post")}
    for path, method in documented - open_routes:
        assert document["paths"][path][method].get("security") == [{"bearerAuth": []}], (method, path)
        assert {"401", "403"} <= set(document["paths"][path][method]["responses"]), (method, path)  # errors too
