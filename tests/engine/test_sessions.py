"""Command sessions: on SQLite they borrow a connection kept out of the pool and give it back on
close; on PostgreSQL they use the pool as any session does."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from engine.store import db
from engine.store.db import make_engine
from engine.store.sessions import IDLE, CommandSessions
from tests.conftest import POSTGRES_URL, postgres_available


@pytest.fixture
def sqlite_engine(tmp_path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)"))
    yield engine
    engine.dispose()


def _checkouts(engine: Engine) -> list[int]:
    count = [0]
    event.listen(engine.pool, "checkout", lambda *_args: count.__setitem__(0, count[0] + 1))
    return count


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM item")).scalar_one()


def test_one_connection_serves_one_command_after_another(sqlite_engine):
    sessions = CommandSessions(sqlite_engine, expire_on_commit=False)
    checkouts = _checkouts(sqlite_engine)
    for i in range(5):
        with sessions() as session:
            session.execute(text("INSERT INTO item (name) VALUES (:n)"), {"n": f"item {i}"})
            session.commit()
    assert checkouts[0] == 1
    assert _count(sqlite_engine) == 5


def test_a_session_closed_without_commit_leaves_nothing_and_lends_a_clean_connection(sqlite_engine):
    sessions = CommandSessions(sqlite_engine, expire_on_commit=False)
    with sessions() as session:
        session.execute(text("INSERT INTO item (name) VALUES ('lost')"))
        connection = session.connection()
    assert not connection.in_transaction()
    assert _count(sqlite_engine) == 0
    with sessions() as session:
        assert session.connection() is connection  # the same one, lent again
        session.execute(text("INSERT INTO item (name) VALUES ('kept')"))
        session.commit()
    assert _count(sqlite_engine) == 1


def test_sessions_open_at_once_never_share_a_connection_and_few_are_kept(sqlite_engine):
    sessions = CommandSessions(sqlite_engine, expire_on_commit=False)
    opened = [sessions() for _ in range(IDLE + 2)]  # (SQLite lets one of them write at a time)
    connections = {id(session.bind) for session in opened}
    assert len(connections) == IDLE + 2
    for session in opened:
        session.close()
    assert len(sessions._idle) == IDLE  # the others went back to the pool
    assert sqlite_engine.pool.checkedin() >= 2


def test_a_session_used_after_close_takes_its_connection_from_the_engine(sqlite_engine):
    sessions = CommandSessions(sqlite_engine, expire_on_commit=False)
    session = sessions()
    lent = session.connection()
    session.close()
    assert session.bind is sqlite_engine
    other = sessions()  # borrows the connection the first one gave back
    assert other.bind is lent
    assert session.connection() is not lent  # never two sessions on one connection
    session.close()
    other.close()


def test_an_invalidated_connection_is_not_lent_again(sqlite_engine):
    sessions = CommandSessions(sqlite_engine, expire_on_commit=False)
    with sessions() as session:
        broken = session.connection()
        broken.invalidate()
    with sessions() as session:
        assert session.connection() is not broken
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_disposing_the_engine_closes_the_kept_connections(sqlite_engine):
    sessions = CommandSessions(sqlite_engine, expire_on_commit=False)
    with sessions() as session:
        kept = session.connection()
    sqlite_engine.dispose()
    assert kept.closed
    assert sessions._idle == []


@pytest.mark.postgres
def test_postgres_sessions_take_their_connection_from_the_pool():
    if postgres_available():
        pytest.skip(postgres_available())
    engine = make_engine(POSTGRES_URL, pool_size=1)
    try:
        sessions = CommandSessions(engine, expire_on_commit=False)
        checkouts = _checkouts(engine)
        for _ in range(3):
            with sessions() as session:
                assert session.bind is engine
                assert session.execute(text("SELECT 1")).scalar_one() == 1
                session.commit()
        assert checkouts[0] == 3
    finally:
        engine.dispose()


def _backend(sessions: CommandSessions) -> int:
    with sessions() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


@pytest.mark.postgres
@pytest.mark.parametrize("idle_s", [0.0, 3600.0])
def test_a_connection_idle_a_while_is_checked_and_replaced_when_the_server_lost_it(monkeypatch, idle_s):
    """Past ``PING_AFTER_IDLE_S`` in the pool a connection is pinged when lent, and one the server dropped is
    replaced unseen; in steady use it is lent without that round trip, and a dropped one fails once."""
    if postgres_available():
        pytest.skip(postgres_available())
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", idle_s)
    engine, admin = make_engine(POSTGRES_URL, pool_size=1), make_engine(POSTGRES_URL, pool_size=1)
    sessions = CommandSessions(engine)
    try:
        lost = _backend(sessions)
        with admin.begin() as conn:  # the server drops the pooled connection, as a restart would
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
        if idle_s:
            with pytest.raises(OperationalError):
                _backend(sessions)
        assert _backend(sessions) != lost
    finally:
        engine.dispose()
        admin.dispose()
