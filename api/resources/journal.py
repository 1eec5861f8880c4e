"""The audit journal (auditors and administrators): search and chain verification."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api import names as naming
from api.context import db, ravand
from api.downloads import csv_stream, day_stamp, file_name
from api.guard import AUDIT, BEARER, requires
from api.journal_words import describe
from api.resources.common import Instant, PageArgs, as_dict, page_schema
from api.wording import caller_locale
from engine.queries import JournalQuery
from engine.views import JournalView

blp = Blueprint("journal", __name__, url_prefix="/api/v1/journal", description="The append-only audit journal")


class JournalEntrySchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    kind = fields.String()
    process_instance = fields.String(allow_none=True)
    business_key = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    process_name = fields.String(metadata={"description": "its process's name in the reader's language"})
    element_name = fields.String(metadata={"description": "the element's (task's, event's) name in the reader's "
                                                          "language"})
    data = fields.Dict()
    kind_text = fields.Dict(metadata={"description": "the kind in words, {fa, en} (api.journal_words)"})
    actor_text = fields.Dict(allow_none=True, metadata={
        "description": "who did it in words, {fa, en}: the user's display name, or the portal, the scheduler, …"})
    details = fields.List(fields.Dict(), metadata={"description": "the data as labelled fields, {fa, en} words"})
    hash = fields.String()
    prev_hash = fields.String()


class JournalArgs(PageArgs):
    process_instance = fields.String(validate=validate.Length(1, 36))
    business_key = fields.String(validate=validate.Length(1, 255))
    actor = fields.String(validate=validate.Length(1, 255))
    kind = fields.String(validate=validate.Length(1, 64), metadata={"description": "prefix, e.g. 'task.'"})
    after = Instant()
    before = Instant()
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "csv: every matching entry (limit and offset are for pages, not for the file), newest first"})
    order = fields.String(load_default="oldest", validate=validate.OneOf(["oldest", "newest"]),
                          metadata={"description": "the page's order by sequence number (the CSV is newest first)"})


class VerifySchema(Schema):
    ok = fields.Boolean()
    checked = fields.Integer()
    first_broken = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


JournalPage = page_schema(JournalEntrySchema, "JournalPage")


@blp.route("")
class Journal(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(JournalArgs, location="query")
    @blp.response(200, JournalPage)
    @blp.alt_response(200, description="the same entries as CSV", content_type="text/csv",
                      schema={"type": "string"}, success=True)
    @requires(*AUDIT)
    def get(self, args: dict) -> object:
        """Search the journal (oldest first unless ``order=newest``); ``format=csv`` streams every matching
        entry, newest first, in a file named by its filters and the day (``journal-actor-nima-1405-09-16.csv``)."""
        fmt, newest = args.pop("format"), args.pop("order") == "newest"
        if fmt == "csv":
            return journal_csv(args)
        page = ravand().engine.journal(db(), JournalQuery(**args, newest_first=newest))
        shown = as_dict(page)
        shown["items"] = describe(db(), naming.entries(db(), shown["items"]))
        return shown


CSV_COLUMNS = ("seq", "at", "actor", "kind", "element_id", "business_key", "data", "hash")
FILTERS = (("instance", "process_instance"), ("key", "business_key"), ("actor", "actor"), ("kind", "kind"))


def entry_rows(entries: Iterable[JournalView]) -> Iterator[list[object]]:
    for entry in entries:
        yield [entry.seq, entry.at.isoformat(), entry.actor, entry.kind, entry.element_id, entry.business_key,
               entry.data, entry.hash]


def entries_csv(entries: Iterable[JournalView], name: str) -> Response:
    """Journal entries as a streamed CSV (formula-like text made plain, ``data`` as JSON)."""
    return csv_stream(CSV_COLUMNS, entry_rows(entries), name)


def journal_csv(args: dict) -> Response:
    """Every entry the filters match, newest first, however many: read and sent in batches."""
    locale, zone = caller_locale(), ravand().settings.timezone
    query = JournalQuery(**{k: v for k, v in args.items() if k not in {"limit", "offset"}}, newest_first=True)
    pieces = [(label, args.get(key)) for label, key in FILTERS]
    pieces += [(label, day_stamp(locale, zone, args[key])) for label, key in (("from", "after"), ("to", "before"))
               if args.get(key)]
    name = file_name("journal", pieces, locale, "csv", zone)
    return entries_csv(ravand().engine.journal_entries(db(), query), name)


@blp.route("/verify")
class Verify(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, VerifySchema)
    @requires(*AUDIT)
    def get(self) -> object:
        """Walk the hash chain and name the first row that does not match."""
        return as_dict(ravand().engine.verify_journal(db()))
