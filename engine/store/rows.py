"""Reading and writing one ORM-mapped row with one prepared statement: the human tasks a command reads,
claims and closes (the instance row itself is a plain object, ``engine.store.instances``).

The unit of work's flush, and a query through the session, cost several times the statement itself. The hot
path reads and writes these rows with prepared statements instead (``engine.store.prepared``) and tells the
session what is stored, so the session neither loads nor writes them again. Objects are ordinary mapped
objects, persistent in the session, as a query would have given them.

Only SQLAlchemy's public API is used: an object whose row was read or written by a statement of ours is made
"as if freshly loaded" with ``make_transient_to_detached`` and joins the session with ``Session.add``; after an
UPDATE, ``make_transient`` first lets go of the changes just written. That costs about 10 µs more per row than
reaching into the session's identity map, which the store did before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import Mapper, Session, make_transient, make_transient_to_detached

from engine.store.prepared import Prepared

M = TypeVar("M")


def held(session: Session, model: type[M], key: Any) -> M | None:
    """The object with this primary key if the session holds it."""
    return session.identity_map.get(inspect(model).identity_key_from_primary_key((key,)))


def load_row(session: Session, model: type[M], key: Any) -> M | None:
    """The object with this primary key, as ``session.get`` would give it: the session's own if it
    holds one (with its pending changes), else read with one prepared SELECT."""
    found = held(session, model, key)
    if found is not None:
        return found
    mapper = inspect(model)
    row = _by_key(mapper).first(session, {"pk": key})
    return None if row is None else attach(session, mapper, row._asdict())


def split_row(row: Any, *tables: Any) -> list[dict[str, Any]]:
    """The columns of each table, by name, from one row that selected their whole rows side by side (in the
    order of ``tables``, as ``select(table_a, table_b).join(...)`` gives them)."""
    found, start = [], 0
    for table in tables:
        names = [column.key for column in table.columns]
        found.append(dict(zip(names, row[start:start + len(names)], strict=True)))
        start += len(names)
    return found


def held_or_attached(session: Session, model: type[M], columns: dict[str, Any]) -> M:
    """The object of this row: the session's own if it holds one, else made from ``columns`` (by column name)
    as stored."""
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key(tuple(columns[column.key] for column in mapper.primary_key))
    obj = session.identity_map.get(key)
    return obj if obj is not None else attach(session, mapper, columns)


def attach(session: Session, mapper: Mapper[Any], columns: dict[str, Any]) -> Any:
    """A persistent object for a row read outside the session (column values by column name)."""
    obj = mapper.class_manager.new_instance()
    if not _same_names(mapper):
        columns = {mapper.get_property_by_column(mapper.local_table.c[name]).key: value
                   for name, value in columns.items()}
    _stored_as(session, obj, columns)
    return obj


def _stored_as(session: Session, obj: Any, values: dict[str, Any]) -> None:
    """Give the object these values as stored ones (no history for a flush to write; reading one
    costs no SELECT) and make it persistent in the session, as loading its row would."""
    state = inspect(obj)
    if not state.transient:
        raise ValueError("the object is stored already")
    state.dict.update(values)
    make_transient_to_detached(obj)
    session.add(obj)


@lru_cache(maxsize=64)
def _same_names(mapper: Mapper[Any]) -> bool:
    return all(prop.key == prop.columns[0].key for prop in mapper.column_attrs)


@lru_cache(maxsize=64)
def _column_keys(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(prop.key for prop in mapper.column_attrs)


def write_changes(session: Session, obj: Any) -> None:
    """UPDATE the stored object's changed columns in one statement (deferred: ``Prepared.defer``). With a version
    column the row is changed only at the version that was read, else ``StaleDataError`` (another command came
    first), as the unit of work would; on PostgreSQL it is raised when the write has been sent."""
    state = inspect(obj)
    mapper = state.mapper
    values = state.dict
    # an attribute set since the row was read or written has a history; one set again to its stored value has
    # no changes in it
    unmodified = state.unmodified
    histories = {key: state.attrs[key].history for key in _column_keys(mapper) if key not in unmodified}
    changed = {key: values[key] for key, history in histories.items() if history.has_changes()}
    if not changed:
        _stored(session, obj)  # values set again to what they were: nothing to write, nothing to flush
        return
    params = {f"pk_{column.key}": values[mapper.get_property_by_column(column).key] for column in mapper.primary_key}
    if mapper.version_id_col is not None:
        key = mapper.get_property_by_column(mapper.version_id_col).key
        history = histories.get(key)
        read = history.deleted[0] if history is not None and history.deleted else values[key]
        params["read_version"] = read
        changed[key] = read + 1
    columns = {mapper.get_property(key).columns[0].key: value for key, value in changed.items()}
    _update(mapper, tuple(sorted(columns))).defer(
        session, {**params, **columns}, expect=1,
        stale=f"{mapper.local_table.name} row changed or removed by another transaction")
    values.update(changed)
    _stored(session, obj)


def _stored(session: Session, obj: Any) -> None:
    """Mark every attribute as stored, as the unit of work does after its flush, so the next flush
    passes the object by: the object leaves the session with its changes and joins it again as loaded."""
    make_transient(obj)
    make_transient_to_detached(obj)
    session.add(obj)


@lru_cache(maxsize=64)
def _by_key(mapper: Mapper[Any]) -> Prepared:
    table = mapper.local_table
    [column] = mapper.primary_key
    return Prepared(select(table).where(column == bindparam("pk")))


@lru_cache(maxsize=256)
def _update(mapper: Mapper[Any], columns: tuple[str, ...]) -> Prepared:
    """The UPDATE of these columns by primary key (and read version), built once."""
    table = mapper.local_table
    where = [column == bindparam(f"pk_{column.key}") for column in mapper.primary_key]
    if mapper.version_id_col is not None:
        where.append(mapper.version_id_col == bindparam("read_version"))
    return Prepared(update(table).where(*where).values({name: bindparam(name) for name in columns}))
