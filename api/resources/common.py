"""Schemas and helpers shared by the resources."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError, fields, validate

from crm.text import ascii_digits
from engine.values import text_problem

ID = 2**31 - 1  # the largest id a path or filter may name (what the database's columns hold)


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class ProblemSchema(Schema):
    type = fields.String()
    status = fields.Integer()
    title = fields.String()
    detail = fields.String()
    code = fields.String(metadata={"description": "the message's stable name, the same in every language "
                                                  "(not_found, role_forbidden, csrf, ...; api.wording)"})
    error_codes = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                              metadata={"description": "field path → the stable names of its messages (422)"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field path → messages (422)"})
    problems = fields.List(fields.Dict(), metadata={"description": "located deployment problems (422)"})
    path = fields.String(metadata={"description": "where the refused value is in the body (422)"})
    reason = fields.String(metadata={"description": "why a customer's contract link does not open the offer "
                                                    "(invalid, expired, outdated, closed)"})
    task_state = fields.String(metadata={"description": "the state of a task that is no longer open (409)"})
    open_tasks = fields.List(fields.Dict(), metadata={"description": "where that task's work went, as far as the "
                                                                     "caller may see (409)"})


class Instant(fields.DateTime):
    """An ISO 8601 date-time in UTC (without a zone: UTC), or a date meaning its midnight UTC; Persian
    digits are accepted. A moment UTC cannot hold (year 1 east of Greenwich) is a field error, not a 500."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str):
            value = ascii_digits(value.strip())
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value += "T00:00:00+00:00"
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        except OverflowError as exc:
            raise ValidationError("out of range") from exc


def storable(value: str) -> None:
    """A marshmallow validator: text a database can store (no NUL, no lone surrogate)."""
    problem = text_problem(value, None)
    if problem:
        raise ValidationError(problem)


def text(size: int = 255) -> fields.String:
    """Optional text of at most ``size`` characters a database can store; null clears it."""
    return fields.String(allow_none=True, validate=[validate.Length(max=size), storable])


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item)), "total": fields.Integer(),
        "total_exact": fields.Boolean(metadata={
            "description": "false when the list holds more records than were counted: `total` is then a lower bound"}),
        "limit": fields.Integer(), "offset": fields.Integer(),
    }, name=name)


def page(found: tuple[list[Any], int], args: dict[str, Any]) -> dict[str, Any]:
    """``(items, total)`` with the page asked for, as ``page_schema`` dumps it; a total counted only up to
    a bound (``crm.validation.Total``) says so in ``total_exact``."""
    items, total = found
    return {"items": items, "total": int(total), "total_exact": getattr(total, "exact", True),
            "limit": args["limit"], "offset": args["offset"]}


def as_dict(value: Any) -> Any:
    """Dataclass views → dicts for marshmallow dumping."""
    if dataclasses.is_dataclass(value):
        return {f.name: as_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    return value


def wants_csv(fmt: str) -> bool:
    """``format=csv``, or a client whose Accept header prefers CSV."""
    return fmt == "csv" or request.accept_mimetypes.best == "text/csv"


def csv_download(body: str, name: str) -> Response:
    """CSV for spreadsheets, as a download: UTF-8 with a byte order mark, so Excel reads Persian; the file is
    named ``name`` and the day (``lead-funnel-stages-1405-09-16.csv`` for a Persian reader, api.downloads)."""
    from api.context import ravand
    from api.downloads import attachment, file_name
    from api.wording import caller_locale

    dated = file_name(name, [], caller_locale(), "csv", ravand().settings.timezone)
    return Response("\ufeff" + body, mimetype="text/csv", headers={"Content-Disposition": attachment(dated)})
