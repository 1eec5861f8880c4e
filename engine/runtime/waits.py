"""What an instance waits for, projected into the ``timer`` and ``subscription`` tables on every
save, and the start events of the latest version of each process (timer, message, signal)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.clock import as_utc
from engine.spiff import iso
from engine.spiff import tasks as spiff
from engine.spiff.types import (
    BpmnWorkflow,
    CycleTimerEventDefinition,
    MessageEventDefinition,
    MultipleEventDefinition,
    SignalEventDefinition,
    TaskState,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from engine.store import waits as waits_store
from engine.store.instances import InstanceRow
from engine.store.models import BufferedMessage, ProcessInstance
from engine.store.waits import Held, Waits

TIMER_TYPES = (TimerEventDefinition,)


def _definitions(task: Any) -> list[Any]:
    """The events a waiting task waits for (an event-based gateway waits for several)."""
    definition = task.task_spec.event_definition
    return list(definition.event_definitions) if isinstance(definition, MultipleEventDefinition) else [definition]


def _due(task: Any, definition: Any = None) -> datetime | None:
    """When a waiting timer falls due, from what SpiffWorkflow computed for it."""
    definition = definition or task.task_spec.event_definition
    value = spiff.event_value(task)
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        if not isinstance(value, dict) or value.get("cycles") == 0:
            return None
        value = value["next"]
    if isinstance(value, datetime):
        return as_utc(value)
    try:
        if isinstance(definition, TimeDateEventDefinition):
            return as_utc(iso.moment_or_duration(value))
        return as_utc(iso.moment(value))
    except (ValueError, TypeError):
        return None


def _waiting_tasks(workflow: BpmnWorkflow) -> list[Any]:
    return [t for t in workflow.event_manager.tasks.values() if t.has_state(TaskState.WAITING)]


def plan_waits(workflow: BpmnWorkflow) -> Waits:
    waiting = _waiting_tasks(workflow)
    plan = Waits(count=len(waiting))
    for task, definition in ((t, d) for t in waiting for d in _definitions(t)):
        element = task.task_spec.bpmn_id
        if isinstance(definition, TIMER_TYPES):
            due = _due(task, definition)
            if due is not None:
                plan.timers.append({"due_at": due, "task_id": str(task.id), "element_id": element})
        elif isinstance(definition, MessageEventDefinition | SignalEventDefinition):
            kind = "message" if isinstance(definition, MessageEventDefinition) else "signal"
            plan.subscriptions.append({"kind": kind, "name": definition.name, "task_id": str(task.id),
                                       "element_id": element})
    return plan


def fired_timers(workflow: BpmnWorkflow, before: Mapping[str, tuple[str, datetime]]) -> list[tuple[str, str, datetime]]:
    """The timers that waited at the last save (task → element, due time) and have fired since: their task ran
    or is ready to, or (a cycle) it waits for a later time."""
    fired = []
    for task_id, (element, due) in before.items():
        task = workflow.get_task_from_id(UUID(task_id))
        if task is None:
            continue
        if task.has_state(TaskState.WAITING):
            timers = [d for d in _definitions(task) if isinstance(d, TIMER_TYPES)]
            next_due = _due(task, timers[0]) if timers else None
            moved_on = next_due is not None and next_due > due
        else:
            moved_on = task.has_state(TaskState.COMPLETED | TaskState.READY)
        if moved_on:
            fired.append((task_id, element, due))
    return fired


def sync_waits(session: Session, instance: InstanceRow, workflow: BpmnWorkflow, before: Held, plan: Waits,
               now: datetime, actor: str | None) -> list[dict[str, Any]]:
    """Bring the instance's timers and subscriptions (``before``, as its rows said when the save began) in line
    with what it waits for (``plan``), journal the timers that fired; return the message subscriptions that are
    new."""
    for task_id, element, due in fired_timers(workflow, before.timers):
        journal.record(session, "timer.fired", actor, instance_id=instance.id, business_key=instance.business_key,
                       element_id=element, data={"task_id": task_id, "due_at": due.isoformat()})
    return waits_store.replace(session, instance, plan, before, now)


def _same(held: Any, given: Any) -> bool:
    """Equal, or a whole number and its decimal text (JSON callers often send ids as text: 4 and "4")."""
    if held == given:
        return True
    pair = (held, given) if isinstance(held, int) else (given, held)
    number, text = pair
    return (isinstance(number, int) and not isinstance(number, bool) and isinstance(text, str)
            and text.strip().isascii() and text.strip().isdigit() and int(text.strip()) == number)


def matches(instance: ProcessInstance | InstanceRow, correlation: Mapping[str, Any]) -> bool:
    """Does the instance's current data hold every correlation value (an id as a number or as its text)?"""
    variables = instance.variables or {}
    return all(_same(variables.get(k), v) for k, v in correlation.items())


def take_buffered(session: Session, instance: InstanceRow, name: str, now: datetime) -> BufferedMessage | None:
    """The oldest unexpired buffered message for the instance's new subscription, taken out of the buffer."""
    stmt = select(BufferedMessage).where(BufferedMessage.name == name, BufferedMessage.expires_at > now)
    for message in session.scalars(stmt.order_by(BufferedMessage.id)):
        if message.business_key not in (None, instance.business_key):
            continue
        if message.correlation and not matches(instance, message.correlation):
            continue
        session.delete(message)
        return message
    return None
