"""``register(app)``: mount the web app on the API's Flask app."""

from __future__ import annotations

from flask import Flask

from web import csrf, session
from web import portal as _portal  # noqa: F401  (importing it adds the portal's pages to the blueprint)
from web.pages import bp


def register(app: Flask) -> None:
    session.configure(app)
    app.before_request(csrf.guard)
    app.register_blueprint(bp)
