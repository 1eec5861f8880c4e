"""Statements that SQLAlchemy compiles once per dialect and Ravand runs on the DBAPI cursor.

Every command of the engine runs the same dozen statements. SQLAlchemy's per-statement work (cache
key, execution context, result object) costs several times what SQLite itself spends on one of
them, so the hot path keeps a statement built with SQLAlchemy Core, lets SQLAlchemy compile it once
for each dialect (SQL text, parameter order, the column types' bind and result conversions), and
then runs it on the session connection's DBAPI cursor, inside the same transaction. SQLAlchemy's
``before_cursor_execute``/``after_cursor_execute`` events still fire (logging and statement counts
see these statements), and DBAPI errors are raised as SQLAlchemy's own exceptions
(``OperationalError``, ``IntegrityError``, …), so callers handle them as before.

Writes whose result the command does not wait for (the rows a save stores) may be *deferred*: on PostgreSQL
they wait on the connection and go together, in one round trip, with whatever the connection sends next (a
read, any statement SQLAlchemy runs, the journal's lock and head, or the commit), through psycopg's pipeline
mode. Every statement the connection runs sends them first, so they are written in the order they were made
and every read sees them. On SQLite, which has no round trips, they run at once.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None
Bind = Connection | Session
_HELD = "ravand.connection"
_DEFERRED = "ravand.deferred"  # in Connection.info: the writes waiting to be sent, (sql, parameters, expect, stale)


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

    def defer(self, bind: Bind, values: Mapping[str, Any] | None = None, *, expect: int | None = None,
              stale: str = "") -> None:
        """Run the write with the connection's next round trip (see the module's description). With ``expect``,
        a write that changes another number of rows raises ``StaleDataError(stale)`` when it has run (another
        command changed or removed the row): on PostgreSQL at the next statement or the commit, which then
        does not happen."""
        connection = connection_of(bind)
        compiled = self._for(connection.dialect)
        parameters = compiled.parameters(values or {})
        if not pipelines(connection):
            _check(_run(connection, compiled, parameters, many=False).rowcount, expect, stale)
            return
        if not connection.in_transaction():
            connection.begin()
        connection.info.setdefault(_DEFERRED, []).append((compiled.sql, parameters, expect, stale))

    def defer_many(self, bind: Bind, rows: Sequence[Mapping[str, Any]]) -> None:
        """``defer`` for each of ``rows``."""
        if not rows:
            return
        connection = connection_of(bind)
        if not pipelines(connection):
            self.executemany(connection, rows)
            return
        compiled = self._for(connection.dialect)
        if not connection.in_transaction():
            connection.begin()
        connection.info.setdefault(_DEFERRED, []).extend(
            (compiled.sql, compiled.parameters(row), None, "") for row in rows)

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
    DBAPI error is raised as SQLAlchemy's exception. Deferred writes go first."""
    if _DEFERRED in connection.info:
        send_deferred(connection)
    cursor = connection.connection.dbapi_connection.cursor()
    dispatch = connection.dispatch  # the connection's listeners and its engine's
    for listener in dispatch.before_cursor_execute:
        sql, parameters = listener(connection, cursor, sql, parameters, None, many)
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect, ismulti=many) from exc
    dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, many)
    return cursor


def pipelines(connection: Connection) -> bool:
    """PostgreSQL through psycopg: writes can wait and go several in one round trip."""
    return connection.dialect.driver == "psycopg"


def _check(count: int, expect: int | None, stale: str) -> None:
    if expect is not None and count != expect:
        raise StaleDataError(stale or f"the write changed {count} rows, not {expect}")


def send_deferred(connection: Connection, then: Sequence[str] = (), *, commit: bool = False) -> list[Any]:
    """Send the connection's deferred writes, then the statements ``then`` (SQL without parameters), then with
    ``commit`` the COMMIT, in one round trip; the cursors of ``then``, their results received. An error is
    raised as SQLAlchemy's exception, a write's ``expect`` not met as ``StaleDataError``; either way nothing is
    committed (writes with an ``expect`` are sent and checked before a COMMIT is)."""
    writes = connection.info.pop(_DEFERRED, None) or []
    if commit and any(expect is not None for _, _, expect, _ in writes):
        _pipeline(connection, writes, (), commit=False)
        writes = []
    if not writes and not then and not commit:
        return []
    return _pipeline(connection, writes, then, commit=commit)


def _pipeline(connection: Connection, writes: list[tuple[str, Any, int | None, str]], then: Sequence[str], *,
              commit: bool) -> list[Any]:
    dbapi_connection = connection.connection.dbapi_connection
    dispatch = connection.dispatch
    statements = [(sql, parameters) for sql, parameters, _, _ in writes] + [(sql, None) for sql in then]
    sent: list[tuple[Any, str, Any]] = []
    sql, parameters = "COMMIT", None
    try:
        with dbapi_connection.pipeline():
            for sql, parameters in statements:
                cursor = dbapi_connection.cursor()
                for listener in dispatch.before_cursor_execute:
                    sql, parameters = listener(connection, cursor, sql, parameters, None, False)
                cursor.execute(sql, parameters)
                sent.append((cursor, sql, parameters))
            if commit:
                sql, parameters = "COMMIT", None
                dbapi_connection.commit()
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect) from exc
    for cursor, sql, parameters in sent:
        dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, False)
    for (cursor, _, _), (_, _, expect, stale) in zip(sent, writes, strict=False):
        _check(cursor.rowcount, expect, stale)
    return [cursor for cursor, _, _ in sent[len(writes):]]


def defer_writes(engine: Engine) -> None:
    """Let the engine's connections defer writes (PostgreSQL through psycopg): every statement SQLAlchemy runs
    sends them first, a commit sends them with its COMMIT, a rollback drops them."""

    def before_execute(connection: Connection, *_args: Any) -> None:
        if _DEFERRED in connection.info:
            send_deferred(connection)

    def on_commit(connection: Connection) -> None:  # before SQLAlchemy's own COMMIT, which then finds none to do
        if _DEFERRED in connection.info:
            send_deferred(connection, commit=True)

    def on_rollback(connection: Connection) -> None:
        if not connection.invalidated:  # an invalidated one lost its DBAPI connection, and what waited on it
            connection.info.pop(_DEFERRED, None)

    event.listen(engine, "before_execute", before_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
