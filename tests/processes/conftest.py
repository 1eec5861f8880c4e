"""The CRM processes on the real engine with their real handlers, on each database: a harness
that deploys a process, starts it, works its tasks as the right people, and moves time forward."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import processes
from crm.unit import Ctx
from engine.clock import utcnow
from engine.events.timer_worker import TimerWorker
from engine.facade import Engine
from engine.runtime.services import HandlerRegistry
from engine.store.models import HumanTask, JournalEntry, Timer
from engine.store.transactions import transaction
from engine.views import Actor
from tests.conftest import Database

PEOPLE = {
    "sara": Actor("sara", frozenset({"sales", "sales-enterprise"})),
    "reza": Actor("reza", frozenset({"sales", "sales-regions"})),
    "maryam": Actor("maryam", frozenset({"support-1"})),
    "omid": Actor("omid", frozenset({"support-2", "managers"})),
    "nima": Actor("nima", frozenset({"finance", "legal"})),
    "mina": Actor("mina", frozenset({"managers"})),
}


class Flow:
    """One process under test. Every call is its own committed transaction, so state is saved and
    restored between steps exactly as in production."""

    def __init__(self, db: Database, settings: dict[str, Any] | None = None) -> None:
        self.db = db
        self.engine = Engine(processes.register(HandlerRegistry()), settings=settings or {"locale": "fa"})
        self.timers = TimerWorker(self.engine, db.sessions)

    def __call__(self, command: Any) -> Any:
        return transaction(self.db.sessions, command)

    def deploy(self, *keys: str) -> None:
        files = [item for key in keys for item in processes.files(key)]
        self(lambda s: self.engine.deploy(s, files, "designer"))

    def start(self, key: str, variables: dict[str, Any], business_key: str | None = None,
              actor: str = "sara") -> Any:
        return self(lambda s: self.engine.start(s, key, business_key, variables, actor))

    def instance(self, instance_id: str) -> Any:
        return self(lambda s: self.engine.instance(s, instance_id))

    def open_task(self, instance_id: str, element_id: str) -> HumanTask:
        with self.db.sessions() as s:
            task = s.scalars(select(HumanTask).where(
                HumanTask.process_instance_id == instance_id, HumanTask.element_id == element_id,
                HumanTask.state.in_(("ready", "claimed")))).first()
            assert task is not None, f"no open task {element_id!r}; open: {self.open_elements(instance_id)}"
            s.expunge(task)
            return task

    def open_elements(self, instance_id: str) -> list[str]:
        with self.db.sessions() as s:
            return sorted(s.scalars(select(HumanTask.element_id).where(
                HumanTask.process_instance_id == instance_id, HumanTask.state.in_(("ready", "claimed")))))

    def work(self, instance_id: str, element_id: str, who: str, data: dict[str, Any]) -> Any:
        """``who`` claims the open task at ``element_id`` and completes it with ``data``."""
        task = self.open_task(instance_id, element_id)
        actor = PEOPLE[who]
        if task.assignee != actor.name:
            self(lambda s: self.engine.claim(s, task.id, actor))
        return self(lambda s: self.engine.complete(s, task.id, data, actor))

    def later(self, instance_id: str, **delta: float) -> int:
        """Bring each of the instance's timers ``delta`` closer (as an operator can); returns how many fired.
        A timer that fires may replace the others, so they are read again after each move."""
        before = len(self.journal("timer.fired", instance_id))
        waiting = {t.element_id for t in self(lambda s: self.engine.timers(s, instance_id)) if not t.retry}
        moved: set[str] = set()
        while True:
            pending = [t for t in self(lambda s: self.engine.timers(s, instance_id))
                       if t.element_id in waiting - moved]
            if not pending:
                break
            timer = pending[0]
            moved.add(timer.element_id)
            due = timer.due_at - timedelta(**delta)
            self(lambda s, t=timer.id, d=due: self.engine.reschedule_timer(s, t, d, "operator"))
        self.timers.run_once()
        return len(self.journal("timer.fired", instance_id)) - before

    def due(self, instance_id: str) -> list[Any]:
        with self.db.sessions() as s:
            return sorted(s.scalars(select(Timer.due_at).where(Timer.process_instance_id == instance_id)))

    def records(self, fn: Any) -> Any:
        """Read CRM records: ``fn(session)`` in a session that is then closed."""
        with self.db.sessions() as s:
            return fn(s)

    def write(self, fn: Any) -> Any:
        """Change CRM records outside any process (as the API does), committed."""
        with self.db.sessions() as s:
            result = fn(Ctx(s, "tester"))
            s.commit()
            return result

    def journal(self, kind: str, instance_id: str | None = None) -> list[JournalEntry]:
        with self.db.sessions() as s:
            stmt = select(JournalEntry).where(JournalEntry.kind == kind)
            if instance_id:
                stmt = stmt.where(JournalEntry.process_instance_id == instance_id)
            return list(s.scalars(stmt.order_by(JournalEntry.seq)))


@pytest.fixture
def flow(crm_db: Database) -> Iterator[Flow]:
    yield Flow(crm_db)


def now_plus(**delta: float) -> Any:
    return utcnow() + timedelta(**delta)
