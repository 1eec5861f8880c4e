"""What the list benches share: a PostgreSQL schema of their own, ``ravand serve`` on it over loopback, and a
first page's latency against the 100 ms budget a list's first page has.

``BENCH_SCHEMA=name`` measures a schema an earlier run kept (``BENCH_KEEP=1``) instead of filling a new one;
``BENCH_SERVER_LOG=path`` keeps the server's log.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text

import bench.api as api_bench
from api.app import create_app
from bench.api import _request
from engine.store.db import make_engine

POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BUDGET_MS = 100.0
PASSWORD = "bench-password"


@contextmanager
def schema() -> Iterator[tuple[str, bool]]:
    """A database URL on a schema of its own, and whether it was kept from an earlier run (then already
    filled); dropped afterwards unless kept (``BENCH_KEEP``) or reused."""
    reused = os.environ.get("BENCH_SCHEMA")
    name = reused or f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    if not reused:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{name}", bool(reused)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept schema {name}: BENCH_SCHEMA={name} measures it again")
        elif not reused:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def server_env(url: str) -> dict[str, str]:
    return {**os.environ, "RAVAND_DATABASE_URL": url, "RAVAND_SECRET_KEY": "bench", "RAVAND_SCRIPT_ISOLATION": "false",
            "RAVAND_SCHEDULER_ENABLED": "false"}


@contextmanager
def serving(url: str, port: int) -> Iterator[None]:
    """``ravand serve`` (one worker, two threads) on ``url`` until the block ends; ``bench.api``'s request
    helper then speaks to it."""
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "1",
                               "--threads", "2"], env=server_env(url), stdout=subprocess.DEVNULL, stderr=log)
    api_bench.BASE = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                if _request("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def token(username: str) -> str:
    return _request("POST", "/auth/token", body={"username": username, "password": PASSWORD})[1]["access_token"]


def first_page(path: str, token: str, times: int) -> dict:
    """Median and 95th percentile of ``times`` sequential GETs of ``path`` (after three to warm up), and the
    median as a share of the budget; the status instead when the answer is not 200."""
    for _ in range(3):
        _request("GET", path, token)
    latencies = []
    for _ in range(times):
        began = time.perf_counter()
        status, _body = _request("GET", path, token)
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200:
            return {"status": status}
    latencies.sort()
    p50 = statistics.median(latencies)
    return {"p50_ms": round(p50, 1), "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            "of_budget": round(p50 / BUDGET_MS, 2)}


def measure(asked: tuple[tuple[str, str], ...], token: str, times: int, prefix: str = "") -> dict[str, dict]:
    """``first_page`` of each (label, path), printed as it is measured."""
    figures = {}
    for label, path in asked:
        figures[label] = result = first_page(path, token, times)
        if "p50_ms" in result:
            print(f"{prefix}{label:34} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
                  f"{result['of_budget']:.2f} of the {BUDGET_MS:.0f} ms budget")
        else:
            print(f"{prefix}{label:34} answered {result['status']}")
    return figures


def signed_in(settings: Any, ravand: Any, username: str, password: str) -> tuple[Any, dict[str, str]]:
    """A test client of the app in this process, and the headers of ``username`` signed in."""
    client = create_app(settings, ravand).test_client()
    token = client.post("/api/v1/auth/token", json={"username": username, "password": password}).get_json()
    return client, {"Authorization": f"Bearer {token['access_token']}"}


def timed_gets(client: Any, path: str, query: Any, headers: dict[str, str], times: int) -> tuple[list[float], Any]:
    """``times`` GETs of ``path`` through the app in process: each one's milliseconds, and the last answer
    (every one must be a 200)."""
    took = []
    for _ in range(times):
        started = time.perf_counter()
        answer = client.get(path, query_string=query, headers=headers)
        took.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return took, answer
