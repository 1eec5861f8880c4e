"""Timer figures: ``python -m bench.timers``.

(a) PostgreSQL, 2 ``ravand worker`` processes, N instances (default 10,000) whose timers fall due
    within the same minute: every timer fired exactly once (counted from the journal), and the
    lateness (fire time − due time) p50/p99.
(b) The embedded default (SQLite, the worker inside the process): lateness of single timers.
(c) PostgreSQL, BURST instances (default 1,500) whose timers all fall due at once, fired by 1, 2 and 4 workers
    (BENCH_TIMER_WORKERS): the workers' capacity, timers fired per second, and how it scales.
Ends with one line of JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from api.composition import MIGRATIONS
from engine import sandbox
from engine.clock import as_utc, utcnow
from engine.events.timer_worker import TimerWorker
from engine.facade import Engine
from engine.store.db import make_engine, make_session_factory
from engine.store.migrate import upgrade
from engine.store.models import JournalEntry, Timer
from engine.store.transactions import transaction
from tests.engine import bpmn

N = int(os.environ.get("BENCH_TIMERS", "10000"))
BURST = int(os.environ.get("BENCH_TIMER_BURST", "1500"))
WORKER_COUNTS = [int(n) for n in os.environ.get("BENCH_TIMER_WORKERS", "1,2,4").split(",")]
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BODY = (bpmn.start() + '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>due'
        '</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>' + bpmn.end()
        + bpmn.chain("start", "wait", "end"))
DIAGRAM = [("timers.bpmn", bpmn.diagram("timers", BODY))]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _lateness(sessions: object) -> list[float]:
    with sessions() as s:
        rows = s.execute(select(JournalEntry.at, JournalEntry.data).where(JournalEntry.kind == "timer.fired")).all()
    return [(as_utc(at) - datetime.fromisoformat(data["due_at"])).total_seconds() for at, data in rows]


def postgres_timers(n: int, spread_s: float, label: str, workers: int = 2) -> dict:
    """n instances whose timers fall due over ``spread_s`` seconds, fired by ``workers`` ``ravand worker``
    processes."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    database = make_engine(url)
    upgrade(database, MIGRATIONS)
    sessions, engine = make_session_factory(database), Engine()
    transaction(sessions, lambda s: engine.deploy(s, DIAGRAM, "bench"))
    began = time.perf_counter()
    window_start = utcnow() + timedelta(seconds=n / 60 + 15)  # after all are created
    for i in range(n):
        due = (window_start + timedelta(seconds=spread_s * i / n)).isoformat()
        transaction(sessions, lambda s, due=due: engine.start(s, "timers", None, {"due": due}, "bench"))
    created = time.perf_counter() - began
    print(f"{label} {n} instances created in {created:.0f} s; timers due within {spread_s:.0f} s from "
          f"{window_start:%H:%M:%S}")
    env = {**os.environ, "RAVAND_DATABASE_URL": url, "RAVAND_SCRIPT_ISOLATION": "false", "RAVAND_SECRET_KEY": "b"}
    count = workers
    processes = [subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--batch", "50"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    try:
        deadline = time.time() + n / 20 + 180
        while time.time() < deadline:
            with sessions() as s:
                if not s.scalar(select(func.count()).select_from(Timer)):
                    break
            time.sleep(1)
    finally:
        for process in processes:
            process.terminate()
            process.wait(20)
    late = _lateness(sessions)
    with sessions() as s:
        first, last = (as_utc(at) for at in s.execute(select(func.min(JournalEntry.at), func.max(JournalEntry.at))
                                                      .where(JournalEntry.kind == "timer.fired")).one())
        completed = s.scalar(select(func.count()).select_from(JournalEntry)
                             .where(JournalEntry.kind == "instance.completed"))
    database.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    # from the first due time to the last fire; a burst's capacity from the first fire to the last (the workers'
    # start, a second or two of imports, is not firing)
    busy_s = max((last - (first if spread_s == 0 else window_start)).total_seconds(), spread_s, 1e-3)
    result = {"workers": count, "timers": n, "fired": len(late), "completed": completed,
              "p50_s": round(_percentile(late, 0.5), 3),
              "p99_s": round(_percentile(late, 0.99), 3), "max_s": round(max(late), 3),
              "fired_per_s": round(len(late) / busy_s, 1)}
    print(f"    {count} worker(s) on PostgreSQL: fired {len(late)} of {n} (instances completed: {completed}), "
          f"{result['fired_per_s']}/s; lateness p50 {result['p50_s']} s, p99 {result['p99_s']} s, "
          f"max {result['max_s']} s")
    return result


def sqlite_single(samples: int = 15) -> dict:
    folder = tempfile.mkdtemp()
    database = make_engine(f"sqlite:///{folder}/t.sqlite")
    upgrade(database, MIGRATIONS)
    sessions, engine = make_session_factory(database), Engine()
    transaction(sessions, lambda s: engine.deploy(s, DIAGRAM, "bench"))
    worker = TimerWorker(engine, sessions, interval_s=0.5)
    scheduler = worker.start_background()
    for _ in range(samples):
        due = (utcnow() + timedelta(seconds=1)).isoformat()
        transaction(sessions, lambda s, due=due: engine.start(s, "timers", None, {"due": due}, "bench"))
        worker.nudge()  # as the API does after a command
        time.sleep(1.6)
    scheduler.shutdown()
    late = _lateness(sessions)
    result = {"samples": len(late), "p50_s": round(statistics.median(late), 3), "max_s": round(max(late), 3)}
    print(f"(b) SQLite, worker in the process: {len(late)} single timers, lateness median {result['p50_s']} s, "
          f"max {result['max_s']} s; target < 1 s")
    return result


def main() -> None:
    sandbox.DEFAULT.configure(isolate=False)
    out = {"sqlite_single": sqlite_single()}
    try:
        out["postgres_many"] = many = postgres_timers(N, 60, "(a)")
        print(f"    target p99 < 1 s: {'met' if many['p99_s'] < 1 else 'NOT met'}")
        out["postgres_burst"] = bursts = [postgres_timers(BURST, 0, "(c)", workers) for workers in WORKER_COUNTS]
        one = bursts[0]["fired_per_s"]
        print("    capacity by workers: " + ", ".join(
            f"{b['workers']}: {b['fired_per_s']}/s (×{b['fired_per_s'] / one:.2f})" for b in bursts))
    except Exception as exc:
        print(f"(a, c) skipped: PostgreSQL unreachable ({type(exc).__name__})")
        out["postgres_many"] = out["postgres_burst"] = None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
