"""Sandbox layer 2, parent side: a small, thread-safe pool of warm script worker processes.

Workers start lazily with ``subprocess.Popen`` (never fork: the server has threads), speak JSON
lines (``sandbox_codec``), are killed when a script or expression overruns its wall-clock limit
or the worker dies (a replacement then starts at once, in the background, so that the pool stays
warm), and are recycled after a number of runs.
"""

from __future__ import annotations

import math
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from engine.errors import SandboxViolation, ScriptError
from engine.sandbox import codec
from engine.sandbox.limits import Limits, time_limit

START_TIMEOUT_S = 20.0
KILL_GRACE_S = 0.5  # the worker reports its own timeout; the parent kills it this much later
EXPRESSION_KILL_GRACE_S = 0.1  # the same for expressions, whose limit is much shorter
RECYCLE_AFTER = 500  # scripts per worker
MAX_ANSWER_BYTES = 256 * 1024 * 1024
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Unavailable(Exception):
    """The request could not be sent: the script did not start."""


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


class Worker:
    """One worker process and its pipes."""

    def __init__(self, memory_mb: int) -> None:
        env = {"PYTHONPATH": str(_PROJECT_ROOT), "PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "engine.sandbox.worker", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=_PROJECT_ROOT,
            env=env,
            bufsize=0,
            close_fds=True,
            start_new_session=True,
        )
        self.uses = 0
        self._pending = b""
        self._poller = select.poll()
        self._poller.register(self.proc.stdout.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
        try:
            ready = self._read_line(time.monotonic() + START_TIMEOUT_S)
        except (_Timeout, _Died):
            self.kill()
            raise ScriptError("could not start a script worker process") from None
        if ready != b'{"ready":true}':
            self.kill()
            raise ScriptError("could not start a script worker process (unexpected greeting)")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, payload: bytes, timeout_s: float) -> Any:
        self._send(payload)
        line = self._read_line(time.monotonic() + timeout_s)
        try:
            return codec.loads(line)
        except ValueError:
            raise _Died("it sent a malformed answer") from None

    def _send(self, payload: bytes) -> None:
        view, fd = memoryview(payload), self.proc.stdin.fileno()
        try:
            while view:
                view = view[os.write(fd, view) :]
        except OSError:
            raise _Unavailable from None

    def _read_line(self, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, size = [self._pending], len(self._pending)
        while b"\n" not in chunks[-1]:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._poller.poll(math.ceil(remaining * 1000)):
                raise _Timeout
            chunk = os.read(fd, 1 << 16)
            size += len(chunk)
            if not chunk or size > MAX_ANSWER_BYTES:
                raise _Died("it stopped" if not chunk else "its answer was too large")
            chunks.append(chunk)
        line, _, self._pending = b"".join(chunks).partition(b"\n")
        return line

    def kill(self) -> int | None:
        """Stop the process (if still running), reap it and return its exit status."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            status = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            status = None
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()
        return status


def _kind(mode: str) -> str:
    return "expression" if mode == "eval" else "script"


class WorkerPool:
    """At most ``limits.workers`` workers; ``run`` blocks while all of them are busy."""

    def __init__(self, limits: Limits, calendar: Callable[[], Any] = lambda: None) -> None:
        self.limits = limits
        self.calendar = calendar  # the server's working calendar, which working_time() in a worker counts on
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(limits.workers)
        self._closed = False
        self.pid = os.getpid()  # a pool inherited through fork belongs to the parent process

    def run(self, source: str, context: Any, mode: str = "exec") -> Any:
        """Run ``source`` (a script, or with ``mode="eval"`` an expression) with the already-encoded
        ``context``; return the worker's answer."""
        limits = self.limits.for_expressions() if mode == "eval" else self.limits
        message = {"source": source, "context": context, "limits": asdict(limits), "mode": mode,
                   "calendar": self.calendar()}
        try:
            payload = codec.to_line(message)
        except ValueError:
            raise ScriptError(f"a variable holds a number too large to pass to the {_kind(mode)}") from None
        grace = EXPRESSION_KILL_GRACE_S if mode == "eval" else KILL_GRACE_S
        with self._slots:
            for attempt in (1, 2):
                worker = self._take()
                try:
                    answer = worker.request(payload, limits.timeout_s + grace)
                except _Unavailable:
                    worker.kill()
                    if attempt == 2:
                        raise ScriptError("the script worker process is not available") from None
                    continue
                except (_Timeout, _Died) as err:
                    raise self._failed(worker, err, limits, _kind(mode)) from None
                except BaseException:  # e.g. KeyboardInterrupt: the worker's state is unknown
                    worker.kill()
                    raise
                self._give_back(worker, answer)
                return answer
        raise AssertionError("unreachable")

    def _take(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                worker.kill()
        return Worker(self.limits.memory_mb)

    def _give_back(self, worker: Worker, answer: Any) -> None:
        worker.uses += 1
        recycle = not isinstance(answer, dict) or answer.get("recycle") or worker.uses >= RECYCLE_AFTER
        with self._lock:
            if not (recycle or self._closed):
                self._idle.append(worker)
                return
        worker.kill()
        self._replenish()

    def _failed(self, worker: Worker, err: Exception, limits: Limits, kind: str) -> SandboxViolation:
        status = worker.kill()
        self._replenish()
        if isinstance(err, _Timeout):
            return time_limit(limits, kind)
        if status == -signal.SIGXCPU:
            return SandboxViolation(f"{kind} exceeded its CPU time limit")
        return SandboxViolation(
            f"the {kind}'s worker process stopped unexpectedly ({err}, exit status {status}); the {kind} "
            f"may have exceeded its memory limit of {limits.memory_mb} MB"
        )

    def _replenish(self) -> None:
        """Start a replacement for a worker that was killed or recycled, without making anyone wait."""
        threading.Thread(target=self._start_spare, name="sandbox-spare-worker", daemon=True).start()

    def _start_spare(self) -> None:
        try:
            worker = Worker(self.limits.memory_mb)
        except ScriptError:
            return  # the next run starts one itself
        with self._lock:
            if not self._closed and len(self._idle) < self.limits.workers and self.pid == os.getpid():
                self._idle.append(worker)
                return
        worker.kill()

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        if os.getpid() != self.pid:  # inherited through fork: those workers are the parent's
            return
        for worker in idle:
            worker.kill()
