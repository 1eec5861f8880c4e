"""Statements that SQLAlchemy compiles once per dialect and Ravand runs on the DBAPI cursor.

Every command of the engine runs the same dozen statements. SQLAlchemy's per-statement work (cache
key, execution context, result object) costs several times what SQLite itself spends on one of
them, so the hot path keeps a statement built with SQLAlchemy Core, lets SQLAlchemy compile it once
for each dialect (SQL text, parameter order, the column types' bind and result conversions), and
then runs it on the session connection's DBAPI cursor, inside the same transaction. SQLAlchemy's
``before_cursor_execute``/``after_cursor_execute`` events still fire (logging and statement counts
see these statements), and DBAPI errors are raised as SQLAlchemy's own exceptions
(``OperationalError``, ``IntegrityError``, …), so callers handle them as before.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None
Bind = Connection | Session
_HELD = "ravand.connection"


def connection_of(bind: Bind) -> Connection:
    """The connection a statement runs on: a session's is asked of SQLAlchemy once per transaction
    (``Session.connection()`` walks the session's transaction machinery on every call) and kept in
    the session's ``info`` with the transaction it belongs to."""
    if isinstance(bind, Connection):
        return bind
    transaction = bind.get_transaction()
    held = bind.info.get(_HELD)
    if held is not None and transaction is not None and held[0] is transaction:
        return held[1]
    connection = bind.connection()
    bind.info[_HELD] = (bind.get_transaction(), connection)
    return connection


class _Compiled:
    """One statement as one dialect runs it."""

    __slots__ = ("constants", "converters", "names", "positional", "results", "row", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params:
            raise TypeError("a prepared statement cannot hold an expanding IN list; write it with or_()")
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        self.names: Sequence[str] = tuple(compiled.positiontup or by_name)
        # values written into the statement itself (literals in a WHERE): fixed once
        self.constants = {name: bind.value for name, bind in by_name.items()
                          if not bind.required and bind.callable is None}
        processors = [by_name[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names]
        self.converters = [(index, process) for index, process in enumerate(processors) if process is not None]
        columns = getattr(statement, "selected_columns", None)
        if columns is None or not getattr(statement, "is_select", False):
            self.results: tuple[Processor, ...] = ()
            self.row = None
            return
        self.results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        self.row = namedtuple("Row", [c.key for c in columns], rename=True)

    def parameters(self, values: Mapping[str, Any]) -> Any:
        merged = {**self.constants, **values} if self.constants else values
        converted = [merged[name] for name in self.names]
        for index, process in self.converters:
            if converted[index] is not None:
                converted[index] = process(converted[index])
        return tuple(converted) if self.positional else dict(zip(self.names, converted))

    def rows(self, raw: Iterable[Sequence[Any]]) -> list[Any]:
        results, make = self.results, self.row
        return [make._make(value if process is None or value is None else process(value)
                           for process, value in zip(results, row)) for row in raw]


class Prepared:
    """A Core statement (built once, at import) and its compiled form for each dialect in use."""

    __slots__ = ("_compiled", "_lock", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(key, _Compiled(self.statement, dialect))
        return compiled

    def execute(self, bind: Bind, values: Mapping[str, Any] | None = None) -> int:
        """Run the statement once; the number of rows it changed."""
        connection = connection_of(bind)
        compiled = self._for(connection.dialect)
        return _run(connection, compiled, compiled.parameters(values or {}), many=False).rowcount

    def executemany(self, bind: Bind, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            connection = connection_of(bind)
            compiled = self._for(connection.dialect)
            _run(connection, compiled, [compiled.parameters(row) for row in rows], many=True)

    def all(self, bind: Bind, values: Mapping[str, Any] | None = None) -> list[Any]:
        """The rows of a SELECT, each a named tuple with the column types' conversions applied."""
        connection = connection_of(bind)
        compiled = self._for(connection.dialect)
        cursor = _run(connection, compiled, compiled.parameters(values or {}), many=False)
        return compiled.rows(cursor.fetchall())

    def first(self, bind: Bind, values: Mapping[str, Any] | None = None) -> Any | None:
        rows = self.all(bind, values)
        return rows[0] if rows else None

    def scalar(self, bind: Bind, values: Mapping[str, Any] | None = None) -> Any | None:
        row = self.first(bind, values)
        return None if row is None else row[0]


def _run(connection: Connection, compiled: _Compiled, parameters: Any, *, many: bool) -> Any:
    if not connection.in_transaction():
        connection.begin()  # as SQLAlchemy's autobegin would (on SQLite: BEGIN IMMEDIATE)
    return run_sql(connection, compiled.sql, parameters, many=many)


def run_sql(connection: Connection, sql: str, parameters: Any = (), *, many: bool = False) -> Any:
    """Run SQL text on the connection's DBAPI cursor as SQLAlchemy would: its cursor events fire and a
    DBAPI error is raised as SQLAlchemy's exception."""
    cursor = connection.connection.dbapi_connection.cursor()
    events = connection._has_events or connection.engine._has_events
    if events:
        for listener in connection.dispatch.before_cursor_execute:
            sql, parameters = listener(connection, cursor, sql, parameters, None, many)
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect, ismulti=many) from exc
    if events:
        connection.dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, many)
    return cursor
