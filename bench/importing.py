"""Customer import bench: rows per second and peak memory for a generated CSV and .xlsx of N rows
(``BENCH_IMPORT_ROWS``, default 100,000), on SQLite and on PostgreSQL when it answers.

Each figure comes from a child process of its own, so its peak RSS (``resource.getrusage``'s
high-water mark) is that run's alone: ``read`` streams the file through every check and counts the
rows (no database); ``import`` runs the whole job as ``ravand customers import`` does (count, then
batches of ``import_batch_rows`` rows, one transaction each) and also gives the longest batch, the
longest time one transaction held the write lock.

    .venv/bin/python -m bench.importing
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from engine.store.transactions import transaction

N = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
JOB_N = int(os.environ.get("BENCH_IMPORT_JOB_ROWS", str(N)))  # rows of the files the database runs import
POSTGRES_URL = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = ["نام", "شرکت", "موبایل", "ایمیل", "شهر", "وضعیت"]
CITIES = ["تهران", "اصفهان", "شیراز", "تبریز", "مشهد"]


def _row(i: int) -> list[Any]:
    mobile = "123" if i % 50 == 0 else f"0912{i:07d}"  # one row in 50 is rejected
    return [f"مشتری {i}", f"شرکت {i % 997}" if i % 3 == 0 else None, mobile, f"c{i}@example.com",
            CITIES[i % len(CITIES)], "بالقوه" if i % 2 else "بالفعل"]


def generate(folder: Path, n: int) -> tuple[Path, Path]:
    import csv

    from openpyxl import Workbook

    csv_path, xlsx_path = folder / f"customers-{n}.csv", folder / f"customers-{n}.xlsx"
    with open(csv_path, "w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow(["" if v is None else v for v in _row(i)])
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for i in range(n):
        sheet.append(_row(i))
    book.save(xlsx_path)
    return csv_path, xlsx_path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_read(path: str) -> dict[str, Any]:
    from crm.importing import count_rows

    before = _rss_mb()
    began = time.perf_counter()
    rows = count_rows(Path(path), None)
    seconds = time.perf_counter() - began
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "rss_before_mb": before,
            "peak_rss_mb": _rss_mb()}


def child_import(path: str, url: str) -> dict[str, Any]:
    from api.composition import build
    from api.imports import job_settings, run_job_here, runner_name
    from config import load_settings
    from crm import import_jobs
    from engine import sandbox

    ravand = build(load_settings(environ={}, database_url=url, script_isolation=False, scheduler_enabled=False),
                   migrate=True)
    sandbox.DEFAULT.configure(isolate=False)
    file = Path(path)
    content = file.read_bytes()
    runner = runner_name("bench")
    before = _rss_mb()
    batches: list[float] = []
    last = [time.perf_counter()]

    def on_batch(_progress: Any) -> None:
        now = time.perf_counter()
        batches.append(now - last[0])
        last[0] = now

    began = time.perf_counter()
    job_id = transaction(ravand.sessions, lambda s: import_jobs.submit(
        s, "bench", file.name, content, limits=job_settings(ravand).limits, runner=runner).id)
    ended = run_job_here(ravand, job_id, runner, on_batch)
    seconds = time.perf_counter() - began
    assert ended is not None and ended.state == "done", ended
    return {"rows": ended.rows_read, "imported": ended.imported, "rejected": ended.rejected, "seconds": seconds,
            "rows_per_s": ended.rows_read / seconds, "count_s": batches[0] if batches else None,
            "batch_rows": ravand.settings.import_batch_rows, "longest_batch_s": max(batches[1:], default=0.0),
            "rss_before_mb": before, "peak_rss_mb": _rss_mb()}


def _in_child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.importing", *args], capture_output=True, text=True,
                          check=False, cwd=Path(__file__).resolve().parents[1])
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_url() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.begin() as conn:
            schema = f"bench_import_{uuid.uuid4().hex[:8]}"
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    except Exception as exc:
        print(f"PostgreSQL skipped: {type(exc).__name__}")
        return None
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def _drop_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    schema = url.rsplit("%3D", 1)[1]
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def main() -> int:
    if len(sys.argv) > 1:  # a child: one measurement, one line of JSON
        mode, *args = sys.argv[1:]
        figures = child_read(*args) if mode == "read" else child_import(*args)
        print(json.dumps(figures))
        return 0
    print(f"Ravand import bench, Python {sys.version.split()[0]}, N={N}")
    figures: dict[str, Any] = {"n": N}
    with tempfile.TemporaryDirectory(prefix="ravand-import-bench-") as folder:
        csv_path, xlsx_path = generate(Path(folder), N)
        figures["csv_bytes"], figures["xlsx_bytes"] = csv_path.stat().st_size, xlsx_path.stat().st_size
        for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):
            read = _in_child("read", str(path))
            figures[f"read_{kind}_rows_per_s"], figures[f"read_{kind}_peak_rss_mb"] = \
                read["rows_per_s"], read["peak_rss_mb"]
            print(f"read {kind}: {read['rows_per_s']:,.0f} rows/s, peak RSS {read['peak_rss_mb']:.0f} MB "
                  f"(from {read['rss_before_mb']:.0f} MB)")
        if JOB_N != N:
            csv_path, xlsx_path = generate(Path(folder), JOB_N)
            figures["job_n"] = JOB_N
        names = os.environ.get("BENCH_IMPORT_DATABASES", "sqlite,postgresql").split(",")
        for name in names:
            for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):  # each run on an empty database
                url = f"sqlite:///{Path(folder) / f'bench-{kind}.sqlite'}" if name == "sqlite" else _postgres_url()
                if url is None:
                    break
                try:
                    run = _in_child("import", str(path), url)
                    key = f"{name}_{kind}"
                    figures.update({f"{key}_rows_per_s": run["rows_per_s"], f"{key}_peak_rss_mb": run["peak_rss_mb"],
                                    f"{key}_longest_batch_s": run["longest_batch_s"]})
                    print(f"import {kind} on {name}: {run['rows']:,} rows ({run['imported']:,} imported, "
                          f"{run['rejected']:,} rejected) in {run['seconds']:.0f} s = {run['rows_per_s']:,.0f} "
                          f"rows/s; peak RSS {run['peak_rss_mb']:.0f} MB (from {run['rss_before_mb']:.0f}); "
                          f"longest batch of {run['batch_rows']} rows {run['longest_batch_s']:.2f} s")
                finally:
                    if name == "postgresql":
                        _drop_postgres(url)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
