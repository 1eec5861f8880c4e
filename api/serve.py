"""Serving: gunicorn for real use, Flask's reloading server with ``--dev``.

Under gunicorn the serving process (the master) owns the deployment's one timer loop: a
``ravand worker`` child started beside the HTTP workers, started again if it dies, stopped with
the server. HTTP workers neither migrate nor fire timers, so a worker that replaces a killed one
boots without touching the database.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

log = logging.getLogger("ravand.serve")


class TimerProcess:
    """One child process running the timer loop; ``ensure`` starts it again when it has died (at
    most once per ``restart_s``), ``stop`` ends it."""

    def __init__(self, argv: Sequence[str], *, restart_s: float = 2.0, stop_s: float = 15.0) -> None:
        self.argv, self.restart_s, self.stop_s = list(argv), restart_s, stop_s
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0  # how many times it was started
        self._last_start = 0.0
        self._owner = os.getpid()  # gunicorn's workers are forks of the owner: they leave the child alone

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def alive(self) -> bool:
        """Reaps the child if it has exited (before gunicorn's ``waitpid(-1)`` takes it)."""
        return self.process is not None and self.process.poll() is None

    def ensure(self) -> None:
        if os.getpid() != self._owner or self.alive() or time.monotonic() - self._last_start < self.restart_s:
            return
        if self.process is not None:
            log.error("the timer loop (pid %s) exited with %s; starting it again", self.process.pid,
                      self.process.returncode)
        self._last_start = time.monotonic()
        self.process = subprocess.Popen(self.argv)
        self.started += 1

    def stop(self) -> None:
        if os.getpid() != self._owner:
            return
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(self.stop_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def timer_argv(config: str | None) -> list[str]:
    """The command of the timer child: ``ravand worker`` with the same settings file."""
    return [sys.executable, "-m", "api.cli", *(["--config", config] if config else []), "worker"]


class _Arbiter(Arbiter):
    """gunicorn's master, also keeping the timer child alive."""

    timers: TimerProcess | None = None

    def manage_workers(self) -> None:
        super().manage_workers()
        if self.timers is not None:
            self.timers.ensure()

    def reap_workers(self) -> None:
        if self.timers is not None:
            self.timers.alive()  # its own waitpid first: gunicorn's waitpid(-1) would lose its status
        super().reap_workers()

    def stop(self, graceful: bool = True) -> None:
        super().stop(graceful)
        if self.timers is not None:
            self.timers.stop()


class _Gunicorn(BaseApplication):
    """gunicorn with its options given here; each worker builds its own app (its own database pool)
    after the fork."""

    def __init__(self, app_factory: Callable[[], Flask], options: dict[str, Any],
                 timers: TimerProcess | None = None) -> None:
        self._app_factory, self._options, self._timers = app_factory, options, timers
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app_factory()

    def run(self) -> None:
        arbiter = _Arbiter(self)
        arbiter.timers = self._timers
        try:
            arbiter.run()
        finally:
            if self._timers is not None:
                self._timers.stop()


def reloader_child() -> bool:
    """Under ``--dev`` Werkzeug runs the app in a child it restarts on code changes; the parent
    only watches files."""
    return os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def serve(app_factory: Callable[[], Flask], host: str, port: int, workers: int, threads: int, dev: bool,
          timers: TimerProcess | None = None) -> None:
    """``app_factory`` builds an app that neither migrates nor fires timers; ``timers`` is the
    timer child (None: no timer loop). With ``dev`` the caller's factory runs the loop in-process."""
    if dev:
        app_factory().run(host=host, port=port, debug=True, use_reloader=True)
        return
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "accesslog": "-", "timeout": 60, "graceful_timeout": 20}
    _Gunicorn(app_factory, options, timers).run()
