"""List figures: ``python -m bench.lists`` against ``ravand serve`` on PostgreSQL over loopback.

Fills a fresh schema with a million customers and a million tasks (``BENCH_LIST_ROWS``) and
``BENCH_RECORD_ROWS`` (200,000) leads, complaints and opportunities, then asks each list's first page the
way the web app does, one request at a time from one client, and prints the median and 95th percentile
latency of each against the 100 ms budget a first page has (as a ratio). Ends with one line of JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid

from sqlalchemy import text

from api.composition import build
from api.identity.service import create_user
import bench.api as api_bench
from bench.api import _request
from config import load_settings
from engine.db import make_engine
from tests.engine import bpmn

ROWS = int(os.environ.get("BENCH_LIST_ROWS", "1000000"))
RECORDS = int(os.environ.get("BENCH_RECORD_ROWS", "200000"))
TIMES = int(os.environ.get("BENCH_LIST_TIMES", "20"))
PORT = int(os.environ.get("BENCH_PORT", "8792"))
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BUDGET_MS = 100.0

# 50,000 lead processes, each about a lead whose search text names its person, company and mobile, and a
# million tasks spread over them (5% open, spread over 20 groups; the bench's user is in one): a task search joins its instance's record.
TASK_FILL = """
INSERT INTO process_instance (id, definition_id, process_key, business_key, state, started_by, started_at,
  updated_at, variables, active_elements, element_counts, waiting_events, workflow_state, version, record_type,
  record_id, record_title, record_search)
SELECT 'pi-' || g, :definition, 'approval', 'lead-' || g, 'running', 'bench', now(), now(), '{}', '[]', '{}', 0, '', 1,
  'lead', g::text, 'شرکت ' || g || ' — مشتری ' || g, 'شرکت ' || g || ' مشتری ' || g || ' 0935' || lpad(g::text, 7, '0')
FROM generate_series(1, 50000) AS g;
INSERT INTO human_task (id, process_instance_id, process_key, business_key, element_id, name, state,
  candidate_groups, candidate_users, priority, created_at, completed_at)
SELECT 'bulk-' || g, 'pi-' || (1 + g % 50000), 'approval', 'lead-' || (1 + g % 50000), 'review', 'Review',
  CASE WHEN (g / 7) % 20 = 0 THEN 'ready' ELSE 'completed' END,
  json_build_array('group-' || (g % 20)), '[]', 50, now() - (g || ' seconds')::interval,
  CASE WHEN (g / 7) % 20 = 0 THEN NULL ELSE now() END
FROM generate_series(1, :rows) AS g;
INSERT INTO task_candidate (task_id, kind, name)
SELECT 'bulk-' || g, 'group', 'group-' || (g % 20) FROM generate_series(1, :rows) AS g WHERE (g / 7) % 20 = 0;
"""

# Persian and English names drawn by the row number, so searches find a few hundred rows, not all.
RECORD_FILL = """
INSERT INTO customer (kind, company_name, person_name, name_key, phone, mobile, email, interests, region, channel,
  status, segment, owner, referral_code, locale, created_at, updated_at, created_by)
SELECT CASE WHEN g % 3 = 0 THEN 'company' ELSE 'person' END,
  CASE WHEN g % 3 = 0 THEN (ARRAY['آریا','پارس','البرز','Arya','Sepehr'])[1 + g % 5] || ' ' || g ELSE NULL END,
  (ARRAY['علی','سارا','رضا','مریم','John'])[1 + g % 5] || ' ' || (ARRAY['کریمی','احمدی','Smith','رضایی'])[1 + g % 4]
    || ' ' || g,
  lower((ARRAY['علی','سارا','رضا','مریم','john'])[1 + g % 5] || ' ' || (ARRAY['کریمی','احمدی','smith','رضایی'])[1 + g % 4]
    || ' ' || g),
  NULL, '+98912' || lpad((g % 10000000)::text, 7, '0'), 'c' || g || '@example.com', '[]',
  (ARRAY['tehran','isfahan','shiraz','tabriz'])[1 + g % 4], 'web',
  CASE WHEN g % 4 = 0 THEN 'actual' ELSE 'potential' END, NULL,
  (ARRAY['sara','reza','john','worker'])[1 + g % 4], 'R' || g, 'fa',
  now() - (g || ' seconds')::interval, now(), 'bench'
FROM generate_series(1, :rows) AS g;
INSERT INTO lead (person_name, company_name, name_key, mobile, source, estimated_revenue, budget_confirmed, authority,
  status, created_at, updated_at, created_by)
SELECT 'مشتری ' || g, 'شرکت ' || g, 'مشتری ' || g, '+98935' || lpad(g::text, 7, '0'),
  (ARRAY['web_form','phone','walk_in','campaign'])[1 + g % 4], 1000000 * (g % 50), g % 2 = 0, g % 3 = 0,
  (ARRAY['new','qualifying','qualified','disqualified','nurture'])[1 + g % 5],
  now() - (g || ' seconds')::interval, now(), 'bench'
FROM generate_series(1, :records) AS g;
INSERT INTO complaint (tracking_code, customer_id, contact_name, kind, category, severity, channel, description, tier,
  breaches, status, reopened, created_at, updated_at, created_by)
SELECT 'C-' || g, 1 + g % :rows, 'مشتری ' || g, 'complaint', 'delivery',
  (ARRAY['low','medium','high','critical'])[1 + g % 4], 'portal', 'شرح شکایت ' || g, 1 + g % 2, 0,
  (ARRAY['open','in_progress','resolved','closed'])[1 + g % 4], 0,
  now() - (g || ' seconds')::interval, now(), 'bench'
FROM generate_series(1, :records) AS g;
INSERT INTO opportunity (customer_id, title, stage, amount, probability, expected_close, owner, stage_entered_at,
  kind, created_at, updated_at, created_by)
SELECT 1 + g % :rows, 'فرصت ' || g, (ARRAY['qualification','proposal','negotiation','won','lost'])[1 + g % 5],
  10000000 * (1 + g % 100), 10 * (g % 10), current_date + (g % 90), (ARRAY['sara','reza','john','worker'])[1 + g % 4],
  now(), 'new', now() - (g || ' seconds')::interval, now(), 'bench'
FROM generate_series(1, :records) AS g;
ANALYZE;
"""

LISTS = (
    ("tasks: my groups' open tasks", "/tasks?candidate=me&sort=-created&limit=50"),
    ("tasks: mine", "/tasks?assignee=me&limit=50"),
    ("tasks: search a company", "/tasks?candidate=me&limit=50&" + urllib.parse.urlencode({"q": "شركت 4660"})),
    ("customers: first page", "/customers?limit=25"),
    ("customers: search a name", "/customers?limit=25&" + urllib.parse.urlencode({"q": "سارا احمدی"})),
    ("customers: search a phone", "/customers?limit=25&q=0912123"),
    ("customers: actual ones", "/customers?limit=25&status=actual"),
    ("leads: first page", "/leads?limit=25"),
    ("leads: new ones", "/leads?limit=25&status=new"),
    ("complaints: first page", "/complaints?limit=25"),
    ("opportunities: first page", "/opportunities?limit=25"),
)


def prepare(url: str) -> None:
    settings = load_settings(environ={}, database_url=url, secret_key="bench", script_isolation=False,
                             scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    files = bpmn.approval_files()
    deployed = ravand.engine.transaction(ravand.sessions, lambda s: ravand.engine.deploy(s, files, "bench"))
    with ravand.sessions() as s:
        create_user(s, "worker", "bench-password", "employee", ["sales", "group-3"])
        s.commit()
    began = time.perf_counter()
    with ravand.database.begin() as conn:
        for statement in filter(str.strip, (TASK_FILL + RECORD_FILL).split(";")):
            conn.execute(text(statement), {"definition": deployed[0].id, "rows": ROWS, "records": RECORDS})
    print(f"{ROWS:,} customers and tasks, {RECORDS:,} leads, complaints and opportunities written in "
          f"{time.perf_counter() - began:.0f} s")
    ravand.database.dispose()


def _timed(path: str, token: str) -> dict:
    for _ in range(3):
        _request("GET", path, token)
    latencies = []
    for _ in range(TIMES):
        began = time.perf_counter()
        status, _body = _request("GET", path, token)
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200:
            return {"status": status}
    latencies.sort()
    p50 = statistics.median(latencies)
    return {"p50_ms": round(p50, 1), "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            "of_budget": round(p50 / BUDGET_MS, 2)}


def main() -> None:
    reused = os.environ.get("BENCH_SCHEMA")  # a schema an earlier run kept (BENCH_KEEP=1): no second fill
    schema = reused or f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    if not reused:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    server = None
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115 - the server's, closed below
    try:
        if not reused:
            prepare(url)
        env = {**os.environ, "RAVAND_DATABASE_URL": url, "RAVAND_SECRET_KEY": "bench",
               "RAVAND_SCRIPT_ISOLATION": "false", "RAVAND_SCHEDULER_ENABLED": "false", "BENCH_PORT": str(PORT)}
        server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(PORT), "--workers", "1",
                                   "--threads", "2"], env=env, stdout=subprocess.DEVNULL, stderr=log)
        api_bench.BASE = f"http://127.0.0.1:{PORT}/api/v1"  # the request helper's address: this server
        for _ in range(100):
            try:
                if _request("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        token = _request("POST", "/auth/token", body={"username": "worker", "password": "bench-password"})[1][
            "access_token"]
        figures = {}
        for label, path in LISTS:
            figures[label] = result = _timed(path, token)
            if "p50_ms" in result:
                print(f"{label:34} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
                      f"{result['of_budget']:.2f} of the {BUDGET_MS:.0f} ms budget")
            else:
                print(f"{label:34} answered {result['status']}")
        print(json.dumps({"rows": ROWS, "records": RECORDS, "lists": figures}, ensure_ascii=False))
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        log.close()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept schema {schema}: BENCH_SCHEMA={schema} measures it again")
        elif not reused:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
