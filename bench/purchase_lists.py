"""Purchases and loyalty list figures: ``python -m bench.purchase_lists`` on PostgreSQL (a fresh schema on
``RAVAND_TEST_POSTGRES_URL``).

Fills it with ``BENCH_CUSTOMERS`` (1,000,000) customers, as many purchases and a loyalty account each (SQL
``generate_series``), then asks ``GET /api/v1/purchases`` and ``GET /api/v1/loyalty-accounts`` the way the web
app does (first page; a customer's name; one customer; product; channel and a period; an amount range; the
tier) through the app in this process, ``BENCH_TIMES`` times each, and prints the median and worst time against
the 100 ms budget of a first page. Ends with one line of JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import uuid
from typing import Any

from sqlalchemy import text

from api.composition import build
from api.identity.service import create_user
from bench import harness
from config import load_settings
from engine.store.db import make_engine

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000000"))
TIMES = int(os.environ.get("BENCH_TIMES", "10"))
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BUDGET_MS = 100.0
ASKS = (
    ("purchases", "first page", {}),
    ("purchases", "a customer's name", {"q": "پارس 4241"}),
    ("purchases", "one customer", {"customer_id": 4242}),
    ("purchases", "a reference", {"reference": "INV-4242"}),
    ("purchases", "a product", {"product": "training"}),
    ("purchases", "channel and a month", {"channel": "online", "since": "2026-03-01", "until": "2026-04-01"}),
    ("purchases", "amount range, largest", {"min_amount": 5_000_000, "max_amount": 6_000_000, "sort": "amount_desc"}),
    ("loyalty-accounts", "first page", {}),
    ("loyalty-accounts", "gold tier", {"tier": "gold"}),
    ("loyalty-accounts", "a customer's name", {"q": "آریا 775"}),
)
FILL = (
    """INSERT INTO customer (id, kind, company_name, name_key, interests, status, referral_code, locale, channel,
       created_at, updated_at)
       SELECT i, 'company', (ARRAY['آریا','پارس','البرز','Arya','Sepehr'])[1 + i % 5] || ' ' || i,
              lower((ARRAY['اریا','پارس','البرز','arya','sepehr'])[1 + i % 5] || i), '[]', 'actual', 'P' || i, 'fa',
              'web', now(), now() FROM generate_series(1, :n) AS i""",
    """INSERT INTO purchase (customer_id, amount, purchased_at, channel, paid_on_time, reference, discount, product)
       SELECT 1 + i % :n, 100000 * (1 + i % 97), timestamptz '2026-01-01' + (i % 300) * interval '1 day',
              (ARRAY['store','online','phone','agent'])[1 + i % 4], i % 9 <> 0, 'INV-' || i, 0,
              (ARRAY['software','hardware','training', NULL])[1 + i % 4] FROM generate_series(1, :n) AS i""",
    """INSERT INTO loyalty_account (customer_id, tier, points, score, lifetime_value, ranked_at)
       SELECT i, (ARRAY['bronze','silver','gold','platinum'])[1 + i % 4], i % 5000, (i % 1000) / 10.0,
              1000000 * (i % 50), now() FROM generate_series(1, :n) AS i""",
)


def _fill(ravand: Any) -> None:
    with ravand.sessions() as session:
        for statement in FILL:
            session.execute(text(statement), {"n": CUSTOMERS})
        session.execute(text("SELECT setval(pg_get_serial_sequence('customer', 'id'), :n)"), {"n": CUSTOMERS})
        create_user(session, "bencher", "correct horse battery", "employee", ["sales"])
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()


def _measure(url: str) -> dict[str, Any]:
    settings = load_settings(environ={}, database_url=url, secret_key="bench-secret-key-for-purchase-lists",
                             script_isolation=False, scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    _fill(ravand)
    client, headers = harness.signed_in(settings, ravand, "bencher", "correct horse battery")
    figures = {}
    for route, name, query in ASKS:
        times, answer = harness.timed_gets(client, f"/api/v1/{route}", query, headers, TIMES)
        total = answer.get_json()["total"]
        key = f"{route}: {name}"
        figures[key] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                        "total": total}
        print(f"{key:42} total {total:8}  median {figures[key]['median_ms']:7.1f} ms  "
              f"worst {figures[key]['max_ms']:7.1f} ms  ({statistics.median(times) / BUDGET_MS:.2f} of the budget)")
    return figures


def main() -> None:
    schema = f"bench_purchases_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES else "?"
    try:
        results = _measure(f"{POSTGRES}{separator}options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    print(json.dumps({"customers": CUSTOMERS, "purchases": CUSTOMERS, "times": TIMES, "budget_ms": BUDGET_MS,
                      "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
