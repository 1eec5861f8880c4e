"""When the demo "happened": the demo runs every step now, through the real processes, then moves the
timestamps that step wrote back to the moment the story says it happened (months ago, last week, an hour
ago), so that reports and dashboards have months of history and handling times that are not zero.

Only timestamps written during the step are moved: those of the CRM records and of the engine's process
instances, human tasks and task comments that lie between the step's start and end. Nothing else changes,
and the journal keeps the real time of every entry (it is append-only); each move is itself journaled as
``demo.time_moved``. A task's due moves with it when no timer of its instance keeps time (a lead call, a
reward review); where a timer would fire at the due (a complaint's SLA), the due stays, and the demo fires
such timers itself (``Engine.reschedule_timer``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Table, or_, select, update
from sqlalchemy.orm import Session

import crm.models
import engine.store.models
from api.composition import ravand_ctx
from engine.clock import utcnow
from engine.store.models import HumanTask, Timer

ENGINE_TABLES = ("process_instance", "human_task", "task_comment")
SKIPPED = ("list_entry", "import_job", "import_upload", "import_row")  # written by no demo step


def _stamps(table: Table) -> list[Column]:
    return [column for column in table.columns if isinstance(column.type, (crm.models.UtcDateTime,
                                                                           engine.store.models.UtcDateTime))]


def moved_tables() -> list[tuple[Table, list[Column]]]:
    """Every CRM table and the engine's instance and task tables, each with its timestamp columns."""
    tables = [table for table in crm.models.Base.metadata.sorted_tables if table.name not in SKIPPED]
    tables += [engine.store.models.Base.metadata.tables[name] for name in ENGINE_TABLES]
    return [(table, columns) for table in tables if (columns := _stamps(table))]


def move_written(session: Session, begin: datetime, end: datetime, delta: timedelta) -> int:
    """Move by ``delta`` every timestamp that lies in [begin, end]; returns how many values moved."""
    moved = 0
    for table, columns in moved_tables():
        key = next(iter(table.primary_key.columns))
        rows = session.execute(select(key, *columns).where(or_(*(c.between(begin, end) for c in columns)))).all()
        for row_key, *values in rows:
            changes = {c.name: v + delta for c, v in zip(columns, values, strict=True)
                       if v is not None and begin <= v <= end}
            session.execute(update(table).where(key == row_key).values(changes))
            moved += len(changes)
    return moved + _move_dues(session, begin + delta, end + delta, delta)


def _move_dues(session: Session, begin: datetime, end: datetime, delta: timedelta) -> int:
    """Open tasks created in the (already moved) window keep their time to the due, unless a timer of their
    instance keeps time."""
    timed = select(Timer.process_instance_id).where(Timer.process_instance_id.is_not(None))
    tasks = session.execute(select(HumanTask.id, HumanTask.due_at).where(
        HumanTask.created_at.between(begin, end), HumanTask.due_at.is_not(None),
        HumanTask.state.in_(("ready", "claimed")), HumanTask.process_instance_id.not_in(timed))).all()
    for task_id, due in tasks:
        session.execute(update(HumanTask).where(HumanTask.id == task_id).values(due_at=due + delta))
    return len(tasks)


class DemoClock:
    """Moments of the demo's stories (local time) and the step that moves what a step wrote."""

    def __init__(self, sessions: object, zone: str = "Asia/Tehran", now: datetime | None = None) -> None:
        self.sessions, self.zone = sessions, ZoneInfo(zone)
        self.now = now or utcnow()

    def ago(self, days: float, at: str = "10:00") -> datetime:
        """``days`` before today at the local time ``at``, never later than a few minutes ago. Stories keep
        the order of their steps: a later step is never given an earlier day or hour."""
        day = (self.now.astimezone(self.zone) - timedelta(days=days)).date()
        hour, minute = (int(part) for part in at.split(":"))
        moment = datetime.combine(day, time(hour, minute), self.zone)
        return min(moment, self.now - timedelta(minutes=5))

    @contextmanager
    def happened(self, moment: datetime) -> Iterator[None]:
        """Run the block now; then what it wrote is moved to ``moment``."""
        begin = utcnow()
        yield
        end = utcnow()
        with self.sessions() as session:  # type: ignore[operator]
            moved = move_written(session, begin, end, moment - begin)
            ravand_ctx(session, "demo").record("demo.time_moved", to=moment.isoformat(), ran_from=begin.isoformat(),
                                               ran_to=end.isoformat(), values=moved)
            session.commit()
