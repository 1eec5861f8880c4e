"""The ``human_task`` rows of a save, written as the projection planned them (``engine.runtime.projections``
gives the ``TaskChanges``):
rows to close (each read only when the session does not hold it already), new rows and their candidates as
plain inserts (a task list may hold millions of rows: its writes stay lean), and the journal's entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.orm import Session

from engine import journal
from engine.store.instances import InstanceRow
from engine.store.models import OPEN_STATES, HumanTask, TaskCandidate
from engine.store.prepared import Prepared
from engine.store.rows import load_row, write_changes

# prepared once (see engine.store.prepared): every save runs them
_INSERT_TASKS = Prepared(insert(HumanTask.__table__))
_CANDIDATES = TaskCandidate.__table__
_INSERT_CANDIDATES = Prepared(insert(_CANDIDATES))
_DROP_CANDIDATES = Prepared(delete(_CANDIDATES).where(_CANDIDATES.c.task_id == bindparam("task_id")))


@dataclass
class TaskChanges:
    """What a save changes in the ``human_task`` projection, worked out from the workflow alone: the rows to
    close (completed for the task just completed, else cancelled), the rows to open with their candidates, and
    what the journal says of them. ``ready`` are the ready user tasks, whose rows are open once applied."""

    close: dict[str, str] = field(default_factory=dict)
    open: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (kind, element, data)
    ready: set[str] = field(default_factory=set)


def apply(session: Session, instance: InstanceRow, changes: TaskChanges, actor: str | None,
          now: datetime) -> None:
    """Write ``changes``: a row already closed is passed by; a session's own row with a
    pending change (an implicit claim) is written together with its close, in one UPDATE."""
    for task_id, state in changes.close.items():
        row = load_row(session, HumanTask, task_id)
        if row is not None and row.state in OPEN_STATES:
            _close(session, row, state, actor, now)
    for kind, element, data in changes.events:
        journal.record(session, kind, actor, instance_id=instance.id, business_key=instance.business_key,
                       element_id=element, data=data)
    _INSERT_TASKS.defer_many(session, changes.open)
    _INSERT_CANDIDATES.defer_many(session, changes.candidates)


def _close(session: Session, row: HumanTask, state: str, actor: str | None, now: datetime) -> None:
    row.state, row.completed_at = state, now
    if state == "completed":
        row.completed_by = actor
    write_changes(session, row)
    _DROP_CANDIDATES.defer(session, {"task_id": row.id})
    if state == "cancelled":
        journal.record(session, "task.cancelled", actor, instance_id=row.process_instance_id,
                       business_key=row.business_key, element_id=row.element_id, data={"task_id": row.id})
