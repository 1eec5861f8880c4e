"""A command's instance row (``engine.store.instances``): read once per transaction, written as one UPDATE of
the changed columns at the version read, and an ORM object of the same row kept in step."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm.exc import StaleDataError

from engine.records import RecordRef
from engine.store import instances, records
from engine.store.models import ProcessInstance


def _writes(db) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _k, statement, *_a: seen.append(statement.split()[0])
                 if statement.split()[0] in {"INSERT", "UPDATE", "DELETE"} else None)
    return seen


def test_a_transaction_holds_one_row_per_instance_and_forgets_it_at_its_end(db, stored):
    with db.sessions() as session:
        row = instances.read(session, "i-1")
        assert instances.read(session, "i-1") is row and row.version == 1 and row.variables == {"a": 1}
        session.commit()
        assert instances.read(session, "i-1") is not row  # the next transaction reads it again
    with db.sessions() as session:
        assert instances.read(session, "nobody") is None


def test_only_changed_columns_are_written_at_the_version_read(db, stored):
    seen = _writes(db)
    with db.sessions() as session:
        row = instances.read(session, "i-1")
        row.state = "running"  # as stored: nothing to write
        instances.write(session, row)
        row.state, row.variables = "completed", {"a": 2}
        instances.write(session, row)
        assert row.version == 2 and row.changed() == {}
        session.commit()
    assert seen == ["UPDATE"]
    with db.sessions() as session:
        stored_object = session.get(ProcessInstance, "i-1")
        assert (stored_object.state, stored_object.variables, stored_object.version) == ("completed", {"a": 2}, 2)


def test_a_row_another_command_changed_meanwhile_is_stale_and_nothing_is_written(db, stored):
    with db.sessions() as session:
        row = instances.read(session, "i-1")  # read at version 1
        session.rollback()
    with db.sessions() as other:
        other.execute(update(ProcessInstance).where(ProcessInstance.id == "i-1")
                      .values(state="cancelled", version=ProcessInstance.version + 1))
        other.commit()
    with db.sessions() as session:
        row.state = "completed"
        with pytest.raises(StaleDataError):  # at once on SQLite, when sent on PostgreSQL
            instances.write(session, row)
            session.commit()
        session.rollback()
    with db.sessions() as session:
        assert session.get(ProcessInstance, "i-1").state == "cancelled"


def test_an_orm_object_of_the_row_is_flushed_before_the_read_and_shows_what_is_written(db, stored):
    seen = _writes(db)
    with db.sessions() as session:
        orm_object = session.get(ProcessInstance, "i-1")
        orm_object.business_key = "BK-2"  # a pending change of the same row
        row = instances.read(session, "i-1")
        assert row.business_key == "BK-2" and row.version == 2  # flushed first, then taken as stored
        row.state = "completed"
        instances.write(session, row)
        assert (orm_object.state, orm_object.version) == ("completed", 3) and not session.dirty
        records.attach(session, "i-1", RecordRef("lead", "7", "Acme"))
        assert (row.record_type, row.record_title, orm_object.record_id) == ("lead", "Acme", "7")
        session.commit()
    assert seen == ["UPDATE", "UPDATE", "UPDATE"]  # the ORM's flush, the row's write, the record: none twice
