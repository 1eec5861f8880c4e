"""What a tier's task leaves behind when it ends: who held it, since when, and the comments written on it.

Read from the engine's task list (its public queries), so the next tier's task carries the work done so far
and the person who held the task can be told it moved on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import tasks
from engine.views import Actor

READER = Actor("complaint_escalation", admin=True)  # reads every task of the instance, changes nothing


@dataclass
class Held:
    element_id: str | None = None
    holder: str | None = None
    claimed_at: datetime | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)


def last_task(session: Session, instance_id: str, element_ids: tuple[str, ...]) -> Held:
    """The newest of the instance's tasks at ``element_ids``: its holder, claim time and comments."""
    page = tasks.find(session, tasks.TaskQuery(process_instance=instance_id, state="all", sort="created",
                                               descending=True, limit=20))
    row = next((t for t in page.items if t.element_id in element_ids), None)
    if row is None:
        return Held()
    notes = [{"at": c.created_at.isoformat(), "author": c.author, "text": c.text}
             for c in tasks.comments(session, row.id, READER)]
    return Held(row.element_id, row.assignee or row.completed_by, row.claimed_at, notes)
