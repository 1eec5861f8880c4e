"""Saved filters of the record lists: a person's own and those an administrator shared, with the built-in
ones computed for the caller (never stored); save the list page's query string under a name, rename or
delete one's own. Every change is journaled."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden

from api.context import db, ravand
from api.guard import BEARER, current_principal, requires
from api.resources.common import ID
from api.resources.crm.shared import READ, act
from crm import saved_filters
from crm.saved_filters import LISTS, MAX_NAME, MAX_QUERY

blp = Blueprint("crm_saved_filters", __name__, url_prefix="/api/v1/saved-filters",
                description="Saved filters of the record lists")


class SavedFilterOut(Schema):
    id = fields.String(metadata={"description": "a number for a saved one, builtin:KEY for a built-in one"})
    list = fields.String(metadata={"enum": list(LISTS)})
    name = fields.String(metadata={"description": "in the caller's language for a built-in one"})
    names = fields.Dict(metadata={"description": "a built-in one's names: {fa, en}"})
    query = fields.String(metadata={"description": "the list page's query string (filters, search, sort)"})
    shared = fields.Boolean()
    builtin = fields.Boolean()
    mine = fields.Boolean(metadata={"description": "the caller's own: they may rename or delete it"})
    owner = fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)


class ListArgs(Schema):
    list = fields.String(required=True, validate=validate.OneOf(LISTS))


class SavedFilterIn(Schema):
    list = fields.String(required=True, validate=validate.OneOf(LISTS))
    name = fields.String(required=True, validate=validate.Length(1, MAX_NAME))
    query = fields.String(load_default="", validate=validate.Length(max=MAX_QUERY),
                          metadata={"description": "the list page's query string; paging is dropped"})
    shared = fields.Boolean(load_default=False, metadata={"description": "with everyone (administrators)"})


class RenameIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, MAX_NAME))


Found = Schema.from_dict({"items": fields.List(fields.Nested(SavedFilterOut))}, name="SavedFilters")


def _out(record: saved_filters.SavedFilter, user: str) -> dict[str, Any]:
    return {"id": str(record.id), "list": record.list_name, "name": record.name, "query": record.query,
            "shared": record.shared, "builtin": False, "mine": record.owner == user, "owner": record.owner,
            "created_at": record.created_at}


def _built_in(item: saved_filters.BuiltIn, locale: str) -> dict[str, Any]:
    return {"id": f"builtin:{item.key}", "list": item.list_name, "name": item.fa if locale == "fa" else item.en,
            "names": {"fa": item.fa, "en": item.en}, "query": item.query, "shared": True, "builtin": True,
            "mine": False, "owner": None, "created_at": None}


def _owned(filter_id: int) -> None:
    """403 unless the caller owns the filter (404 when they cannot see it at all)."""
    user = current_principal().username
    record = saved_filters.find(db(), filter_id if filter_id <= ID else 0, user)
    if record.owner != user:
        raise Forbidden(f"saved filter {filter_id} is {record.owner}'s: only they change it / "
                        f"این فیلتر از آنِ {record.owner} است")


@blp.route("")
class SavedFilters(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, Found)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """The list's built-in filters (computed for the caller), then the caller's own and the shared ones."""
        principal, app = current_principal(), ravand()
        built = saved_filters.built_ins(principal.username, args["list"], now=datetime.now(UTC),
                                        zone=app.settings.timezone)
        saved = saved_filters.visible(db(), principal.username, args["list"])
        return {"items": [*(_built_in(item, principal.locale) for item in built),
                          *(_out(record, principal.username) for record in saved)]}

    @blp.doc(security=BEARER)
    @blp.arguments(SavedFilterIn)
    @blp.response(201, SavedFilterOut)
    @requires(*READ)
    def post(self, body: dict) -> object:
        """Save the list page's query string under a name (unique among the caller's filters of that list);
        ``shared`` (administrators only) shows it to everyone."""
        principal = current_principal()
        record = act(lambda ctx: saved_filters.create(ctx, principal.username, body,
                                                      may_share=principal.role == "admin"))
        return _out(record, principal.username)


@blp.route("/<int:filter_id>")
class SavedFilterOne(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RenameIn)
    @blp.response(200, SavedFilterOut)
    @blp.alt_response(403, description="Someone else's shared filter")
    @requires(*READ)
    def patch(self, body: dict, filter_id: int) -> object:
        """Rename one's own filter."""
        _owned(filter_id)
        user = current_principal().username
        record = act(lambda ctx: saved_filters.rename(ctx, filter_id, user, body["name"]))
        return _out(record, user)

    @blp.doc(security=BEARER)
    @blp.response(204)
    @blp.alt_response(403, description="Someone else's shared filter")
    @requires(*READ)
    def delete(self, filter_id: int) -> None:
        """Delete one's own filter."""
        _owned(filter_id)
        user = current_principal().username
        act(lambda ctx: saved_filters.delete(ctx, filter_id, user))


__all__ = ["blp"]
