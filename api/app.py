"""``create_app``: the Flask application serving the API (and, later, the web app)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from api import errors
from api.composition import Ravand, build
from api.context import close_session
from api.identity.service import AccessTokens
from api.jsonbody import StrictJSONProvider, check_json_body
from api.keys import app_secret
from api.openapi import RavandApi
from config import Settings, load_settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "font-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
}


def _configure_openapi(app: Flask) -> None:
    app.config.update(
        API_TITLE="Ravand API", API_VERSION="v1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="v1/openapi.json", OPENAPI_RAPIDOC_PATH="/docs",
        OPENAPI_RAPIDOC_URL="/static/dist/vendor/rapidoc-min.js",
        OPENAPI_RAPIDOC_CONFIG={"theme": "light", "render-style": "read", "show-header": "false",
                                "regular-font": "system-ui, sans-serif", "mono-font": "monospace"},
    )


class BoundedInt(IntegerConverter):
    """Path ids as the database holds them: a number no column can hold matches no route (404)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(settings: Settings | None = None, ravand: Ravand | None = None, *, migrate: bool = False,
               timers: bool = False) -> Flask:
    """The app. It migrates only when asked (``ravand init`` and ``ravand serve`` migrate once, before
    serving) and runs the timer loop in-process only when asked (``ravand serve --dev``); under
    gunicorn the serving process runs the one timer loop beside the workers."""
    settings = settings or load_settings()
    ravand = ravand or build(settings, migrate=migrate)
    app = Flask(__name__, static_folder=None)
    if settings.proxy_hops > 0:  # the client's own address behind trusted reverse proxies (rate limits key on it)
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.url_map.converters["int"] = BoundedInt
    app.json = StrictJSONProvider(app)  # strict JSON in and out (api/jsonbody.py)
    app.before_request(check_json_body)
    app.config.update(SECRET_KEY=app_secret(settings), MAX_CONTENT_LENGTH=settings.max_deployment_bytes + 64 * 1024,
                      JSON_SORT_KEYS=False)
    _configure_openapi(app)
    app.extensions["ravand"] = ravand
    app.extensions["ravand.tokens"] = AccessTokens(app.config["SECRET_KEY"], settings.token_ttl_s)
    api = RavandApi(app, spec_kwargs={"info": {"description": "Ravand: a CRM whose work runs as BPMN processes."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    from api.resources import register_all

    register_all(api)
    import web

    web.register(app)
    errors.register(app)
    app.teardown_appcontext(close_session)
    app.after_request(_security_headers)
    from api.imports import start_runner

    start_runner(ravand, app.extensions)  # import jobs a previous process left are resumed
    if timers and settings.scheduler_enabled:
        from api.outbox import schedule_outbox

        ravand.timers.start_background(also=lambda scheduler: schedule_outbox(scheduler, ravand))
    if settings.cors_origins:
        from flask_cors import CORS

        CORS(app, origins=list(settings.cors_origins))
    return app
