"""API figures: ``python -m bench.api`` against ``ravand serve`` on PostgreSQL over loopback.

Fills ``human_task`` with a million rows (BENCH_TASK_ROWS; 5% open, spread over 20 groups), then
measures requests/s and p50/p95 latency of ``GET /api/v1/tasks?candidate=me`` and of a whole
instance driven over HTTP (start, list, claim, complete). The load generator is a pool of threads
in this process; the server runs in its own processes (gunicorn). Ends with one line of JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable

from sqlalchemy import text

from api.composition import build
from api.identity.service import create_user
from config import load_settings
from engine.store.db import make_engine
from engine.store.transactions import transaction
from tests.engine import bpmn

ROWS = int(os.environ.get("BENCH_TASK_ROWS", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
PORT = int(os.environ.get("BENCH_PORT", "8791"))
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BASE = f"http://127.0.0.1:{PORT}/api/v1"

FILL = """
INSERT INTO process_instance (id, definition_id, process_key, business_key, state, started_by, started_at,
  updated_at, variables, active_elements, element_counts, waiting_events, workflow_state, version)
VALUES ('bulk', :definition, 'approval', NULL, 'running', 'bench', now(), now(), '{}', '[]', '{}', 0, '', 1);
INSERT INTO human_task (id, process_instance_id, process_key, business_key, element_id, name, state,
  candidate_groups, candidate_users, priority, created_at, completed_at)
SELECT 'bulk-' || g, 'bulk', 'approval', 'BK-' || (g % 50000), 'review', 'Review',
  CASE WHEN g % 20 = 0 THEN 'ready' ELSE 'completed' END,
  json_build_array('group-' || (g % 20)), '[]', 50, now() - (g || ' seconds')::interval,
  CASE WHEN g % 20 = 0 THEN NULL ELSE now() END
FROM generate_series(1, :rows) AS g;
INSERT INTO task_candidate (task_id, kind, name)
SELECT 'bulk-' || g, 'group', 'group-' || (g % 20) FROM generate_series(1, :rows) AS g WHERE g % 20 = 0;
ANALYZE;
"""


def _request(method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def _load(action: Callable[[], None]) -> dict:
    latencies: list[float] = []
    lock, stop = threading.Lock(), time.time() + SECONDS

    def run() -> None:
        while time.time() < stop:
            began = time.perf_counter()
            action()
            with lock:
                latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"requests": len(latencies), "per_s": round(len(latencies) / SECONDS, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[int(0.95 * len(latencies))] * 1000, 1)}


def prepare(url: str) -> None:
    settings = load_settings(environ={}, database_url=url, secret_key="bench", script_isolation=False,
                             scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    files = bpmn.approval_files()
    deployed = transaction(ravand.sessions, lambda s: ravand.engine.deploy(s, files, "bench"))
    with ravand.sessions() as s:
        create_user(s, "worker", "bench-password", "employee", ["sales", "group-3"])
        s.commit()
    began = time.perf_counter()
    with ravand.database.begin() as conn:
        for statement in filter(str.strip, FILL.split(";")):
            conn.execute(text(statement), {"definition": deployed[0].id, "rows": ROWS})
    print(f"{ROWS} task rows written in {time.perf_counter() - began:.0f} s")
    ravand.database.dispose()


def main() -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    server = None
    try:
        prepare(url)
        env = {**os.environ, "RAVAND_DATABASE_URL": url, "RAVAND_SECRET_KEY": "bench",
               "RAVAND_SCRIPT_ISOLATION": "false", "RAVAND_SCHEDULER_ENABLED": "false"}
        server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(PORT), "--workers", "2",
                                   "--threads", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if _request("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        token = _request("POST", "/auth/token", body={"username": "worker", "password": "bench-password"})[1][
            "access_token"]
        listing = _load(lambda: _request("GET", "/tasks?candidate=me&limit=20", token))
        print(f"GET /tasks?candidate=me with {ROWS} rows: {listing['per_s']} req/s, p50 {listing['p50_ms']} ms, "
              f"p95 {listing['p95_ms']} ms ({THREADS} client threads, {SECONDS:.0f} s)")

        def drive() -> None:
            started = _request("POST", "/process-definitions/key/approval/start", token, {"variables": {}})[1]
            tasks = _request("GET", f"/tasks?process_instance={started['id']}", token)[1]["items"]
            _request("POST", f"/tasks/{tasks[0]['id']}/claim", token)
            _request("POST", f"/tasks/{tasks[0]['id']}/complete", token, {"data": {"amount": 1, "approved": True}})

        whole = _load(drive)
        print(f"whole instance over HTTP (start, list, claim, complete = 4 requests): {whole['per_s']} instances/s, "
              f"p50 {whole['p50_ms']} ms, p95 {whole['p95_ms']} ms")
        print(json.dumps({"rows": ROWS, "tasks_candidate_me": listing, "instance_over_http": whole}))
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
