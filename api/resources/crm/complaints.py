"""Complaints for employees: the list, one complaint with every note (internal ones included), plain
corrections, and notes (``POST /complaints/{id}/updates``). Filing, routing, escalation and closing
are the complaint process's steps; customers see theirs through ``/api/v1/portal``."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.guard import BEARER, requires
from api.intake import start_complaint
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.shared import READ, WRITE, act, start
from crm import complaints

blp = Blueprint("crm_complaints", __name__, url_prefix="/api/v1/complaints", description="Complaints")


class ComplaintSchema(Schema):
    id = fields.Integer()
    tracking_code = fields.String()
    customer_id = fields.Integer(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_mobile = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    category = fields.String(metadata={"enum": list(complaints.CATEGORIES)})
    severity = fields.String(metadata={"enum": list(complaints.SEVERITIES)})
    channel = fields.String()
    description = fields.String()
    status = fields.String(metadata={"enum": list(complaints.STATUSES)})
    tier = fields.Integer()
    team = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    sla_due = fields.DateTime(allow_none=True)
    breaches = fields.Integer(metadata={"description": "deadlines missed so far"})
    resolution = fields.String(allow_none=True)
    satisfaction = fields.Integer(allow_none=True, metadata={"description": "the customer's survey score, 1-5"})
    satisfaction_comment = fields.String(allow_none=True)
    handling_seconds = fields.Integer(allow_none=True, metadata={"description": "from filing to resolution"})
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class UpdateSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    author = fields.String(allow_none=True)
    text = fields.String()
    public = fields.Boolean(metadata={"description": "shown to the customer in the portal"})


class ComplaintDetail(ComplaintSchema):
    updates = fields.List(fields.Nested(UpdateSchema))


class ComplaintArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(complaints.STATUSES))
    category = fields.String(validate=validate.OneOf(complaints.CATEGORIES))
    severity = fields.String(validate=validate.OneOf(complaints.SEVERITIES))
    team = fields.String(validate=validate.Length(1, 80))
    assignee = fields.String(validate=validate.Length(1, 150))
    customer_id = fields.Integer(validate=validate.Range(1, ID))


class ComplaintPatch(Schema):
    category = fields.String(validate=validate.OneOf(complaints.CATEGORIES))
    customer_id = fields.Integer(allow_none=True, validate=validate.Range(1, ID),
                                 metadata={"description": "link the complaint to a known customer"})


class UpdateIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))
    public = fields.Boolean(load_default=False, metadata={"description": "true: the customer sees it"})


class NewComplaint(Schema):
    customer_id = fields.Integer(validate=validate.Range(1, ID), metadata={"description": "a known customer, or"})
    contact_name = fields.String(validate=validate.Length(1, 255))
    contact_mobile = fields.String(validate=validate.Length(1, 40))
    contact_email = fields.String(validate=validate.Length(1, 255))
    category = fields.String(required=True, validate=validate.OneOf(complaints.CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(complaints.SEVERITIES))
    channel = fields.String(load_default="api", validate=validate.OneOf(complaints.CHANNELS))
    description = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))


ComplaintPage = page_schema(ComplaintSchema, "ComplaintPage")
COMPLAINT_FIELDS = tuple(ComplaintSchema().fields)


@blp.route("")
class Complaints(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ComplaintArgs, location="query")
    @blp.response(200, ComplaintPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Complaints, newest first."""
        filters = {k: args.get(k) for k in ("status", "category", "severity", "team", "assignee", "customer_id")}
        return page(complaints.list_complaints(db(), **filters, limit=args["limit"], offset=args["offset"]), args)

    @blp.doc(security=BEARER)
    @blp.arguments(NewComplaint)
    @blp.response(201, ComplaintSchema)
    @blp.alt_response(404, description="No customer with that id")
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """File a complaint (taken by phone, e-mail, ...) and start ``complaint_escalation``: routing, the
        SLA, the tracking code sent to the customer."""
        return start(start_complaint, body)


@blp.route("/<int:complaint_id>")
class Complaint(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ComplaintDetail)
    @requires(*READ)
    def get(self, complaint_id: int) -> object:
        """One complaint with all its notes, internal and public."""
        session = db()
        complaint = complaints.get_complaint(session, complaint_id)
        return {**{name: getattr(complaint, name) for name in COMPLAINT_FIELDS},
                "updates": complaints.updates(session, complaint_id)}

    @blp.doc(security=BEARER)
    @blp.arguments(ComplaintPatch)
    @blp.response(200, ComplaintSchema)
    @blp.alt_response(409, description="The complaint is closed")
    @requires(*WRITE)
    def patch(self, body: dict, complaint_id: int) -> object:
        """Correct the category, or link the complaint to a known customer."""
        return act(lambda ctx: complaints.update_complaint(ctx, complaint_id, body))


@blp.route("/<int:complaint_id>/updates")
class Updates(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, UpdateSchema(many=True))
    @requires(*READ)
    def get(self, complaint_id: int) -> object:
        """The complaint's notes, oldest first."""
        session = db()
        complaints.get_complaint(session, complaint_id)
        return complaints.updates(session, complaint_id)

    @blp.doc(security=BEARER)
    @blp.arguments(UpdateIn)
    @blp.response(201, UpdateSchema)
    @blp.alt_response(409, description="The complaint is closed")
    @requires(*WRITE)
    def post(self, body: dict, complaint_id: int) -> object:
        """Add a note; a public one is shown to the customer in the portal."""
        return act(lambda ctx: complaints.add_update(ctx, complaint_id, body["text"], public=body["public"]))
