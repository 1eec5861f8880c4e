"""A lost race is told by the database's error code: SQLite's busy lock is one (retried, then Conflict), a
mistake in the SQL is not (raised as it is)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from engine.errors import Conflict
from engine.store.db import make_engine, make_session_factory
from engine.store.transactions import lost_race, transaction


def test_a_busy_database_is_a_lost_race_and_a_wrong_statement_is_not(tmp_path):
    path = tmp_path / "race.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda connection, _: connection.execute("PRAGMA busy_timeout=0"))
    sessions = make_session_factory(engine)
    transaction(sessions, lambda s: s.execute(text("CREATE TABLE t (x INTEGER)")))  # the database is in WAL mode
    holder = sqlite3.connect(path, isolation_level=None)
    calls = []

    def write(session):
        calls.append(1)
        session.execute(text("INSERT INTO t VALUES (1)"))

    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    with pytest.raises(Conflict):
        transaction(sessions, write, retries=2)
    holder.execute("ROLLBACK")
    holder.close()
    assert len(calls) == 3  # tried, then retried twice
    transaction(sessions, write)  # the lock is free again
    with pytest.raises(OperationalError) as raised:
        transaction(sessions, lambda s: s.execute(text("INSERT INTO no_such_table VALUES (1)")), retries=2)
    assert not lost_race(raised.value)
    engine.dispose()
