"""``ravand serve`` as a real process on a SQLite file: migrations run once before the workers fork,
one timer loop runs beside the HTTP workers (started again if it dies, stopped with the server),
and an HTTP worker that replaces a killed one boots while another connection holds the write lock."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.engine import bpmn

RAVAND = [sys.executable, "-m", "api.cli"]
TIMER_START = bpmn.diagram("ticking", "\n".join([
    '<bpmn:startEvent id="start"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1S"</bpmn:timeDuration>'
    '</bpmn:timerEventDefinition></bpmn:startEvent>', bpmn.end(), bpmn.chain("start", "end"),
]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    """pid → command line of every live (not zombie) child of ``pid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return found


def _wait(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except OSError:
        return 0


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base: str
    log: Path
    database: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def timer_children(self) -> list[int]:
        return [pid for pid, cmd in _children(self.process.pid).items() if cmd.rstrip().endswith(" worker")]

    def http_workers(self) -> list[int]:
        return [pid for pid in _children(self.process.pid) if pid not in self.timer_children()]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    database = tmp_path / "ravand.sqlite"
    env = {**os.environ, "RAVAND_DATABASE_URL": f"sqlite:///{database}", "RAVAND_SCRIPT_ISOLATION": "false",
           "RAVAND_SCHEDULER_INTERVAL_S": "0.2", "RAVAND_SECRET_KEY": "test-secret-key-for-tests-only",
           "PYTHONPATH": str(Path(__file__).parents[2])}
    env.pop("RAVAND_CONFIG", None)
    port, log = _free_port(), tmp_path / "serve.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([*RAVAND, "serve", "--workers", "2", "--threads", "2", "--port", str(port)],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    served = Served(process, f"http://127.0.0.1:{port}", log, database)
    try:
        _wait(lambda: _get(served.base + "/api/v1/health") == 200, 60, "the server to answer")
        (tmp_path / "ticking.bpmn").write_bytes(TIMER_START)
        subprocess.run([*RAVAND, "deploy", str(tmp_path / "ticking.bpmn")], env=env, cwd=tmp_path, check=True,
                       capture_output=True)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _instances(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM process_instance WHERE process_key = 'ticking'").fetchone()[0]


def test_one_timer_loop_beside_two_workers_restarted_and_stopped(served: Served) -> None:
    _wait(lambda: len(served.http_workers()) == 2, 30, "two HTTP workers")
    [timer_pid] = _wait(served.timer_children, 30, "the timer child")
    assert served.output().count("timer worker running") == 1
    _wait(lambda: _instances(served.database) == 1, 30, "the timer start event to fire")

    os.kill(timer_pid, signal.SIGKILL)  # the loop dies: the server starts another one
    [again] = _wait(lambda: [p for p in served.timer_children() if p != timer_pid], 30, "a new timer child")
    _wait(lambda: served.output().count("timer worker running") == 2, 30, "the new loop to run")
    assert len(served.timer_children()) == 1

    served.process.send_signal(signal.SIGTERM)  # the server stops: so does its loop
    served.process.wait(30)
    _wait(lambda: not Path(f"/proc/{again}").exists() or "Z" in Path(f"/proc/{again}/stat").read_text(), 20,
          "the timer child to stop")


def test_a_worker_replacing_a_killed_one_boots_while_the_write_lock_is_held(served: Served) -> None:
    workers = _wait(lambda: served.http_workers() if len(served.http_workers()) == 2 else None, 30, "workers")
    holder = sqlite3.connect(served.database, timeout=1, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long command would hold it
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        fresh = _wait(lambda: [p for p in served.http_workers() if p not in workers] if len(
            [p for p in served.http_workers() if p not in workers]) == 2 else None, 20, "two new workers")
        _wait(lambda: _get(served.base + "/api/v1/openapi.json") == 200, 10, "a new worker to serve")
        assert served.process.poll() is None, served.output()
        assert all(pid in served.http_workers() for pid in fresh)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _get(served.base + "/api/v1/health") == 200
    assert "Worker failed to boot" not in served.output()
