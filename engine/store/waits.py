"""An instance's ``timer`` and ``subscription`` rows, replaced on a save by what it waits for now
(``engine.runtime.waits.plan_waits``). Retry timers are the runtime's own and are left alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.store.instances import InstanceRow
from engine.store.models import Subscription, Timer


@dataclass
class Waits:
    """What an instance waits for, worked out from the workflow alone (``engine.runtime.waits.plan_waits``): its
    timers (element, task, due time) and its message and signal subscriptions (kind, name, task, element);
    ``count`` waiting tasks in all."""

    timers: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0


@dataclass
class Held:
    """The instance's waits as stored at its last save: timers by task (element, due time), and the
    subscriptions (kind, name, task)."""

    timers: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    subscriptions: set[tuple[str, str, str | None]] = field(default_factory=set)


def current(session: Session, instance: InstanceRow) -> Held:
    """What the rows say (read only when the instance waited for something at its last save)."""
    if not instance.waiting_events:
        return Held()
    timers = {task_id: (element, as_utc(due)) for task_id, element, due in session.execute(
        select(Timer.task_id, Timer.element_id, Timer.due_at).where(
            Timer.process_instance_id == instance.id, Timer.expression.is_(None)))}
    subscriptions = {(s.kind, s.name, s.task_id) for s in session.scalars(
        select(Subscription).where(Subscription.process_instance_id == instance.id))}
    return Held(timers, subscriptions)


def replace(session: Session, instance: InstanceRow, plan: Waits, held: Held,
            now: datetime) -> list[Subscription]:
    """Write ``plan`` in place of the rows ``held`` came from; the message subscriptions that are
    new are returned (a buffered message may be waiting for them)."""
    if instance.waiting_events:
        session.execute(delete(Timer).where(Timer.process_instance_id == instance.id, Timer.expression.is_(None)))
        session.execute(delete(Subscription).where(Subscription.process_instance_id == instance.id))
    for timer in plan.timers:
        session.add(Timer(process_instance_id=instance.id, definition_id=instance.definition_id, **timer))
    new_messages = []
    for wanted in plan.subscriptions:
        row = Subscription(process_instance_id=instance.id, definition_id=instance.definition_id,
                           business_key=instance.business_key, created_at=now, **wanted)
        session.add(row)
        if row.kind == "message" and (row.kind, row.name, row.task_id) not in held.subscriptions:
            new_messages.append(row)
    instance.waiting_events = plan.count
    return new_messages
