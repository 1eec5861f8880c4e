"""Projections worked out from the workflow on every save, without the database: the instance's variables, active
elements and path, and the ``human_task`` rows (with their candidates) to open and close, which
``engine.store.human_tasks`` writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.errors import ScriptError
from engine.runtime.assignment import resolve_due, resolve_names, resolve_priority
from engine.sandbox import Sandbox
from engine.spiff import compaction
from engine.spiff.types import BpmnWorkflow, TaskState
from engine.store.human_tasks import TaskChanges

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def walk(workflow: BpmnWorkflow) -> Iterator[Any]:
    """Every task in the order ``workflow.get_tasks()`` gives them (depth first; the tasks of a
    subprocess before the children of the task that runs it), without the per-task filter checks of
    SpiffWorkflow's iterator, which cost more than the walk itself."""
    subprocesses = workflow.subprocesses
    stack = [workflow.task_tree]
    while stack:
        task = stack.pop()
        yield task
        stack.extend(reversed(task.children))
        subprocess = subprocesses.get(task.id)
        if subprocess is not None:
            stack.append(subprocess.task_tree)


@dataclass
class Snapshot:
    """One walk of the task tree, read by every projection of a save (each walk costs O(history))."""

    active: list[Any] = field(default_factory=list)
    ready_manual: list[Any] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, workflow: BpmnWorkflow) -> Snapshot:
        snap = cls(counts=dict(compaction.dropped_counts(workflow)))  # the history no longer in the tree counts
        for task in walk(workflow):
            if task.has_state(ACTIVE):
                snap.active.append(task)
                if _ready_user_task(task):
                    snap.ready_manual.append(task)
            elif task.has_state(TaskState.COMPLETED):
                element = getattr(task.task_spec, "bpmn_id", None)
                if element:
                    snap.counts[element] = snap.counts.get(element, 0) + 1
        return snap

    def variables(self, workflow: BpmnWorkflow, completed: bool) -> dict[str, Any]:
        """The completed workflow's data, or the merged data of the tasks where tokens wait."""
        if completed:
            return dict(workflow.data)
        merged: dict[str, Any] = {}
        for task in self.active:
            merged.update(task.data)
        if not merged and workflow.last_task is not None:
            merged.update(workflow.last_task.data)
        return merged

    def active_elements(self) -> list[str]:
        ids: list[str] = []
        for task in self.active:
            element = getattr(task.task_spec, "bpmn_id", None)
            if element and element not in ids:
                ids.append(element)
        return ids


def _resolved(meta: dict[str, Any], data: dict[str, Any], now: datetime,
              box: Sandbox) -> tuple[dict[str, Any], list[str]]:
    """Each assignment attribute on its own: one bad expression leaves only that one empty."""
    resolvers = {
        "assignee": lambda: (resolve_names(meta.get("assignee"), data, box) or [None])[0],
        "candidate_groups": lambda: resolve_names(meta.get("candidate_groups"), data, box),
        "candidate_users": lambda: resolve_names(meta.get("candidate_users"), data, box),
        "priority": lambda: resolve_priority(meta.get("priority"), data, box),
        "due_at": lambda: resolve_due(meta.get("due_date"), data, now, box),
    }
    empty = {"assignee": None, "candidate_groups": [], "candidate_users": [], "priority": 50, "due_at": None}
    values, errors = {}, []
    for name, resolve in resolvers.items():
        try:
            values[name] = resolve()
        except ScriptError as exc:
            values[name] = empty[name]
            errors.append(f"{name}: {exc.detail}")
    return values, errors


def _new_task(instance: InstanceKeys, task: Any, meta: dict[str, Any], now: datetime) -> tuple[dict, list]:
    """The human_task row (as column values) for a task that just became ready."""
    values, errors = _resolved(meta, task.data, now, task.workflow.script_engine.sandbox)
    assignee = values.pop("assignee")
    row = dict(
        values, id=str(task.id), process_instance_id=instance.id, process_key=instance.process_key,
        business_key=instance.business_key, element_id=task.task_spec.bpmn_id,
        name=meta.get("name") or task.task_spec.bpmn_name or task.task_spec.bpmn_id,
        state="claimed" if assignee else "ready", assignee=assignee, owner=None,
        form_key=meta.get("form") or meta.get("form_key") or meta.get("form_ref"),
        created_at=now, claimed_at=now if assignee else None, completed_at=None, completed_by=None,
    )
    return row, errors


def _ready_user_task(task: Any) -> bool:
    return task.has_state(TaskState.READY) and task.task_spec.manual


def ready_user_tasks(workflow: BpmnWorkflow) -> set[str]:
    """The ids of the user tasks that are ready: those that have an open ``human_task`` row, since
    every save brings the rows in line with them."""
    return {str(task.id) for task in walk(workflow) if _ready_user_task(task)}


@dataclass(frozen=True)
class InstanceKeys:
    """What a task row repeats of its instance."""

    id: str
    process_key: str
    business_key: str | None


def plan_human_tasks(snap: Snapshot, elements: dict[str, Any], instance: InstanceKeys, now: datetime,
                     completed_task_id: str | None, open_ids: set[str]) -> TaskChanges:
    """The changes that bring the rows in line with the ready user tasks. ``open_ids`` are the tasks whose
    rows are open (the ready user tasks when the instance was loaded or last saved)."""
    ready = {str(t.id): t for t in snap.ready_manual}
    changes = TaskChanges(ready=set(ready))
    for task_id in sorted(open_ids - ready.keys()):
        changes.close[task_id] = "completed" if task_id == completed_task_id else "cancelled"
    for task_id, task in ready.items():
        if task_id in open_ids:
            continue
        row, errors = _new_task(instance, task, elements.get(task.task_spec.bpmn_id, {}), now)
        changes.open.append(row)
        changes.candidates += [{"task_id": task_id, "kind": "group", "name": g} for g in set(row["candidate_groups"])]
        changes.candidates += [{"task_id": task_id, "kind": "user", "name": u} for u in set(row["candidate_users"])]
        changes.events.append(("task.created", row["element_id"], {
            "task_id": task_id, "name": row["name"], "assignee": row["assignee"],
            "candidate_groups": row["candidate_groups"], "candidate_users": row["candidate_users"]}))
        if errors:  # the task still exists; an administrator can assign it by hand
            changes.events.append(("task.assignment_failed", row["element_id"], {"task_id": task_id, "errors": errors}))
    return changes
