"""``Engine``: the one object the API, the CLI, the scheduler and the CRM talk to.

Commands take the caller's session and leave the commit to the caller (the unit of work belongs
to the entry point); ``Engine.transaction`` runs a command in its own transaction, retrying the
engine's own work when another command changed the instance first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from engine import journal as journaling
from engine import queries, tasks
from engine.definitions import deploy as deploying
from engine.definitions import start_forms
from engine.definitions.declarations import Caller, may_start, require_starter
from engine.definitions.specs import SpecCache
from engine.errors import NotFound
from engine.events import messages, outgoing
from engine.events import timers as timer_events
from engine.records import RecordRef
from engine.runtime import guards
from engine.runtime import unit_of_work as runtime
from engine.runtime.incidents import open_incidents
from engine.runtime.services import HandlerRegistry
from engine.sandbox import DEFAULT as DEFAULT_SANDBOX
from engine.sandbox import Sandbox
from engine.spiff.script_engine import SandboxScriptEngine
from engine.store import instances
from engine.store import records as record_rows
from engine.store.instances import InstanceRow
from engine.store.models import OPEN_STATES, HumanTask, ProcessDefinition, ProcessInstance, Resource, Timer
from engine.store.prepared import Prepared
from engine.values import check_plain, check_text
from engine.views import (
    Actor,
    CommentView,
    DefinitionView,
    InstanceView,
    JournalView,
    Page,
    RecordView,
    TaskDetail,
    TaskView,
    TimerView,
)

_TASKS = HumanTask.__table__
_OPEN_TASK_IDS = Prepared(select(_TASKS.c.id).where(
    _TASKS.c.process_instance_id == bindparam("instance_id"),
    or_(*(_TASKS.c.state == state for state in OPEN_STATES))).order_by(_TASKS.c.created_at))


class Engine:
    def __init__(self, handlers: HandlerRegistry | None = None, settings: Mapping[str, Any] | None = None,
                 sandbox: Sandbox | None = None) -> None:
        """``sandbox``: where the diagrams' scripts and expressions run (``engine.sandbox.DEFAULT`` if none)."""
        self.handlers = handlers or HandlerRegistry()
        self.specs = SpecCache()
        script_engine = SandboxScriptEngine(sandbox or DEFAULT_SANDBOX,
                                            max_multi_instance=int((settings or {}).get("max_multi_instance", 1_000)))
        self.ctx = runtime.Context(self.specs, self.handlers, script_engine, dict(settings or {}),
                                   messenger=outgoing.Messenger)
        # message name → seconds a message that finds no waiting instance is kept ("*": any name)
        self.message_buffers: dict[str, float] = dict((settings or {}).get("message_buffers", {}))

    # -- designers ----------------------------------------------------------------------------
    def deploy(self, session: Session, files: list[tuple[str, bytes]], actor: str | None) -> list[deploying.Deployed]:
        deployed = deploying.deploy(session, files, actor, self.handlers)
        for new in (d for d in deployed if d.created):  # the newest version owns the start events
            definition = session.get(ProcessDefinition, new.id)
            timer_events.register_start_events(session, definition, definition.deployed_at)
        return deployed

    def definitions(self, session: Session, key: str | None = None, latest_only: bool = False,
                    limit: int = 100, offset: int = 0) -> Page[DefinitionView]:
        return queries.definitions(session, key, latest_only, limit, offset)

    def definition(self, session: Session, definition_id: int) -> DefinitionView:
        return DefinitionView.of(self._definition(session, definition_id))

    def definition_xml(self, session: Session, definition_id: int) -> str:
        definition = self._definition(session, definition_id)
        own = next(r for r in definition.resources if r["kind"] == "bpmn" and r["name"] == definition.file_name)
        return session.get(Resource, own["hash"]).content

    def statistics(self, session: Session, definition_id: int) -> dict[str, dict[str, int]]:
        self._definition(session, definition_id)
        return queries.statistics(session, definition_id)

    @staticmethod
    def _definition(session: Session, definition_id: int) -> ProcessDefinition:
        row = session.get(ProcessDefinition, definition_id)
        if row is None:
            raise NotFound(f"no process definition {definition_id}")
        return row

    # -- instances ----------------------------------------------------------------------------
    def start(self, session: Session, key: str, business_key: str | None = None,
              variables: Mapping[str, Any] | None = None, actor: str | None = None, *,
              caller: Caller | None = None, form: bool = False, record: RecordRef | None = None) -> InstanceView:
        """Start the latest version of ``key``; a ``caller`` from outside must be one it is offered to. With
        ``form`` the variables are the values of the process's start form, checked against it (if it has one).
        ``record``: the record the instance serves (``engine.records``)."""
        if caller is not None:
            require_starter(self.specs.latest(session, key).elements, key, caller)
        check_text(business_key, "business_key", 255)
        check_plain(variables or {}, "variables")
        if form:
            variables = start_forms.check(session, self.specs.latest(session, key).elements, variables or {})
        instance = runtime.start(self.ctx, session, key, business_key, variables, actor, record)
        return self._view(session, instance)

    def attach_record(self, session: Session, instance_id: str, record: RecordRef) -> None:
        """A running or ended instance serves ``record`` from now on (the record joined its process)."""
        record_rows.attach(session, instance_id, record)

    def describe_record(self, session: Session, record: RecordRef) -> int:
        """The record's title or search text changed (e.g. a lead's name corrected): every instance serving it
        shows the new one; how many instances did."""
        return record_rows.describe(session, record)

    def untitled_records(self, session: Session, limit: int) -> list[tuple[str, str]]:
        """(type, id) of records some instance serves without a title yet (the migration's backfill from
        business keys), at most ``limit``, each once."""
        return [tuple(row) for row in session.execute(
            select(ProcessInstance.record_type, ProcessInstance.record_id).where(
                ProcessInstance.record_type.isnot(None), ProcessInstance.record_title.is_(None))
            .distinct().limit(limit))]

    def start_form(self, session: Session, key: str) -> dict[str, Any] | None:
        """The form-js form of the latest version's start event, for display (None: it has none)."""
        return start_forms.display(session, self.specs.latest(session, key).elements)

    @staticmethod
    def _view(session: Session, instance: ProcessInstance | InstanceRow) -> InstanceView:
        incidents = open_incidents(session, instance.id) if instance.state == "failed" else []
        return InstanceView.of(instance, incidents)

    def instance(self, session: Session, instance_id: str) -> InstanceView:
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise NotFound(f"no process instance {instance_id!r}")
        return self._view(session, row)

    def instances(self, session: Session, query: queries.InstanceQuery) -> Page[InstanceView]:
        return queries.instances(session, query)

    def cancel(self, session: Session, instance_id: str, reason: str, actor: str | None) -> InstanceView:
        return self._view(session, runtime.cancel(self.ctx, session, instance_id, reason, actor).instance)

    def retry(self, session: Session, instance_id: str, incident_id: int, actor: str | None) -> InstanceView:
        return self._view(session, runtime.retry(self.ctx, session, instance_id, incident_id, actor).instance)

    def history(self, session: Session, instance_id: str, limit: int = 1000, offset: int = 0) -> Page[JournalView]:
        self.instance(session, instance_id)
        return queries.journal(session, queries.JournalQuery(process_instance=instance_id, limit=limit,
                                                             offset=offset))

    # -- tasks --------------------------------------------------------------------------------
    def tasks(self, session: Session, query: tasks.TaskQuery) -> Page[TaskView]:
        return tasks.find(session, query)

    def task(self, session: Session, task_id: str, actor: Actor) -> TaskDetail:
        row = tasks.get_visible(session, task_id, actor)
        instance = session.get(ProcessInstance, row.process_instance_id)
        record = RecordView.of(instance.record_type, instance.record_id, instance.record_title)
        return TaskDetail(TaskView.of(row, record), tasks.form_schema(session, row), dict(instance.variables))

    @staticmethod
    def _task_view(session: Session, row: HumanTask) -> TaskView:
        """A task after a command on it, with the record its instance serves (the command's own instance row,
        so no second read)."""
        instance = instances.read(session, row.process_instance_id)
        return TaskView.of(row, None if instance is None else RecordView.of(
            instance.record_type, instance.record_id, instance.record_title))

    def claim(self, session: Session, task_id: str, actor: Actor) -> TaskView:
        guards.check(self.ctx, session, task_id, actor.name)
        return self._task_view(session, tasks.claim(session, task_id, actor))

    def unclaim(self, session: Session, task_id: str, actor: Actor) -> TaskView:
        return self._task_view(session, tasks.unclaim(session, task_id, actor))

    def assign(self, session: Session, task_id: str, user: str, actor: Actor) -> TaskView:
        guards.check(self.ctx, session, task_id, user)
        return self._task_view(session, tasks.assign(session, task_id, user, actor))

    def delegate(self, session: Session, task_id: str, user: str, actor: Actor) -> TaskView:
        guards.check(self.ctx, session, task_id, user)
        return self._task_view(session, tasks.assign(session, task_id, user, actor, delegate=True))

    def complete(self, session: Session, task_id: str, data: Mapping[str, Any], actor: Actor) -> TaskView:
        check_plain(data, "data")
        return self._task_view(session, tasks.complete(self.ctx, session, task_id, data, actor))  # asks the guard

    def add_comment(self, session: Session, task_id: str, text: str, actor: Actor) -> CommentView:
        return CommentView.of(tasks.add_comment(session, task_id, text, actor))

    def comments(self, session: Session, task_id: str, actor: Actor) -> list[CommentView]:
        return [CommentView.of(c) for c in tasks.comments(session, task_id, actor)]

    def open_task_ids(self, session: Session, instance_id: str) -> list[str]:
        return [row.id for row in _OPEN_TASK_IDS.all(session, {"instance_id": instance_id})]

    # -- events -------------------------------------------------------------------------------
    def correlate(self, session: Session, name: str, business_key: str | None = None,
                  correlation: Mapping[str, Any] | None = None, variables: Mapping[str, Any] | None = None,
                  actor: str | None = None, *, waiting_only: bool = False,
                  caller: Caller | None = None) -> messages.Delivery:
        """Deliver message ``name`` (see ``messages.correlate``); ``waiting_only``: to a waiting instance or
        to nobody, never starting or buffering."""
        check_text(name, "name", 255)
        check_text(business_key, "business_key", 255)
        check_plain(correlation or {}, "correlation")
        check_plain(variables or {}, "variables")
        buffer_s = self.message_buffers.get(name, self.message_buffers.get("*", 0))
        return messages.correlate(self.ctx, session, name, business_key, dict(correlation or {}),
                                dict(variables or {}), actor, timedelta(seconds=buffer_s) if buffer_s else None,
                                waiting_only=waiting_only, caller=caller)

    def signal(self, session: Session, name: str, variables: Mapping[str, Any] | None = None,
               actor: str | None = None, *, caller: Caller | None = None) -> messages.Delivery:
        check_text(name, "name", 255)
        check_plain(variables or {}, "variables")
        return messages.broadcast(self.ctx, session, name, dict(variables or {}), actor, caller=caller)

    def startable(self, session: Session, keys: set[str], caller: Caller) -> set[str]:
        """Which of ``keys`` ``caller`` may start (each key's latest version decides)."""
        return {key for key in keys if may_start(self.specs.latest(session, key).elements, key, caller)}

    def due_timers(self, session: Session, now: datetime, limit: int = 100) -> list[int]:
        return timer_events.due_timers(session, now, limit)

    def fire_timer(self, session: Session, timer_id: int, now: datetime) -> bool:
        return timer_events.fire_timer(self.ctx, session, timer_id, now)

    def fire_timers(self, session: Session, timer_ids: list[int], now: datetime) -> int:
        """Fire due timers in one transaction (one statement locks them all); how many fired."""
        return timer_events.fire_timers(self.ctx, session, timer_ids, now)

    def timers(self, session: Session, instance_id: str) -> list[TimerView]:
        """The instance's pending timers, soonest first."""
        return [TimerView.of(t) for t in session.scalars(
            select(Timer).where(Timer.process_instance_id == instance_id).order_by(Timer.due_at, Timer.id))]

    def reschedule_timer(self, session: Session, timer_id: int, due_at: datetime, actor: str | None) -> None:
        """Move a timer; one whose new time has passed fires at once, in this transaction."""
        timer_events.reschedule(self.ctx, session, timer_id, due_at, actor)

    def next_timer_due(self, session: Session) -> datetime | None:
        return timer_events.next_timer_due(session)

    # -- journal ------------------------------------------------------------------------------
    def journal(self, session: Session, query: queries.JournalQuery) -> Page[JournalView]:
        return queries.journal(session, query)

    def journal_entries(self, session: Session, query: queries.JournalQuery) -> Iterator[JournalView]:
        """Every entry the query matches, read in batches (an export of any length in bounded memory)."""
        return queries.journal_stream(session, query)

    def verify_journal(self, session: Session) -> journaling.Verification:
        return journaling.verify(session)

