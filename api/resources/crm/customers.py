"""Customers: search and filters, create (likely duplicates come back as a warning), change, contacts,
the 360 view (with the customer's open tasks and process instances), export to CSV (import from
CSV/Excel is a background job: ``api.resources.crm.customer_imports``). Purchases, loyalty and
ranking are in ``api.resources.crm.purchases``."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db, ravand
from api.downloads import attachment, file_name
from api.guard import BEARER, requires
from api.record_access import editable
from api.resources.common import PageArgs, page, page_schema, text
from api.resources.crm.customer_processes import process_links
from api.resources.crm.listtools import sort_arg
from api.resources.crm.shared import READ, WRITE, act
from api.wording import caller_locale
from crm import customers, importing
from crm.customer_fields import KINDS, LOCALES, STATUSES
from crm.loyalty import TIERS
from crm.unit import Ctx
from processes import records

blp = Blueprint("crm_customers", __name__, url_prefix="/api/v1/customers", description="Customers")
NAMING_FIELDS = {"company_name", "person_name", "mobile", "phone"}  # what the titles of its records show


class CustomerSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(KINDS)})
    company_name = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "E.164"})
    mobile = fields.String(allow_none=True, metadata={"description": "E.164"})
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    interests = fields.List(fields.String())
    region = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    segment = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    referral_code = fields.String()
    locale = fields.String(metadata={"enum": list(LOCALES)})
    national_id = fields.String(allow_none=True, metadata={"description": "national code (10) or ID (11 digits)"})
    economic_code = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class CustomerPatch(Schema):
    """Text as typed: names are cleaned, telephone numbers (any digits, spaces, dashes) become E.164."""

    kind = fields.String(validate=validate.OneOf(KINDS))
    company_name = text()
    person_name = text()
    phone = text(40)
    mobile = text(40)
    email = text()
    address = text(2000)
    industry = text(120)
    interests = fields.List(fields.String(validate=validate.Length(max=80)), allow_none=True,
                            validate=validate.Length(max=50))
    region = text(120)
    channel = text(40)
    status = fields.String(validate=validate.OneOf(STATUSES))
    segment = text(80)
    owner = text(150)
    locale = fields.String(validate=validate.OneOf(LOCALES))
    national_id = text(20)
    economic_code = text(20)
    postal_code = text(20)


class CustomerIn(CustomerPatch):
    """A person needs ``person_name``, a company ``company_name`` (the kind is inferred if not given)."""


class CreatedSchema(Schema):
    customer = fields.Nested(CustomerSchema)
    duplicates = fields.List(fields.Nested(CustomerSchema), metadata={
        "description": "customers that look like this one (same mobile, telephone, e-mail or name): a warning"})


class ExportArgs(Schema):
    """The customer filters (the list's, without the page)."""

    q = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "name (Persian or English, however typed), telephone digits in any script, e-mail"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    segment = fields.String(validate=validate.Length(1, 80))
    region = fields.String(validate=validate.Length(1, 120))
    owner = fields.String(validate=validate.Length(1, 150))
    tier = fields.String(validate=validate.OneOf(TIERS))


class CustomerArgs(PageArgs, ExportArgs):
    sort = sort_arg("customers")


CUSTOMER_FILTERS = ("q", "status", "segment", "region", "owner", "tier")


class ContactSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    name = fields.String()
    role = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


class ContactIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    role = text(120)
    phone = text(40)
    mobile = text(40)
    email = text()


class TaskBrief(Schema):
    id = fields.String()
    name = fields.String(metadata={"description": "in the reader's language"})
    process_key = fields.String()
    process_name = fields.String(metadata={"description": "in the reader's language"})
    process_instance_id = fields.String()
    state = fields.String()
    assignee = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class InstanceBrief(Schema):
    id = fields.String()
    process_key = fields.String()
    process_name = fields.String(metadata={"description": "in the reader's language"})
    business_key = fields.String(allow_none=True)
    state = fields.String()
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)


class Customer360(Schema):
    customer = fields.Nested(CustomerSchema)
    contacts = fields.List(fields.Dict())
    leads = fields.List(fields.Dict())
    opportunities = fields.List(fields.Dict())
    complaints = fields.List(fields.Dict())
    contracts = fields.List(fields.Dict())
    referrals_made = fields.List(fields.Dict())
    referrals_received = fields.List(fields.Dict())
    loyalty = fields.Dict(metadata={"description": "tier, points, score, lifetime_value (rials), ranked_at, ledger"})
    purchases = fields.Dict(metadata={"description": "count, total (rials), last_at, items (the newest)"})
    open_tasks = fields.List(fields.Nested(TaskBrief))
    instances = fields.List(fields.Nested(InstanceBrief))


CustomerPage = page_schema(CustomerSchema, "CustomerPage")
CSV = {"description": "the customers as CSV (UTF-8 with BOM), the columns the import reads",
       "content_type": "text/csv", "schema": {"type": "string"}}


@blp.route("")
class Customers(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CustomerArgs, location="query")
    @blp.response(200, CustomerPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Customers, newest first: ``q`` finds "علی کریمی" when typed "علي كريمي", phones by any digits."""
        filters = {k: args.get(k) for k in CUSTOMER_FILTERS}
        return page(customers.search_customers(db(), **filters, sort=args.get("sort"), limit=args["limit"],
                                               offset=args["offset"]), args)

    @blp.doc(security=BEARER)
    @blp.arguments(CustomerIn)
    @blp.response(201, CreatedSchema)
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """Create a customer; customers that look like it come back in ``duplicates`` (a warning)."""
        customer, duplicates = act(lambda ctx: customers.create_customer(ctx, body))
        return {"customer": customer, "duplicates": duplicates}


@blp.route("/<int:customer_id>")
class Customer(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CustomerSchema)
    @requires(*READ)
    def get(self, customer_id: int) -> object:
        """One customer."""
        return customers.get_customer(db(), customer_id)

    @blp.doc(security=BEARER)
    @blp.arguments(CustomerPatch)
    @blp.response(200, CustomerSchema)
    @requires(*WRITE)
    def patch(self, body: dict, customer_id: int) -> object:
        """Change fields; the journal keeps each one's value before and after."""
        editable("customer", customer_id)  # record access: 404 unless readable, 403 unless editable
        engine = ravand().engine

        def change(ctx: Ctx) -> object:
            customer = customers.update_customer(ctx, customer_id, body)
            if body.keys() & NAMING_FIELDS:  # the tasks of its records show the new name or phone
                for record in records.records_of_customer(ctx.session, customer):
                    engine.describe_record(ctx.session, record)
            return customer

        return act(change)


@blp.route("/<int:customer_id>/contacts")
class Contacts(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ContactSchema(many=True))
    @requires(*READ)
    def get(self, customer_id: int) -> object:
        """The customer's contacts."""
        return customers.contacts_of(db(), customer_id)

    @blp.doc(security=BEARER)
    @blp.arguments(ContactIn)
    @blp.response(201, ContactSchema)
    @requires(*WRITE)
    def post(self, body: dict, customer_id: int) -> object:
        """Add a contact person."""
        editable("customer", customer_id)  # record access: 404 unless readable, 403 unless editable
        return act(lambda ctx: customers.add_contact(ctx, customer_id, body))


@blp.route("/<int:customer_id>/360")
class View360(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, Customer360)
    @requires(*READ)
    def get(self, customer_id: int) -> object:
        """Everything about the customer, with the open tasks and process instances about them."""
        session = db()
        view = customers.customer_360(session, customer_id)
        return {**view, "customer": customers.get_customer(session, customer_id),
                **process_links(session, customer_id)}


@blp.route("/export")
class Export(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, **CSV)
    @requires(*READ)
    def get(self, args: dict) -> Any:
        """The customers matching the filters as CSV, for Excel (Persian shows) and for ``/import``."""
        name = file_name("customers", [], caller_locale(), "csv", ravand().settings.timezone)
        return Response(stream_with_context(importing.export_customers_csv(db(), **args)), mimetype="text/csv",
                        headers={"Content-Disposition": attachment(name), "Cache-Control": "no-store"})
