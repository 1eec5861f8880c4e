"""Complaints for employees: the list, one complaint with every note (internal ones included) and its handling
history, triage corrections (kind, category, severity: the process routes it again and recomputes the SLA),
assigning it (team leads and managers), resuming it when the customer answered by other means, and notes.
Filing, routing, escalation and closing are the complaint process's steps; customers see theirs through
``/api/v1/portal``."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command, crm_ctx
from api.context import db
from api.guard import BEARER, current_principal, requires
from api.intake import start_complaint
from api.record_access import editable, readable
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.complaint_commands import assign_complaint, correct_complaint, open_task, resume_complaint
from api.resources.crm.listtools import sort_arg
from api.resources.crm.record_pages import PeriodArgs, period
from api.resources.crm.shared import READ, WRITE, act, start
from crm import complaint_work, complaints

blp = Blueprint("crm_complaints", __name__, url_prefix="/api/v1/complaints", description="Complaints")


class ComplaintSchema(Schema):
    id = fields.Integer()
    tracking_code = fields.String()
    customer_id = fields.Integer(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_mobile = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "a key of the managed list complaint_kind"})
    category = fields.String(metadata={"description": "a key of the managed list complaint_category"})
    severity = fields.String(metadata={"enum": list(complaints.SEVERITIES)})
    locale = fields.String(allow_none=True, metadata={"description": "the complainant's language"})
    channel = fields.String()
    description = fields.String()
    status = fields.String(metadata={"enum": list(complaints.STATUSES)})
    tier = fields.Integer()
    team = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    sla_due = fields.DateTime(allow_none=True)
    breaches = fields.Integer(metadata={"description": "deadlines missed so far"})
    resolution = fields.String(allow_none=True, metadata={"description": "internal: what was done"})
    public_resolution = fields.String(allow_none=True, metadata={"description": "the answer the customer sees"})
    paused_at = fields.DateTime(allow_none=True, metadata={"description": "waiting for the customer since"})
    sla_left_seconds = fields.Integer(allow_none=True, metadata={"description": "working time left when paused"})
    reopened = fields.Integer()
    satisfaction = fields.Integer(allow_none=True, metadata={"description": "the customer's survey score, 1-5"})
    satisfaction_comment = fields.String(allow_none=True)
    handling_seconds = fields.Integer(allow_none=True, metadata={
        "description": "working time from filing to resolution, without the time waiting for the customer"})
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class ComplaintRow(ComplaintSchema):
    customer_name = fields.String(allow_none=True, metadata={"description": "the known customer's name"})


class UpdateSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    author = fields.String(allow_none=True)
    text = fields.String()
    public = fields.Boolean(metadata={"description": "shown to the customer in the portal"})


class HandlingSchema(Schema):
    at = fields.DateTime()
    user = fields.String(allow_none=True)
    action = fields.String(metadata={"enum": list(complaint_work.ACTIONS)})
    tier = fields.Integer()
    working_seconds = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)


class OpenTaskSchema(Schema):
    id = fields.String()
    element_id = fields.String()
    assignee = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    due = fields.DateTime(allow_none=True)


class ComplaintDetail(ComplaintRow):
    updates = fields.List(fields.Nested(UpdateSchema))
    handling = fields.List(fields.Nested(HandlingSchema), metadata={"description": "who did what, when"})
    task = fields.Nested(OpenTaskSchema, allow_none=True, metadata={"description": "its open task, if any"})


class ComplaintArgs(PageArgs, PeriodArgs):
    status = fields.String(validate=validate.OneOf((*complaints.STATUSES, "open")),
                           metadata={"description": "a status, or open: any of those still being handled"})
    kind = fields.String(validate=validate.Length(1, 40))
    category = fields.String(validate=validate.Length(1, 40))
    severity = fields.String(validate=validate.OneOf(complaints.SEVERITIES))
    team = fields.String(validate=validate.Length(1, 80))
    assignee = fields.String(validate=validate.Length(1, 150))
    customer_id = fields.Integer(validate=validate.Range(1, ID))
    tier = fields.Integer(validate=validate.Range(1, 3))
    q = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "a tracking code however typed, or part of the complainant's name"})
    breached = fields.Boolean(metadata={"description": "true: that breached their SLA at least once; false: never"})
    sort = sort_arg("complaints")


COMPLAINT_FILTERS = ("status", "kind", "category", "severity", "team", "assignee", "customer_id", "q", "tier",
                     "breached")


def complaint_filters(args: dict[str, Any]) -> dict[str, Any]:
    """The list's arguments as ``complaints.complaint_query`` takes them (the list and its export share this),
    the period's days (received) as moments in the company's time zone."""
    return {**{k: args.get(k) for k in COMPLAINT_FILTERS}, **period(args)}


class ComplaintPatch(Schema):
    kind = fields.String(validate=validate.Length(1, 255), metadata={"description": "complaint_kind key or label"})
    category = fields.String(validate=validate.Length(1, 255),
                             metadata={"description": "complaint_category key or label"})
    severity = fields.String(validate=validate.OneOf(complaints.SEVERITIES))
    customer_id = fields.Integer(allow_none=True, validate=validate.Range(1, ID),
                                 metadata={"description": "link the complaint to a known customer"})


class UpdateIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))
    public = fields.Boolean(load_default=False, metadata={"description": "true: the customer sees it"})


class AssignIn(Schema):
    user = fields.String(required=True, validate=validate.Length(1, 150))


class ResumeIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 2000),
                         metadata={"description": "what the customer answered (an internal note)"})


class NewComplaint(Schema):
    customer_id = fields.Integer(validate=validate.Range(1, ID), metadata={"description": "a known customer, or"})
    contact_name = fields.String(validate=validate.Length(1, 255))
    contact_mobile = fields.String(validate=validate.Length(1, 40))
    contact_email = fields.String(validate=validate.Length(1, 255))
    kind = fields.String(validate=validate.Length(1, 255), metadata={"description": "complaint (default), "
                                                                                    "suggestion or criticism"})
    category = fields.String(required=True, validate=validate.Length(1, 255))
    severity = fields.String(required=True, validate=validate.OneOf(complaints.SEVERITIES))
    channel = fields.String(load_default="api", validate=validate.OneOf(complaints.CHANNELS))
    description = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))


ComplaintPage = page_schema(ComplaintRow, "ComplaintPage")
COMPLAINT_FIELDS = tuple(ComplaintSchema().fields)


@blp.route("")
class Complaints(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ComplaintArgs, location="query")
    @blp.response(200, ComplaintPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Complaints, newest first; ``created_from``/``created_to`` (received), ``tier``, ``status=open`` and
        ``breached`` give the records behind a figure of the dashboards' complaints card."""
        filters = complaint_filters(args)
        session = db()
        found, total = complaints.list_complaints(session, **filters, sort=args.get("sort"), limit=args["limit"],
                                                  offset=args["offset"])
        names = complaints.customer_names(session, found)
        rows = [{**{name: getattr(c, name) for name in COMPLAINT_FIELDS}, "customer_name": names.get(c.customer_id)}
                for c in found]
        return page((rows, total), args)

    @blp.doc(security=BEARER)
    @blp.arguments(NewComplaint)
    @blp.response(201, ComplaintSchema)
    @blp.alt_response(404, description="No customer with that id")
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """File a complaint (taken by phone, e-mail, ...) and start ``complaint_escalation``: routing, the
        SLA, the tracking code sent to the customer."""
        if body.get("customer_id"):  # record access: a customer one may see, else 404
            readable("customer", body["customer_id"])
        return start(start_complaint, body)


@blp.route("/<int:complaint_id>")
class Complaint(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ComplaintDetail)
    @requires(*READ)
    def get(self, complaint_id: int) -> object:
        """One complaint with all its notes (internal and public), its handling history and its open task."""
        session = db()
        complaint = complaints.get_complaint(session, complaint_id)
        return {**{name: getattr(complaint, name) for name in COMPLAINT_FIELDS},
                "customer_name": complaints.customer_names(session, [complaint]).get(complaint.customer_id),
                "updates": complaints.updates(session, complaint_id),
                "handling": complaint_work.handling(session, complaint_id), "task": open_task(session, complaint)}

    @blp.doc(security=BEARER)
    @blp.arguments(ComplaintPatch)
    @blp.response(200, ComplaintSchema)
    @blp.alt_response(409, description="The complaint is closed")
    @requires(*WRITE)
    def patch(self, body: dict, complaint_id: int) -> object:
        """Triage: correct the kind, category or severity (the open task is routed again and its deadline
        recomputed from the SLA table), or link the complaint to a known customer."""
        editable("complaint", complaint_id)  # record access: 404 unless readable, 403 unless editable
        return command(lambda session: correct_complaint(session, crm_ctx(session), complaint_id, body))


@blp.route("/<int:complaint_id>/assign")
class Assign(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AssignIn)
    @blp.response(200, ComplaintSchema)
    @blp.alt_response(403, description="Only the complaint's team lead, a manager or an administrator")
    @blp.alt_response(409, description="The complaint has no open task")
    @requires(*WRITE)
    def post(self, body: dict, complaint_id: int) -> object:
        """Give the complaint and its open task to an employee (team leads and managers)."""
        editable("complaint", complaint_id)  # record access: 404 unless readable, 403 unless editable
        def assign(session: Session) -> Any:
            return assign_complaint(session, crm_ctx(session), current_principal(), complaint_id, body["user"])

        return command(assign)


@blp.route("/<int:complaint_id>/resume")
class Resume(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ResumeIn)
    @blp.response(200, ComplaintSchema)
    @blp.alt_response(409, description="The complaint is not waiting for the customer")
    @requires(*WRITE)
    def post(self, body: dict, complaint_id: int) -> object:
        """The customer answered (by telephone, e-mail ...): the complaint goes back to its tier and its SLA
        clock runs again with the time that was left."""
        editable("complaint", complaint_id)  # record access: 404 unless readable, 403 unless editable
        return command(lambda session: resume_complaint(session, crm_ctx(session), complaint_id, body["text"]))


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
        editable("complaint", complaint_id)  # record access: 404 unless readable, 403 unless editable
        return act(lambda ctx: complaints.add_update(ctx, complaint_id, body["text"], public=body["public"]))
