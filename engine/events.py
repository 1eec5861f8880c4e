"""Outside events driving instances: timers falling due, messages correlated, signals broadcast,
and the start events (timer, message, signal) of the latest version of each process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition, SignalEventDefinition
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from engine import journal, runtime, spiff
from engine.clock import as_utc, utcnow
from engine.db import is_postgres
from engine.declarations import (
    Caller,
    admit,
    declared_anywhere,
    refuse_correlation_overwrite,
    refuse_undeclared,
    require_sender,
)
from engine.errors import Conflict, NotFound
from engine.incidents import TIMER_INCIDENT, raise_incident
from engine.mismatch import refuse_mistyped
from engine.models import BufferedMessage, Incident, ProcessDefinition, ProcessInstance, Subscription, Timer
from engine.retries import RETRY
from engine.schedule import first_due, next_due
from engine.waits import matches


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
    instance = session.get(ProcessInstance, timer.process_instance_id) if timer.process_instance_id else None
    if stopped and instance is not None and instance.state not in {"completed", "cancelled"}:
        raise_incident(session, instance, timer.task_id or "", timer.element_id, TIMER_INCIDENT,
                       f"the timer failed {timer.failures} times: {message}", None, now)
        instance.state = "failed"
    return stopped


def fire_timer(ctx: runtime.Context, session: Session, timer_id: int, now: datetime) -> bool:
    """Fire one timer in the caller's transaction; False if it is gone (fired elsewhere) or not due."""
    stmt = select(Timer).where(Timer.id == timer_id)
    if is_postgres(session.get_bind()):
        stmt = stmt.with_for_update(skip_locked=True)
    timer = session.scalars(stmt).first()
    if timer is None or as_utc(timer.due_at) > now:
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


@dataclass(frozen=True)
class Delivery:
    """Where a message went: ``instance`` received it (``started`` if it started it) or ``buffered``."""

    instance_ids: list[str]
    started: bool = False
    buffered: bool = False


def _waiting(session: Session, kind: str, name: str, business_key: str | None,
             correlation: Mapping[str, Any]) -> list[Subscription]:
    stmt = select(Subscription).where(Subscription.kind == kind, Subscription.name == name,
                                      Subscription.process_instance_id.is_not(None))
    if business_key is not None:
        stmt = stmt.where(Subscription.business_key == business_key)
    rows = list(session.scalars(stmt.order_by(Subscription.id)))
    if correlation:
        instances = {i.id: i for i in session.scalars(select(ProcessInstance).where(
            ProcessInstance.id.in_({r.process_instance_id for r in rows})))}
        rows = [r for r in rows if matches(instances[r.process_instance_id], correlation)]
    return rows


def waiting_instances(session: Session, name: str, business_key: str | None,
                      correlation: Mapping[str, Any]) -> set[str]:
    return {s.process_instance_id for s in _waiting(session, "message", name, business_key, correlation)}


def deliver(ctx: runtime.Context, session: Session, instance_id: str, kind: str, name: str,
            variables: Mapping[str, Any], actor: str | None) -> None:
    """Hand one (already admitted) message or signal to a waiting instance."""
    loaded = runtime.load(ctx, session, instance_id)
    definition = MessageEventDefinition(name) if kind == "message" else SignalEventDefinition(name)
    now = utcnow()
    loaded.workflow.catch(BpmnEvent(definition, runtime.plain(dict(variables))))
    journal.record(session, f"{kind}.correlated", actor, instance_id=instance_id,
                   business_key=loaded.instance.business_key, data={"name": name, "variables": dict(variables)})
    runtime.run_steps(ctx, session, loaded, actor, now)
    runtime.save(session, loaded, actor, now)


def _admit_all(ctx: runtime.Context, session: Session, rows: list[Subscription], kind: str, name: str,
               variables: Mapping[str, Any], caller: Caller | None) -> None:
    """Every catching element reached lets the caller send this payload (checked before any delivery).
    An event-based gateway waits in the name of its catch events: theirs are the declarations. A version
    deployed before declarations were read holds none: the latest version of its process speaks for it."""
    for element, definition_id in sorted({(r.element_id, r.definition_id) for r in rows}):
        definition = ctx.specs.definition(session, definition_id)
        meta = definition.elements.get(element, {})
        catches = [meta] if (meta.get("catches"), meta.get("event")) == (kind, name) else \
            _catching(definition.elements, kind, name)
        if not catches and "catches" not in meta:
            catches = _catching(ctx.specs.latest(session, definition.key).elements, kind, name)
        for declared in catches or [{}]:
            admit(declared, kind, name, variables, caller)


def _catching(elements: Mapping[str, Any], kind: str, name: str) -> list[Mapping[str, Any]]:
    return [m for m in elements.values() if (m.get("catches"), m.get("event")) == (kind, name)]


def _starters(session: Session, kind: str, name: str) -> list[Subscription]:
    return list(session.scalars(select(Subscription).where(
        Subscription.kind == kind, Subscription.name == name, Subscription.process_instance_id.is_(None))
        .order_by(Subscription.id.desc())))


def correlate(ctx: runtime.Context, session: Session, name: str, business_key: str | None,
              correlation: Mapping[str, Any], variables: Mapping[str, Any], actor: str | None,
              buffer_for: timedelta | None = None, *, sender: str | None = None,
              waiting_only: bool = False, caller: Caller | None = None) -> Delivery:
    """Deliver a message to the one instance waiting for it, or start the process whose start event
    it names, or keep it for ``buffer_for`` until someone waits; otherwise NotFound. ``waiting_only``:
    reach a waiting instance or nobody (an empty delivery). An instance (``sender``) cannot message
    itself. ``caller``: someone outside (an API user) whom the catch event's ``ravand:senders`` must
    name; None is Ravand itself. Either way the payload sets only the variables the catch declares."""
    if caller is not None:
        require_sender(session, ctx.specs, "message", name, caller)
    refuse_correlation_overwrite(variables, correlation)
    rows = _waiting(session, "message", name, business_key, correlation)
    instances = sorted({r.process_instance_id for r in rows})
    if sender in instances:
        raise Conflict(f"an instance cannot send {name!r} to itself; use an event inside the diagram")
    if len(instances) > 1:
        raise Conflict(f"the message {name!r} matches {len(instances)} instances; narrow the correlation")
    if instances:
        _admit_all(ctx, session, rows, "message", name, variables, caller)
        deliver(ctx, session, instances[0], "message", name, variables, actor)
        return Delivery(instances)
    if waiting_only:
        return Delivery([])
    starter = next(iter(_starters(session, "message", name)), None)
    if starter is not None:
        _admit_all(ctx, session, [starter], "message", name, variables, caller)
        definition = ctx.specs.definition(session, starter.definition_id)
        instance = runtime.start_definition(ctx, session, definition, business_key, variables, actor,
                                            trigger=("message", starter.element_id, name))
        return Delivery([instance.id], started=True)
    if correlation:  # nobody matched: a value of the wrong type says so (422), not "nobody waits" (404)
        refuse_mistyped(session, _waiting(session, "message", name, business_key, {}), name, correlation)
    if buffer_for:
        refuse_undeclared("message", name, variables, declared_anywhere(session, ctx.specs, "message", name))
        now = utcnow()
        session.add(BufferedMessage(name=name, business_key=business_key, correlation=dict(correlation),
                                    variables=runtime.plain(dict(variables)), created_at=now,
                                    expires_at=now + buffer_for, sender=actor))
        journal.record(session, "message.buffered", actor, business_key=business_key,
                       data={"name": name, "expires_at": (now + buffer_for).isoformat()})
        return Delivery([], buffered=True)
    raise NotFound(f"no instance waits for the message {name!r} and no process starts with it")


def broadcast(ctx: runtime.Context, session: Session, name: str, variables: Mapping[str, Any],
              actor: str | None, *, caller: Caller | None = None) -> Delivery:
    """A signal reaches every instance waiting for it and starts every process it starts; each of
    their catch events must let ``caller`` (None: Ravand itself) send it and declare its variables."""
    if caller is not None:
        require_sender(session, ctx.specs, "signal", name, caller)
    rows, starters = _waiting(session, "signal", name, None, {}), _starters(session, "signal", name)
    _admit_all(ctx, session, rows + starters, "signal", name, variables, caller)
    reached = sorted({s.process_instance_id for s in rows})
    for instance_id in reached:
        deliver(ctx, session, instance_id, "signal", name, variables, actor)
    started = []
    for starter in reversed(starters):
        definition = ctx.specs.definition(session, starter.definition_id)
        started.append(runtime.start_definition(ctx, session, definition, None, variables, actor,
                                                trigger=("signal", starter.element_id, name)).id)
    journal.record(session, "signal.broadcast", actor, data={"name": name, "reached": reached, "started": started})
    return Delivery(reached + started, started=bool(started))
