"""Prepared statements on both databases: the column types' conversions both ways, SQLAlchemy's
exceptions and cursor events, one transaction with the session's own statements; deferred writes sent before
whatever comes next, and nothing committed when one of them fails."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from engine.store.models import HumanTask
from engine.store.prepared import Prepared, connection_of
from tests.engine import bpmn
from tests.engine.helpers import Harness

TASKS = HumanTask.__table__
INSERT = Prepared(insert(TASKS))
BY_ID = Prepared(select(TASKS.c.id, TASKS.c.candidate_groups, TASKS.c.due_at, TASKS.c.priority)
                 .where(TASKS.c.id == bindparam("id")))
OPEN_OF = Prepared(select(TASKS.c.id).where(TASKS.c.process_instance_id == bindparam("instance"),
                                            TASKS.c.state == "ready"))


def _row(instance_id: str, task_id: str, **values: object) -> dict[str, object]:
    now = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    row = dict(id=task_id, process_instance_id=instance_id, process_key="approval", business_key=None,
               element_id="review", name="Review", state="ready", candidate_groups=["sales", "فروش"],
               candidate_users=[], assignee=None, owner=None, priority=50, due_at=now, form_key=None,
               created_at=now, claimed_at=None, completed_at=None, completed_by=None)
    return {**row, **values}


@pytest.fixture
def instance_id(db):
    h = Harness(db)
    h.deploy(bpmn.approval_files())
    return h.start("approval").id


def test_values_go_in_and_come_back_as_their_column_types(db, instance_id):
    with db.sessions() as session:
        INSERT.executemany(session.connection(), [_row(instance_id, "t-1"), _row(instance_id, "t-2", state="done")])
        row = BY_ID.first(session.connection(), {"id": "t-1"})
        assert row.candidate_groups == ["sales", "فروش"]
        assert row.due_at == datetime(2026, 12, 6, 9, 30, tzinfo=UTC) and row.due_at.tzinfo is not None
        assert row.priority == 50
        assert BY_ID.first(session.connection(), {"id": "missing"}) is None
        found = {r.id for r in OPEN_OF.all(session.connection(), {"instance": instance_id})}
        assert "t-1" in found and "t-2" not in found  # the literal in the WHERE is bound once
        session.commit()
    with db.sessions() as session:  # committed with the session, read back through the ORM
        assert session.get(HumanTask, "t-1").candidate_groups == ["sales", "فروش"]


def test_database_errors_are_sqlalchemy_exceptions_and_the_transaction_rolls_back(db, instance_id):
    with db.sessions() as session:
        INSERT.execute(session.connection(), _row(instance_id, "t-1"))
        with pytest.raises(IntegrityError):
            INSERT.execute(session.connection(), _row(instance_id, "t-1"))
        session.rollback()
    with db.sessions() as session:
        assert session.get(HumanTask, "t-1") is None


def test_cursor_events_see_the_statements(db, instance_id):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with db.sessions() as session:
            BY_ID.first(session.connection(), {"id": "t-1"})
            INSERT.execute(session.connection(), _row(instance_id, "t-9"))
            session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert [s for s in seen if s != "BEGIN"] == ["SELECT", "INSERT"]


def test_an_expanding_in_list_is_refused_when_first_compiled(db):
    statement = Prepared(select(TASKS.c.id).where(TASKS.c.state.in_(("ready", "claimed"))))
    with db.sessions() as session, pytest.raises(TypeError, match="expanding IN"):
        statement.all(session.connection())


def _waiting(session) -> int:
    """How many deferred writes wait on the session's connection (none ever on SQLite: they run at once)."""
    return len(connection_of(session).info.get("ravand.deferred", ()))


def test_deferred_writes_go_before_the_next_statement_which_sees_them(db, instance_id):
    with db.sessions() as session:
        INSERT.defer(session, _row(instance_id, "t-1"))
        INSERT.defer_many(session, [_row(instance_id, "t-2"), _row(instance_id, "t-3")])
        assert _waiting(session) == (3 if db.dialect == "postgres" else 0)
        assert [row.id for row in OPEN_OF.all(session, {"instance": instance_id})
                if row.id.startswith("t-")] == ["t-1", "t-2", "t-3"]  # a prepared read sends them first
        assert _waiting(session) == 0
        INSERT.defer(session, _row(instance_id, "t-4"))
        assert session.scalar(select(TASKS.c.id).where(TASKS.c.id == "t-4")) == "t-4"  # and so does the session
        INSERT.defer(session, _row(instance_id, "t-5"))
        session.commit()  # and the commit
    with db.sessions() as session:
        assert BY_ID.scalar(session, {"id": "t-5"}) == "t-5"


def test_a_deferred_write_that_fails_commits_nothing(db, instance_id):
    with db.sessions() as session:
        INSERT.defer(session, _row(instance_id, "t-1"))
        with pytest.raises(IntegrityError):  # at once on SQLite; on PostgreSQL when sent, with the commit
            INSERT.defer(session, _row(instance_id, "t-1"))  # the same key twice
            session.commit()
        session.rollback()
    with db.sessions() as session:
        assert BY_ID.first(session, {"id": "t-1"}) is None


def test_a_rollback_drops_the_deferred_writes(db, instance_id):
    with db.sessions() as session:
        INSERT.defer(session, _row(instance_id, "t-1"))
        session.rollback()
        assert _waiting(session) == 0
        INSERT.defer(session, _row(instance_id, "t-2"))
        session.commit()
    with db.sessions() as session:
        assert [BY_ID.scalar(session, {"id": key}) for key in ("t-1", "t-2")] == [None, "t-2"]


def test_a_deferred_write_expecting_one_row_raises_stale_data_and_commits_nothing(db, instance_id):
    drop = Prepared(update(TASKS).where(TASKS.c.id == bindparam("id")).values(state="cancelled"))
    with db.sessions() as session:
        INSERT.defer(session, _row(instance_id, "t-1"))
        with pytest.raises(StaleDataError, match="gone"):
            drop.defer(session, {"id": "t-none"}, expect=1, stale="gone")
            session.commit()
        session.rollback()
    with db.sessions() as session:
        assert BY_ID.first(session, {"id": "t-1"}) is None
