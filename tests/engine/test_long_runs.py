"""Loops far past SpiffWorkflow's depth-1,000 truncation end correctly."""

from __future__ import annotations

from engine.tasks import TaskQuery
from tests.engine import bpmn
from tests.engine.helpers import ALICE, Harness


def _loop(key: str, worker: str, limit_flow: str) -> bytes:
    return bpmn.diagram(key, "\n".join([
        bpmn.start(), bpmn.script("init", "n = 0"), bpmn.gateway("merge"), worker,
        bpmn.gateway("more", default="f_more_end"), bpmn.end(),
        bpmn.chain("start", "init", "merge", "work", "more"), bpmn.flow("more", "merge", limit_flow),
        bpmn.flow("more", "end"),
    ]))


def test_script_loop_400_times(sqlite_db):
    """1,200 tasks deep: past the depth of 1,000 at which SpiffWorkflow used to stop looking."""
    h = Harness(sqlite_db)
    h.deploy([("loop.bpmn", _loop("loop", bpmn.script("work", "n = n + 1"), "n < 400"))])
    instance = h.start("loop")
    assert instance.state == "completed" and instance.variables["n"] == 400


def test_user_task_loop_300_times_saved_every_step(db):
    h = Harness(db)
    work = bpmn.user("work", candidateGroups="sales")
    h.deploy([("ut.bpmn", _loop("ut", work, "n < 300"))])
    instance = h.start("ut")
    for i in range(300):
        [task] = h.open_tasks(instance.id)
        h.complete(task, {"n": i + 1}, ALICE)
    done = h.instance(instance.id)
    assert done.state == "completed" and done.variables["n"] == 300
    completed = h(lambda s: h.engine.tasks(s, TaskQuery(process_instance=instance.id, state="completed",
                                                        limit=1)))
    assert completed.total == 300
