"""A record's history and card on a large journal: ``python -m bench.record_history`` on PostgreSQL.

Fills a fresh schema with ``BENCH_JOURNAL_ROWS`` (1,000,000) journal rows about ``BENCH_JOURNAL_RECORDS``
(100,000) leads, indexed as the journal indexes them (``journal_record``), plus the steps of one process
instance per measured lead; then asks ``GET /records/lead/{id}/history`` (first page, with process steps) and
``/card`` in-process through the API, one request at a time, and prints the median and 95th percentile
latency. Then empties the index and times the migration's backfill over the whole journal. Ends with one
line of JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid

from sqlalchemy import text

from api.app import create_app
from api.composition import build
from api.identity.service import create_user
from config import load_settings
from crm.record_history import backfill
from engine.store.db import make_engine

ROWS = int(os.environ.get("BENCH_JOURNAL_ROWS", "1000000"))
RECORDS = int(os.environ.get("BENCH_JOURNAL_RECORDS", "100000"))
MEASURED = 40  # leads asked for, each with ~ROWS/RECORDS record rows and 30 process steps
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench password 1"

FILL = """
INSERT INTO lead (person_name, name_key, mobile, source, estimated_revenue, budget_confirmed, authority, status,
  process_instance_id, created_at, updated_at, created_by)
SELECT 'مشتری ' || g, 'مشتری ' || g, '+98935' || lpad(g::text, 7, '0'), 'web_form', 0, false, false, 'qualifying',
  'bench-instance-' || g, now(), now(), 'bench'
FROM generate_series(1, :measured) AS g;
INSERT INTO journal (seq, at, actor, kind, process_instance_id, business_key, element_id, data, prev_hash, hash)
SELECT g, now() - ((:rows - g) || ' seconds')::interval, 'worker',
  CASE WHEN g % 10 = 1 THEN 'crm.lead.created' ELSE 'crm.lead.changed' END, NULL, NULL, NULL,
  json_build_object('record', 'lead', 'id', 1 + g % :records,
                    'changes', json_build_object('status', json_build_array('new', 'qualifying'))),
  repeat('0', 64), repeat('0', 64)
FROM generate_series(1, :rows) AS g;
INSERT INTO journal (seq, at, actor, kind, process_instance_id, business_key, element_id, data, prev_hash, hash)
SELECT :rows + g, now(), 'worker', 'task.created', 'bench-instance-' || (1 + g % :measured), NULL, 'call',
  json_build_object('task_id', 't' || g, 'name', 'Call'), repeat('0', 64), repeat('0', 64)
FROM generate_series(1, 30 * :measured) AS g;
INSERT INTO journal_record (record_type, record_id, seq)
SELECT 'lead', (1 + g % :records)::text, g FROM generate_series(1, :rows) AS g;
"""


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2)}


def main() -> None:
    schema = f"bench_rh_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES else "?"
    url = f"{POSTGRES}{separator}options=-csearch_path%3D{schema}"
    try:
        settings = load_settings(environ={}, database_url=url, secret_key="bench-secret-key-for-bench-only",
                                 script_isolation=False, scheduler_enabled=False)
        ravand = build(settings, migrate=True)
        app = create_app(settings, ravand)
        started = time.perf_counter()
        with ravand.database.begin() as conn:
            for statement in filter(str.strip, FILL.split(";")):
                conn.execute(text(statement), {"rows": ROWS, "records": RECORDS, "measured": MEASURED})
            for table in ("journal", "journal_record", "lead"):
                conn.execute(text(f"ANALYZE {table}"))
        fill_s = time.perf_counter() - started
        with ravand.sessions() as session:
            create_user(session, "worker", PASSWORD, "employee", ["sales"])
            session.commit()
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "worker", "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        figures: dict[str, object] = {"journal_rows": ROWS, "records": RECORDS, "fill_s": round(fill_s, 1)}
        for part, query in (("history", "?limit=20"), ("card", "")):
            samples = []
            for lead in range(1, MEASURED + 1):
                begin = time.perf_counter()
                answer = client.get(f"/api/v1/records/lead/{lead}/{part}{query}", headers=headers)
                samples.append((time.perf_counter() - begin) * 1000)
                assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            figures[part] = _ms(samples[1:])
            if part == "history":
                body = answer.get_json()
                figures["history_total_per_lead"] = body["total"]
        with ravand.database.begin() as conn:
            conn.execute(text("TRUNCATE journal_record"))
            begin = time.perf_counter()
            written = backfill(conn)
            figures["backfill_s"] = round(time.perf_counter() - begin, 1)
            figures["backfill_rows"] = written
        for name, value in figures.items():
            print(f"{name}: {value}")
        print(json.dumps(figures))
        ravand.database.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
