"""List figures: ``python -m bench.lists`` against ``ravand serve`` on PostgreSQL over loopback.

Fills a fresh schema with a million customers and a million tasks (``BENCH_LIST_ROWS``) and
``BENCH_RECORD_ROWS`` (200,000) leads, complaints and opportunities, then asks each list's first page the
way the web app does, one request at a time from one client, and prints the median and 95th percentile
latency of each against the 100 ms budget a first page has (as a ratio). Ends with one line of JSON.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse

from sqlalchemy import text

from api.composition import build
from api.identity.service import create_user
from bench import harness
from config import load_settings
from engine.store.transactions import transaction
from tests.engine import bpmn

ROWS = int(os.environ.get("BENCH_LIST_ROWS", "1000000"))
RECORDS = int(os.environ.get("BENCH_RECORD_ROWS", "200000"))
TIMES = int(os.environ.get("BENCH_LIST_TIMES", "20"))
PORT = int(os.environ.get("BENCH_PORT", "8792"))

# 50,000 lead processes, each about a lead whose search text names its person, company and mobile, and a
# million tasks spread over them (5% open, spread over 20 groups; the bench's user is in one): a task search
# joins its instance's record.
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
  lower((ARRAY['علی','سارا','رضا','مریم','john'])[1 + g % 5] || ' '
    || (ARRAY['کریمی','احمدی','smith','رضایی'])[1 + g % 4] || ' ' || g),
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
    deployed = transaction(ravand.sessions, lambda s: ravand.engine.deploy(s, files, "bench"))
    with ravand.sessions() as s:
        create_user(s, "worker", harness.PASSWORD, "employee", ["sales", "group-3"])
        s.commit()
    began = time.perf_counter()
    with ravand.database.begin() as conn:
        for statement in filter(str.strip, (TASK_FILL + RECORD_FILL).split(";")):
            conn.execute(text(statement), {"definition": deployed[0].id, "rows": ROWS, "records": RECORDS})
    print(f"{ROWS:,} customers and tasks, {RECORDS:,} leads, complaints and opportunities written in "
          f"{time.perf_counter() - began:.0f} s")
    ravand.database.dispose()


def main() -> None:
    with harness.schema() as (url, reused):
        if not reused:
            prepare(url)
        with harness.serving(url, PORT):
            figures = harness.measure(LISTS, harness.token("worker"), TIMES)
        print(json.dumps({"rows": ROWS, "records": RECORDS, "lists": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
