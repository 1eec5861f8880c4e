"""The worker loop: fire due timers through the unit of work, up to ``group`` of them in one transaction (one
commit and one seal of the journal for the group, each timer still one command on its instance).

If any firing of a group fails, the group is undone and each of its timers fires again in a transaction of its
own, so a failure is counted against its own timer only: a timer whose firing fails is counted in a transaction
of its own; after ``max_failures`` in a row it stops and is an incident on its instance
(``timers.timer_failed``).

Any number of workers may run against PostgreSQL: due timers are taken under row locks with
SKIP LOCKED, so no two workers fire the same timer, and a worker killed mid-batch loses nothing
(its transaction rolls back and the timer is still due). On SQLite one worker runs, inside the
server process. APScheduler runs the loop every ``interval_s`` and earlier when the next timer is
due sooner; ``nudge()`` runs it at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import utcnow
from engine.errors import Conflict, EngineError
from engine.events import timers
from engine.facade import Engine
from engine.store.transactions import transaction

log = logging.getLogger("ravand.scheduler")
logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)  # "skipped: already running" after a nudge


GROUP = 10  # timers fired in one transaction: its row locks are held while the group fires


class TimerWorker:
    def __init__(self, engine: Engine, sessions: sessionmaker[Session], *, interval_s: float = 0.5,
                 batch: int = 50, group: int = GROUP, max_failures: int = timers.MAX_FAILURES) -> None:
        self.engine, self.sessions = engine, sessions
        self.interval_s, self.batch, self.group, self.max_failures = interval_s, batch, max(1, group), max_failures
        self._stop = threading.Event()
        self._job: Job | None = None
        self.fired = 0

    def nudge(self) -> None:
        """Run now rather than at the next tick (after a command created a timer due soon)."""
        if self._job is not None:
            self._job.modify(next_run_time=utcnow())

    def stop(self) -> None:
        self._stop.set()

    def run_once(self) -> int:
        """Fire every timer due now; returns how many fired."""
        fired = 0
        while not self._stop.is_set():
            now = utcnow()
            with self.sessions() as session:
                ids = timers.due_timers(session, now, self.batch, self.max_failures)
                session.rollback()  # only a peek: each timer is locked again in its own transaction
            if not ids:
                return fired
            for start in range(0, len(ids), self.group):
                if self._stop.is_set():
                    return fired
                fired += self._fire_group(ids[start:start + self.group])
            if len(ids) < self.batch:
                return fired
        return fired

    def _fire_group(self, ids: list[int]) -> int:
        """Fire the timers in one transaction; if one fails (or the group lost a race), each alone."""
        if len(ids) == 1:
            return self._fire(ids[0])
        try:
            done = transaction(self.sessions, lambda s: self.engine.fire_timers(s, ids, utcnow()))
        except Exception as exc:  # undone as a whole: a failure is then told apart from the timers that fire
            log.info("a group of %d timers fires one by one after: %s", len(ids), exc)
            return sum(self._fire(timer_id) for timer_id in ids)
        self.fired += done
        return done

    def _fire(self, timer_id: int) -> int:
        try:
            done = transaction(self.sessions, lambda s: self.engine.fire_timer(s, timer_id, utcnow()),
                                           retries=5)
        except Conflict as exc:  # lost races: another command kept changing the instance; not the timer's fault
            log.warning("timer %s could not fire: %s", timer_id, exc.detail)
            return 0
        except Exception as exc:  # a worker must outlive any single timer
            log.warning("timer %s failed: %s", timer_id, exc)
            self._failed(timer_id, exc)
            return 0
        self.fired += int(done)
        return int(done)

    def _failed(self, timer_id: int, exc: Exception) -> None:
        """The firing rolled back; its failure is counted in a transaction of its own."""
        message = exc.detail if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}"
        try:
            transaction(self.sessions, lambda s: timers.timer_failed(
                s, timer_id, message, utcnow(), self.max_failures), retries=5)
        except Exception:
            log.exception("timer %s: its failure could not be recorded", timer_id)

    def _tick(self) -> None:
        try:
            self.run_once()
            with self.sessions() as session:
                due = timers.next_timer_due(session, self.max_failures)
        except Exception:  # the database may be briefly away; the next tick tries again
            log.exception("timer worker poll failed")
            return
        if due is not None and self._job is not None and due < utcnow() + timedelta(seconds=self.interval_s):
            self._job.modify(next_run_time=max(due, utcnow()))

    def _schedule(self, scheduler: BaseScheduler) -> BaseScheduler:
        self._job = scheduler.add_job(self._tick, "interval", seconds=self.interval_s, max_instances=1,
                                      coalesce=True, next_run_time=utcnow(), id="ravand-timers")
        return scheduler

    def start_background(self, also: Callable[[BaseScheduler], object] | None = None) -> BackgroundScheduler:
        """Inside the server process (the embedded default); ``also`` adds more jobs to the same scheduler."""
        scheduler = self._schedule(BackgroundScheduler(timezone=UTC))
        if also is not None:
            also(scheduler)
        scheduler.start()
        return scheduler

    def run_blocking(self, also: Callable[[BaseScheduler], object] | None = None) -> None:
        """As its own process (``ravand worker``); returns when stopped."""
        scheduler = self._schedule(BlockingScheduler(timezone=UTC))
        if also is not None:
            also(scheduler)
        scheduler.start()
