"""Leads: the list (filters and search), one lead, and corrections of its own fields. Capturing,
scoring and qualifying are steps of the lead qualification process."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.guard import BEARER, requires
from api.intake import start_lead
from api.resources.common import PageArgs, page, page_schema, text
from api.resources.crm.shared import READ, WRITE, Amount, act, start
from crm import leads

blp = Blueprint("crm_leads", __name__, url_prefix="/api/v1/leads", description="Leads")


class LeadSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": list(leads.STATUSES)})
    person_name = fields.String(allow_none=True)
    company_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    source = fields.String()
    product = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    estimated_revenue = fields.Integer(metadata={"description": "rials"})
    budget_confirmed = fields.Boolean()
    authority = fields.Boolean()
    need = fields.String(allow_none=True)
    timeline = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True)
    sales_group = fields.String(allow_none=True)
    disqualify_reason = fields.String(allow_none=True)
    recontact_at = fields.DateTime(allow_none=True)
    duplicate_of = fields.Integer(allow_none=True, metadata={"description": "an existing customer this lead looks "
                                                                            "like"})
    customer_id = fields.Integer(allow_none=True)
    referral_id = fields.Integer(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class LeadArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(leads.STATUSES))
    source = fields.String(validate=validate.OneOf(leads.SOURCES))
    sales_group = fields.String(validate=validate.Length(1, 80))
    q = fields.String(validate=validate.Length(1, 200), metadata={"description": "name, email or phone digits"})


class LeadPatch(Schema):
    person_name = text()
    company_name = text()
    phone = text(40)
    mobile = text(40)
    email = text()
    product = text(120)
    region = text(120)
    estimated_revenue = Amount()
    budget_confirmed = fields.Boolean()
    authority = fields.Boolean()
    need = fields.String(allow_none=True, validate=validate.OneOf(leads.NEEDS))
    timeline = fields.String(validate=validate.OneOf(leads.TIMELINES))


class LeadIn(LeadPatch):
    source = fields.String(required=True, validate=validate.OneOf(leads.SOURCES))


LeadPage = page_schema(LeadSchema, "LeadPage")


@blp.route("")
class Leads(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LeadArgs, location="query")
    @blp.response(200, LeadPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Leads, newest first; ``q`` matches names (Persian or English, however typed), email and phone."""
        return page(leads.list_leads(db(), status=args.get("status"), source=args.get("source"),
                                     sales_group=args.get("sales_group"), q=args.get("q"), limit=args["limit"],
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
    @blp.response(200, LeadSchema)
    @requires(*READ)
    def get(self, lead_id: int) -> object:
        """One lead."""
        return leads.get_lead(db(), lead_id)

    @blp.doc(security=BEARER)
    @blp.arguments(LeadPatch)
    @blp.response(200, LeadSchema)
    @blp.alt_response(409, description="The lead is qualified or disqualified and no longer changes")
    @requires(*WRITE)
    def patch(self, body: dict, lead_id: int) -> object:
        """Correct the lead's names, contacts, product or qualification answers (while it is open or nurtured)."""
        return act(lambda ctx: leads.update_lead(ctx, lead_id, body))
