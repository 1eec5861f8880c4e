"""The unit of work on one instance: restore → apply → run engine steps until every token waits
→ save state → update projections → journal. Engine code adds and flushes; the entry point commits.

Failures of scripts, conditions and service handlers become incidents: the failed task is put in
SpiffWorkflow's ERROR state, other branches go on, and a retry puts it back to READY.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine import journal
from engine.clock import as_utc, utcnow
from engine.definitions.specs import DefinitionInfo, SpecCache
from engine.errors import Conflict, EngineError, NotFound
from engine.journal import plain
from engine.records import RecordRef
from engine.runtime.incidents import TIMER_INCIDENT, open_incidents, raise_incident, resolve_incident
from engine.runtime.projections import InstanceKeys, Snapshot, plan_human_tasks, ready_user_tasks
from engine.runtime.retries import ATTEMPTS, next_retry
from engine.runtime.services import HandlerRegistry, ServiceCall
from engine.runtime.waits import plan_waits, sync_waits, take_buffered
from engine.spiff import codec as state
from engine.spiff import compaction
from engine.spiff import tasks as spiff
from engine.spiff.types import (
    BpmnEvent,
    BpmnWorkflow,
    MessageEventDefinition,
    MultipleEventDefinition,
    ServiceTask,
    SignalEventDefinition,
    SpiffWorkflowException,
    StartEventSplit,
    Task,
    TaskState,
    TimerEventDefinition,
    WorkflowTaskException,
)
from engine.store import human_tasks, instances
from engine.store import waits as waits_store
from engine.store.instances import InstanceRow
from engine.store.models import Incident, Timer

MAX_ROUNDS = 10_000
MAX_CALL_DEPTH = 25  # nested call activities / subprocesses (the max_call_depth setting)


@dataclass
class Context:
    specs: SpecCache
    handlers: HandlerRegistry
    script_engine: Any
    settings: Mapping[str, Any] = field(default_factory=dict)
    # what a service call reaches other instances through (``engine.events.outgoing.Messenger``, given by the facade:
    # it correlates and starts, which this module's callers do, so this module does not import it)
    messenger: Callable[[Context, Session, str, str | None], Any] | None = None


@dataclass
class Loaded:
    instance: InstanceRow
    definition: DefinitionInfo
    workflow: BpmnWorkflow
    ctx: Context | None = None
    services: bool = True  # the definition has service tasks: look for started ones after each step
    open_tasks: set[str] = field(default_factory=set)  # the user tasks whose human_task rows are open
    incidents_touched: bool = False
    retries: list[tuple[str, str, datetime]] = field(default_factory=list)


def _element(task: Any) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def _kind(task: Any) -> str:
    if isinstance(task.task_spec, ServiceTask):
        return "service"
    return "script" if hasattr(task.task_spec, "script") else "expression"


def _fail(session: Session, loaded: Loaded, task: Any, message: str, actor: str | None, now: datetime) -> None:
    loaded.incidents_touched = True
    spiff.mark_failed(task)
    raise_incident(session, loaded.instance, str(task.id), _element(task), _kind(task), message, actor, now)


def _call_service(ctx: Context, session: Session, loaded: Loaded, task: Any, actor: str | None,
                  now: datetime) -> None:
    element = _element(task)
    name = loaded.definition.elements.get(element, {}).get("handler", element)
    messenger = ctx.messenger(ctx, session, loaded.instance.id, actor) if ctx.messenger is not None else None
    call = ServiceCall(session, loaded.instance.id, loaded.instance.business_key, element, actor, ctx.settings,
                       messenger, loaded.instance)
    try:
        with session.begin_nested():
            result = ctx.handlers.call(name, plain(task.data), call)
    except Exception as exc:
        message = f"service {name!r} failed: {type(exc).__name__}: {exc}"
        attempts = task.internal_data.get(ATTEMPTS, 0) + 1
        task.internal_data[ATTEMPTS] = attempts
        due = next_retry(loaded.definition.elements.get(element, {}).get("retry"), attempts, now)
        if due is None:
            _fail(session, loaded, task, message, actor, now)
            return
        spiff.hold_for_retry(task)
        loaded.retries.append((str(task.id), element, due))
        journal.record(session, "service.retry_scheduled", actor, instance_id=loaded.instance.id,
                       business_key=loaded.instance.business_key, element_id=element,
                       data={"attempt": attempts, "error": message, "retry_at": due.isoformat()})
        return
    if result:
        task.data.update(result)
    task.complete()


class _Running:
    """What ``do_engine_steps`` is running now (SpiffWorkflow's callbacks tell), to name the task a
    failure belongs to, and the guard on call depth."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth, self.task = max_depth, None

    def before(self, task: Any) -> None:
        self.task = task
        if task.workflow.depth > self.max_depth:  # a process calling itself (or a chain too deep)
            caller = task.workflow.top_workflow.get_task_from_id(task.workflow.parent_task_id)
            task.workflow.top_workflow.delete_subprocess(caller)
            raise WorkflowTaskException(f"calls nest deeper than {self.max_depth} levels (a process calling "
                                        "itself?)", task=caller)

    def after(self, task: Any) -> None:
        self.task = None


def _culprit(exc: BaseException, running: _Running) -> Any:
    """The task a failure belongs to: the one SpiffWorkflow names, else the innermost task its code
    was working on (``my_task`` in its frames), else the one being run."""
    task = getattr(exc, "task", None)
    frame = exc.__traceback__ if task is None else None
    while frame is not None:
        candidate = frame.tb_frame.f_locals.get("my_task")
        if isinstance(candidate, Task):
            task = candidate  # the innermost one wins
        frame = frame.tb_next
    return task or running.task


def _message(exc: BaseException) -> str:
    if isinstance(exc, SpiffWorkflowException | EngineError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _steps(workflow: BpmnWorkflow, running: _Running) -> None:
    for task in list(workflow.event_manager.tasks.values()):  # refresh_timers, knowing which timer fails
        if isinstance(task.task_spec.event_definition, TimerEventDefinition | MultipleEventDefinition):
            running.task = task
            spiff.refresh_event(task)
    running.task = None
    workflow.do_engine_steps(will_complete_task=running.before, did_complete_task=running.after)


def run_steps(ctx: Context, session: Session, loaded: Loaded, actor: str | None, now: datetime) -> None:
    """Advance until every token waits on a person, an event, or an incident. Any failure while
    running steps, whatever its type (a RecursionError too), becomes an incident on the task it
    belongs to, once: a task that fails again in the same command stops the command's steps."""
    workflow = loaded.workflow
    running = _Running(int(ctx.settings.get("max_call_depth", MAX_CALL_DEPTH)))
    failed: set[Any] = set()
    for _ in range(MAX_ROUNDS):
        try:
            _steps(workflow, running)
        except (Conflict, SQLAlchemyError):
            raise
        except Exception as exc:  # the unit of work's boundary: nothing but an incident comes out
            task = _culprit(exc, running)
            if task is None or task.id in failed:
                _fail(session, loaded, task or workflow.task_tree, _message(exc), actor, now)
                return
            failed.add(task.id)
            _fail(session, loaded, task, _message(exc), actor, now)
            continue
        if not loaded.services:
            return
        services = [t for t in workflow.get_tasks(state=TaskState.STARTED) if isinstance(t.task_spec, ServiceTask)]
        if not services:
            return
        for task in services:
            _call_service(ctx, session, loaded, task, actor, now)
    raise EngineError("the instance did not come to rest (runaway loop?)")


def save(session: Session, loaded: Loaded, actor: str | None, now: datetime,
         completed_task_id: str | None = None) -> None:
    instance, workflow = loaded.instance, loaded.workflow
    before = instance.variables or {}
    instance.workflow_state = state.dump(workflow)
    snap = Snapshot.of(workflow)
    # a task in ERROR counts as finished for SpiffWorkflow: an instance with a failed task is not complete
    completed = workflow.is_completed() and not workflow.get_tasks(state=TaskState.ERROR)
    instance.variables = plain(snap.variables(workflow, completed))
    instance.active_elements = snap.active_elements()
    instance.element_counts = snap.counts
    instance.updated_at = now
    if instance.state not in {"cancelled"}:
        _update_state(session, loaded, actor, now, completed)
    held, plan = waits_store.current(session, instance), plan_waits(workflow)
    instance.waiting_events = plan.count
    if instance.stored is None:  # inserted once, complete: its tasks and waits refer to it
        instances.add(session, instance)
    keys = InstanceKeys(instance.id, instance.process_key, instance.business_key)
    tasks = plan_human_tasks(snap, loaded.definition.elements, keys, now, completed_task_id, loaded.open_tasks)
    human_tasks.apply(session, instance, tasks, actor, now)
    loaded.open_tasks = tasks.ready
    new_subscriptions = sync_waits(session, instance, workflow, held, plan, now, actor)
    for task_id, element, due in loaded.retries:
        waits_store.add_retry(session, instance, task_id, element, due)
    loaded.retries.clear()
    changed = {k: v for k, v in instance.variables.items() if before.get(k, _MISSING) != v}
    removed = [k for k in before if k not in instance.variables]
    if changed or removed:
        journal.record(session, "variables.changed", actor, instance_id=instance.id,
                       business_key=instance.business_key, data={"set": changed, "removed": removed})
    instances.write(session, instance)
    _deliver_buffered(session, loaded, new_subscriptions, now)


def _deliver_buffered(session: Session, loaded: Loaded, subscriptions: list[dict[str, Any]], now: datetime) -> None:
    """A message kept in the buffer reaches the instance as soon as it starts waiting for it."""
    for subscription in subscriptions:
        message = take_buffered(session, loaded.instance, subscription["name"], now)
        if message is None:
            continue
        payload, dropped = _declared_payload(loaded, subscription, message.name, dict(message.variables))
        loaded.workflow.catch(BpmnEvent(MessageEventDefinition(message.name), payload))
        journal.record(session, "message.correlated", message.sender, instance_id=loaded.instance.id,
                       business_key=loaded.instance.business_key,
                       data={"name": message.name, "variables": payload, "buffered_since":
                             as_utc(message.created_at).isoformat(), **({"dropped": dropped} if dropped else {})})
        run_steps(loaded.ctx, session, loaded, message.sender, now)
        save(session, loaded, message.sender, now)
        return


def _declared_payload(loaded: Loaded, subscription: dict[str, Any], name: str,
                     variables: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A buffered message was admitted against every process that catches its name; the element that takes it
    now sets only what it declares (``ravand:variables``), the rest is left out and named in the journal."""
    meta = loaded.definition.elements.get(subscription["element_id"] or "", {})
    if (meta.get("catches"), meta.get("event")) != ("message", name):
        meta = next((m for m in loaded.definition.elements.values()
                     if (m.get("catches"), m.get("event")) == ("message", name)), {})
    declared = set(meta.get("variables", ()))
    return ({k: v for k, v in variables.items() if k in declared},
            sorted(k for k in variables if k not in declared))


_MISSING = object()


def _update_state(session: Session, loaded: Loaded, actor: str | None, now: datetime, completed: bool) -> None:
    instance = loaded.instance
    if completed:
        if instance.state != "completed":
            instance.state, instance.ended_at = "completed", now
            journal.record(session, "instance.completed", actor, instance_id=instance.id,
                           business_key=instance.business_key)
    elif loaded.incidents_touched or instance.state == "failed":
        session.flush()
        instance.state = "failed" if open_incidents(session, instance.id) else "running"
    else:
        instance.state = "running"


def new_id() -> str:
    return str(uuid.uuid4())


def start(ctx: Context, session: Session, key: str, business_key: str | None,
          variables: Mapping[str, Any] | None, actor: str | None, record: RecordRef | None = None) -> InstanceRow:
    return start_definition(ctx, session, ctx.specs.latest(session, key), business_key, variables, actor,
                            record=record)


def _choose_start(workflow: BpmnWorkflow, definition: DefinitionInfo, element: str | None) -> None:
    """With several start events, only the one that starts this instance runs: the triggered one, else
    the none start event. The others are cancelled, so an instance started through the API does not
    also wait at its message start event, and a message start does not run the none start first."""
    if element is None and not any("start" in meta for meta in definition.elements.values()):
        return  # only none start events: nothing to choose
    starts = [t for t in workflow.get_tasks()
              if t.parent is not None and isinstance(t.parent.task_spec, StartEventSplit)]
    if element is None:
        element = next((_element(t) for t in starts if "start" not in definition.elements.get(_element(t), {})), None)
    if element is None:
        return
    for task in starts:
        if _element(task) != element:
            task.cancel()


def _trigger(workflow: BpmnWorkflow, trigger: tuple[str, str, str | None], payload: dict[str, Any]) -> None:
    """Fire the start event that started this instance (a timer, message or signal)."""
    kind, element, name = trigger
    workflow.do_engine_steps()
    if kind == "timer":
        for task in workflow.get_tasks(state=TaskState.WAITING):
            if getattr(task.task_spec, "bpmn_id", None) == element:
                spiff.fire_waiting_timer(task)
    else:
        definition = MessageEventDefinition(name) if kind == "message" else SignalEventDefinition(name)
        workflow.catch(BpmnEvent(definition, payload))


def start_definition(ctx: Context, session: Session, definition: DefinitionInfo, business_key: str | None,
                     variables: Mapping[str, Any] | None, actor: str | None,
                     trigger: tuple[str, str, str | None] | None = None,
                     record: RecordRef | None = None) -> InstanceRow:
    specs = ctx.specs.get(session, definition)
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), script_engine=ctx.script_engine)
    initial = plain(dict(variables or {}))
    for meta in definition.elements.values():
        if meta.get("initiator"):  # camunda:initiator names the variable that holds the starter: never given
            initial.pop(meta["initiator"], None)  # by the start's variables, as in Camunda (the caller wins)
            if actor:
                initial[meta["initiator"]] = actor
    if initial and (trigger is None or trigger[0] == "timer"):
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(initial)
    now = utcnow()
    instance = InstanceRow(
        id=new_id(), definition_id=definition.id, process_key=definition.key,
        business_key=business_key, state="running", started_by=actor, started_at=now, updated_at=now,
        variables={}, active_elements=[], element_counts={}, waiting_events=0, workflow_state=b"",
        **(record.columns() if record is not None else {}),
    )
    journal.record(session, "instance.started", actor, instance_id=instance.id, business_key=business_key,
                   data={"key": definition.key, "version": definition.version, "variables": initial,
                         "trigger": trigger[0] if trigger else None})
    loaded = Loaded(instance, definition, workflow, ctx, specs.has_service_tasks)
    _choose_start(workflow, definition, trigger[1] if trigger else None)
    if trigger is not None:
        _trigger(workflow, trigger, initial)
    run_steps(ctx, session, loaded, actor, now)
    save(session, loaded, actor, now)
    return instance


def load(ctx: Context, session: Session, instance_id: str) -> Loaded:
    instance = instances.read(session, instance_id)
    if instance is None:
        raise NotFound(f"no process instance {instance_id!r}")
    definition = ctx.specs.definition(session, instance.definition_id)
    specs = ctx.specs.get(session, definition)
    workflow = state.load(instance.workflow_state, specs)
    workflow.script_engine = ctx.script_engine
    # history the last command left behind goes before this one runs: what it drops was journaled when it ran
    # (a timer that fired, a task that completed), and nothing still waiting is dropped
    compaction.compact_history(workflow, int(ctx.settings.get("compact_after", compaction.COMPACT_AFTER)))
    return Loaded(instance, definition, workflow, ctx, specs.has_service_tasks, open_tasks=ready_user_tasks(workflow))


def require_running(instance: InstanceRow) -> None:
    if instance.state in {"completed", "cancelled"}:
        raise Conflict(f"the process instance is {instance.state}")


def complete_task(ctx: Context, session: Session, loaded: Loaded, task_id: str, data: Mapping[str, Any],
                  actor: str | None) -> Loaded:
    """Run the user task ``task_id`` of the loaded instance with ``data``, then on to the next waits."""
    require_running(loaded.instance)
    task = loaded.workflow.get_task_from_id(uuid.UUID(task_id))
    if task is None or not task.has_state(TaskState.READY):
        raise Conflict("the task is no longer open")
    now = utcnow()
    task.data.update(plain(dict(data)))
    try:
        task.run()
    except SpiffWorkflowException as exc:
        _fail(session, loaded, task, str(exc), actor, now)
    run_steps(ctx, session, loaded, actor, now)
    save(session, loaded, actor, now, completed_task_id=task_id)
    return loaded


def cancel(ctx: Context, session: Session, instance_id: str, reason: str, actor: str | None) -> Loaded:
    loaded = load(ctx, session, instance_id)
    require_running(loaded.instance)
    now = utcnow()
    loaded.workflow.cancel()
    loaded.instance.state, loaded.instance.ended_at, loaded.instance.end_reason = "cancelled", now, reason
    journal.record(session, "instance.cancelled", actor, instance_id=instance_id,
                   business_key=loaded.instance.business_key, data={"reason": reason})
    save(session, loaded, actor, now)
    return loaded


def retry(ctx: Context, session: Session, instance_id: str, incident_id: int, actor: str | None) -> Loaded:
    loaded = load(ctx, session, instance_id)
    require_running(loaded.instance)
    incident = session.get(Incident, incident_id)
    if incident is None or incident.process_instance_id != instance_id:
        raise NotFound(f"no incident {incident_id} on this instance")
    if incident.resolved_at is not None:
        raise Conflict("the incident is already resolved")
    if incident.kind == TIMER_INCIDENT:
        return _rearm_timer(session, loaded, incident, actor)
    task = loaded.workflow.get_task_from_id(uuid.UUID(incident.task_id))
    if task is None or not task.has_state(TaskState.ERROR):
        raise Conflict("the failed task is no longer waiting for a retry")
    now = utcnow()
    spiff.make_ready(task)
    journal.record(session, "incident.retried", actor, instance_id=instance_id,
                   business_key=loaded.instance.business_key, element_id=incident.element_id,
                   data={"incident_id": incident.id})
    run_steps(ctx, session, loaded, actor, now)
    if not task.has_state(TaskState.ERROR):
        resolve_incident(session, incident, loaded.instance, actor, now)
    save(session, loaded, actor, now)
    return loaded


def _rearm_timer(session: Session, loaded: Loaded, incident: Incident, actor: str | None) -> Loaded:
    """A timer stopped after repeated failures fires again: its count starts over (the save rebuilds
    the instance's timer rows; a service task's retry timer is reset here)."""
    now = utcnow()
    session.execute(update(Timer).where(Timer.process_instance_id == loaded.instance.id,
                                        Timer.task_id == incident.task_id).values(failures=0))
    journal.record(session, "incident.retried", actor, instance_id=loaded.instance.id,
                   business_key=loaded.instance.business_key, element_id=incident.element_id,
                   data={"incident_id": incident.id})
    resolve_incident(session, incident, loaded.instance, actor, now)
    loaded.incidents_touched = True
    save(session, loaded, actor, now)
    return loaded
