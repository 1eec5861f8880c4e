"""Prepared statements on both databases: the column types' conversions both ways, SQLAlchemy's
exceptions and cursor events, one transaction with the session's own statements."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError

from engine.store.models import HumanTask
from engine.store.prepared import Prepared
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
