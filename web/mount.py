"""``register(app)``: mount the web app on the API's Flask app."""

from __future__ import annotations

from flask import Flask, Response

from web import csrf, session
from web import portal as _portal  # noqa: F401  (importing it adds the portal's pages to the blueprint)
from web.pages import ONE_YEAR, bp


def _immutable(response: Response) -> Response:
    """Hashed build files never change under their name: let browsers keep them."""
    if response.status_code == 200 and response.cache_control.max_age == ONE_YEAR:
        response.cache_control.immutable = True
        response.cache_control.public = True
    return response


def register(app: Flask) -> None:
    session.configure(app)
    app.before_request(csrf.guard)
    app.register_blueprint(bp)
    app.after_request(_immutable)
