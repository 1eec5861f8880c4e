"""Keeping a long-lived instance's task tree as small as its present.

SpiffWorkflow keeps every task an instance ever ran in one tree, and a loop hangs each round below the last:
after a thousand rounds the tree is thousands of tasks deep, and every step walks it (SpiffWorkflow's own
iterators, the projections, the stored state). What a step needs is the part of the tree that is still going
on: the tasks not yet done (ready, waiting, started, failed, and the predicted ones), the last task done, and
what joins them. Everything above the lowest task they share is history, and the journal already keeps it.

``compact`` cuts that history off once it passes a size: the tasks above the shared ancestor, with whatever
finished side branches hang from them, are dropped, and the shared ancestor hangs from the root directly. The
completed tasks dropped are counted per element, so the instance's path (how often each element ran) stays
whole. Nothing unfinished is ever dropped; neither is a task a parallel or inclusive join may still look back
to, since such a join waits below the split that is the shared ancestor of its branches.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow

DONE = TaskState.COMPLETED | TaskState.CANCELLED  # ERROR is finished for SpiffWorkflow, not for Ravand: it waits
COMPACT_AFTER = 100  # finished tasks of history kept above the present before they are dropped


def dropped_counts(workflow: BpmnWorkflow) -> dict[str, int]:
    """How often each element completed in the history already dropped from the tree (stored with the state)."""
    return getattr(workflow, "ravand_dropped", None) or {}


def remember_dropped(workflow: BpmnWorkflow, counts: dict[str, int]) -> None:
    workflow.ravand_dropped = dict(counts)


def compact_history(workflow: BpmnWorkflow, at_least: int = COMPACT_AFTER) -> int:
    """``compact`` and add what it dropped to the workflow's dropped counts; how many tasks' counts it added."""
    counts = compact(workflow, at_least)
    if counts:
        remember_dropped(workflow, Counter(dropped_counts(workflow)) + counts)
    return sum(counts.values())


def compact(workflow: BpmnWorkflow, at_least: int) -> Counter[str]:
    """Drop the finished history above the tasks still going on once it holds ``at_least`` tasks; the
    completed tasks dropped, counted per element (empty when nothing was dropped)."""
    if len(workflow.tasks) <= at_least:  # too little history to drop: the common case costs nothing
        return Counter()
    root = workflow.task_tree
    keep = _shared_ancestor(workflow)
    if keep is None or keep is root or keep.parent is root:
        return Counter()
    path = _path(keep)  # root, ..., keep
    on_path = {task.id for task in path}
    dropped = []
    for top in path[:-1]:  # the path above ``keep`` (the root stays) and everything that hangs from it
        if top is not root:
            dropped.append(top)
        stack = [child for child in top.children if child.id not in on_path]
        while stack:
            task = stack.pop()
            dropped.append(task)
            stack.extend(task.children)
    if len(dropped) < at_least or any(not task.has_state(DONE) for task in dropped):
        return Counter()
    counts: Counter[str] = Counter()
    for task in dropped:
        counts.update(_completed([task]))
        if task.id in workflow.subprocesses:  # a call activity or subprocess that ran: its own tasks go too
            counts.update(_completed(workflow.delete_subprocess(task)))
        del workflow.tasks[task.id]
    root._children = [keep.id]
    keep._parent = root.id
    return counts


def _shared_ancestor(workflow: BpmnWorkflow) -> Any:
    """The lowest task of the top workflow that has every task still going on, and the last task done, below
    it or is one of them (a task inside a subprocess counts as the task that runs the subprocess); None when
    nothing goes on."""
    going = [task for task in _tree(workflow.task_tree) if not task.has_state(DONE)]
    if not going:
        return None
    if workflow.last_task is not None:
        going.append(_in_top_workflow(workflow, workflow.last_task))
    paths = [_path(task) for task in going]
    shared = None
    for level in zip(*paths, strict=False):
        if any(task is not level[0] for task in level):
            break
        shared = level[0]
    return shared


def _tree(root: Any) -> list[Any]:
    found, stack = [], [root]
    while stack:
        task = stack.pop()
        found.append(task)
        stack.extend(task.children)
    return found


def _in_top_workflow(workflow: BpmnWorkflow, task: Any) -> Any:
    while task.workflow is not workflow:
        task = workflow.get_task_from_id(task.workflow.parent_task_id)
    return task


def _path(task: Any) -> list[Any]:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    return path[::-1]


def _completed(tasks: list[Any]) -> Counter[str]:
    return Counter(element for task in tasks
                   if task.has_state(TaskState.COMPLETED) and (element := getattr(task.task_spec, "bpmn_id", None)))
