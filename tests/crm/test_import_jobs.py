"""Import jobs on both databases: batches are committed one by one (another connection sees them), a
failure midway keeps the committed batches, a job whose runner died is taken over and resumed after
its last committed row (nothing imported twice), every rejected row is kept with its number and why,
and a file over a limit fails the job before any row is written."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import import_jobs
from crm.import_jobs import JobSettings, Progress
from crm.importing import Limits
from crm.models import Customer, ImportJob, ImportUpload
from crm.unit import Ctx
from tests.conftest import Database


def _file(good: int, bad_every: int = 0) -> bytes:
    """``good`` rows with distinct mobiles; with ``bad_every`` every such row has a mobile too short."""
    lines = ["name,mobile"]
    for i in range(good):
        mobile = "123" if bad_every and i % bad_every == 0 else f"0912{i:07d}"
        lines.append(f"customer {i},{mobile}")
    return ("\n".join(lines) + "\n").encode()


class Jobs:
    def __init__(self, db: Database) -> None:
        self.db = db

    def transaction(self, fn: Callable[[Session], Any]) -> Any:
        with self.db.sessions() as session:
            result = fn(session)
            session.commit()
            return result

    def submit(self, content: bytes, runner: str | None = "r1", **kwargs: Any) -> int:
        return self.transaction(lambda s: import_jobs.submit(s, "alice", "people.csv", content, runner=runner,
                                                             **kwargs).id)

    def run(self, job_id: int, runner: str = "r1", batch: int = 100, limits: Limits | None = None,
            on_batch: Callable[[Progress], None] | None = None) -> Progress | None:
        settings = JobSettings(limits=limits or Limits(), batch_rows=batch)
        return import_jobs.run_job(job_id, runner, self.transaction, lambda s, actor: Ctx(s, actor), settings,
                                   on_batch)

    def job(self, job_id: int) -> ImportJob:
        with self.db.sessions() as session:
            job = session.get(ImportJob, job_id)
            session.expunge_all()
            return job

    def customers(self) -> int:
        with self.db.sessions() as session:  # another connection than the runner's
            return session.scalar(select(func.count()).select_from(Customer))


@pytest.fixture
def jobs(crm_db: Database) -> Jobs:
    return Jobs(crm_db)


def test_batches_are_committed_and_a_failure_midway_keeps_them(jobs: Jobs):
    job_id = jobs.submit(_file(1000))
    seen: list[tuple[int, int]] = []

    def after_batch(progress: Progress) -> None:
        seen.append((progress.rows_read, jobs.customers()))
        if progress.rows_read == 300:
            raise RuntimeError("the disk is full")

    ended = jobs.run(job_id, on_batch=after_batch)
    assert seen == [(0, 0), (100, 100), (200, 200), (300, 300)]  # the count, then each batch seen committed
    assert ended is not None and ended.state == "failed" and "RuntimeError: the disk is full" in ended.error
    job = jobs.job(job_id)
    assert (job.state, job.rows_total, job.rows_read, job.imported) == ("failed", 1000, 300, 300)
    assert jobs.customers() == 300 and job.finished_at is not None
    with jobs.db.sessions() as session:
        assert session.get(ImportUpload, job_id) is None  # the file goes with the job's end


def test_a_job_whose_runner_died_is_taken_over_and_resumed(jobs: Jobs):
    job_id = jobs.submit(_file(1000), on_duplicate="create")  # a row imported twice would be a second customer

    def killed(progress: Progress) -> None:
        if progress.rows_read == 200:
            raise KeyboardInterrupt  # the process ends here, between two batches

    with pytest.raises(KeyboardInterrupt):
        jobs.run(job_id, "r1", on_batch=killed)
    left = jobs.job(job_id)
    assert (left.state, left.runner, left.rows_read) == ("running", "r1", 200)
    assert jobs.transaction(lambda s: import_jobs.claim(s, "r2", lease_s=60)) is None  # r1's lease holds
    assert jobs.transaction(lambda s: import_jobs.claim(s, "r2", lease_s=0)) == job_id  # lapsed: taken over
    assert jobs.run(job_id, "r1") is None  # the old runner, back, writes nothing
    ended = jobs.run(job_id, "r2")
    assert ended is not None and (ended.state, ended.rows_read, ended.imported) == ("done", 1000, 1000)
    assert jobs.customers() == 1000


def test_running_a_file_again_skips_what_it_created(jobs: Jobs):
    content = _file(250, bad_every=50)
    first = jobs.run(jobs.submit(content))
    again = jobs.run(jobs.submit(content))
    assert first is not None and again is not None
    assert (first.imported, first.skipped, first.rejected) == (245, 0, 5)
    assert (again.imported, again.skipped, again.rejected) == (0, 245, 5)
    assert jobs.customers() == 245


def test_duplicates_within_the_file_in_one_batch_and_across_batches(jobs: Jobs):
    content = "\n".join(["name,mobile", "a,09120000001", "b,09120000002", "a again,09120000001",  # rows 2-4
                         "c,09120000003", "b,09120000009", "d,09120000003"]).encode()  # rows 5-7
    job_id = jobs.submit(content)
    ended = jobs.run(job_id, batch=3)
    assert ended is not None and (ended.imported, ended.skipped, ended.rejected) == (3, 3, 0)
    with jobs.db.sessions() as session:
        ids = {mobile: id_ for mobile, id_ in session.execute(select(Customer.mobile, Customer.id))}
        rows, total = import_jobs.report_rows(session, job_id, "skipped")
        assert total == 3 and [(r.row, r.duplicate_ids) for r in rows] == [
            (4, [ids["+989120000001"]]), (6, [ids["+989120000002"]]), (7, [ids["+989120000003"]])]
        assert rows[0].reason == f"looks like customer {ids['+989120000001']}"


def test_the_report_keeps_every_rejected_row_and_why(jobs: Jobs):
    job_id = jobs.submit(_file(1000, bad_every=4))
    ended = jobs.run(job_id, batch=64)
    assert ended is not None and (ended.imported, ended.rejected) == (750, 250)
    with jobs.db.sessions() as session:
        rows, total = import_jobs.report_rows(session, job_id, "rejected", limit=500)
        assert total == 250 and [r.row for r in rows] == list(range(2, 1002, 4))  # row 1 is the header
        assert all(list(r.errors) == ["mobile"] and r.reason.startswith("mobile: ") for r in rows)
        assert rows[0].data == {"person_name": "customer 0", "mobile": "123"}
        second, _ = import_jobs.report_rows(session, job_id, "rejected", limit=10, offset=240)
        assert [r.row for r in second] == list(range(962, 1002, 4))
        text = "".join(import_jobs.rejected_csv(session, job_id, batch=100))
    table = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(table) == 250 and table[1]["row"] == "6" and table[1]["mobile"] == "123"
    assert table[1]["reason"].startswith("mobile: ") and table[1]["person_name"] == "customer 4"
    fixed = text.replace(",123,", ",09350000000,", 1).encode()  # the downloaded file, one row fixed
    again = jobs.run(jobs.submit(fixed))
    assert again is not None and (again.imported, again.rejected) == (1, 249)


def test_a_file_over_the_row_limit_fails_before_any_row_is_written(jobs: Jobs):
    job_id = jobs.submit(_file(60))
    ended = jobs.run(job_id, limits=Limits(max_rows=50))
    assert ended is not None and ended.state == "failed" and "more than 50 rows" in (ended.error or "")
    assert jobs.customers() == 0 and jobs.job(job_id).rows_read == 0


def test_a_queued_job_is_taken_once(jobs: Jobs):
    job_id = jobs.submit(_file(3), runner=None)
    assert jobs.job(job_id).state == "queued"
    assert jobs.transaction(lambda s: import_jobs.claim(s, "a", lease_s=60)) == job_id
    assert jobs.transaction(lambda s: import_jobs.claim(s, "b", lease_s=60)) is None
    ended = jobs.run(job_id, "a")
    assert ended is not None and ended.state == "done" and jobs.job(job_id).started_at is not None
    assert jobs.transaction(lambda s: import_jobs.claim(s, "b", lease_s=0)) is None  # done is done
