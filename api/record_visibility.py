"""The records tasks and process instances are about, as a reader whose record access is restricted sees them.

The engine stores each instance's record (type, id, title, search text) and knows nothing of who may read which
CRM record; this module applies ``crm.access`` to what the task and instance routes show:

- ``hide_unreadable(items)``: on one page of tasks or instances, a record the reader may not read keeps its type
  but loses its id, title and address (``hidden: true``), and a task's title is its name alone. One query per
  record type on the page (the ids of that type the reader may read); none when the reader reads all records.
- ``searching_readable()``: while it is active, a record search (``q``) finds only instances whose record the
  reader may read, so the page and its total are both right: the engine's select of instances (and of tasks
  joined to them) gets a condition through SQLAlchemy's ``with_loader_criteria``, as ``crm.access`` scopes the
  record selects (a semi-join per record type, not a list of ids)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from marshmallow import fields
from sqlalchemy import ColumnElement, String, and_, cast, event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from api.context import db
from api.record_access import viewer
from api.record_links import RecordSchema
from crm import access
from crm.models import Complaint, Contract, Customer, Lead, Opportunity, Purchase, Referral
from engine.store.models import ProcessInstance

# the record types that are CRM records under record access (others, e.g. a process's own, are always shown)
MODELS: dict[str, type[Any]] = {
    "lead": Lead, "opportunity": Opportunity, "complaint": Complaint, "customer": Customer, "contract": Contract,
    "referral": Referral, "purchase": Purchase,
}
SEARCH_SCOPE = "ravand.record_visibility.search"


class ShownRecordSchema(RecordSchema):
    hidden = fields.Boolean(metadata={"description": "true: a record the reader may not read (no id, title or "
                                                     "address shown)"})


def restricted() -> access.Viewer | None:
    """The signed-in person's viewer when their read scope is narrower than all records (else None)."""
    found = viewer()
    return None if found.read == "all" else found


def _readable_ids(session: Session, reader: access.Viewer, kind: str, ids: set[int]) -> set[int]:
    model = MODELS[kind]
    return set(session.scalars(select(model.id).where(model.id.in_(sorted(ids)), access.visible(model, reader))))


def hide_unreadable(items: list[dict[str, Any]], name_key: str | None = "name") -> list[dict[str, Any]]:
    """Tasks or instances (dicts already given their record by ``api.record_links.with_record``) with the
    records the reader may not read hidden, and a task's title then its name alone."""
    reader = restricted()
    if reader is None:
        return items
    wanted: dict[str, set[int]] = {}
    for item in items:
        record = item.get("record")
        if record and record["type"] in MODELS:
            wanted.setdefault(record["type"], set()).add(int(record["id"]) if str(record["id"]).isdigit() else -1)
    readable = {kind: _readable_ids(db(), reader, kind, ids - {-1}) for kind, ids in wanted.items()}
    for item in items:
        record = item.get("record")
        if not record or record["type"] not in MODELS:
            continue
        if str(record["id"]).isdigit() and int(record["id"]) in readable[record["type"]]:
            continue
        item["record"] = {"type": record["type"], "id": None, "title": None, "url": None, "hidden": True}
        if name_key is not None:
            item["title"] = item[name_key]
    return items


def hide_one(item: dict[str, Any], name_key: str | None = "name") -> dict[str, Any]:
    return hide_unreadable([item], name_key)[0]


def readable_instances(reader: access.Viewer) -> ColumnElement[bool]:
    """Instances serving no CRM record, or one ``reader`` may read."""
    per_type = [and_(ProcessInstance.record_type == kind,
                     ProcessInstance.record_id.in_(select(cast(model.id, String)).where(access.visible(model, reader))))
                for kind, model in MODELS.items()]
    return or_(ProcessInstance.record_type.is_(None), ProcessInstance.record_type.not_in(list(MODELS)), *per_type)


@contextmanager
def searching_readable(search: tuple[str, ...]) -> Iterator[None]:
    """While active, and when there is a search and the reader is restricted, the request's selects of instances
    see only those whose record the reader may read."""
    reader = restricted() if search else None
    if reader is None:
        yield
        return
    session = db()
    session.info[SEARCH_SCOPE] = readable_instances(reader)
    try:
        yield
    finally:
        session.info.pop(SEARCH_SCOPE, None)


@event.listens_for(Session, "do_orm_execute")
def _add_criteria(state: ORMExecuteState) -> None:
    condition = state.session.info.get(SEARCH_SCOPE)
    if condition is None or not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    state.statement = state.statement.options(with_loader_criteria(ProcessInstance, condition))
