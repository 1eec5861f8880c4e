"""The one mapping from errors to HTTP: RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from api.wording import caller_locale, field_codes, field_messages, problem_text
from crm.errors import CrmError, InvalidRecord, RecordConflict, RecordNotFound, Rejected
from crm.senders import SendFailed
from engine.errors import (
    Conflict,
    EngineError,
    Forbidden,
    InvalidData,
    InvalidDefinition,
    InvalidValue,
    NotFound,
    ScriptError,
    TaskNotOpen,
)

log = logging.getLogger("ravand.api")
PROBLEM = "application/problem+json"

STATUS: dict[type[EngineError], int] = {
    NotFound: 404, Conflict: 409, Forbidden: 403, InvalidData: 422, InvalidDefinition: 422, ScriptError: 422,
}


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    """A problem in the caller's language (``api.wording``): English as given, Persian from the catalogue. The
    machine-readable parts stay the same in every language: ``status``, ``type``, the field names of ``errors``,
    and ``code`` (the message's stable name), with ``error_codes`` beside field errors."""
    locale = caller_locale()
    title, detail, code, detail_code = problem_text(status, title, detail, locale)
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title, "code": detail_code or code}
    if detail:
        body["detail"] = detail
    errors = extra.pop("errors", None)
    if errors:
        body["errors"] = field_messages(errors, locale)
        body["error_codes"] = field_codes(errors)
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    response.headers["Content-Language"] = locale
    response.vary.add("Accept-Language")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ravand"'
    return response


def _engine_error(error: EngineError) -> Response:
    status = next((code for cls, code in STATUS.items() if isinstance(error, cls)), 400)
    extra: dict[str, Any] = {}
    if isinstance(error, InvalidData):
        extra["errors"] = error.field_errors
    if isinstance(error, InvalidValue):
        extra["path"] = error.path
    if isinstance(error, TaskNotOpen):  # the task's state, and where its work went for this caller
        extra.update(task_state=error.state, open_tasks=error.open_tasks)
    if isinstance(error, InvalidDefinition):
        extra["problems"] = [
            {"message": p.message, "file": p.file, "element_id": p.element_id, "line": p.line} for p in error.problems
        ]
    return problem(status, error.title, error.detail, **extra)


CRM_STATUS: dict[type[CrmError], tuple[int, str]] = {
    RecordNotFound: (404, "Not found"), RecordConflict: (409, "Conflict"),
    InvalidRecord: (422, "Invalid record"), Rejected: (422, "Refused"),
    SendFailed: (502, "The SMS panel or mail server did not answer as it should"),
}


def _crm_error(error: CrmError) -> Response:
    status, title = next((v for cls, v in CRM_STATUS.items() if isinstance(error, cls)), (400, "Bad request"))
    errors = error.field_errors if isinstance(error, InvalidRecord) else None
    return problem(status, title, error.message, errors=errors or None)


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests errors by location and field; clients want ``{"field.path": [messages]}``."""
    if isinstance(messages, list):
        return {prefix or "_": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in (messages or {}).items():
        path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, path))
    return flat


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    extra: dict[str, Any] = {}
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        # drop the location level (json, query, files, ...) webargs puts first
        extra["errors"] = {k: v for loc in data["messages"].values() for k, v in _flatten(loc).items()}
        return problem(422, "Invalid request", "some fields are invalid", **extra)
    response = problem(status, error.name, error.description if status != 500 else None)
    for name, value in error.get_headers():
        if name.lower() not in {"content-type", "content-length"}:
            response.headers[name] = value
    return response


def _database_busy(error: OperationalError) -> Response:
    """The database could not be reached or stayed locked past its timeout: nothing was changed, and the same
    request may succeed in a moment."""
    log.warning("database unavailable: %s", str(error.orig).splitlines()[0] if error.orig else error)
    response = problem(503, "Service Unavailable", "the database is busy or unreachable; nothing was changed, "
                       "try again in a moment")
    response.headers["Retry-After"] = "2"
    return response


def _value_refused(error: DataError) -> Response:
    """A value the database itself refused (out of its column's range or encoding): bad input, not our fault."""
    log.info("database refused a value: %s", str(error.orig).splitlines()[0] if error.orig else error)
    return problem(422, "Invalid value", "the database refused one of the values sent; nothing was changed")


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return problem(500, "Internal Server Error", "something went wrong on our side; it has been logged")


def register(app: Flask) -> None:
    app.register_error_handler(EngineError, _engine_error)
    app.register_error_handler(CrmError, _crm_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_busy)
    app.register_error_handler(DataError, _value_refused)
    app.register_error_handler(Exception, _unexpected)
