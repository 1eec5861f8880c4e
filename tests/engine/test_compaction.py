"""Long-lived instances drop the finished history of their task tree: what they do and what they show is the
same as without the drop (variables, where they wait, the path with every element's count), at every step,
and their stored state stops growing with the number of rounds."""

from __future__ import annotations

from typing import Any

import pytest

from engine.facade import Engine
from engine.store.models import ProcessInstance
from tests.engine import bpmn
from tests.engine.helpers import Harness

# each round: a script, a parallel split into a user task (with a boundary timer that never fires while the
# round lasts) and an embedded subprocess, their join, then a gateway that loops back or ends
ROUNDS = bpmn.diagram("rounds", "\n".join([
    bpmn.start(), bpmn.script("count", "n = n + 1\nlog = log[-3:] + [n]"),
    bpmn.gateway("split", "parallel"),
    bpmn.user("work", candidateGroups="sales"),
    '<bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:timeDuration>P30D'
    '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>',
    bpmn.end("gave_up"),
    '<bpmn:subProcess id="inner">' + bpmn.start("inner_start") + bpmn.script("inner_step", "inner_done = n")
    + bpmn.end("inner_end") + bpmn.chain("inner_start", "inner_step", "inner_end") + '</bpmn:subProcess>',
    bpmn.gateway("join", "parallel"), bpmn.gateway("again", default="f_again_done"), bpmn.end("done"),
    bpmn.chain("start", "count", "split"), bpmn.flow("split", "work"), bpmn.flow("split", "inner"),
    bpmn.flow("work", "join"), bpmn.flow("inner", "join"), bpmn.flow("late", "gave_up"),
    bpmn.chain("join", "again"), bpmn.flow("again", "count", "more"),
    bpmn.flow("again", "done", flow_id="f_again_done"),
]))


def _run(db, compact_after: int, rounds: int) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Each step's (variables, active elements, element counts), and the stored state's size after each."""
    h = Harness(db, Engine(settings={"compact_after": compact_after}))
    h.deploy([("rounds.bpmn", ROUNDS)])
    instance = h.start("rounds", variables={"more": True, "n": 0, "log": []})
    seen, sizes = [], []
    for done in range(rounds):
        [task_id] = h.open_tasks(instance.id)
        h.complete(task_id, {"more": done < rounds - 1, f"answer_{done % 3}": done})
        view = h.instance(instance.id)
        seen.append((view.state, view.variables, view.active_elements, view.element_counts))
        with db.sessions() as session:
            sizes.append(len(session.get(ProcessInstance, instance.id).workflow_state))
    return seen, sizes


@pytest.mark.parametrize("compact_after", [0, 7])
def test_dropping_history_changes_nothing_an_instance_does_or_shows(db, compact_after):
    rounds = 40
    kept, kept_sizes = _run(db, 10**9, rounds)
    compacted, sizes = _run(db, compact_after, rounds)
    assert compacted == kept
    assert compacted[-1][0] == "completed" and compacted[-1][3]["count"] == rounds
    assert compacted[-1][3]["inner_step"] == rounds  # the subprocesses' own tasks are counted too
    # the join takes its own round's branches only (SpiffWorkflow's merged every earlier round's: old items piled up)
    assert compacted[-1][1]["log"] == list(range(rounds - 3, rounds + 1))
    assert kept_sizes[-2] > 3 * kept_sizes[5]  # without the drop the state grows with the rounds
    assert sizes[-2] < 1.5 * sizes[5]  # with it, it does not


def test_a_compacted_tree_is_whole_and_stored_as_spiffworkflow_would_store_it():
    """In memory: after the drop every task left is reachable from the root, nothing waiting went, and the state
    restores to what SpiffWorkflow's own serializer holds for the compacted workflow."""
    from engine.spiff import codec, compaction
    from engine.spiff.script_engine import SandboxScriptEngine
    from engine.spiff.types import BpmnWorkflow, TaskState
    from tests.engine.test_state import LOOP, _specs, _spiff_view

    specs = _specs("loop", LOOP.replace(b"n &lt; 4", b"n &lt; 40"))
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=SandboxScriptEngine())
    workflow.do_engine_steps()
    for _ in range(30):
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.run()
        workflow.do_engine_steps()
    before = len(workflow.tasks)
    waiting = {t.id for t in workflow.get_tasks() if not t.has_state(compaction.DONE)}
    assert compaction.compact_history(workflow, 1) > 0
    reachable, stack = set(), [workflow.task_tree]
    while stack:
        task = stack.pop()
        reachable.add(task.id)
        stack.extend(task.children)
    assert reachable == set(workflow.tasks) and len(workflow.tasks) < before / 5
    assert waiting <= reachable
    restored = codec.load(codec.dump(workflow), specs)
    assert _spiff_view(restored) == _spiff_view(workflow)
    assert compaction.dropped_counts(restored) == compaction.dropped_counts(workflow)
    assert compaction.dropped_counts(restored)["inc"] >= 25
