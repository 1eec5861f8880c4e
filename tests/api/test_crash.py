"""SIGKILL of the whole server (gunicorn's master, its workers and the timer loop) while 20 clients start and
complete instances over HTTP, then a restart: every change that was answered with success is there, nothing is
half-written, the timers after the completed tasks still fire, and the journal's chain verifies.

The server is the real ``ravand serve`` in its own process group, on the test's database (SQLite and
PostgreSQL), reached over loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from api.identity.service import create_user
from engine.store.models import HumanTask, ProcessInstance
from tests.conftest import Database
from tests.engine import bpmn
from tests.engine.helpers import Harness
from tests.engine.test_events import timer_catch

pytestmark = pytest.mark.slow

CLIENTS, ROUNDS, BURST_S = 20, 2, 2.0
PASSWORD = "crash test password"
DIAGRAM = bpmn.diagram("burst", "\n".join([
    bpmn.start(), bpmn.user("work", "Work it", candidateGroups="sales"), timer_catch("pause", "timeDuration", "PT1S"),
    bpmn.end(), bpmn.chain("start", "work", "pause", "end"),
]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(db: Database, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "RAVAND_DATABASE_URL": db.url, "RAVAND_SECRET_KEY": "crash-test-secret-key",
            "RAVAND_SCRIPT_ISOLATION": "false", "RAVAND_DATA_DIR": str(data_dir)}


@contextmanager
def _server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


class _Clients:
    """20 threads starting an instance and completing its task, again and again, noting what succeeded."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}
        self.started: set[str] = set()
        self.completed: set[str] = set()
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        with requests.Session() as http:
            while not self.stop.is_set():
                try:
                    self._one(http)
                except requests.RequestException:
                    time.sleep(0.05)  # the server is gone: keep trying until told to stop

    def _one(self, http: requests.Session) -> None:
        answer = http.post(f"{self.base}/process-definitions/key/burst/start", json={}, headers=self.headers,
                           timeout=30)
        if answer.status_code != 201:
            return
        instance = answer.json()["id"]
        with self._lock:
            self.started.add(instance)
        listed = http.get(f"{self.base}/tasks", params={"process_instance": instance}, headers=self.headers,
                          timeout=30)
        items = listed.json()["items"] if listed.status_code == 200 else []
        if items:
            done = http.post(f"{self.base}/tasks/{items[0]['id']}/complete", json={"data": {}}, headers=self.headers,
                             timeout=30)
            if done.status_code == 200:
                with self._lock:
                    self.completed.add(items[0]["id"])


def _burst(base: str, token: str, server: subprocess.Popen) -> _Clients:
    clients = _Clients(base, token)
    threads = [threading.Thread(target=clients.run) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(BURST_S)
    os.killpg(server.pid, signal.SIGKILL)  # the master, its workers and the timer loop, mid-burst
    server.wait(10)
    time.sleep(0.3)
    clients.stop.set()
    for thread in threads:
        thread.join(60)
    return clients


def test_sigkill_of_the_server_under_load_loses_no_acknowledged_change(db: Database, tmp_path: Path):
    h = Harness(db)
    h.deploy([("burst.bpmn", DIAGRAM)])
    with db.sessions() as session:
        create_user(session, "worker1", PASSWORD, "admin", ["sales"])
        session.commit()
    db.engine.dispose()
    env, port, log = _environment(db, tmp_path), _free_port(), tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}/api/v1"
    started: set[str] = set()
    completed: set[str] = set()
    for _ in range(ROUNDS):
        with _server(env, port, log) as server:
            token = requests.post(f"{base}/auth/token", json={"username": "worker1", "password": PASSWORD},
                                  timeout=10).json()["access_token"]
            clients = _burst(base, token, server)
        started |= clients.started
        completed |= clients.completed
    assert started and completed, "the bursts did no work"
    print(f"acknowledged: {len(started)} starts, {len(completed)} completions")
    with _server(env, port, log):  # restarted: the timers after the completed tasks fire
        with db.sessions() as session:
            stored = set(session.scalars(select(ProcessInstance.id).where(ProcessInstance.id.in_(started))))
            closed = set(session.scalars(select(HumanTask.id).where(HumanTask.id.in_(completed),
                                                                    HumanTask.state == "completed")))
            assert stored == started, f"{len(started - stored)} acknowledged starts lost"
            assert closed == completed, f"{len(completed - closed)} acknowledged completions lost"
            # nothing half-written: each acknowledged instance has its one task row, written with it
            rows = session.execute(select(HumanTask.process_instance_id, func.count())
                                   .where(HumanTask.process_instance_id.in_(started))
                                   .group_by(HumanTask.process_instance_id)).all()
            assert {instance: count for instance, count in rows} == dict.fromkeys(started, 1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.sessions() as session:
                behind = session.scalar(select(func.count()).select_from(HumanTask).join(
                    ProcessInstance, ProcessInstance.id == HumanTask.process_instance_id).where(
                    HumanTask.state == "completed", ProcessInstance.state != "completed"))
            if behind == 0:
                break
            time.sleep(0.5)
        assert behind == 0, f"{behind} instances past their task never completed (their timers did not fire)"
    verified = subprocess.run([sys.executable, "-m", "api.cli", "journal", "verify"], env=env, capture_output=True,
                              text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("ok:"), verified.stdout
