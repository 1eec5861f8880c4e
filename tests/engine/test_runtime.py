"""Running instances: start, complete, gateways, scripts, services, incidents, cancel, history."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, InvalidData, NotFound
from engine.facade import Engine
from engine.runtime.services import HandlerRegistry
from tests.engine import bpmn
from tests.engine.helpers import ALICE, Harness


@pytest.fixture
def h(db):
    harness = Harness(db)
    harness.deploy(bpmn.approval_files())
    return harness


def test_start_waits_at_the_user_task(h):
    instance = h.start("approval", "ORDER-1", {"customer": "علی کریمی"})
    assert instance.state == "running" and instance.active_elements == ["review"]
    assert instance.variables["customer"] == "علی کریمی"
    assert len(h.open_tasks(instance.id)) == 1


def test_approved_path_runs_the_script_and_ends(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    h.complete(task, {"approved": True, "amount": "۱۲۰"})  # Persian digits are numbers too
    done = h.instance(instance.id)
    assert done.state == "completed" and done.ended_at is not None
    assert done.variables["status"] == "approved" and done.variables["score"] == 240
    assert h.open_tasks(instance.id) == []


def test_rejected_path_takes_the_default_flow(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    h.complete(task, {"approved": False, "amount": 5})
    done = h.instance(instance.id)
    assert done.state == "completed" and "status" not in done.variables


def test_invalid_form_data_changes_nothing(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    with pytest.raises(InvalidData) as caught:
        h.complete(task, {"amount": -3, "surprise": 1})
    assert set(caught.value.field_errors) >= {"amount", "surprise"}
    assert h.open_tasks(instance.id) == [task]
    assert h.instance(instance.id).state == "running"
    kinds = [e.kind for e in h(lambda s: h.engine.history(s, instance.id)).items]
    assert "task.completed" not in kinds


def test_completing_twice_conflicts(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    h.complete(task, {"approved": True, "amount": 1})
    with pytest.raises(Conflict):
        h.complete(task, {"approved": True, "amount": 1})


def test_cancel_closes_tasks_and_records_reason(h):
    instance = h.start("approval")
    cancelled = h(lambda s: h.engine.cancel(s, instance.id, "customer withdrew", "root"))
    assert cancelled.state == "cancelled" and cancelled.end_reason == "customer withdrew"
    assert h.open_tasks(instance.id) == []
    with pytest.raises(Conflict):
        h(lambda s: h.engine.cancel(s, instance.id, "again", "root"))


def test_unknown_instance_and_key(h):
    with pytest.raises(NotFound):
        h.instance("nope")
    with pytest.raises(NotFound):
        h.start("no_such_process")


def test_history_lists_every_step(h):
    instance = h.start("approval", "ORDER-9")
    [task] = h.open_tasks(instance.id)
    h.complete(task, {"approved": True, "amount": 2})
    kinds = [e.kind for e in h(lambda s: h.engine.history(s, instance.id)).items]
    assert kinds[0] == "instance.started"
    for kind in ("task.created", "task.claimed", "task.completed", "variables.changed", "instance.completed"):
        assert kind in kinds


def failing_registry(calls: list) -> HandlerRegistry:
    registry = HandlerRegistry()

    def charge(variables: dict) -> dict:
        calls.append(variables.get("amount"))
        if len(calls) == 1:
            raise RuntimeError("payment gateway down")
        return {"charged": variables["amount"]}

    registry.register("charge", charge)
    return registry


SERVICE = bpmn.diagram("pay", bpmn.start() + bpmn.service("charge_it", "charge") + bpmn.end()
                       + bpmn.chain("start", "charge_it", "end"))


def test_failing_service_becomes_an_incident_and_retry_completes(db):
    calls: list = []
    h = Harness(db, Engine(failing_registry(calls)))
    h.deploy([("pay.bpmn", SERVICE)])
    instance = h.start("pay", variables={"amount": 10})
    assert instance.state == "failed" and instance.active_elements == ["charge_it"]
    [incident] = instance.incidents
    assert incident.kind == "service" and "payment gateway down" in incident.message
    retried = h(lambda s: h.engine.retry(s, instance.id, incident.id, "root"))
    assert retried.state == "completed" and retried.variables["charged"] == 10 and retried.incidents == []
    assert calls == [10, 10]


def test_script_error_is_an_incident_not_a_crash(db):
    h = Harness(db)
    body = bpmn.start() + bpmn.script("s", "ratio = total / count") + bpmn.end() + bpmn.chain("start", "s", "end")
    h.deploy([("div.bpmn", bpmn.diagram("div", body))])
    instance = h.start("div", variables={"total": 1, "count": 0})
    assert instance.state == "failed"
    assert "ZeroDivisionError" in instance.incidents[0].message or "division" in instance.incidents[0].message


def test_sandbox_violation_at_run_time_is_an_incident(db):
    h = Harness(db)
    body = bpmn.start() + bpmn.script("s", "x = 10 ** 10 ** 10") + bpmn.end() + bpmn.chain("start", "s", "end")
    h.deploy([("big.bpmn", bpmn.diagram("big", body))])
    instance = h.start("big")
    assert instance.state == "failed" and instance.incidents[0].kind == "script"


def test_parallel_branches_both_wait(db):
    h = Harness(db)
    body = "\n".join([
        bpmn.start(), bpmn.gateway("fork", "parallel"), bpmn.user("a", candidateGroups="sales"),
        bpmn.user("b", candidateGroups="sales"), bpmn.gateway("join", "parallel"), bpmn.end(),
        bpmn.chain("start", "fork"), bpmn.flow("fork", "a"), bpmn.flow("fork", "b"), bpmn.flow("a", "join"),
        bpmn.flow("b", "join"), bpmn.chain("join", "end"),
    ])
    h.deploy([("par.bpmn", bpmn.diagram("par", body))])
    instance = h.start("par")
    tasks = h.open_tasks(instance.id)
    assert len(tasks) == 2
    h.complete(tasks[0], {"x": 1}, ALICE)
    assert h.instance(instance.id).state == "running"
    h.complete(tasks[1], {"y": 2}, ALICE)
    done = h.instance(instance.id)
    assert done.state == "completed"


def test_state_survives_a_new_engine(db):
    h = Harness(db)
    h.deploy(bpmn.approval_files())
    instance = h.start("approval")
    fresh = Harness(db, Engine())  # empty spec cache: specs rebuilt from the stored resources
    [task] = fresh.open_tasks(instance.id)
    fresh.complete(task, {"approved": True, "amount": 3})
    assert fresh.instance(instance.id).variables["score"] == 6
