"""Schemas and helpers shared by the resources."""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import Schema, fields, validate


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class ProblemSchema(Schema):
    type = fields.String()
    status = fields.Integer()
    title = fields.String()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field path → messages (422)"})
    problems = fields.List(fields.Dict(), metadata={"description": "located deployment problems (422)"})


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item)), "total": fields.Integer(),
        "limit": fields.Integer(), "offset": fields.Integer(),
    }, name=name)


def as_dict(value: Any) -> Any:
    """Dataclass views → dicts for marshmallow dumping."""
    if dataclasses.is_dataclass(value):
        return {f.name: as_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    return value
