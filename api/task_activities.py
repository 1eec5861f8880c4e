"""A user task that is a call or a meeting (``ravand:activity`` on the task in the diagram) is logged as one
when it is completed: on the record its process serves (a customer, lead, opportunity, complaint or
contract), owned by whoever completed it, named as the task is in their language, with the text of the form
field ``ravand:activityNotes`` names as its notes. A process serving no such record logs nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from api.composition import ravand_ctx
from api.staff import directory
from crm.activities import RECORD_TYPES, log_activity
from crm.models import Activity
from engine.definitions.names import BOOK
from engine.store.models import ProcessDefinition, ProcessInstance
from engine.views import TaskView


def log_task_activity(session: Session, task: TaskView, data: Mapping[str, Any], actor: str) -> Activity | None:
    """The activity ``task``'s completion stands for, logged (None when the task is no call or meeting, or its
    process serves no record)."""
    instance = session.get(ProcessInstance, task.process_instance)
    if instance is None or instance.record_type not in RECORD_TYPES or not str(instance.record_id or "").isdigit():
        return None
    definition = session.get(ProcessDefinition, instance.definition_id)
    meta = ((definition.elements if definition is not None else None) or {}).get(task.element_id) or {}
    if meta.get("activity") not in ("call", "meeting"):
        return None
    field = meta.get("activity_notes")
    notes = data.get(field) if field else None
    people = directory(session, [actor])
    names = BOOK.lookup(session, [task.process_key]).names(task.process_key, task.element_id, task.name)
    subject = names.get(people[0].locale if people else "en") or names.get("en") or task.name
    made = log_activity(ravand_ctx(session, actor), instance.record_type, int(instance.record_id), {
        "kind": meta["activity"], "subject": subject[:200],
        "notes": notes.strip()[:20_000] if isinstance(notes, str) and notes.strip() else None})
    made.source = "task"
    return made
