"""The stored state of a workflow: what is restored is what SpiffWorkflow's own serializer would hold
for the original, at every wait of diagrams with data, parallel branches, loops, subprocesses,
timers and messages; the older ``ravand-1`` format is still read."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime
from typing import Any

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition

from engine import sandbox
from engine.definitions.xmlsafe import parse_xml
from engine.runtime.projections import walk
from engine.spiff import codec as state
from engine.spiff.parser import Specs, build_specs, new_parser
from engine.spiff.script_engine import SandboxScriptEngine
from tests.engine import bpmn


def _specs(key: str, xml: bytes) -> Specs:
    root, problem = parse_xml(xml, f"{key}.bpmn")
    assert problem is None
    return build_specs(new_parser({f"{key}.bpmn": root}, {}), key, f"{key}.bpmn")


def _spiff_view(workflow: BpmnWorkflow) -> dict[str, Any]:
    """SpiffWorkflow's own serialization of the workflow, without the definition."""
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(state.CONFIG))
    dct = json.loads(serializer.serialize_json(workflow))
    for key in ("spec", "subprocess_specs", "serializer_version"):
        dct.pop(key, None)
    return dct


def _restored(workflow: BpmnWorkflow, specs: Specs) -> BpmnWorkflow:
    restored = state.load(state.dump(workflow), specs)
    restored.script_engine = workflow.script_engine
    return restored


PARALLEL = bpmn.diagram("parallel", "\n".join([
    bpmn.start(), bpmn.script("init", "items = [1, 2]\nmeta = {'a': {'b': 1}}\nwhen = None"),
    bpmn.gateway("split", "parallel"), bpmn.user("left", candidateGroups="sales"),
    bpmn.user("right", candidateGroups="sales"), bpmn.gateway("join", "parallel"),
    bpmn.script("after", "total = sum(items) + left_value + right_value\ndel meta"), bpmn.user("check"), bpmn.end(),
    bpmn.chain("start", "init", "split"), bpmn.flow("split", "left"), bpmn.flow("split", "right"),
    bpmn.flow("left", "join"), bpmn.flow("right", "join"), bpmn.chain("join", "after", "check", "end"),
]))

LOOP = bpmn.diagram("loop", "\n".join([
    bpmn.start(), bpmn.script("init", "n = 0"), bpmn.gateway("merge"), bpmn.script("inc", "n = n + 1"),
    bpmn.user("work"), bpmn.gateway("more", default="f_more_end"), bpmn.end(),
    bpmn.chain("start", "init", "merge", "inc", "work", "more"), bpmn.flow("more", "merge", "n < 4"),
    bpmn.flow("more", "end"),
]))

WAITS = bpmn.diagram("waits", "\n".join([
    bpmn.start(),
    '<bpmn:subProcess id="inner"><bpmn:startEvent id="inner_start"/>'
    '<bpmn:userTask id="inner_task" name="Inner"/><bpmn:endEvent id="inner_end"/>'
    + bpmn.chain("inner_start", "inner_task", "inner_end") + "</bpmn:subProcess>",
    '<bpmn:boundaryEvent id="late" attachedToRef="inner" cancelActivity="false"><bpmn:timerEventDefinition>'
    '<bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>',
    bpmn.user("chase"), bpmn.end("chased"),
    '<bpmn:intermediateCatchEvent id="signed"><bpmn:messageEventDefinition messageRef="m_signed"/>'
    "</bpmn:intermediateCatchEvent>", bpmn.end(),
    bpmn.chain("start", "inner", "signed", "end"), bpmn.chain("late", "chase", "chased"),
]), extra='<bpmn:message id="m_signed" name="signed"/>')


@pytest.fixture(autouse=True)
def _in_process_scripts():
    sandbox.DEFAULT.configure(isolate=False)
    yield
    sandbox.DEFAULT.configure(isolate=True)


def _run_checking_every_wait(key: str, xml: bytes, answers: dict[str, dict[str, Any]],
                             events: dict[str, BpmnEvent] | None = None) -> BpmnWorkflow:
    """Drive the workflow; at every wait, store and restore it, compare with SpiffWorkflow's own view of
    the original, and go on with the restored one (as the engine does)."""
    specs = _specs(key, xml)
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.do_engine_steps()
    for _ in range(50):
        restored = _restored(workflow, specs)
        assert _spiff_view(restored) == _spiff_view(workflow)
        assert [t.task_spec.name for t in restored.event_manager.tasks.values()] == \
               [t.task_spec.name for t in workflow.event_manager.tasks.values()]
        assert [t.id for t in walk(restored)] == [t.id for t in restored.get_tasks()]  # the projections' walk
        workflow = restored
        if workflow.is_completed():
            return workflow
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if ready:
            task = ready[0]
            task.set_data(**answers.get(task.task_spec.bpmn_id, {}))
            task.run()
        else:
            waiting = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.WAITING)}
            name = next(n for n in (events or {}) if n in waiting)
            workflow.catch(events.pop(name))
        workflow.do_engine_steps()
    raise AssertionError("the workflow did not end")


def test_parallel_branches_with_nested_data_and_deletions_restore_exactly():
    workflow = _run_checking_every_wait("parallel", PARALLEL, {
        "left": {"left_value": 10, "when": date(2026, 12, 6).isoformat()}, "right": {"right_value": 5},
    })
    assert workflow.data["total"] == 18 and "meta" not in workflow.data


def test_a_loop_restores_exactly_at_every_iteration():
    workflow = _run_checking_every_wait("loop", LOOP, {})
    assert workflow.data["n"] == 4


def test_subprocess_boundary_timer_and_message_waits_restore_exactly():
    payload = {"signed_at": datetime(2026, 12, 6, 9, 30, tzinfo=UTC).isoformat()}
    workflow = _run_checking_every_wait("waits", WAITS, {"inner_task": {"done": True}},
                                        {"signed": BpmnEvent(MessageEventDefinition("signed"), payload)})
    assert workflow.data["done"] is True and workflow.data["signed_at"].startswith("2026-12-06")


def test_state_written_in_the_earlier_format_is_still_read():
    specs = _specs("loop", LOOP)
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.do_engine_steps()
    codec = state._codec()
    old = codec.converter.to_dict(workflow)
    old.pop("spec"), old.pop("subprocess_specs")
    old["format"] = state.OLD_FORMAT
    blob = zlib.compress(codec.json.encode(old).encode())
    restored = state.load(blob, specs)
    assert _spiff_view(restored) == _spiff_view(workflow)


def _half_run(key: str, xml: bytes, first: str, answer: dict[str, Any]) -> BpmnWorkflow:
    """The workflow after its first user task ``first`` was completed with ``answer``: waiting, with data."""
    specs = _specs(key, xml)
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.do_engine_steps()
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == first)
    task.set_data(**answer)
    task.run()
    workflow.do_engine_steps()
    assert not workflow.is_completed()
    return workflow


def _stored(blob: bytes) -> dict[str, Any]:
    return json.loads(zlib.decompress(blob))


def _rewritten(dct: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(dct).encode())


def test_the_state_records_its_format_and_the_spiffworkflow_versions_it_follows():
    specs = _specs("loop", LOOP)
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.do_engine_steps()
    stored = _stored(state.dump(workflow))
    assert (stored["format"], stored["serializer"], stored["library"]) == ("ravand-3", "1.5", "3.2.0")


def test_a_state_written_before_the_stamps_is_read_and_saved_stamped():
    """``ravand-2`` is what Ravand wrote before its states carried versions: the same rows, no stamps."""
    workflow = _half_run("parallel", PARALLEL, "left", {"left_value": 1})
    specs = _specs("parallel", PARALLEL)
    earlier = _stored(state.dump(workflow))
    del earlier["serializer"], earlier["library"]
    earlier["format"] = state.ROWS_FORMAT
    restored = state.load(_rewritten(earlier), specs)
    assert _spiff_view(restored) == _spiff_view(workflow)
    assert _stored(state.dump(restored))["format"] == state.FORMAT


@pytest.mark.parametrize("diagram", ["parallel", "loop"])
def test_a_state_of_an_older_serializer_goes_through_spiffworkflows_migrations(diagram, monkeypatch):
    """The rows are laid out as SpiffWorkflow's serializer writes tasks and its ``migrate`` runs on them (here
    its 1.4 → 1.5 step); what is read back is the workflow that was saved."""
    from SpiffWorkflow.bpmn.serializer.migration import version_migration

    xml = {"parallel": PARALLEL, "loop": LOOP}[diagram]
    workflow = _half_run(diagram, xml, *{"parallel": ("left", {"left_value": 1}), "loop": ("work", {"x": 1})}[diagram])
    stamped = _stored(state.dump(workflow))
    stamped["serializer"] = "1.4"
    ran = []
    step = version_migration.MIGRATIONS["1.4"]
    monkeypatch.setitem(version_migration.MIGRATIONS, "1.4", lambda dct: (ran.append(len(dct["tasks"])), step(dct)))
    restored = state.load(_rewritten(stamped), _specs(diagram, xml))
    assert len(ran) == 1
    assert _spiff_view(restored) == _spiff_view(workflow)


def test_a_state_of_a_newer_serializer_is_refused():
    specs = _specs("loop", LOOP)
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.do_engine_steps()
    newer = _stored(state.dump(workflow))
    newer["serializer"] = "9.0"
    with pytest.raises(ValueError, match=r"newer than the installed 1\.5"):
        state.load(_rewritten(newer), specs)


def test_unknown_state_formats_are_refused():
    with pytest.raises(ValueError, match="unknown workflow state format"):
        state.load(zlib.compress(b'{"format": "other"}'), _specs("loop", LOOP))
