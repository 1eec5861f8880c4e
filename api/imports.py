"""Running customer import jobs (``crm.import_jobs``) from the composition root: a runner thread per
server process takes queued jobs one at a time and exits when none is left; the CLI runs its own
job in the foreground through ``run_job_here``.

At start (``start_runner``) a server looks for jobs left queued or running: a job whose runner was
killed is taken over and resumed after its last committed batch once its lease (``import_lease_s``
without a heartbeat) has lapsed; the thread waits for that moment, then resumes it."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from api.composition import Ravand, ravand_ctx
from crm import import_jobs
from crm.clock import utcnow
from crm.import_jobs import JobSettings, Progress
from crm.importing import Limits
from engine.store.transactions import transaction

log = logging.getLogger("ravand.imports")
T = TypeVar("T")
EXTENSION = "ravand.imports"


def job_settings(ravand: Ravand) -> JobSettings:
    s = ravand.settings
    limits = Limits(max_bytes=s.import_max_bytes, max_rows=s.import_max_rows,
                    max_unzipped_bytes=s.import_max_unzipped_bytes, max_zip_ratio=s.import_max_zip_ratio)
    return JobSettings(limits=limits, batch_rows=s.import_batch_rows, lease_s=s.import_lease_s)


def runner_name(kind: str = "server") -> str:
    """Who holds a job: host, process and a random part (a restarted process is another runner)."""
    return f"{kind}:{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _transaction(ravand: Ravand) -> Callable[[Callable[[Session], T]], T]:
    return lambda fn: transaction(ravand.sessions, fn, retries=3)


def run_job_here(ravand: Ravand, job_id: int, runner: str,
                 on_batch: Callable[[Progress], None] | None = None) -> Progress | None:
    """Run one job (already held by ``runner``) in this thread."""
    return import_jobs.run_job(job_id, runner, _transaction(ravand), ravand_ctx, job_settings(ravand), on_batch)


class ImportRunner:
    """Takes and runs jobs on one thread at a time; ``wake()`` after queueing a job."""

    def __init__(self, ravand: Ravand) -> None:
        self.ravand = ravand
        self.name = runner_name()
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def wake(self) -> None:
        with self._lock:
            self._again = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="ravand-imports", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def run_until_idle(self) -> int:
        """Run every job that can be taken now, in this thread; how many ran."""
        ran = 0
        settings = job_settings(self.ravand)
        transaction = _transaction(self.ravand)
        while not self._stop.is_set():
            job_id = transaction(lambda s: import_jobs.claim(s, self.name, settings.lease_s))
            if job_id is None:
                return ran
            run_job_here(self.ravand, job_id, self.name)
            ran += 1
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self._again = False
            try:
                self.run_until_idle()
                wait = self._held_elsewhere()
            except Exception:  # the database may be away: the next wake or start tries again
                log.exception("the import runner stopped")
                wait = None
            if wait is not None:
                self._stop.wait(wait)
                continue
            with self._lock:
                if not self._again:
                    self._thread = None
                    return

    def _held_elsewhere(self) -> float | None:
        """Seconds until a job running elsewhere may be taken over, if one is running."""
        lease_s = self.ravand.settings.import_lease_s
        with self.ravand.sessions() as session:
            until = import_jobs.held_until(session, lease_s)
            session.rollback()
        if until is None:
            return None
        return max(0.5, (until - utcnow()).total_seconds() + 0.5)


def runner(ravand: Ravand, extensions: dict) -> ImportRunner:
    found = extensions.get(EXTENSION)
    if found is None:
        found = extensions[EXTENSION] = ImportRunner(ravand)
    return found


def start_runner(ravand: Ravand, extensions: dict) -> ImportRunner:
    """At a server's start: resume what a previous process left (queued jobs, jobs whose runner died)."""
    found = runner(ravand, extensions)
    try:
        with ravand.read_sessions() as session:  # a read: a booting worker never waits for the write lock
            left = import_jobs.pending(session)
    except Exception:  # a database without the import tables yet, or away: nothing to resume now
        log.exception("could not look for import jobs to resume")
        return found
    if left:
        found.wake()
    return found
