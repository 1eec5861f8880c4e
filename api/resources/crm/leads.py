"""Leads: the list (filters and search), one lead with its calls, and corrections of its own fields (a
correction while the call waits scores and routes the lead again). Capturing, scoring and qualifying are
steps of the lead qualification process. Product, region and source take a list key or its label."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.commands import command, crm_ctx
from api.context import db, ravand
from api.guard import BEARER, requires
from api.intake import start_lead
from api.record_access import editable
from api.resources.common import Instant, PageArgs, page, page_schema, text
from api.resources.crm.lead_detail import detail
from api.resources.crm.listtools import sort_arg
from api.resources.crm.shared import READ, WRITE, Amount, start
from crm import leads
from processes import records

blp = Blueprint("crm_leads", __name__, url_prefix="/api/v1/leads", description="Leads")


class LeadSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": list(leads.STATUSES)})
    person_name = fields.String(allow_none=True)
    company_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    source = fields.String(metadata={"description": "a key of the lead_source list"})
    product = fields.String(allow_none=True, metadata={"description": "a key of the product list"})
    region = fields.String(allow_none=True, metadata={"description": "a key of the province list"})
    estimated_revenue = fields.Integer(metadata={"description": "rials"})
    budget_confirmed = fields.Boolean()
    authority = fields.Boolean()
    need = fields.String(allow_none=True)
    timeline = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True)
    sales_group = fields.String(allow_none=True)
    score_parts = fields.List(fields.Dict(), allow_none=True, metadata={"description": "why: [{why, points}]"})
    disqualify_reason = fields.String(allow_none=True, metadata={"description": "a key of disqualify_reason"})
    disqualify_comment = fields.String(allow_none=True)
    recontact_at = fields.DateTime(allow_none=True)
    recontact_by = fields.String(allow_none=True, metadata={"description": "who nurtured it; the call returns to them"})
    duplicate_of = fields.Integer(allow_none=True, metadata={"description": "an existing customer this lead looks "
                                                                            "like"})
    customer_id = fields.Integer(allow_none=True)
    referral_id = fields.Integer(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class CallSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    outcome = fields.String()
    notes = fields.String(allow_none=True)
    budget_confirmed = fields.Boolean(allow_none=True)
    authority = fields.Boolean(allow_none=True)
    need = fields.String(allow_none=True)
    timeline = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "a key of disqualify_reason"})
    comment = fields.String(allow_none=True)
    recontact_at = fields.DateTime(allow_none=True)
    score = fields.Integer(allow_none=True, metadata={"description": "recomputed from this call's answers"})
    grade = fields.String(allow_none=True)


class OpenCallSchema(Schema):
    id = fields.String()
    element_id = fields.String()
    assignee = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    due = fields.DateTime(allow_none=True)


class LeadDetail(LeadSchema):
    calls = fields.List(fields.Nested(CallSchema), metadata={"description": "every qualification call, oldest first"})
    score_why = fields.List(fields.Dict(), metadata={"description": "the score's parts with their words: "
                                                                    "[{why, points, fa, en}]"})
    task = fields.Nested(OpenCallSchema, allow_none=True, metadata={"description": "its open task, if any"})
    opportunity_id = fields.Integer(allow_none=True, metadata={"description": "the opportunity it became"})


class LeadArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(leads.STATUSES))
    source = fields.String(validate=validate.Length(1, 40), metadata={"description": "a lead_source key"})
    product = fields.String(validate=validate.Length(1, 120), metadata={"description": "a product key"})
    region = fields.String(validate=validate.Length(1, 120), metadata={"description": "a province key"})
    sales_group = fields.String(validate=validate.Length(1, 80))
    q = fields.String(validate=validate.Length(1, 200), metadata={"description": "name, email or phone digits"})
    created_from = Instant(metadata={"description": "captured at or after this moment (a date: its midnight UTC)"})
    sort = sort_arg("leads")


LEAD_FILTERS = ("status", "source", "product", "region", "sales_group", "q", "created_from")


class LeadPatch(Schema):
    person_name = text()
    company_name = text()
    phone = text(40)
    mobile = text(40)
    email = text()
    source = text(120)
    product = text(120)
    region = text(120)
    estimated_revenue = Amount()
    budget_confirmed = fields.Boolean()
    authority = fields.Boolean()
    need = fields.String(allow_none=True, validate=validate.OneOf(leads.NEEDS))
    timeline = fields.String(validate=validate.OneOf(leads.TIMELINES))


class LeadIn(LeadPatch):
    source = fields.String(required=True, validate=validate.Length(1, 120),
                           metadata={"description": "a lead_source key or its Persian or English label"})


LeadPage = page_schema(LeadSchema, "LeadPage")
LEAD_FIELDS = tuple(LeadSchema().fields)


@blp.route("")
class Leads(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LeadArgs, location="query")
    @blp.response(200, LeadPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Leads, newest first; ``q`` matches names (Persian or English, however typed), email and phone."""
        filters = {name: args.get(name) for name in LEAD_FILTERS}
        return page(leads.list_leads(db(), **filters, sort=args.get("sort"), limit=args["limit"],
                                     offset=args["offset"]), args)

    @blp.doc(security=BEARER)
    @blp.arguments(LeadIn)
    @blp.response(201, LeadSchema)
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """Capture a lead and start its ``lead_qualification`` process (scoring, routing, the call).
        A lead that looks like an existing customer is captured all the same, ``duplicate_of`` naming it."""
        return start(start_lead, body)


@blp.route("/<int:lead_id>")
class Lead(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, LeadDetail)
    @requires(*READ)
    def get(self, lead_id: int) -> object:
        """One lead, with every qualification call (notes, answers, outcome, score after it), the score's
        parts in words, its open task and the opportunity it became."""
        session = db()
        lead = leads.get_lead(session, lead_id)
        return {**{name: getattr(lead, name) for name in LEAD_FIELDS}, **detail(session, lead)}

    @blp.doc(security=BEARER)
    @blp.arguments(LeadPatch)
    @blp.response(200, LeadSchema)
    @blp.alt_response(409, description="The lead is qualified or disqualified and no longer changes")
    @requires(*WRITE)
    def patch(self, body: dict, lead_id: int) -> object:
        """Correct the lead's names, contacts, source, product, region or qualification answers (while it is open or
        nurtured). While its qualification call waits, the lead is scored and routed again: the call may move
        to another group (``sales_group``)."""
        editable("lead", lead_id)  # record access: 404 unless readable, 403 unless editable
        app = ravand()

        def correct(session: object) -> object:
            lead = leads.update_lead(crm_ctx(session), lead_id, body)
            app.engine.describe_record(session, records.lead_record(lead))  # its tasks show the corrected name
            app.engine.correlate(session, "lead_corrected", correlation={"lead_id": lead_id}, waiting_only=True,
                                 actor=crm_ctx(session).actor)
            return lead

        lead = command(correct)
        app.nudge()
        return lead
