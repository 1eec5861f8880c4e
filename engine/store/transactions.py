"""One command, one transaction: run it, commit, and when it lost a race to another transaction, run it again
up to ``retries`` times before answering Conflict.

A lost race is told by the database's error code, not its message: SQLSTATE 40001 (serialization failure)
and 40P01 (deadlock detected) from PostgreSQL, SQLITE_BUSY and SQLITE_LOCKED (with their extended codes) from
SQLite; and by SQLAlchemy's StaleDataError, the optimistic version check of a row another command changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict

T = TypeVar("T")
LOST_RACE_SQLSTATES = frozenset({"40001", "40P01"})
LOST_RACE_SQLITE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def transaction(sessions: sessionmaker[Session], command: Callable[[Session], T], *, retries: int = 0) -> T:
    """Run ``command`` in a transaction and commit; on a lost race retry up to ``retries`` times, then raise
    Conflict."""
    for attempt in range(retries + 1):
        with sessions() as session:
            try:
                result = command(session)
                session.commit()
                return result
            except (StaleDataError, OperationalError) as exc:
                session.rollback()
                if isinstance(exc, OperationalError) and not lost_race(exc):
                    raise
                if attempt == retries:
                    raise Conflict("another change to this process instance came first; try again") from exc
    raise AssertionError("unreachable")


def lost_race(exc: OperationalError) -> bool:
    """The transaction failed because another one held or changed what it needed."""
    original = exc.orig
    sqlstate = getattr(original, "sqlstate", None)  # psycopg
    if sqlstate is not None:
        return sqlstate in LOST_RACE_SQLSTATES
    code = getattr(original, "sqlite_errorcode", None)  # sqlite3 (the primary code is the low byte)
    return code is not None and code & 0xFF in LOST_RACE_SQLITE_CODES
