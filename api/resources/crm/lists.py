"""Managed lists (``crm.lists``): every signed-in person reads them; administrators add entries and change
labels, order and whether an entry is active (a key never changes; an entry is deactivated, never deleted).
The customer portal reads the few lists its forms need without an account (rate limited)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.form_lists import viewer_locale
from api.guard import BEARER, SIGNED_IN, current_principal, requires
from api.resources.common import page_schema, storable
from api.resources.crm.portal import PUBLIC, limited
from api.resources.crm.shared import act
from crm import lists
from crm.errors import RecordNotFound
from crm.models import ListEntry
from crm.text import LOCALES, matches, name_key

blp = Blueprint("crm_lists", __name__, url_prefix="/api/v1", description="Managed lists (keys with labels)")
PORTAL_LISTS = ("product", "province", "city", "complaint_category", "complaint_kind")  # the portal's forms


class ManagedListSchema(Schema):
    name = fields.String()
    entries = fields.Integer(metadata={"description": "entries, active or not"})
    active = fields.Integer(metadata={"description": "active entries"})


class ListEntrySchema(Schema):
    key = fields.String(metadata={"description": "what records and decision tables hold; never changes"})
    label = fields.String(metadata={"description": "the label in the language asked for"})
    label_fa = fields.String()
    label_en = fields.String()
    parent_key = fields.String(allow_none=True, metadata={"description": "a city's province key"})
    position = fields.Integer()
    active = fields.Boolean()


class ListEntriesArgs(Schema):
    parent = fields.String(validate=validate.Length(1, 80), metadata={"description": "only entries under this key"})
    q = fields.String(validate=validate.Length(1, 100), metadata={"description": "words of a label or key, fa or en"})
    locale = fields.String(validate=validate.OneOf(LOCALES), metadata={"description": "of ``label``; default: yours"})
    include_inactive = fields.Boolean(load_default=False, metadata={"description": "administrators only"})
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class PublicListArgs(Schema):
    parent = fields.String(validate=validate.Length(1, 80))
    q = fields.String(validate=validate.Length(1, 100))
    locale = fields.String(validate=validate.OneOf(LOCALES), load_default="fa")
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


def _label(max_len: int = 255, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(1, max_len), storable], **kwargs)


class ListEntryIn(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 80),
                        metadata={"description": "lower-case letters, digits and _ (e.g. pos_terminal)"})
    label_fa = _label(required=True)
    label_en = _label(required=True)
    parent_key = fields.String(allow_none=True, validate=validate.Length(1, 80),
                               metadata={"description": "a city's province (key or label)"})
    position = fields.Integer(validate=validate.Range(0, 1_000_000), metadata={"description": "default: last"})


class ListEntryChange(Schema):
    key = fields.String(metadata={"description": "never changes: only the entry's own key is accepted"})
    label_fa = _label()
    label_en = _label()
    parent_key = fields.String(allow_none=True, validate=validate.Length(1, 80))
    position = fields.Integer(validate=validate.Range(0, 1_000_000))
    active = fields.Boolean(metadata={"description": "false withdraws the entry from forms; records keep it"})


EntryPage = page_schema(ListEntrySchema, "ListEntryPage")


def _shown(entry: ListEntry, locale: str) -> dict[str, Any]:
    return {"key": entry.key, "label": entry.label_en if locale == "en" else entry.label_fa,
            "label_fa": entry.label_fa, "label_en": entry.label_en, "parent_key": entry.parent_key,
            "position": entry.position, "active": entry.active}


def entry_page(name: str, args: dict[str, Any], locale: str, include_inactive: bool) -> dict[str, Any]:
    """A page of a list's entries (under ``parent``, matching ``q`` in either language) with labels."""
    found = lists.entries(db(), name, parent=args.get("parent"), include_inactive=include_inactive)
    if args.get("q"):
        found = [e for e in found if matches(args["q"], " ".join(name_key(t) for t in (e.key, e.label_fa,
                                                                                       e.label_en)))]
    window = found[args["offset"]:args["offset"] + args["limit"]]
    return {"items": [_shown(e, locale) for e in window], "total": len(found), "limit": args["limit"],
            "offset": args["offset"]}


def _known(name: str) -> None:
    if not any(row["name"] == name for row in lists.names(db())):
        raise RecordNotFound(f"no list named {name!r}")


@blp.route("/lists")
class Lists(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ManagedListSchema(many=True))
    @requires(*SIGNED_IN)
    def get(self) -> object:
        """Every managed list with how many entries it has."""
        return lists.names(db())


@blp.route("/lists/<string:name>/entries")
class Entries(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ListEntriesArgs, location="query")
    @blp.response(200, EntryPage)
    @requires(*SIGNED_IN)
    def get(self, args: dict, name: str) -> object:
        """A list's entries in order (active ones; administrators may ask for inactive ones too), with the
        label in ``locale`` (default: the caller's language)."""
        _known(name)
        principal = current_principal()
        locale = args.get("locale") or viewer_locale(principal.locale)
        return entry_page(name, args, locale, args["include_inactive"] and principal.role == "admin")

    @blp.doc(security=BEARER)
    @blp.arguments(ListEntryIn)
    @blp.response(201, ListEntrySchema)
    @requires("admin")
    def post(self, body: dict, name: str) -> object:
        """Add an active entry (a new list name starts a new list); keys are unique in a list and a label
        may not read as another entry's key or label."""
        entry = act(lambda ctx: lists.add_entry(ctx, name, **body))
        return _shown(entry, viewer_locale(current_principal().locale))


@blp.route("/lists/<string:name>/entries/<string:key>")
class Entry(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ListEntryChange)
    @blp.response(200, ListEntrySchema)
    @requires("admin")
    def patch(self, body: dict, name: str, key: str) -> object:
        """Change an entry's labels, position, parent or whether it is active. The key never changes: to
        rename what records hold, deactivate the entry and add another."""
        entry = act(lambda ctx: lists.change_entry(ctx, name, key, body))
        return _shown(entry, viewer_locale(current_principal().locale))


@blp.route("/portal/lists/<string:name>/entries")
class PublicEntries(MethodView):
    @blp.doc(security=PUBLIC)
    @blp.arguments(PublicListArgs, location="query")
    @blp.response(200, EntryPage)
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    @limited("read")
    def get(self, args: dict, name: str) -> object:
        """The active entries of a list the portal's forms use (product, province, city, complaint_category,
        complaint_kind); no account needed."""
        if name not in PORTAL_LISTS:
            raise RecordNotFound(f"no public list named {name!r}")
        return entry_page(name, args, args["locale"], include_inactive=False)
