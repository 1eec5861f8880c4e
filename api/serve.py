"""Serving: gunicorn for real use, Flask's reloading server with ``--dev``."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self._app, self._options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def serve(app_factory: Any, host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    if dev:
        app_factory().run(host=host, port=port, debug=True, use_reloader=True)
        return
    # each worker builds its own app (its own database pool) after the fork
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "accesslog": "-", "timeout": 60, "graceful_timeout": 20}

    class Lazy(_Gunicorn):
        def load(self) -> Flask:
            return app_factory()

    Lazy(None, options).run()  # type: ignore[arg-type]
