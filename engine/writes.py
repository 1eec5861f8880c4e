"""Writing one mapped row with one Core statement.

The unit of work's flush costs several times a plain statement; the hot path of every command
(storing the instance, closing its tasks) writes its rows with these instead and tells the
session they are stored, so the session does not write them again.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Update, bindparam, insert, inspect, update
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError


def insert_row(session: Session, obj: Any) -> None:
    """INSERT the new object's row and add it to the session as stored (persistent, unchanged)."""
    mapper = inspect(obj).mapper
    version = mapper.version_id_col
    if version is not None and getattr(obj, mapper.get_property_by_column(version).key) is None:
        setattr(obj, mapper.get_property_by_column(version).key, 1)
    values = {prop.key: getattr(obj, prop.key) for prop in mapper.column_attrs}
    session.connection().execute(insert(mapper.local_table),
                                 {mapper.get_property(key).columns[0].key: value for key, value in values.items()})
    make_transient_to_detached(obj)
    session.add(obj)
    for key, value in values.items():  # loaded as written: reading one later costs no SELECT
        set_committed_value(obj, key, value)


def write_changes(session: Session, obj: Any) -> None:
    """UPDATE the stored object's changed columns in one statement. With a version column the row is
    changed only at the version that was read, else ``StaleDataError`` (another command came first),
    as the unit of work would."""
    state = inspect(obj)
    mapper = state.mapper
    changed = {prop.key: getattr(obj, prop.key) for prop in mapper.column_attrs
               if state.attrs[prop.key].history.has_changes()}
    if not changed:
        _stored(session, obj)  # values set again to what they were: nothing to write, nothing to flush
        return
    params = {f"pk_{column.key}": getattr(obj, mapper.get_property_by_column(column).key)
              for column in mapper.primary_key}
    if mapper.version_id_col is not None:
        key = mapper.get_property_by_column(mapper.version_id_col).key
        read = state.committed_state.get(key, getattr(obj, key))
        params["read_version"] = read
        changed[key] = read + 1
    columns = {mapper.get_property(key).columns[0].key: value for key, value in changed.items()}
    if session.connection().execute(_update(mapper, tuple(sorted(columns))), {**params, **columns}).rowcount != 1:
        raise StaleDataError(f"{mapper.local_table.name} row changed or removed by another transaction")
    for key, value in changed.items():
        set_committed_value(obj, key, value)
    _stored(session, obj)


def _stored(session: Session, obj: Any) -> None:
    """Mark every attribute as stored, as the unit of work does after its flush, so the next flush
    passes the object by (``InstanceState._commit_all`` is that step of SQLAlchemy's flush)."""
    state = inspect(obj)
    state._commit_all(state.dict, session.identity_map)


@lru_cache(maxsize=256)
def _update(mapper: Mapper[Any], columns: tuple[str, ...]) -> Update:
    """The UPDATE of these columns by primary key (and read version), built once: a statement built
    anew costs SQLAlchemy more than running it."""
    table = mapper.local_table
    where = [column == bindparam(f"pk_{column.key}") for column in mapper.primary_key]
    if mapper.version_id_col is not None:
        where.append(mapper.version_id_col == bindparam("read_version"))
    return update(table).where(*where).values({name: bindparam(name) for name in columns})
