"""Customer imports as jobs: the file is stored with a job row, a runner takes the job and imports its
rows in batches, one committed transaction each, and every rejected or skipped row is kept in the
job's report with its row number and why.

A batch's transaction also moves the job's ``rows_read`` on and renews the runner's ``heartbeat_at``,
so what the job says it has done is exactly what is committed. A runner that dies (a killed server)
leaves its job ``running`` with a heartbeat that stops; once that heartbeat is older than the lease,
any runner takes the job over and goes on after the last committed row: no row is imported twice and
none is lost, whatever ``on_duplicate`` says. Running a whole file again is harmless with the default
``on_duplicate="skip"``: the customers it created are found as duplicates and skipped."""

from __future__ import annotations

import csv
import io
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.errors import CrmError, RecordConflict
from crm.importing import (
    ALIASES,
    Limits,
    RowProblem,
    check_on_duplicate,
    check_upload,
    count_rows,
    import_batch,
    read_rows,
)
from crm.models import ImportJob, ImportRow, ImportUpload
from crm.text import defuse_formula
from crm.unit import Ctx
from crm.validation import fetch, page

log = logging.getLogger("ravand.imports")
T = TypeVar("T")
Transaction = Callable[[Callable[[Session], T]], T]  # runs the function in a transaction and commits
CtxOf = Callable[[Session, str | None], Ctx]  # the CRM context of a session for an actor
OUTCOMES = ("rejected", "skipped")
STATES = ("queued", "running", "done", "failed")
REPORT_COLUMNS = ("row", "reason", *ALIASES)


@dataclass(frozen=True)
class JobSettings:
    limits: Limits = field(default_factory=Limits)
    batch_rows: int = 100
    lease_s: float = 60.0


class LostJob(CrmError):
    """Another runner took the job over (this one was silent past the lease): stop without writing."""


# -- submitting and reading jobs ----------------------------------------------------------------------------


def submit(session: Session, actor: str | None, file_name: str, content: bytes, *, on_duplicate: str = "skip",
           limits: Limits | None = None, runner: str | None = None) -> ImportJob:
    """Store the file and queue a job for it, after the checks that need no parsing (``check_upload``);
    with ``runner`` the job is taken at once by that runner (the CLI runs its own job)."""
    check_on_duplicate(on_duplicate)
    kind = check_upload(content, file_name, limits)
    now = utcnow()
    job = ImportJob(created_by=actor, file_name=file_name[-255:], kind=kind, on_duplicate=on_duplicate,
                    state="queued", rows_read=0, imported=0, skipped=0, rejected=0, created_at=now)
    if runner is not None:
        job.state, job.runner, job.heartbeat_at, job.started_at = "running", runner, now, now
    session.add(job)
    session.flush()
    session.add(ImportUpload(job_id=job.id, content=content))
    session.flush()
    return job


def get_job(session: Session, job_id: int) -> ImportJob:
    return fetch(session, ImportJob, job_id, "import job")


def list_jobs(session: Session, limit: int = 50, offset: int = 0) -> tuple[list[ImportJob], int]:
    return page(session, select(ImportJob).order_by(ImportJob.id.desc()), limit, offset)


def report_rows(session: Session, job_id: int, outcome: str = "rejected", limit: int = 50,
                offset: int = 0) -> tuple[list[ImportRow], int]:
    """A page of the job's rejected (or skipped) rows, in the file's order."""
    get_job(session, job_id)
    query = select(ImportRow).where(ImportRow.job_id == job_id, ImportRow.outcome == outcome)
    return page(session, query.order_by(ImportRow.row), limit, offset)


def rejected_csv(session: Session, job_id: int, batch: int = 1000) -> Iterator[str]:
    """The job's rejected rows as CSV (UTF-8 with BOM): the row number, why, then the row's fields under
    the headers the import reads, so the file can be fixed and imported again."""
    get_job(session, job_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REPORT_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    last = 0
    while True:
        rows = session.scalars(select(ImportRow).where(
            ImportRow.job_id == job_id, ImportRow.outcome == "rejected", ImportRow.row > last)
            .order_by(ImportRow.row).limit(batch)).all()
        for row in rows:
            writer.writerow([row.row, defuse_formula(row.reason),
                             *(defuse_formula(row.data.get(name)) for name in ALIASES)])
        if rows:
            yield _drain(buffer)
        if len(rows) < batch:
            return
        last = rows[-1].row
        session.expunge_all()


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# -- taking jobs -------------------------------------------------------------------------------------------


def _takeable(now: datetime, lease_s: float) -> Any:
    stale = now - timedelta(seconds=lease_s)
    silent = or_(ImportJob.heartbeat_at.is_(None), ImportJob.heartbeat_at < stale)
    return or_(ImportJob.state == "queued", and_(ImportJob.state == "running", silent))


def claim(session: Session, runner: str, lease_s: float) -> int | None:
    """Take the oldest queued job, or a running one whose runner has been silent past the lease; a
    conditional update, so two runners never take the same job."""
    now = utcnow()
    candidates = session.scalars(select(ImportJob.id).where(_takeable(now, lease_s)).order_by(ImportJob.id)
                                 .limit(5)).all()
    for job_id in candidates:
        taken = session.execute(update(ImportJob).where(ImportJob.id == job_id, _takeable(now, lease_s))
                                .values(state="running", runner=runner, heartbeat_at=now)
                                .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            job = session.get(ImportJob, job_id, populate_existing=True)
            if job is not None and job.started_at is None:
                job.started_at = now
            return job_id
    return None


def held_until(session: Session, lease_s: float) -> datetime | None:
    """When the earliest lease of a job running elsewhere lapses (None: no job is running)."""
    beat = session.scalar(select(func.min(ImportJob.heartbeat_at)).where(ImportJob.state == "running"))
    return None if beat is None else beat + timedelta(seconds=lease_s)


def pending(session: Session) -> bool:
    return session.scalar(select(func.count()).where(ImportJob.state.in_(("queued", "running")))) > 0


# -- running a job -----------------------------------------------------------------------------------------


@dataclass
class Progress:
    job_id: int
    state: str
    rows_total: int | None
    rows_read: int
    imported: int
    skipped: int
    rejected: int
    error: str | None = None

    @classmethod
    def of(cls, job: ImportJob) -> Progress:
        return cls(job.id, job.state, job.rows_total, job.rows_read, job.imported, job.skipped, job.rejected,
                   job.error)


@dataclass
class _Work:
    file_name: str
    on_duplicate: str
    actor: str | None
    rows_read: int
    rows_total: int | None
    content: bytes


def _owned(session: Session, job_id: int, runner: str) -> ImportJob:
    """The job, its row locked for this transaction, if this runner still holds it."""
    job = fetch(session, ImportJob, job_id, "import job", lock=True)
    if job.state != "running" or job.runner != runner:
        raise LostJob(f"import job {job_id} was taken over")
    job.heartbeat_at = utcnow()
    return job


def _work(session: Session, job_id: int, runner: str) -> _Work:
    job = _owned(session, job_id, runner)
    upload = session.get(ImportUpload, job_id)
    if upload is None:
        raise RecordConflict(f"import job {job_id} has no file left")
    return _Work(job.file_name, job.on_duplicate, job.created_by, job.rows_read, job.rows_total,
                 bytes(upload.content))


def _set_total(session: Session, job_id: int, runner: str, total: int) -> Progress:
    job = _owned(session, job_id, runner)
    job.rows_total = total
    return Progress.of(job)


def _import_batch(session: Session, ctx_of: CtxOf, job_id: int, runner: str, on_duplicate: str,
                  batch: list[tuple[int, dict[str, Any]]]) -> Progress:
    job = _owned(session, job_id, runner)
    ctx = ctx_of(session, job.created_by)
    for (_, data), (outcome, problem, _) in zip(batch, import_batch(ctx, batch, on_duplicate), strict=True):
        if outcome == "created":
            job.imported += 1
        else:
            _keep(session, job, outcome, problem, data)
    job.rows_read += len(batch)
    session.flush()
    return Progress.of(job)


def _keep(session: Session, job: ImportJob, outcome: str, problem: RowProblem | None, data: dict[str, Any]) -> None:
    if problem is None:
        return
    if outcome == "skipped":
        job.skipped += 1
    else:
        job.rejected += 1
    session.add(ImportRow(job_id=job.id, row=problem.row, outcome=outcome, reason=problem.reason,
                          errors=problem.errors, duplicate_ids=problem.duplicate_ids, data=dict(data)))


def _finish(session: Session, job_id: int, runner: str, error: str | None, seconds: float) -> Progress:
    job = _owned(session, job_id, runner)
    job.state = "failed" if error else "done"
    job.error = error
    job.finished_at = utcnow()
    if not error:
        job.rows_total = job.rows_read
    job.report = {"seconds": round(seconds, 3),
                  "rows_per_s": round(job.rows_read / seconds, 1) if seconds > 0 else None}
    session.execute(delete(ImportUpload).where(ImportUpload.job_id == job_id))
    return Progress.of(job)


def _batches(rows: Iterable[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def run_job(job_id: int, runner: str, transaction: Transaction, ctx_of: CtxOf, settings: JobSettings,
            on_batch: Callable[[Progress], None] | None = None) -> Progress | None:
    """Import the job's rows from where it stands, a batch per transaction; ``on_batch`` after each commit.
    A file over a limit or unreadable fails the job with the reason (the checks of ``count_rows`` run
    before the first row is imported); an unexpected error fails it too, after the committed batches.
    None when another runner took the job over meanwhile."""
    began = time.monotonic()
    try:
        work = transaction(lambda s: _work(s, job_id, runner))
        limits = settings.limits
        if work.rows_total is None:
            total = count_rows(work.content, work.file_name, limits)
            progress = transaction(lambda s: _set_total(s, job_id, runner, total))
            if on_batch is not None:
                on_batch(progress)
        rows = read_rows(work.content, work.file_name, limits, skip=work.rows_read)
        for batch in _batches(rows, settings.batch_rows):
            progress = transaction(lambda s, b=batch: _import_batch(s, ctx_of, job_id, runner, work.on_duplicate, b))
            if on_batch is not None:
                on_batch(progress)
        error = None
    except LostJob:
        log.warning("import job %s was taken over by another runner", job_id)
        return None
    except CrmError as exc:
        error = exc.message
    except Exception as exc:  # the job ends with the reason; the committed batches stay
        log.exception("import job %s failed", job_id)
        error = f"stopped by an unexpected error ({type(exc).__name__}: {exc})"[:2000]
    return transaction(lambda s: _finish(s, job_id, runner, error, time.monotonic() - began))
