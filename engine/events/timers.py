"""Timers falling due: start timers of the latest version of each process (registered at deploy with its
message and signal start events), waiting timers fired, failed firings counted until they become an
incident, and a timer moved by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from engine import journal
from engine.clock import as_utc, utcnow
from engine.definitions.durations import first_due, next_due
from engine.errors import Conflict, NotFound
from engine.runtime import unit_of_work as runtime
from engine.runtime.incidents import TIMER_INCIDENT, raise_incident
from engine.spiff import tasks as spiff
from engine.spiff.types import TaskState
from engine.store import instances
from engine.store.db import is_postgres
from engine.store.models import RETRY, Incident, ProcessDefinition, Subscription, Timer


def register_start_events(session: Session, definition: ProcessDefinition, now: datetime) -> None:
    """The newest version of a key owns its start timers and start subscriptions."""
    older = select(ProcessDefinition.id).where(ProcessDefinition.key == definition.key)
    session.execute(delete(Timer).where(Timer.process_instance_id.is_(None), Timer.definition_id.in_(older)))
    session.execute(delete(Subscription).where(Subscription.process_instance_id.is_(None),
                                               Subscription.definition_id.in_(older)))
    for element, meta in definition.elements.items():
        kind = meta.get("start")
        if kind == "timer":
            timer = meta["timer"]
            due, remaining = first_due(timer["kind"], timer["expression"], now)
            if due is not None:
                session.add(Timer(due_at=due, definition_id=definition.id, element_id=element,
                                  expression=timer["expression"] if timer["kind"] == "timeCycle" else None,
                                  remaining=remaining))
        elif kind in {"message", "signal"} and meta.get("event"):  # never a nameless subscription
            session.add(Subscription(kind=kind, name=meta["event"], definition_id=definition.id,
                                     element_id=element, created_at=now))


MAX_FAILURES = 3  # failed firings of one timer before it is an incident and stops (timer_max_failures)


def _firing(stmt: Select[Any], max_failures: int) -> Select[Any]:
    """Only timers that still fire: fewer failures than the limit, and no open timer incident on their
    task (a save of the instance rebuilds its timer rows, failures and all)."""
    stopped = select(Incident.id).where(Incident.process_instance_id == Timer.process_instance_id,
                                        Incident.task_id == Timer.task_id, Incident.kind == TIMER_INCIDENT,
                                        Incident.resolved_at.is_(None))
    return stmt.where(Timer.failures < max_failures, ~stopped.exists())


def due_timers(session: Session, now: datetime, limit: int, max_failures: int = MAX_FAILURES) -> list[int]:
    """Ids of timers due by ``now``, oldest first. On PostgreSQL rows another worker holds are skipped."""
    stmt = _firing(select(Timer.id).where(Timer.due_at <= now), max_failures).order_by(Timer.due_at).limit(limit)
    if is_postgres(session.get_bind()):
        stmt = stmt.with_for_update(of=Timer, skip_locked=True)
    return list(session.scalars(stmt))


def next_timer_due(session: Session, max_failures: int = MAX_FAILURES) -> datetime | None:
    return as_utc(session.scalar(_firing(select(Timer.due_at), max_failures).order_by(Timer.due_at).limit(1)))


def timer_failed(session: Session, timer_id: int, message: str, now: datetime,
                 max_failures: int = MAX_FAILURES) -> bool:
    """Count a failed firing, in its own transaction (the firing's rolled back). At ``max_failures``
    the timer stops: an incident on its instance (retrying it re-arms the timer); a start timer just
    stops until the process is deployed again or the timer is rescheduled. True when it stopped."""
    stmt = select(Timer).where(Timer.id == timer_id)
    if is_postgres(session.get_bind()):
        stmt = stmt.with_for_update()
    timer = session.scalars(stmt).first()
    if timer is None:
        return False
    timer.failures += 1
    stopped = timer.failures >= max_failures
    journal.record(session, "timer.failed", None, instance_id=timer.process_instance_id,
                   element_id=timer.element_id, data={"timer_id": timer.id, "failures": timer.failures,
                                                      "error": message, "stopped": stopped})
    instance = instances.read(session, timer.process_instance_id) if timer.process_instance_id else None
    if stopped and instance is not None and instance.state not in {"completed", "cancelled"}:
        raise_incident(session, instance, timer.task_id or "", timer.element_id, TIMER_INCIDENT,
                       f"the timer failed {timer.failures} times: {message}", None, now)
        instance.state = "failed"
        instances.write(session, instance)
    return stopped


def _locked(session: Session, ids: list[int]) -> list[Timer]:
    """The timers still there, locked (on PostgreSQL those another worker holds are skipped), soonest first."""
    stmt = select(Timer).where(Timer.id.in_(ids)).order_by(Timer.due_at, Timer.id)
    if is_postgres(session.get_bind()):
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def fire_timer(ctx: runtime.Context, session: Session, timer_id: int, now: datetime) -> bool:
    """Fire one timer in the caller's transaction; False if it is gone (fired elsewhere) or not due."""
    return any(_fire(ctx, session, timer, now) for timer in _locked(session, [timer_id]))


def fire_timers(ctx: runtime.Context, session: Session, ids: list[int], now: datetime) -> int:
    """Fire several timers in the caller's transaction, locked with one statement; how many fired. Of one
    instance only the first fires here: firing it replaces the instance's timer rows, so the others are left
    for the next poll, which finds them still due or gone."""
    fired, instances_fired = 0, set()
    for timer in _locked(session, ids):
        if timer.process_instance_id is not None and timer.process_instance_id in instances_fired:
            continue
        if _fire(ctx, session, timer, now):
            fired += 1
            instances_fired.add(timer.process_instance_id)
    return fired


def _fire(ctx: runtime.Context, session: Session, timer: Timer, now: datetime) -> bool:
    if as_utc(timer.due_at) > now:
        return False
    if timer.process_instance_id is None:
        _fire_start_timer(ctx, session, timer, now)
        return True
    loaded = runtime.load(ctx, session, timer.process_instance_id)
    if loaded.instance.state in {"completed", "cancelled"}:
        session.delete(timer)
        return True
    if timer.expression == RETRY:  # a failed service task's next try
        session.delete(timer)
        task = loaded.workflow.get_task_from_id(UUID(timer.task_id))
        if task is not None and task.has_state(TaskState.ERROR):
            spiff.make_ready(task)
    runtime.run_steps(ctx, session, loaded, None, now)
    runtime.save(session, loaded, None, now)  # the projection replaces the instance's timer rows
    return True


def reschedule(ctx: runtime.Context, session: Session, timer_id: int, due_at: datetime, actor: str | None) -> None:
    """Move a timer (an operator's "run this escalation now" or "give them two more days"). The
    waiting event itself is moved, so the next save projects the same due time; if the new time has
    passed, the timer fires in this same transaction."""
    timer = session.get(Timer, timer_id)
    if timer is None:
        raise NotFound(f"no timer {timer_id}")
    due_at, now = as_utc(due_at), utcnow()
    journal.record(session, "timer.rescheduled", actor, instance_id=timer.process_instance_id,
                   element_id=timer.element_id, data={"timer_id": timer_id, "from": as_utc(timer.due_at).isoformat(),
                                                      "to": due_at.isoformat()})
    if timer.process_instance_id is None or timer.expression == RETRY:
        timer.due_at, timer.failures = due_at, 0  # a stopped start timer fires again
        return
    loaded = runtime.load(ctx, session, timer.process_instance_id)
    runtime.require_running(loaded.instance)
    task = loaded.workflow.get_task_from_id(UUID(timer.task_id)) if timer.task_id else None
    if task is None or not task.has_state(TaskState.WAITING):
        raise Conflict("the timer's event is no longer waiting")
    value = spiff.event_value(task)
    due = due_at.isoformat()
    spiff.set_event_value(task, {**value, "next": due} if isinstance(value, dict) else due)
    timer.due_at = due_at  # what the save compares with to see that it fired
    session.flush()
    runtime.run_steps(ctx, session, loaded, actor, now)
    runtime.save(session, loaded, actor, now)


def _fire_start_timer(ctx: runtime.Context, session: Session, timer: Timer, now: datetime) -> None:
    definition = ctx.specs.definition(session, timer.definition_id)
    due = as_utc(timer.due_at)
    journal.record(session, "timer.fired", None, element_id=timer.element_id,
                   data={"definition_id": definition.id, "key": definition.key, "due_at": due.isoformat()})
    if timer.expression:
        upcoming, remaining = next_due(timer.expression, due, timer.remaining)
        while upcoming is not None and upcoming <= now:  # missed firings while stopped: fire once, move on
            upcoming, remaining = next_due(timer.expression, upcoming, remaining)
    else:
        upcoming, remaining = None, None
    if upcoming is None:
        session.delete(timer)
    else:
        timer.due_at, timer.remaining = upcoming, remaining
    runtime.start_definition(ctx, session, definition, None, {}, None, trigger=("timer", timer.element_id, None))
