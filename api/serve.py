"""Serving: gunicorn for real use, Flask's reloading server with ``--dev``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    """gunicorn with its options given here; each worker builds its own app (its own database pool)
    after the fork."""

    def __init__(self, app_factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self._app_factory, self._options = app_factory, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app_factory()


def serve(app_factory: Callable[[], Flask], host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    if dev:
        app_factory().run(host=host, port=port, debug=True, use_reloader=True)
        return
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "accesslog": "-", "timeout": 60, "graceful_timeout": 20}
    _Gunicorn(app_factory, options).run()
