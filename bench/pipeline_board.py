"""Pipeline board figures: ``python -m bench.pipeline_board`` on SQLite (a temporary file) and PostgreSQL (a
fresh schema on ``RAVAND_TEST_POSTGRES_URL``).

Fills each with ``BENCH_BOARD_DEALS`` (10,000) open opportunities spread over the open stages and four owners,
and a fifth as many won and lost, then asks ``GET /api/v1/opportunities/board`` the way the web app does
(whole board; one owner; a period; a search) through the app in this process, ``BENCH_BOARD_TIMES`` times
each, and prints the median and worst time against the one-second budget. Ends with one line of JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from api.composition import build
from api.identity.service import create_user
from bench import harness
from config import load_settings
from crm.models import Customer, Opportunity
from crm.text import name_key
from engine.store.db import make_engine

DEALS = int(os.environ.get("BENCH_BOARD_DEALS", "10000"))
TIMES = int(os.environ.get("BENCH_BOARD_TIMES", "10"))
POSTGRES = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BUDGET_MS = 1000.0
OPEN = ("prospecting", "qualification", "proposal", "negotiation")
OWNERS = ("sara", "reza", "john", "mina")
NAMES = ("آریا", "پارس", "البرز", "Arya", "Sepehr")
ASKS = (
    ("whole board", {}),
    ("one owner", {"owner": "sara"}),
    ("a period (Jalali)", {"since": "۱۴۰۵/۱۰/۰۱", "until": "1405/12/29"}),
    ("a search", {"q": "پارس"}),
)


def _rows(now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    customers = [{"kind": "company", "company_name": f"{NAMES[i % 5]} {i}", "name_key": f"{NAMES[i % 5]}{i}".lower(),
                  "interests": [], "referral_code": f"B{i}", "status": "potential", "locale": "fa", "channel": "web",
                  "created_at": now, "updated_at": now} for i in range(1, DEALS // 5 + 1)]
    today = date.today()
    deals = []
    for i in range(1, DEALS + DEALS // 5 + 1):
        stage = OPEN[i % 4] if i <= DEALS else ("won", "lost")[i % 2]
        deals.append({"customer_id": 1 + i % len(customers), "title": f"فرصت {i}", "title_key": name_key(f"فرصت {i}"),
                      "stage": stage,
                      "amount": 10_000_000 * (1 + i % 100), "probability": 10 * (i % 10),
                      "expected_close": today + timedelta(days=i % 120) if i % 7 else None,
                      "owner": OWNERS[i % 4], "stage_entered_at": now, "kind": "new", "created_at": now,
                      "updated_at": now})
    return customers, deals


def _fill(ravand: Any) -> None:
    customers, deals = _rows(datetime.now(UTC))
    with ravand.sessions() as session:
        session.execute(insert(Customer), customers)
        session.execute(insert(Opportunity), deals)
        create_user(session, "bencher", "correct horse battery", "employee", ["sales"])
        session.commit()
        if session.bind.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()


def _measure(url: str, kind: str) -> dict[str, Any]:
    settings = load_settings(environ={}, database_url=url, secret_key="bench-secret-key-for-the-board-only",
                             script_isolation=False, scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    _fill(ravand)
    client, headers = harness.signed_in(settings, ravand, "bencher", "correct horse battery")
    figures = {}
    for name, query in ASKS:
        times, answer = harness.timed_gets(client, "/api/v1/opportunities/board", query, headers, TIMES)
        shown = sum(c["count"] for c in answer.get_json()["columns"] if c["kind"] == "open")
        figures[name] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                         "open_deals": shown}
        print(f"{kind:10} {name:18} open deals {shown:6}  median {figures[name]['median_ms']:7.1f} ms  "
              f"worst {figures[name]['max_ms']:7.1f} ms  ({max(times) / BUDGET_MS:.2f} of the 1 s budget)")
    return figures


def _postgres() -> tuple[str, Any]:
    schema = f"bench_board_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return f"{POSTGRES}{separator}options=-csearch_path%3D{schema}", drop


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = _measure(f"sqlite:///{Path(folder) / 'board.db'}", "sqlite")
    url, drop = _postgres()
    try:
        results["postgresql"] = _measure(url, "postgresql")
    finally:
        drop()
    print(json.dumps({"deals": DEALS, "times": TIMES, "budget_ms": BUDGET_MS, "results": results}))


if __name__ == "__main__":
    main()
