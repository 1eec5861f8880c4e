"""The audit journal (auditors and administrators): search and chain verification."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db, ravand
from api.guard import AUDIT, BEARER, requires
from api.resources.common import Instant, PageArgs, as_dict, page_schema
from engine.queries import JournalQuery

blp = Blueprint("journal", __name__, url_prefix="/api/v1/journal", description="The append-only audit journal")


class JournalEntrySchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    kind = fields.String()
    process_instance = fields.String(allow_none=True)
    business_key = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    data = fields.Dict()
    hash = fields.String()
    prev_hash = fields.String()


class JournalArgs(PageArgs):
    process_instance = fields.String(validate=validate.Length(1, 36))
    business_key = fields.String(validate=validate.Length(1, 255))
    actor = fields.String(validate=validate.Length(1, 255))
    kind = fields.String(validate=validate.Length(1, 64), metadata={"description": "prefix, e.g. 'task.'"})
    after = Instant()
    before = Instant()
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


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
        """Search the journal, oldest first."""
        fmt = args.pop("format")
        page = ravand().engine.journal(db(), JournalQuery(**args))
        if fmt == "csv":
            from api.resources.instances import history_csv

            return history_csv(page.items)
        return as_dict(page)


@blp.route("/verify")
class Verify(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, VerifySchema)
    @requires(*AUDIT)
    def get(self) -> object:
        """Walk the hash chain and name the first row that does not match."""
        return as_dict(ravand().engine.verify_journal(db()))
