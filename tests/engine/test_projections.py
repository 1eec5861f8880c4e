"""The projections worked out from a workflow alone, without a database: which human-task rows a save opens
(with their assignment resolved and their candidates), which it closes and how, and what the journal says;
what an instance waits for (timers, subscriptions) and which of its timers fired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine import clock
from engine.definitions.xmlsafe import parse_xml
from engine.runtime.projections import InstanceKeys, Snapshot, plan_human_tasks
from engine.runtime.waits import fired_timers, plan_waits
from engine.spiff.parser import build_specs, new_parser
from engine.spiff.script_engine import SandboxScriptEngine
from engine.spiff.types import BpmnWorkflow, TaskState
from tests.engine import bpmn

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
KEYS = InstanceKeys("i-1", "both", "B-7")
BOTH = bpmn.diagram("both", "\n".join([
    bpmn.start(), bpmn.gateway("split", "parallel"),
    bpmn.user("call", "Call the customer", candidateGroups="${team}", dueDate="P2D", priority="80"),
    bpmn.user("check", "Check the credit", assignee="${checker}", candidateUsers="nima, reza"),
    bpmn.gateway("join", "parallel"), bpmn.end(),
    bpmn.chain("start", "split"), bpmn.flow("split", "call"), bpmn.flow("split", "check"),
    bpmn.flow("call", "join"), bpmn.flow("check", "join"), bpmn.chain("join", "end"),
]))
ELEMENTS = {"call": {"candidate_groups": "${team}", "due_date": "P2D", "priority": "80", "form": "call-form"},
            "check": {"assignee": "${checker}", "candidate_users": "nima, reza"}}


def _workflow(data: dict) -> BpmnWorkflow:
    root, problem = parse_xml(BOTH, "both.bpmn")
    assert problem is None
    specs = build_specs(new_parser({"both.bpmn": root}, {}), "both", "both.bpmn")
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.get_tasks(state=TaskState.READY)[0].set_data(**data)
    workflow.do_engine_steps()
    return workflow


def _ready(workflow: BpmnWorkflow) -> dict[str, str]:
    return {t.task_spec.bpmn_id: str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def test_tasks_that_became_ready_are_opened_with_their_assignment_resolved():
    workflow = _workflow({"team": "sales-north", "checker": "nima"})
    changes = plan_human_tasks(Snapshot.of(workflow), ELEMENTS, KEYS, NOW, None, set())
    rows = {row["element_id"]: row for row in changes.open}
    assert set(rows) == {"call", "check"} and changes.close == {} and changes.ready == set(_ready(workflow).values())
    call, check = rows["call"], rows["check"]
    assert (call["state"], call["assignee"], call["candidate_groups"], call["priority"], call["due_at"]) == \
        ("ready", None, ["sales-north"], 80, NOW + timedelta(days=2))
    assert (call["process_instance_id"], call["business_key"], call["name"], call["form_key"]) == \
        ("i-1", "B-7", "Call the customer", "call-form")
    assert (check["state"], check["assignee"], check["claimed_at"]) == ("claimed", "nima", NOW)
    assert sorted((c["kind"], c["name"]) for c in changes.candidates) == \
        [("group", "sales-north"), ("user", "nima"), ("user", "reza")]
    assert sorted(kind for kind, _, _ in changes.events) == ["task.created", "task.created"]


def test_the_completed_task_is_closed_as_completed_and_a_task_gone_otherwise_as_cancelled():
    workflow = _workflow({"team": "sales", "checker": "nima"})
    ready = _ready(workflow)
    open_ids = set(ready.values()) | {"a-task-no-longer-ready"}
    workflow.get_task_from_id(next(t.id for t in workflow.get_tasks() if str(t.id) == ready["call"])).run()
    workflow.do_engine_steps()
    changes = plan_human_tasks(Snapshot.of(workflow), ELEMENTS, KEYS, NOW, ready["call"], open_ids)
    assert changes.close == {ready["call"]: "completed", "a-task-no-longer-ready": "cancelled"}
    assert changes.open == [] and changes.events == [] and changes.ready == {ready["check"]}


def test_an_assignment_that_cannot_be_resolved_leaves_that_one_empty_and_says_why():
    workflow = _workflow({"checker": "nima"})  # no "team"
    changes = plan_human_tasks(Snapshot.of(workflow), ELEMENTS, KEYS, NOW, None, set())
    call = next(row for row in changes.open if row["element_id"] == "call")
    assert call["candidate_groups"] == [] and call["priority"] == 80  # the others resolved
    [(_, element, data)] = [e for e in changes.events if e[0] == "task.assignment_failed"]
    assert element == "call" and data["errors"][0].startswith("candidate_groups: ") and "team" in data["errors"][0]


WAITS = bpmn.diagram("waits", "\n".join([
    bpmn.start(), bpmn.gateway("split", "parallel"),
    '<bpmn:intermediateCatchEvent id="a_day"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration>'
    '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
    '<bpmn:intermediateCatchEvent id="signed"><bpmn:messageEventDefinition messageRef="m_signed"/>'
    '</bpmn:intermediateCatchEvent>',
    bpmn.gateway("join", "parallel"), bpmn.end(),
    bpmn.chain("start", "split"), bpmn.flow("split", "a_day"), bpmn.flow("split", "signed"),
    bpmn.flow("a_day", "join"), bpmn.flow("signed", "join"), bpmn.chain("join", "end"),
]), extra='<bpmn:message id="m_signed" name="contract-signed"/>')


def test_what_an_instance_waits_for_and_which_timers_fired_are_read_from_the_workflow(later):
    root, _ = parse_xml(WAITS, "waits.bpmn")
    specs = build_specs(new_parser({"waits.bpmn": root}, {}), "waits", "waits.bpmn")
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    started = clock.utcnow()
    workflow.do_engine_steps()
    plan = plan_waits(workflow)
    [timer] = plan.timers
    assert timer["element_id"] == "a_day" and timedelta(0) <= timer["due_at"] - started - timedelta(days=1) < \
        timedelta(seconds=5)
    assert [(s["kind"], s["name"], s["element_id"]) for s in plan.subscriptions] == \
        [("message", "contract-signed", "signed")] and plan.count == 2
    held = {timer["task_id"]: ("a_day", timer["due_at"])}
    assert fired_timers(workflow, held) == []
    later(86_400 + 1)  # a day on: SpiffWorkflow reads the engine's clock too
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert fired_timers(workflow, held) == [(timer["task_id"], "a_day", timer["due_at"])]
    assert [t["element_id"] for t in plan_waits(workflow).timers] == [] and plan_waits(workflow).count == 1
