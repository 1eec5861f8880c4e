"""The ``process_instance`` row a command works on: a plain object, read and written with prepared Core
statements (``engine.store.prepared``), never through the ORM's session.

A command reads its instance once (``read``, or ``taken`` from a row read with its task), changes its
attributes, and stores it with ``insert`` or ``write``: one INSERT, or one UPDATE of the changed columns
checked against the version that was read (another command that came first makes it ``StaleDataError``). Both
are deferred writes. Within one transaction the same instance is the same object, so a second command on it
(a timer group firing two timers of one instance) sees what the first changed.

The ORM model ``ProcessInstance`` stays what queries and views read. An ORM object of the same row that the
session holds is kept in step: its pending changes are flushed before the row is read, and it is given the
values written, as stored ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.store.models import ProcessInstance
from engine.store.prepared import Prepared

_TABLE = ProcessInstance.__table__
COLUMNS: tuple[str, ...] = tuple(column.key for column in _TABLE.columns)
_COLUMN_SET = frozenset(COLUMNS)
_HELD = "ravand.instances"  # Session.info: the rows this transaction's commands read or stored, by id

_READ = Prepared(select(_TABLE).where(_TABLE.c.id == bindparam("pk")))
_INSERT = Prepared(insert(_TABLE))
_UPDATES: dict[tuple[str, ...], Prepared] = {}


class InstanceRow:
    """One ``process_instance`` row: an attribute for each column, and ``stored``, the values as the database
    holds them (None until the row is inserted)."""

    __slots__ = (*COLUMNS, "stored")

    id: str
    definition_id: int
    process_key: str
    business_key: str | None
    state: str
    started_by: str | None
    started_at: Any
    updated_at: Any
    ended_at: Any
    end_reason: str | None
    variables: dict[str, Any]
    active_elements: list[Any]
    element_counts: dict[str, Any]
    waiting_events: int
    workflow_state: bytes
    version: int
    record_type: str | None
    record_id: str | None
    record_title: str | None
    record_search: str | None
    stored: dict[str, Any] | None

    def __init__(self, **values: Any) -> None:
        unknown = values.keys() - _COLUMN_SET
        if unknown:
            raise TypeError(f"process_instance has no column {sorted(unknown)[0]!r}")
        for name in COLUMNS:
            setattr(self, name, values.get(name))
        self.stored = None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}

    def changed(self) -> dict[str, Any]:
        """The columns set to another value than the stored one (all of them before the row is stored)."""
        stored = self.stored
        if stored is None:
            return self.values()
        return {name: value for name in COLUMNS if (value := getattr(self, name)) != stored[name]}

    def __repr__(self) -> str:
        return f"InstanceRow(id={self.id!r}, state={self.state!r}, version={self.version!r})"


def _held(session: Session) -> dict[str, InstanceRow]:
    return session.info.setdefault(_HELD, {})


def _orm_object(session: Session, instance_id: str) -> ProcessInstance | None:
    """The ORM object of this row, if the session holds one."""
    return session.identity_map.get(inspect(ProcessInstance).identity_key_from_primary_key((instance_id,)))


def _from_stored(session: Session, values: Mapping[str, Any]) -> InstanceRow:
    row = InstanceRow(**values)
    row.stored = row.values()
    _held(session)[row.id] = row
    return row


def read(session: Session, instance_id: str) -> InstanceRow | None:
    """The instance, as this transaction holds it: the row a command of it read or stored already, else read
    with one prepared SELECT (after the session's pending changes of the same row, if any, are flushed)."""
    found = _held(session).get(instance_id)
    if found is not None:
        return found
    orm_object = _orm_object(session, instance_id)
    if orm_object is not None:
        if orm_object in session.dirty:
            session.flush()
        state = inspect(orm_object)
        if not state.unloaded:  # every column as read or flushed: no need to read it again
            return _from_stored(session, {name: state.dict[name] for name in COLUMNS})
    stored = _READ.first(session, {"pk": instance_id})
    return None if stored is None else _from_stored(session, stored._asdict())


def taken(session: Session, values: Mapping[str, Any]) -> InstanceRow:
    """The instance from a row the caller read itself (its task's and its own columns in one SELECT): the one
    this transaction holds, if any, else this."""
    found = _held(session).get(values["id"])
    return found if found is not None else _from_stored(session, values)


def add(session: Session, row: InstanceRow) -> None:
    """INSERT the new instance (deferred) at version 1."""
    if row.stored is not None:
        raise ValueError("the instance is stored already")
    if row.version is None:
        row.version = 1
    values = row.values()
    _INSERT.defer(session, values)
    row.stored = values
    _held(session)[row.id] = row


def write(session: Session, row: InstanceRow) -> None:
    """UPDATE the changed columns (deferred), only at the version that was read, and count the version up."""
    changed = row.changed()
    if not changed:
        return
    read_version = row.stored["version"] if row.stored is not None else row.version
    changed["version"] = row.version = read_version + 1
    names = tuple(sorted(changed))
    _update(names).defer(session, {**changed, "pk": row.id, "read_version": read_version}, expect=1,
                         stale="process_instance row changed or removed by another transaction")
    row.stored = row.values()
    committed(session, row.id, changed)


def committed(session: Session, instance_id: str, values: Mapping[str, Any]) -> None:
    """Values written to the row by a statement: the rows this transaction holds show them as stored."""
    row = _held(session).get(instance_id)
    if row is not None:
        for name, value in values.items():
            setattr(row, name, value)
            if row.stored is not None:
                row.stored[name] = value
    orm_object = _orm_object(session, instance_id)
    if orm_object is not None:
        for name, value in values.items():
            set_committed_value(orm_object, name, value)


def held_rows(session: Session) -> list[InstanceRow]:
    return list(_held(session).values())


def _update(names: tuple[str, ...]) -> Prepared:
    statement = _UPDATES.get(names)
    if statement is None:
        statement = _UPDATES.setdefault(names, Prepared(
            update(_TABLE).where(_TABLE.c.id == bindparam("pk"), _TABLE.c.version == bindparam("read_version"))
            .values({name: bindparam(name) for name in names})))
    return statement


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: Any) -> None:
    """A transaction's rows go with it: the next one reads them again."""
    if transaction.parent is None:
        session.info.pop(_HELD, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous: Any) -> None:
    """After a rollback, a savepoint's too, what a row held may be gone: it is read again."""
    session.info.pop(_HELD, None)
