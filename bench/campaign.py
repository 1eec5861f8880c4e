"""Campaign bench: an SMS campaign to N customers (``BENCH_CAMPAIGN_N``, default 100,000) queued into the
outbox and handed to a sender, on SQLite and on PostgreSQL when it answers.

The campaign's members are queued as the scheduler does (``api.campaign_sending.queue_campaigns``: 500 a
transaction), then the whole outbox is dispatched as the scheduler does (``api.outbox.dispatch_outbox``: claim
a batch in a transaction, send with none open, record the outcomes in another; 200 a claim here,
``BENCH_DISPATCH_BATCH``) to a sender that takes each message at once, so what is measured is Ravand's side:
every write transaction is timed, and the longest is the longest time the write lock was held. The ratios set
the bulk paths against one message queued alone (``crm.notify.queue``, its own transaction).

    .venv/bin/python -m bench.campaign
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, text

from engine.store.transactions import transaction

N = int(os.environ.get("BENCH_CAMPAIGN_N", "100000"))
SINGLES = 200
DISPATCH_BATCH = int(os.environ.get("BENCH_DISPATCH_BATCH", "200"))
POSTGRES_URL = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class TakesAll:
    """A sender that takes every message at once, as a panel's receipt would say (no network)."""

    def __init__(self) -> None:
        self.count = 0

    def send(self, message: Any) -> Any:
        from crm.senders import Receipt

        self.count += 1
        return Receipt("kavenegar", str(self.count), 1_150, "queued")


@contextmanager
def _timed_transactions(ravand: Any) -> Iterator[list[float]]:
    """Every write transaction of ``ravand.engine`` in the block is timed into the list given."""
    spans: list[float] = []
    original = ravand.engine.transaction

    def timed(sessions: Any, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(sessions, work, *args, **kwargs)
        finally:
            spans.append(time.perf_counter() - began)

    ravand.engine.transaction = timed
    try:
        yield spans
    finally:
        del ravand.engine.transaction  # the class's own again


def _customers(ravand: Any, n: int) -> None:
    from crm.clock import utcnow
    from crm.models import Customer

    now = utcnow()
    with ravand.sessions() as session:
        for start in range(0, n, 5000):
            session.execute(insert(Customer), [
                {"kind": "person", "person_name": f"مشتری {i}", "name_key": f"مشتری {i}", "mobile": f"+98912{i:07d}",
                 "status": "actual" if i % 3 else "potential", "referral_code": f"B{i:09d}",
                 "locale": "fa" if i % 5 else "en", "interests": [], "region": "tehran",
                 "created_at": now, "updated_at": now} for i in range(start, min(start + 5000, n))])
            session.commit()


def run(url: str) -> dict[str, Any]:
    from api.campaign_sending import queue_campaigns
    from api.composition import build, ravand_ctx
    from api.outbox import dispatch_outbox
    from config import load_settings
    from crm import campaigns, notify, segments
    from crm.clock import utcnow
    from engine import sandbox

    sandbox.DEFAULT.configure(isolate=False)
    settings = load_settings(environ={}, database_url=url, secret_key="bench-secret", scheduler_enabled=False,
                             script_isolation=False, notify_quiet_hours="")
    ravand = build(settings, migrate=True)
    _customers(ravand, N)

    def draft(session: Any) -> int:
        ctx = ravand_ctx(session, "bench")
        segment = segments.create_segment(ctx, {"name": "everyone with a mobile", "rules": {"has": "mobile"}})
        campaign = campaigns.create_campaign(ctx, {
            "name": "یلدا", "channel": "sms", "segment_id": segment.id, "rate_per_minute": 6000,
            "body_fa": "{name} عزیز، یلدا مبارک! ۲۰٪ تخفیف تا جمعه.", "body_en": "Dear {name}, happy Yalda!"})
        campaigns.send(ctx, campaign)
        return campaign.id

    campaign_id = transaction(ravand.sessions, draft)
    with _timed_transactions(ravand) as queue_spans:
        began = time.perf_counter()
        read = total = queue_campaigns(ravand, budget_s=3600)
        while read:
            read = queue_campaigns(ravand, budget_s=3600)
            total += read
        queue_s = time.perf_counter() - began

    sender = TakesAll()
    later = utcnow() + timedelta(days=2)  # every message due (the pace put the last one 17 minutes out)
    sent = 0
    with _timed_transactions(ravand) as dispatch_spans:
        began = time.perf_counter()
        while report := dispatch_outbox(ravand, batch=DISPATCH_BATCH, now=later, senders={"sms": sender}):
            if not report.sent:
                break
            sent += report.sent
        dispatch_s = time.perf_counter() - began

    params = {"name": "سارا", "referred_name": "رضا", "points": 1500}
    with _timed_transactions(ravand) as single_spans:
        for i in range(SINGLES):
            transaction(ravand.sessions, lambda s, i=i: notify.queue(
                ravand_ctx(s, "bench"), channel="sms", recipient=f"+98935{i:07d}", template="referral_rewarded",
                params=params))
    single_s = statistics.median(single_spans)
    with ravand.read_sessions() as session:
        queued = session.scalar(text("SELECT count(*) FROM notification WHERE campaign_id = :c"), {"c": campaign_id})
    ravand.database.dispose()
    per_member_ms = queue_s / total * 1000
    per_sent_ms = dispatch_s / max(sent, 1) * 1000
    return {
        "members": total, "queued": queued, "sent": sent,
        "queue_s": round(queue_s, 2), "queue_batches": len(queue_spans),
        "queue_longest_write_ms": round(max(queue_spans) * 1000, 1),
        "queue_median_write_ms": round(statistics.median(queue_spans) * 1000, 1),
        "dispatch_s": round(dispatch_s, 2), "dispatch_transactions": len(dispatch_spans),
        "dispatch_longest_write_ms": round(max(dispatch_spans) * 1000, 1),
        "dispatch_median_write_ms": round(statistics.median(dispatch_spans) * 1000, 1),
        "single_queue_ms": round(single_s * 1000, 2),
        "ratio_single_over_bulk_member": round(single_s * 1000 / per_member_ms, 1),
        "per_member_queue_ms": round(per_member_ms, 3), "per_message_dispatch_ms": round(per_sent_ms, 3),
        "longest_write_share_of_a_second": round(max(max(queue_spans), max(dispatch_spans)), 3),
    }


def _postgres() -> str | None:
    from sqlalchemy import create_engine

    schema = f"bench_campaign_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); SQLite only", file=sys.stderr)
        return None
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = run(f"sqlite:///{folder}/bench.sqlite")
    url = _postgres()
    if url:
        results["postgresql"] = run(url)
    for name, figures in results.items():
        print(f"{name}: {figures['members']:,} members queued in {figures['queue_s']} s "
              f"({figures['queue_batches']} transactions, longest {figures['queue_longest_write_ms']} ms, "
              f"median {figures['queue_median_write_ms']} ms); {figures['sent']:,} handed to the sender in "
              f"{figures['dispatch_s']} s ({figures['dispatch_transactions']} transactions, longest "
              f"{figures['dispatch_longest_write_ms']} ms); one message queued alone costs "
              f"{figures['ratio_single_over_bulk_member']}× a campaign member")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
