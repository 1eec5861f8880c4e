"""Plain dataclasses the engine hands to its callers (the API, the CLI, the CRM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from engine.clock import as_utc
from engine.store.instances import InstanceRow
from engine.store.models import (
    RETRY,
    HumanTask,
    Incident,
    JournalEntry,
    ProcessDefinition,
    ProcessInstance,
    TaskComment,
    Timer,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who acts: a user name, the user's groups, and whether the user may act for anyone."""

    name: str
    groups: frozenset[str] = frozenset()
    admin: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class RecordView:
    """The record an instance serves, as its tasks show it."""

    type: str
    id: str
    title: str | None

    @classmethod
    def of(cls, record_type: str | None, record_id: str | None, title: str | None) -> RecordView | None:
        return None if record_type is None or record_id is None else cls(record_type, record_id, title)


@dataclass(frozen=True)
class DefinitionView:
    id: int
    key: str
    version: int
    name: str | None
    content_hash: str
    file_name: str
    deployed_by: str | None
    deployed_at: datetime
    resources: list[dict[str, str]]

    @classmethod
    def of(cls, row: ProcessDefinition) -> DefinitionView:
        return cls(row.id, row.key, row.version, row.name, row.content_hash, row.file_name, row.deployed_by,
                   as_utc(row.deployed_at), row.resources)


@dataclass(frozen=True)
class IncidentView:
    id: int
    task_id: str
    element_id: str
    kind: str
    message: str
    attempts: int
    created_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: Incident) -> IncidentView:
        return cls(row.id, row.task_id, row.element_id, row.kind, row.message, row.attempts,
                   as_utc(row.created_at), as_utc(row.resolved_at))


@dataclass(frozen=True)
class InstanceView:
    id: str
    definition_id: int
    process_key: str
    business_key: str | None
    state: str
    variables: dict[str, Any]
    active_elements: list[str]
    started_by: str | None
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    incidents: list[IncidentView] = field(default_factory=list)
    element_counts: dict[str, int] = field(default_factory=dict)  # element → times completed (the path taken)
    record: RecordView | None = None

    @classmethod
    def of(cls, row: ProcessInstance | InstanceRow, incidents: list[Incident] | None = None) -> InstanceView:
        return cls(row.id, row.definition_id, row.process_key, row.business_key, row.state, row.variables,
                   row.active_elements, row.started_by, as_utc(row.started_at), as_utc(row.ended_at),
                   row.end_reason, [IncidentView.of(i) for i in incidents or []], dict(row.element_counts or {}),
                   RecordView.of(row.record_type, row.record_id, row.record_title))


@dataclass(frozen=True)
class TaskView:
    id: str
    name: str
    element_id: str
    process_instance: str
    process_key: str
    business_key: str | None
    state: str
    assignee: str | None
    owner: str | None
    candidate_groups: list[str]
    candidate_users: list[str]
    priority: int
    due: datetime | None
    form_key: str | None
    created_at: datetime
    claimed_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    record: RecordView | None = None  # the record its instance serves, where the query read it

    @classmethod
    def of(cls, row: HumanTask, record: RecordView | None = None) -> TaskView:
        return cls(row.id, row.name, row.element_id, row.process_instance_id, row.process_key, row.business_key,
                   row.state, row.assignee, row.owner, row.candidate_groups, row.candidate_users, row.priority,
                   as_utc(row.due_at), row.form_key, as_utc(row.created_at), as_utc(row.claimed_at),
                   as_utc(row.completed_at), row.completed_by, record)


@dataclass(frozen=True)
class TaskDetail:
    task: TaskView
    form: dict[str, Any] | None
    data: dict[str, Any]


@dataclass(frozen=True)
class JournalView:
    seq: int
    at: datetime
    actor: str | None
    kind: str
    process_instance: str | None
    business_key: str | None
    element_id: str | None
    data: dict[str, Any]
    hash: str
    prev_hash: str

    @classmethod
    def of(cls, row: JournalEntry) -> JournalView:
        return cls(row.seq, as_utc(row.at), row.actor, row.kind, row.process_instance_id, row.business_key,
                   row.element_id, row.data, row.hash, row.prev_hash)


@dataclass(frozen=True)
class CommentView:
    id: int
    task_id: str
    author: str
    text: str
    created_at: datetime

    @classmethod
    def of(cls, row: TaskComment) -> CommentView:
        return cls(row.id, row.task_id, row.author, row.text, as_utc(row.created_at))


@dataclass(frozen=True)
class TimerView:
    id: int
    element_id: str
    due_at: datetime
    retry: bool

    @classmethod
    def of(cls, row: Timer) -> TimerView:
        return cls(row.id, row.element_id, as_utc(row.due_at), row.expression == RETRY)
