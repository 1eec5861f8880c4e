"""Read-side queries on definitions, instances and the journal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from engine import records
from engine.store.models import Incident, JournalEntry, ProcessDefinition, ProcessInstance
from engine.views import DefinitionView, InstanceView, JournalView, Page


def _page(session: Session, stmt: Select, order: list, limit: int, offset: int) -> tuple[list, int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total


def definitions(session: Session, key: str | None = None, latest_only: bool = False, limit: int = 100,
                offset: int = 0) -> Page[DefinitionView]:
    stmt = select(ProcessDefinition)
    if key is not None:
        stmt = stmt.where(ProcessDefinition.key == key)
    if latest_only:
        newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
                  .group_by(ProcessDefinition.key).subquery())
        stmt = stmt.join(newest, (newest.c.key == ProcessDefinition.key)
                         & (newest.c.version == ProcessDefinition.version))
    rows, total = _page(session, stmt, [ProcessDefinition.key, ProcessDefinition.version.desc()], limit, offset)
    return Page([DefinitionView.of(r) for r in rows], total, limit, offset)


@dataclass(frozen=True)
class InstanceQuery:
    process_key: str | None = None
    business_key: str | None = None
    state: str | None = None
    started_by: str | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None
    definition_id: int | None = None
    record_type: str | None = None
    record_id: str | None = None
    search: tuple[str, ...] = ()  # words (folded as the records' search text is) that must all be found in it
    limit: int = 50
    offset: int = 0


def instances(session: Session, query: InstanceQuery) -> Page[InstanceView]:
    model = ProcessInstance
    conditions = [
        (query.process_key, lambda: model.process_key == query.process_key),
        (query.business_key, lambda: model.business_key == query.business_key),
        (query.state, lambda: model.state == query.state),
        (query.started_by, lambda: model.started_by == query.started_by),
        (query.started_after, lambda: model.started_at >= query.started_after),
        (query.started_before, lambda: model.started_at < query.started_before),
        (query.definition_id, lambda: model.definition_id == query.definition_id),
        (query.record_type, lambda: model.record_type == query.record_type),
        (query.record_id, lambda: model.record_id == query.record_id),
        (query.search or None, lambda: records.matching(records.search_words(query.search))),
    ]
    stmt = select(model).where(*[make() for value, make in conditions if value is not None])
    rows, total = _page(session, stmt, [model.started_at.desc(), model.id], query.limit, query.offset)
    return Page([InstanceView.of(r) for r in rows], total, query.limit, query.offset)


@dataclass(frozen=True)
class JournalQuery:
    process_instance: str | None = None
    business_key: str | None = None
    actor: str | None = None
    kind: str | None = None
    after: datetime | None = None
    before: datetime | None = None
    limit: int = 100
    offset: int = 0
    newest_first: bool = False


def _journal_conditions(query: JournalQuery) -> list[Any]:
    model = JournalEntry
    conditions = [
        (query.process_instance, lambda: model.process_instance_id == query.process_instance),
        (query.business_key, lambda: model.business_key == query.business_key),
        (query.actor, lambda: model.actor == query.actor),
        (query.kind, lambda: model.kind.startswith(query.kind, autoescape=True)),
        (query.after, lambda: model.at >= query.after),
        (query.before, lambda: model.at < query.before),
    ]
    return [make() for value, make in conditions if value is not None]


def journal(session: Session, query: JournalQuery) -> Page[JournalView]:
    order = JournalEntry.seq.desc() if query.newest_first else JournalEntry.seq
    stmt = select(JournalEntry).where(*_journal_conditions(query))
    rows, total = _page(session, stmt, [order], query.limit, query.offset)
    return Page([JournalView.of(r) for r in rows], total, query.limit, query.offset)


def journal_stream(session: Session, query: JournalQuery, batch: int = 1000) -> Iterator[JournalView]:
    """Every entry the query matches (its limit and offset ignored), ``batch`` rows a read by ``seq`` (keyset):
    memory stays bounded however long the journal is. Plain rows, so the session keeps none of them."""
    columns = select(*JournalEntry.__table__.columns).where(*_journal_conditions(query))
    seq = JournalEntry.__table__.c.seq
    last: int | None = None
    while True:
        page = columns
        if last is not None:
            page = page.where(seq < last if query.newest_first else seq > last)
        rows = session.execute(page.order_by(seq.desc() if query.newest_first else seq).limit(batch)).all()
        yield from (JournalView.of(row) for row in rows)
        if len(rows) < batch:
            return
        last = rows[-1].seq


def statistics(session: Session, definition_id: int) -> dict[str, dict[str, int]]:
    """Per element of one definition version: tokens waiting there now, completions, open incidents."""
    stats: dict[str, dict[str, int]] = {}

    def bump(element: str, key: str, by: int = 1) -> None:
        entry = stats.setdefault(element, {"active": 0, "completed": 0, "incidents": 0})
        entry[key] += by

    rows = session.execute(select(ProcessInstance.active_elements, ProcessInstance.element_counts,
                                  ProcessInstance.state).where(ProcessInstance.definition_id == definition_id))
    for active, counts, state in rows:
        for element, count in (counts or {}).items():
            bump(element, "completed", count)
        if state in {"running", "failed"}:
            for element in active or []:
                bump(element, "active")
    incidents = session.execute(
        select(Incident.element_id, func.count()).join(ProcessInstance)
        .where(ProcessInstance.definition_id == definition_id, Incident.resolved_at.is_(None))
        .group_by(Incident.element_id))
    for element, count in incidents:
        bump(element, "incidents", count)
    return stats
