"""An instance's ``timer`` and ``subscription`` rows, replaced on a save by what it waits for now
(``engine.runtime.waits.plan_waits``), with prepared Core statements (deferred writes: ``Prepared.defer``).
Retry timers (``add_retry``) are the runtime's own and a save leaves them alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.store.instances import InstanceRow
from engine.store.models import RETRY, Subscription, Timer
from engine.store.prepared import Prepared


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


_TIMERS, _SUBSCRIPTIONS = Timer.__table__, Subscription.__table__
# prepared once (see engine.store.prepared): every save of a waiting instance runs them
_HELD_TIMERS = Prepared(select(_TIMERS.c.task_id, _TIMERS.c.element_id, _TIMERS.c.due_at).where(
    _TIMERS.c.process_instance_id == bindparam("instance"), _TIMERS.c.expression.is_(None)))
_HELD_SUBSCRIPTIONS = Prepared(select(_SUBSCRIPTIONS.c.kind, _SUBSCRIPTIONS.c.name, _SUBSCRIPTIONS.c.task_id)
                               .where(_SUBSCRIPTIONS.c.process_instance_id == bindparam("instance")))
_DROP_TIMERS = Prepared(delete(_TIMERS).where(_TIMERS.c.process_instance_id == bindparam("instance"),
                                              _TIMERS.c.expression.is_(None)))
_DROP_SUBSCRIPTIONS = Prepared(delete(_SUBSCRIPTIONS).where(
    _SUBSCRIPTIONS.c.process_instance_id == bindparam("instance")))
_ADD_TIMER = Prepared(insert(_TIMERS).values({name: bindparam(name) for name in (
    "due_at", "process_instance_id", "definition_id", "task_id", "element_id", "expression", "remaining",
    "failures")}))
_ADD_SUBSCRIPTION = Prepared(insert(_SUBSCRIPTIONS).values({name: bindparam(name) for name in (
    "kind", "name", "process_instance_id", "definition_id", "business_key", "task_id", "element_id",
    "created_at")}))


def current(session: Session, instance: InstanceRow) -> Held:
    """What the rows say (read only when the instance, as stored, waits for something)."""
    if instance.stored is None or not instance.stored["waiting_events"]:
        return Held()
    key = {"instance": instance.id}
    timers = {row.task_id: (row.element_id, as_utc(row.due_at)) for row in _HELD_TIMERS.all(session, key)}
    subscriptions = {(row.kind, row.name, row.task_id) for row in _HELD_SUBSCRIPTIONS.all(session, key)}
    return Held(timers, subscriptions)


def replace(session: Session, instance: InstanceRow, plan: Waits, held: Held,
            now: datetime) -> list[dict[str, Any]]:
    """Write ``plan`` in place of the rows ``held`` came from (deferred writes: ``Prepared.defer``); the message
    subscriptions that are new are returned (a buffered message may be waiting for them)."""
    if held.timers or held.subscriptions:
        _DROP_TIMERS.defer(session, {"instance": instance.id})
        _DROP_SUBSCRIPTIONS.defer(session, {"instance": instance.id})
    _ADD_TIMER.defer_many(session, [
        {"process_instance_id": instance.id, "definition_id": instance.definition_id, "expression": None,
         "remaining": None, "failures": 0, **timer} for timer in plan.timers])
    _ADD_SUBSCRIPTION.defer_many(session, [
        {"process_instance_id": instance.id, "definition_id": instance.definition_id,
         "business_key": instance.business_key, "created_at": now, **wanted} for wanted in plan.subscriptions])
    instance.waiting_events = plan.count
    return [wanted for wanted in plan.subscriptions if wanted["kind"] == "message"
            and (wanted["kind"], wanted["name"], wanted["task_id"]) not in held.subscriptions]


def add_retry(session: Session, instance: InstanceRow, task_id: str, element_id: str, due: datetime) -> None:
    """The timer of a failed service task's next try (the runtime's own: a save's ``replace`` leaves it)."""
    _ADD_TIMER.defer(session, {"due_at": due, "process_instance_id": instance.id,
                               "definition_id": instance.definition_id, "task_id": task_id, "element_id": element_id,
                               "expression": RETRY, "remaining": None, "failures": 0})
