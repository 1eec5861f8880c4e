"""The hot path's own writes: one statement per row, the session told the row is stored (an ORM object's, in
``engine.store.rows``), a stale version refused as the unit of work would refuse it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict
from engine.store import instances
from engine.store.instances import InstanceRow
from engine.store.models import ProcessInstance
from engine.store.rows import write_changes
from engine.tasks import TaskQuery
from tests.engine import bpmn
from tests.engine.helpers import Harness, instance_row


def _statements(db) -> list[str]:
    seen: list[str] = []
    def note(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE is sent as a statement
            seen.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", note)
    return seen


def test_an_inserted_row_is_stored_whole_and_read_without_a_query(db):
    h = Harness(db)
    [definition] = h.deploy(bpmn.approval_files())
    with db.sessions() as session:
        seen = _statements(db)
        instance = instance_row(definition.id)
        instances.add(session, instance)
        assert [instance.ended_at, instance.end_reason, instance.version] == [None, None, 1]
        assert instances.read(session, "i-1") is instance
        session.flush()
        session.commit()  # on PostgreSQL the INSERT waits for the next round trip: here the COMMIT's
        assert seen == ["INSERT"]  # nothing read back, nothing written twice
    with db.sessions() as session:
        stored = session.get(ProcessInstance, "i-1")
        assert (stored.version, stored.variables, stored.workflow_state) == (1, {"a": 1}, b"state")


def test_changes_go_in_one_update_that_bumps_the_version(db, stored):
    with db.sessions() as session:
        instance = session.get(ProcessInstance, "i-1")
        seen = _statements(db)
        instance.state, instance.variables, instance.waiting_events = "completed", {"a": 2}, 0
        write_changes(session, instance)
        assert not session.dirty
        session.flush()
        session.commit()
        assert seen == ["UPDATE"] and instance.version == 2
    with db.sessions() as session:
        stored = session.get(ProcessInstance, "i-1")
        assert (stored.state, stored.variables, stored.version) == ("completed", {"a": 2}, 2)


def test_a_value_set_back_to_what_is_stored_writes_nothing(db, stored):
    with db.sessions() as session:
        instance = session.get(ProcessInstance, "i-1")
        seen = _statements(db)
        instance.state, instance.variables = "running", {"a": 1}  # what the row holds already
        write_changes(session, instance)
        session.flush()
        assert seen == [] and instance.version == 1 and instance in session and not session.dirty
        instance.state = "failed"  # a change after a write with nothing in it is written as usual
        write_changes(session, instance)
        session.commit()
        assert seen == ["UPDATE"] and instance.version == 2


def test_a_stale_version_is_refused_and_changes_nothing(db, stored):
    with db.sessions() as session:
        instance = session.get(ProcessInstance, "i-1")
        session.expunge(instance)  # as one command read it
    with db.sessions() as other:  # another command stores the instance first
        other.execute(update(ProcessInstance).where(ProcessInstance.id == "i-1")
                      .values(state="failed", version=ProcessInstance.version + 1))
        other.commit()
    with db.sessions() as session:
        session.add(instance)  # still holding version 1
        instance.state = "completed"
        with pytest.raises(StaleDataError):  # at once on SQLite; on PostgreSQL when the write is sent
            write_changes(session, instance)
            session.commit()
        session.rollback()
    with db.sessions() as session:
        assert session.get(ProcessInstance, "i-1").state == "failed"


def test_a_lost_race_is_a_conflict_for_the_caller_and_loses_nothing(db):
    h = Harness(db)
    h.deploy(bpmn.approval_files())
    started = h.start("approval", "BK-9")
    with db.sessions() as session:
        instance = session.get(ProcessInstance, started.id)
        session.expunge(instance)  # as one command read it
    h(lambda s: s.execute(update(ProcessInstance).where(ProcessInstance.id == started.id)
                          .values(version=instance.version + 1)))  # another command stored it since

    def stale(session):
        session.add(instance)
        instance.state = "completed"
        write_changes(session, instance)

    with pytest.raises(Conflict):
        h(stale)
    assert h.instance(started.id).state == "running"


PARALLEL = bpmn.diagram("pair", "\n".join([
    bpmn.start(), bpmn.gateway("split", "parallel"), bpmn.user("left", candidateGroups="sales"),
    bpmn.user("right", candidateGroups="sales"), bpmn.gateway("join", "parallel"), bpmn.user("check"), bpmn.end(),
    bpmn.flow("start", "split"), bpmn.flow("split", "left"), bpmn.flow("split", "right"),
    bpmn.flow("left", "join"), bpmn.flow("right", "join"), bpmn.chain("join", "check", "end"),
]))


def test_completing_a_task_reads_it_with_its_instance_once_and_no_other_task_row(db):
    h = Harness(db)
    h.deploy([("pair.bpmn", PARALLEL)])
    instance = h.start("pair")
    left, right = h.open_tasks(instance.id)
    read: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("SELECT") and ("FROM human_task" in statement or "FROM process_instance" in statement):
            read.append(statement.split("WHERE")[1].strip())

    event.listen(db.engine, "before_cursor_execute", note)
    h.complete(left, {})
    assert len(read) == 1 and read[0].startswith("human_task.id = ")  # the task and its instance, in one read
    assert set(h.open_tasks(instance.id)) == {right}  # the other branch's row stays open, untouched
    read.clear()
    h.complete(right, {})
    assert len(read) == 1 and read[0].startswith("human_task.id = ")
    [check] = h.open_tasks(instance.id)
    assert check not in {left, right}
    states = h(lambda s: {t.id: t.state for t in h.engine.tasks(s, TaskQuery(process_instance=instance.id,
                                                                             state="all")).items})
    assert states == {left: "completed", right: "completed", check: "ready"}


def test_an_instance_row_has_the_columns_and_no_other_attribute():
    with pytest.raises(TypeError, match="no column 'stat'"):
        InstanceRow(stat="running")
    row = InstanceRow(id="i-9", state="running")
    assert (row.ended_at, row.version, row.stored) == (None, None, None)
    with pytest.raises(AttributeError):
        row.stat = "failed"  # a misspelt column is an error, not a silent attribute


WAITING = bpmn.diagram("waiting", "\n".join([
    bpmn.start(), '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"'
                  '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
    bpmn.end(), bpmn.chain("start", "wait", "end")]))


def test_a_waiting_instance_s_timer_rows_are_statements_not_objects_of_the_session(db):
    h = Harness(db)
    h.deploy([("waiting.bpmn", WAITING)])
    with db.sessions() as session:
        started = h.engine.start(session, "waiting", None, {}, "alice")
        assert not session.new  # nothing left for the ORM's flush to write
        session.commit()
    [timer] = h(lambda s: h.engine.timers(s, started.id))
    assert (timer.element_id, timer.retry) == ("wait", False)


def test_a_new_instance_that_waits_is_written_once(db):
    h = Harness(db)
    h.deploy([("waiting.bpmn", WAITING)])
    written: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda _c, _k, statement, *_a: written.append(
        " ".join(statement.split()[:3])) if "process_instance" in statement.split("(")[0] else None)
    started = h.start("waiting")
    assert [w for w in written if not w.startswith("SELECT")] == ["INSERT INTO process_instance"]
    assert h.instance(started.id).state == "running"
