"""Contracts: the list, one contract, revising a draft (``PATCH``: every change becomes a revision), its
revisions and approval decisions, and its generated document. Approval, sending and signing are the
contract process's steps."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.exc import IntegrityError, OperationalError

from api.context import db, ravand
from api.guard import BEARER, requires
from api.intake import start_contract
from api.record_access import editable, readable
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.record_pages import PeriodArgs, RecordTask, open_steps, open_tasks, period, waiting_at
from api.resources.crm.shared import READ, WRITE, Amount, act, start
from crm import contracts
from crm.contract_terms import figures
from crm.documents import keep_pdf, kept_pdf, render_pdf
from crm.errors import RecordNotFound
from crm.opportunities import customer_names
from processes import records

blp = Blueprint("crm_contracts", __name__, url_prefix="/api/v1/contracts", description="Contracts")
# the document is shown as a page of its own: no scripts, no requests elsewhere, no framing
DOCUMENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"


class ContractSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    title = fields.String()
    amount = fields.Integer(metadata={"description": "rials, before the discount"})
    discount_percent = fields.Integer()
    terms = fields.String()
    standard_terms = fields.Boolean()
    status = fields.String(metadata={"enum": list(contracts.STATUSES)})
    rounds = fields.Integer(metadata={"description": "approval rounds so far"})
    revision = fields.Integer()
    has_document = fields.Function(lambda c: bool(c.document_html), metadata={"type": "boolean"})
    sent_at = fields.DateTime(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    opportunity_id = fields.Integer(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    instalments = fields.List(fields.Dict(), allow_none=True, metadata={"description": "[{due, amount}]"})
    vat_percent = fields.Integer(allow_none=True, metadata={"description": "the VAT rate applied when sent"})
    payable = fields.Function(lambda c: contracts.payable(c), metadata={"type": "integer",
                                                                        "description": "rials, after VAT"})
    signed_via = fields.String(allow_none=True, metadata={"enum": list(contracts.SIGNED_VIA)})
    signed_mobile = fields.String(allow_none=True)
    signed_ip = fields.String(allow_none=True)
    purchase_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class RevisionSchema(Schema):
    number = fields.Integer()
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    changes = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw()),
                          metadata={"description": "field → [before, after]"})


class DecisionSchema(Schema):
    id = fields.Integer()
    round = fields.Integer()
    level = fields.String(metadata={"enum": list(contracts.LEVELS)})
    decision = fields.String(metadata={"enum": list(contracts.DECISIONS)})
    comment = fields.String(allow_none=True)
    by = fields.String(allow_none=True)
    at = fields.DateTime()


class ContractRow(ContractSchema):
    has_document = fields.Boolean()
    payable = fields.Integer(metadata={"description": "rials, after VAT"})
    customer_name = fields.String(allow_none=True, metadata={"description": "the company's name, else the person's"})
    waiting_for = fields.List(fields.String(), metadata={"description": "the approval levels still to decide"})


class ContractDetail(ContractRow):
    net = fields.Integer(metadata={"description": "rials after the discount"})
    vat_amount = fields.Integer(metadata={"description": "rials; at today's VAT rate until it is sent"})
    vat_rate = fields.Integer(metadata={"description": "percent: the rate applied, or today's until it is sent"})
    payable_now = fields.Integer(metadata={"description": "net + VAT at vat_rate"})
    tasks = fields.List(fields.Nested(RecordTask), metadata={"description": "its process's open tasks"})


class ContractArgs(PageArgs, PeriodArgs):
    status = fields.String(validate=validate.OneOf(contracts.STATUSES))
    customer_id = fields.Integer(validate=validate.Range(1, ID))
    level = fields.String(validate=validate.OneOf(contracts.LEVELS),
                          metadata={"description": "waiting for this approval level's decision"})
    amount_min = fields.Integer(validate=validate.Range(0, 10**15), metadata={"description": "rials"})
    amount_max = fields.Integer(validate=validate.Range(0, 10**15), metadata={"description": "rials"})
    q = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "the contract's number (12, #12, ۱۲), or words of its title or the customer's name"})
    sort = fields.String(validate=validate.Length(1, 40), metadata={
        "description": "a field (amount, status, created_at, …), a leading - for descending; newest first"})


class ContractPatch(Schema):
    title = fields.String(validate=validate.Length(1, 255))
    amount = Amount()
    discount_percent = fields.Integer(validate=validate.Range(0, 100))
    terms = fields.String(validate=validate.Length(max=100_000),
                          metadata={"description": "required when standard_terms is false"})
    standard_terms = fields.Boolean()
    start_date = fields.String(allow_none=True, validate=validate.Length(max=10),
                               metadata={"description": "Jalali (1405-02-01) or Gregorian (2026-04-21)"})
    end_date = fields.String(allow_none=True, validate=validate.Length(max=10))
    instalments = fields.Raw(allow_none=True, metadata={"description": "[{due, amount}] or lines 'date amount'"})


class ContractIn(ContractPatch):
    customer_id = fields.Integer(required=True, validate=validate.Range(1, ID))
    opportunity_id = fields.Integer(validate=validate.Range(1, ID))
    title = fields.String(required=True, validate=validate.Length(1, 255))
    amount = Amount(required=True)


ContractPage = page_schema(ContractRow, "ContractPage")
PLAIN_FIELDS = tuple(name for name in ContractSchema().fields if name not in ("has_document", "payable"))


@blp.route("")
class Contracts(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ContractArgs, location="query")
    @blp.response(200, ContractPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Contracts, newest first unless sorted: by status, customer, approval level waiting, amount, period, or
        a search by number, title or the customer's name however typed."""
        session = db()
        items, total = contracts.list_contracts(session, **contract_filters(args), sort=args.get("sort"),
                                                limit=args["limit"], offset=args["offset"])
        return page((rows(session, items), total), args)

    @blp.doc(security=BEARER)
    @blp.arguments(ContractIn)
    @blp.response(201, ContractSchema)
    @blp.alt_response(404, description="No customer with that id")
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """Open a draft and start ``contract_approval``: the drafter (you) edits it, the approval levels
        decide, the customer signs."""
        readable("customer", body["customer_id"])  # record access: a customer one may see, else 404
        return start(start_contract, body)


@blp.route("/<int:contract_id>")
class Contract(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ContractDetail)
    @requires(*READ)
    def get(self, contract_id: int) -> object:
        """One contract with its customer's name, its figures (VAT at today's rate until it is sent) and its
        process's open tasks."""
        session = db()
        return detail(session, contracts.get_contract(session, contract_id))

    @blp.doc(security=BEARER)
    @blp.arguments(ContractPatch)
    @blp.response(200, ContractSchema)
    @blp.alt_response(409, description="Only a draft, or a contract sent back for changes, is revised")
    @requires(*WRITE)
    def patch(self, body: dict, contract_id: int) -> object:
        """Revise the terms; the change is kept as a revision (who, which fields, before and after)."""
        editable("contract", contract_id)  # record access: 404 unless readable, 403 unless editable
        engine = ravand().engine

        def revise(ctx: Any) -> object:
            contract = contracts.revise(ctx, contract_id, body)
            engine.describe_record(ctx.session, records.contract_record(ctx.session, contract))  # a new title shows
            return contract

        return act(revise)


@blp.route("/<int:contract_id>/revisions")
class Revisions(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RevisionSchema(many=True))
    @requires(*READ)
    def get(self, contract_id: int) -> object:
        """Every revision, the first (the draft's values) first."""
        return contracts.revisions(db(), contract_id)


@blp.route("/<int:contract_id>/decisions")
class Decisions(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, DecisionSchema(many=True))
    @requires(*READ)
    def get(self, contract_id: int) -> object:
        """The approvers' decisions, round by round."""
        return contracts.decisions(db(), contract_id)


def contract_filters(args: dict[str, Any]) -> dict[str, Any]:
    """The list's arguments as ``contracts.contract_query`` takes them (the list and its export share this)."""
    narrow = {name: args[name] for name in ("status", "customer_id", "amount_min", "amount_max", "q") if name in args}
    if args.get("level"):
        narrow["instances"] = waiting_at("contract_approval", f"approve_{args['level']}")
    return {**narrow, **period(args)}


def _levels(steps: list[str]) -> list[str]:
    return [step.removeprefix("approve_") for step in steps if step.startswith("approve_")]


def rows(session: Any, found: list[Any]) -> list[dict[str, Any]]:
    """The contracts as list rows: each with its customer's name and the approval levels still to decide."""
    names = customer_names(session, {c.customer_id for c in found})
    steps = open_steps(session, {c.process_instance_id for c in found if c.process_instance_id})
    return [{**{name: getattr(c, name) for name in PLAIN_FIELDS}, "has_document": bool(c.document_html),
             "payable": contracts.payable(c), "customer_name": names.get(c.customer_id),
             "waiting_for": _levels(steps.get(c.process_instance_id or "", []))} for c in found]


def detail(session: Any, contract: Any) -> dict[str, Any]:
    tasks = open_tasks(session, contract.process_instance_id)
    rate = contract.vat_percent if contract.vat_percent is not None else ravand().settings.vat_percent
    numbers = figures(contract.amount, contract.discount_percent, rate)
    return {**rows(session, [contract])[0], "net": numbers.net, "vat_amount": numbers.vat,
            "vat_rate": numbers.vat_percent, "payable_now": numbers.payable, "tasks": tasks}


def _document(contract_id: int) -> str:
    """The contract's generated document (HTML); 404 until one is generated."""
    html = contracts.get_contract(db(), contract_id).document_html
    if not html:
        raise RecordNotFound(f"contract {contract_id} has no document yet")
    return html


@blp.route("/<int:contract_id>/document")
class Document(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The contract's generated document",
                                                  "content": {"text/html": {"schema": {"type": "string"}}}}})
    @requires(*READ)
    def get(self, contract_id: int) -> Response:
        """The generated document (HTML), shown without scripts; 404 until one is generated."""
        response = Response(_document(contract_id), mimetype="text/html")
        response.headers["Content-Security-Policy"] = DOCUMENT_POLICY
        return response


def _keep(contract_id: int, html: str, pdf: bytes) -> None:
    """Keep the rendering for the next reader; if another request is storing one at the same moment, theirs
    serves as well."""
    with ravand().sessions() as session:
        try:
            keep_pdf(session, contract_id, html, pdf)
            session.commit()
        except (IntegrityError, OperationalError):
            session.rollback()


def pdf_of(contract_id: int, html: str) -> bytes:
    """The PDF of the contract's document: the one kept for it, else rendered now and kept."""
    pdf = kept_pdf(db(), contract_id, html)
    if pdf is None:
        pdf = render_pdf(html)
        _keep(contract_id, html, pdf)
    return pdf


@blp.route("/<int:contract_id>/document.pdf")
class DocumentPdf(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The contract's document as PDF (right to left "
                                                                 "for Persian)",
                                                  "content": {"application/pdf": {"schema": {"type": "string",
                                                                                             "format": "binary"}}}}})
    @blp.alt_response(404, description="No such contract, or no document generated yet")
    @requires(*READ)
    def get(self, contract_id: int) -> Response:
        """The generated document rendered as PDF (rendered once for each revision of the document)."""
        html = _document(contract_id)
        response = Response(pdf_of(contract_id, html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="contract-{contract_id}.pdf"'
        return response
