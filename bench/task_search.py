"""Task list figures with records: ``python -m bench.task_search`` on PostgreSQL.

Fills a schema of its own with BENCH_TASK_ROWS (default a million) process instances, each serving a lead
(title and folded search text as processes/records.py writes them) with one task (5% open, spread over 20
groups), then times ``GET /api/v1/tasks`` in process (Flask's test client: routing, auth, query,
serialisation) for an employee's first page, without and with ``q``, and for an administrator's search over
every task. Ends with one line of JSON; the schema is dropped (kept with BENCH_KEEP=1).
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from typing import Any

from sqlalchemy import text

from api.app import create_app
from api.composition import build
from api.identity.service import create_user
from config import load_settings
from engine.store.db import make_engine
from engine.store.transactions import transaction
from tests.engine import bpmn

ROWS = int(os.environ.get("BENCH_TASK_ROWS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

FILL = """
INSERT INTO process_instance (id, definition_id, process_key, business_key, state, started_by, started_at,
  updated_at, variables, active_elements, element_counts, waiting_events, workflow_state, version,
  record_type, record_id, record_title, record_search)
SELECT 'i-' || g, :definition, 'approval', 'lead-' || g, 'running', 'bench', now(), now(), '{}', '[]', '{}', 0, '',
  1, 'lead', g::text, 'Company ' || g || ' — Person ' || g || ' — 0912 ' || lpad((g % 1000)::text, 3, '0'),
  'company' || g || ' person' || g || ' 0912' || lpad((g % 1000)::text, 3, '0')
FROM generate_series(1, :rows) AS g;
INSERT INTO human_task (id, process_instance_id, process_key, business_key, element_id, name, state,
  candidate_groups, candidate_users, priority, created_at, completed_at)
SELECT 't-' || g, 'i-' || g, 'approval', 'lead-' || g, 'review', 'Review',
  CASE WHEN g % 20 = 0 THEN 'ready' ELSE 'completed' END,
  json_build_array('group-' || (g / 20 % 20)), '[]', 50, now() - (g || ' seconds')::interval,
  CASE WHEN g % 20 = 0 THEN NULL ELSE now() END
FROM generate_series(1, :rows) AS g;
INSERT INTO task_candidate (task_id, kind, name)
SELECT 't-' || g, 'group', 'group-' || (g / 20 % 20) FROM generate_series(1, :rows) AS g WHERE g % 20 = 0;
ANALYZE;
"""


def _timed(client: Any, token: str, query: dict[str, Any]) -> dict[str, Any]:
    times, total = [], None
    for _ in range(REPEAT):
        began = time.perf_counter()
        answer = client.get("/api/v1/tasks", query_string=query, headers={"Authorization": f"Bearer {token}"})
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.get_json()
        total = answer.get_json()["total"]
    return {"query": query, "total": total, "p50_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1)}


def main() -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    try:
        settings = load_settings(environ={}, database_url=url, secret_key="bench", script_isolation=False,
                                 scheduler_enabled=False)
        ravand = build(settings, migrate=True)
        deployed = transaction(ravand.sessions,
                                             lambda s: ravand.engine.deploy(s, bpmn.approval_files(), "bench"))
        with ravand.sessions() as s:
            create_user(s, "worker", "bench-password", "employee", ["sales", "group-3"])
            create_user(s, "boss", "bench-password", "admin", [])
            s.commit()
        began = time.perf_counter()
        with ravand.database.begin() as conn:
            for statement in filter(str.strip, FILL.split(";")):
                conn.execute(text(statement), {"definition": deployed[0].id, "rows": ROWS})
        filled = round(time.perf_counter() - began)
        with ravand.database.connect() as conn:
            trigram = bool(conn.scalar(text("SELECT count(*) FROM pg_indexes "
                                            "WHERE indexname = 'ix_process_instance_record_search'")))
        client = create_app(settings, ravand).test_client()
        tokens = {who: client.post("/api/v1/auth/token", json={"username": who, "password": "bench-password"})
                  .get_json()["access_token"] for who in ("worker", "boss")}
        results = [
            _timed(client, tokens["worker"], {"candidate": "me", "limit": 50}),
            _timed(client, tokens["worker"], {"candidate": "me", "limit": 50, "q": "company43"}),
            _timed(client, tokens["worker"], {"candidate": "me", "limit": 50, "q": "0912 123"}),
            _timed(client, tokens["boss"], {"limit": 50}),
            _timed(client, tokens["boss"], {"limit": 50, "q": "person777"}),
            _timed(client, tokens["boss"], {"limit": 50, "state": "all", "q": "company99999"}),
        ]
        for result in results:
            print(f"{result['query']}: total {result['total']}, p50 {result['p50_ms']} ms, max {result['max_ms']} ms")
        print(json.dumps({"rows": ROWS, "filled_s": filled, "trigram_index": trigram, "results": results}))
        ravand.database.dispose()
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"schema {schema} kept")
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
