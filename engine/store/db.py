"""Database connections: SQLite (WAL, one writer at a time) by default, PostgreSQL through one URL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from engine.store.checkpoint import BACKSTOP_PAGES, Checkpointer
from engine.store.prepared import defer_writes, run_sql
from engine.store.sessions import CommandSessions

READ_ONLY = "ravand_read_only"
PING_AFTER_IDLE_S = 5.0
_IDLE_SINCE = "ravand.idle_since"


def normalise_url(url: str) -> str:
    """Let ``postgresql://`` and ``postgres://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _prepare_sqlite(engine: Engine, path: str | None) -> None:
    checkpointer = Checkpointer(path) if path else None

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if checkpointer is not None:  # commits leave the log's copy to the checkpoint thread
            cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            checkpointer.ensure_running()
        cursor.close()

    if checkpointer is not None:
        event.listen(engine, "engine_disposed", lambda _engine: checkpointer.stop())

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Writers take the lock up front (IMMEDIATE): two writers queue instead of one failing
        # late with a stale snapshot. Read-only sessions begin deferred and never block anyone.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        run_sql(connection, "BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        on_disk = bool(parsed.database) and parsed.database != ":memory:"
        if on_disk:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _prepare_sqlite(engine, parsed.database if on_disk else None)
        return engine
    kwargs.setdefault("pool_size", 10)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    if engine.dialect.driver == "psycopg":
        defer_writes(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """A connection that waited in the pool longer than ``PING_AFTER_IDLE_S`` is checked before it is lent (a
    server that restarted, or a firewall that dropped it, is noticed then and the pool connects anew); one in
    steady use is lent without that round trip. A connection the server lost while in steady use fails its
    statement once, and SQLAlchemy then discards every connection of the pool made before the failure."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc


def make_session_factory(engine: Engine) -> CommandSessions:
    """Sessions for commands (see engine.store.sessions)."""
    return CommandSessions(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for queries: on SQLite they do not take the write lock; on PostgreSQL they run in
    autocommit, which spares each request its BEGIN and ROLLBACK round trips and sees what READ
    COMMITTED would (each statement its own snapshot). They must not write."""
    options: dict[str, Any] = {READ_ONLY: True}
    if is_postgres(engine):
        options["isolation_level"] = "AUTOCOMMIT"
    return sessionmaker(engine.execution_options(**options), expire_on_commit=False)


def is_postgres(bind: Any) -> bool:
    """Row locks with SKIP LOCKED and advisory locks exist only there."""
    return bind.dialect.name == "postgresql"
