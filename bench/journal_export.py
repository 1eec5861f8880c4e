"""The journal's CSV export at size: every entry, streamed in keyset batches, in bounded memory.

    .venv/bin/python -m bench.journal_export [entries]   # default 100000, on a SQLite file in a temp folder

Prints the rows and bytes sent, the time, and the peak of Python memory while the file streams (tracemalloc),
next to the same for a tenth of the entries: the peak should not grow with the journal."""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from api.app import create_app
from api.composition import build
from api.identity.service import create_user
from config import load_settings
from engine import journal

PASSWORD = "bench-password"


def _app(folder: Path, entries: int) -> tuple[Any, str]:
    settings = load_settings(environ={}, database_url=f"sqlite:///{folder}/ravand.sqlite",
                             secret_key="bench-secret-key-not-for-production", script_isolation=False,
                             scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    with ravand.sessions() as session:
        create_user(session, "audrey", PASSWORD, "auditor", [])
        session.commit()
    written = 0
    while written < entries:
        with ravand.sessions() as session:
            for n in range(written, min(entries, written + 5_000)):
                journal.record(session, "crm.note.created", "nima", business_key=f"B-{n}",
                               data={"n": n, "text": "یادداشت مشتری دربارهٔ قرارداد"})
            session.commit()
        written = min(entries, written + 5_000)
    app = create_app(settings, ravand)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "audrey", "password": PASSWORD}).get_json()
    return client, token["access_token"]


def measure(entries: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="feedback_bench_") as folder:
        client, token = _app(Path(folder), entries)
        tracemalloc.start()
        started = time.perf_counter()
        answer = client.get("/api/v1/journal?format=csv", headers={"Authorization": f"Bearer {token}"},
                            buffered=False)
        sent = rows = 0
        for chunk in answer.response:
            sent += len(chunk)
            rows += chunk.count(b"\r\n")
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        answer.close()
        return {"entries": entries, "rows": rows - 1, "mb": sent / 1e6, "s": seconds, "peak_mb": peak / 1e6,
                "name": answer.headers["Content-Disposition"]}


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for size in (entries // 10, entries):
        r = measure(size)
        print(f"{r['entries']:>8} entries: {r['rows']} rows, {r['mb']:.1f} MB in {r['s']:.1f} s, "
              f"peak Python memory while streaming {r['peak_mb']:.1f} MB ({r['name']})")


if __name__ == "__main__":
    main()
