"""Contracts and referrals list figures: ``python -m bench.record_pages`` against ``ravand serve`` on PostgreSQL
over loopback.

Fills a fresh schema with ``BENCH_RECORD_ROWS`` (200,000) customers, as many contracts and as many referrals,
then asks each list's first page the way the web app does (searches, filters, orders), one request at a time,
and prints the median and 95th percentile latency against the 100 ms budget a first page has. Ends with one
line of JSON.
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

RECORDS = int(os.environ.get("BENCH_RECORD_ROWS", "200000"))
TIMES = int(os.environ.get("BENCH_LIST_TIMES", "20"))
PORT = int(os.environ.get("BENCH_PORT", "8793"))

FILL = """
INSERT INTO customer (kind, company_name, person_name, name_key, mobile, interests, region, channel, status, owner,
  referral_code, locale, created_at, updated_at, created_by)
SELECT 'company', (ARRAY['آریا','پارس','البرز','Arya','Sepehr'])[1 + g % 5] || ' ' || g, NULL,
  lower((ARRAY['آریا','پارس','البرز','arya','sepehr'])[1 + g % 5] || g), '+98912' || lpad(g::text, 7, '0'), '[]',
  'tehran', 'web', 'actual', 'worker', 'R' || g, 'fa', now() - (g || ' seconds')::interval, now(), 'bench'
FROM generate_series(1, :records) AS g;
INSERT INTO contract (customer_id, title, amount, discount_percent, terms, standard_terms, status, rounds, revision,
  created_at, updated_at, created_by)
SELECT g, (ARRAY['پشتیبانی','نرم‌افزار','POS','Training'])[1 + g % 4] || ' ' || g, 1000000 * (1 + g % 997), g % 20, '',
  true, (ARRAY['draft','changes_requested','in_approval','approved','rejected','sent','signed','expired'])[1 + g % 8],
  1, 1, now() - (g || ' minutes')::interval, now(), 'bench'
FROM generate_series(1, :records) AS g;
INSERT INTO referral (code, referrer_id, referred_name, referred_mobile, status, created_at, updated_at, created_by)
SELECT 'R' || g, g, (ARRAY['سارا','علی','Reza','مریم'])[1 + g % 4] || ' ' || g, '+98935' || lpad(g::text, 7, '0'),
  (ARRAY['pending','lead','purchased','rewarded','declined','expired'])[1 + g % 6],
  now() - (g || ' minutes')::interval, now(), 'bench'
FROM generate_series(1, :records) AS g;
ANALYZE;
"""


def _q(**query: object) -> str:
    return urllib.parse.urlencode({**query, "limit": 50})


LISTS = (
    ("contracts, newest", "/contracts?" + _q()),
    ("contracts, number #1234", "/contracts?" + _q(q="#۱۲۳۴")),
    ("contracts, customer's name", "/contracts?" + _q(q="آريا 1234")),
    ("contracts, title words", "/contracts?" + _q(q="پشتیبانی 12")),
    ("contracts, in approval, largest", "/contracts?" + _q(status="in_approval", sort="-amount")),
    ("contracts, amount and period", "/contracts?" + _q(amount_min=500_000_000, created_from="1405/01/01")),
    ("contracts, awaiting finance", "/contracts?" + _q(level="finance")),
    ("referrals, newest", "/referrals?" + _q()),
    ("referrals, name", "/referrals?" + _q(q="سارا 1234")),
    ("referrals, referrer's name", "/referrals?" + _q(q="آریا 1234")),
    ("referrals, mobile", "/referrals?" + _q(q="0935 000 1234")),
    ("referrals, status by name", "/referrals?" + _q(status="lead", sort="referred_name")),
)


def prepare(url: str) -> None:
    settings = load_settings(environ={}, database_url=url, secret_key="bench", script_isolation=False,
                             scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    with ravand.sessions() as s:
        create_user(s, "worker", harness.PASSWORD, "employee", ["sales"])
        s.commit()
    began = time.perf_counter()
    with ravand.database.begin() as conn:
        for statement in filter(str.strip, FILL.split(";")):
            conn.execute(text(statement), {"records": RECORDS})
    print(f"{RECORDS:,} customers, contracts and referrals written in {time.perf_counter() - began:.0f} s")
    ravand.database.dispose()


def main() -> None:
    with harness.schema() as (url, reused):
        if not reused:
            prepare(url)
        with harness.serving(url, PORT):
            figures = harness.measure(LISTS, harness.token("worker"), TIMES)
        print(json.dumps({"records": RECORDS, "lists": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
