"""A worker killed with SIGKILL in the middle of a batch loses no timer and fires none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from engine.store.models import JournalEntry, Timer
from tests.conftest import postgres_available
from tests.engine import bpmn
from tests.engine.helpers import Harness
from tests.engine.test_events import timer_catch

pytestmark = pytest.mark.slow


def _count(h: Harness, model: type, *where: object) -> int:
    with h.db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _worker(url: str) -> subprocess.Popen:
    env = {**os.environ, "RAVAND_DATABASE_URL": url, "RAVAND_SCRIPT_ISOLATION": "false",
           "RAVAND_SECRET_KEY": "worker-test"}
    return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--batch", "20"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_sigkill_mid_batch_then_restart(db):
    if db.dialect != "postgres":
        pytest.skip("several worker processes need PostgreSQL (SQLite runs one worker in the server)")
    if postgres_available():
        pytest.skip(postgres_available())
    h = Harness(db)
    body = bpmn.start() + timer_catch("wait", "timeDuration", "PT1S") + bpmn.end() + bpmn.chain("start", "wait", "end")
    h.deploy([("k.bpmn", bpmn.diagram("k", body))])
    for _ in range(300):
        h.start("k")
    time.sleep(1.2)
    first, second = _worker(db.url), _worker(db.url)
    deadline = time.time() + 60
    while _count(h, JournalEntry, JournalEntry.kind == "timer.fired") < 40 and time.time() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # in the middle of its batch
    first.wait()
    restarted = _worker(db.url)
    try:
        while _count(h, Timer) and time.time() < deadline:
            time.sleep(0.2)
    finally:
        for process in (second, restarted):
            process.terminate()
            process.wait(10)
    assert _count(h, Timer) == 0
    assert _count(h, JournalEntry, JournalEntry.kind == "timer.fired") == 300
    assert _count(h, JournalEntry, JournalEntry.kind == "instance.completed") == 300
