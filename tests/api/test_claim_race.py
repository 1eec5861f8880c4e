"""A claim answered 200 is never overridden: one candidate claims while another candidate completes the
same task, through two servers (two apps, each with its own connection pool) on one database."""

from __future__ import annotations

import threading
from typing import Any

from api.app import create_app
from api.composition import build
from config import load_settings
from tests.api.conftest import Api

V1 = "/api/v1"
ROUNDS = 12


def _second_server(api: Api) -> Any:
    url = api.app.extensions["ravand"].settings.database_url
    settings = load_settings(environ={}, database_url=url, secret_key="test-secret-key-for-tests-only",
                             script_isolation=False, scheduler_enabled=False)
    app = create_app(settings, build(settings))
    app.config["TESTING"] = True
    return app


def _race(api: Api, other: Any, task_id: str) -> dict[str, int]:
    barrier, statuses = threading.Barrier(2), {}

    def claim() -> None:
        client = api.app.test_client()
        barrier.wait()
        answer = client.post(f"{V1}/tasks/{task_id}/claim",
                             headers={"Authorization": f"Bearer {api.tokens['employee']}"})
        statuses["claim"] = answer.status_code

    def complete() -> None:
        client = other.test_client()
        barrier.wait()
        answer = client.post(f"{V1}/tasks/{task_id}/complete", json={"data": {"amount": 1}},
                             headers={"Authorization": f"Bearer {api.tokens['employee2']}"})
        statuses["complete"] = answer.status_code

    threads = [threading.Thread(target=claim), threading.Thread(target=complete)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_a_claim_answered_200_is_never_overridden_by_a_concurrent_complete(deployed: Api):
    api, other = deployed, _second_server(deployed)
    outcomes = []
    for _ in range(ROUNDS):
        started = api.call("POST", f"{V1}/process-definitions/key/approval/start", "admin", json={})
        assert started.status_code == 201, started.get_json()
        instance = started.get_json()["id"]
        listed = api.call("GET", f"{V1}/tasks", query_string={"process_instance": instance}).get_json()
        task_id = listed["items"][0]["id"]
        statuses = _race(api, other, task_id)
        outcomes.append((statuses["claim"], statuses["complete"]))
        task = api.call("GET", f"{V1}/tasks/{task_id}").get_json()
        events = api.call("GET", f"{V1}/journal", "auditor", query_string={"process_instance": instance, "limit": 100})
        kinds = [(e["kind"], e["actor"]) for e in events.get_json()["items"]]
        if statuses["claim"] == 200:
            # alice's claim stands: bob's completion was refused, and the task waits for alice
            assert statuses["complete"] in {403, 409}, statuses
            assert task["state"] == "claimed" and task["assignee"] == "alice", task
            assert ("task.completed", "bob") not in kinds, kinds
        else:
            assert statuses == {"claim": 409, "complete": 200}, statuses
            assert task["state"] == "completed" and task["completed_by"] == "bob", task
            assert ("task.claimed", "alice") not in kinds, kinds
    assert all(pair != (200, 200) for pair in outcomes), outcomes
