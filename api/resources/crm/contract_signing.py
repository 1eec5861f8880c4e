"""The customer's contract, opened from the signed link the SMS or e-mail gave (no account): read it (its
figures, the HTML document, the PDF), ask for a one-time code by SMS, and accept it with the code. The
acceptance is the signature: the contract process's ``contract_signed`` wait is reached from here, with the
mobile number the code went to, the time and the client's address.

Public routes (``security: []``), rate limited per client address like the portal. A link that does not hold
answers 404; an expired link, a link to an older revision or an offer that is no longer open answers 410 with
its ``reason`` (``expired``, ``outdated``, ``closed``), so the page can say which."""

from __future__ import annotations

import math
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command
from api.composition import ravand_ctx
from api.context import db, ravand
from api.contract_settings import link_key
from api.errors import problem
from api.resources.crm.contracts import DOCUMENT_POLICY, pdf_of
from api.resources.crm.portal import PUBLIC, limited
from crm import contract_signing as signing
from crm import notify
from crm.clock import utcnow
from crm.contract_terms import figures
from crm.customers import get_customer
from crm.errors import InvalidRecord, RecordConflict
from crm.models import Contract

blp = Blueprint("crm_contract_signing", __name__, url_prefix="/api/v1/contract-links",
                description="The customer's contract from a signed link (public)")
CUSTOMER_ACTOR = "customer"
GONE = {"expired": "This link has expired.", "outdated": "The contract was revised after this link was sent.",
        "closed": "This offer is no longer open."}


def _secret() -> str:
    return link_key(str(current_app.config["SECRET_KEY"]))


def _opened(session: Session, token: str) -> Contract | Response:
    try:
        return signing.open_contract(session, _secret(), token)
    except signing.LinkRefused as refused:
        if refused.reason == "invalid":
            return problem(404, "Not Found", "this link does not open a contract", reason="invalid")
        return problem(410, "Gone", GONE.get(refused.reason, refused.message), reason=refused.reason)


def _masked(mobile: str | None) -> str | None:
    return None if not mobile else f"{'•' * 4}{mobile[-4:]}"


def _view(session: Session, contract: Contract) -> dict[str, Any]:
    customer = get_customer(session, contract.customer_id)
    numbers = figures(contract.amount, contract.discount_percent, contract.vat_percent)
    return {"id": contract.id, "title": contract.title, "revision": contract.revision, "status": contract.status,
            "customer_name": customer.company_name or customer.person_name, "locale": customer.locale or "fa",
            "amount": numbers.amount, "discount_percent": numbers.discount_percent, "net": numbers.net,
            "vat_percent": numbers.vat_percent, "vat": numbers.vat, "payable": numbers.payable,
            "start_date": contract.start_date, "end_date": contract.end_date,
            "instalments": contract.instalments or [], "expires_at": contract.expires_at,
            "signed_at": contract.signed_at, "mobile": _masked(customer.mobile), "can_sign": bool(customer.mobile)}


class Instalment(Schema):
    due = fields.String()
    amount = fields.Integer()


class LinkedContract(Schema):
    id = fields.Integer()
    title = fields.String()
    revision = fields.Integer()
    status = fields.String(metadata={"enum": ["sent", "signed"]})
    customer_name = fields.String(allow_none=True)
    locale = fields.String()
    amount = fields.Integer(metadata={"description": "rials, before the discount"})
    discount_percent = fields.Integer()
    net = fields.Integer()
    vat_percent = fields.Integer()
    vat = fields.Integer()
    payable = fields.Integer()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    instalments = fields.List(fields.Nested(Instalment))
    expires_at = fields.DateTime(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    mobile = fields.String(allow_none=True, metadata={"description": "the last digits of the number codes go to"})
    can_sign = fields.Boolean(metadata={"description": "false without a mobile number on record"})


class CodeSent(Schema):
    sent_to = fields.String()
    expires_in_s = fields.Integer()


class CodeIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 12))


class Signed(Schema):
    status = fields.String()
    signed_at = fields.DateTime()


@blp.route("/<token>")
class LinkedContractView(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC)
    @blp.response(200, LinkedContract)
    @blp.alt_response(404, description="The link does not hold")
    @blp.alt_response(410, description="Expired, revised since, or no longer offered (see reason)")
    def get(self, token: str) -> object:
        """The contract the link opens: its figures, dates and instalments, and whether it can be signed."""
        opened = _opened(db(), token)
        return opened if isinstance(opened, Response) else _view(db(), opened)


def _document(token: str) -> tuple[Contract, str] | Response:
    opened = _opened(db(), token)
    if isinstance(opened, Response):
        return opened
    if not opened.document_html:
        return problem(404, "Not Found", "the contract has no document")
    return opened, opened.document_html


@blp.route("/<token>/document")
class LinkedDocument(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC, responses={"200": {"description": "The contract's document",
                                                  "content": {"text/html": {"schema": {"type": "string"}}}}})
    def get(self, token: str) -> Response:
        """The contract's document as a page (right to left for Persian), without scripts."""
        found = _document(token)
        if isinstance(found, Response):
            return found
        response = Response(found[1], mimetype="text/html")
        response.headers["Content-Security-Policy"] = DOCUMENT_POLICY
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/<token>/document.pdf")
class LinkedPdf(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC, responses={"200": {"description": "The contract as PDF",
                                                  "content": {"application/pdf": {"schema": {"type": "string",
                                                                                             "format": "binary"}}}}})
    def get(self, token: str) -> Response:
        """The contract's document as PDF."""
        found = _document(token)
        if isinstance(found, Response):
            return found
        response = Response(pdf_of(found[0].id, found[1]), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="contract-{found[0].id}.pdf"'
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/<token>/code")
class SigningCode(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.response(202, CodeSent)
    @blp.alt_response(409, description="Already signed, expired, or no mobile number on record")
    @blp.alt_response(429, description="A code was sent a moment ago, or too many this hour; see Retry-After")
    def post(self, token: str) -> object:
        """Send a 6-digit one-time code by SMS to the customer's mobile number on record."""
        def send(session: Session) -> object:
            opened = _opened(session, token)
            if isinstance(opened, Response):
                return opened
            try:
                cap = notify.daily_cap(ravand().engine.ctx.settings)
                row = signing.send_code(ravand_ctx(session, CUSTOMER_ACTOR), _secret(), opened,
                                        ip=request.remote_addr, daily_limit=cap)
            except signing.TooManyCodes as exc:
                answer = problem(429, "Too Many Requests", exc.message)
                answer.headers["Retry-After"] = str(math.ceil(exc.retry_after))
                return answer
            return {"sent_to": _masked(row.mobile), "expires_in_s": signing.CODE_MINUTES * 60}

        return command(send)


def _accept(session: Session, token: str, code: str) -> object:
    opened = _opened(session, token)
    if isinstance(opened, Response):
        return opened
    row = signing.check_code(ravand_ctx(session, CUSTOMER_ACTOR), _secret(), opened, code)
    delivery = ravand().engine.correlate(
        session, "contract_signed", correlation={"contract_id": opened.id}, actor=CUSTOMER_ACTOR, waiting_only=True,
        variables={"signer": row.mobile, "signed_ip": (request.remote_addr or "")[:64] or None,
                   "signed_via": "code", "signed_at": utcnow().isoformat()})
    if not delivery.instance_ids:
        raise RecordConflict("the contract cannot be signed right now; ask the seller / اکنون امکان امضای این "
                             "قرارداد نیست؛ با فروشنده تماس بگیرید")
    session.flush()
    session.refresh(opened)
    return {"status": opened.status, "signed_at": opened.signed_at}


@blp.route("/<token>/accept")
class Accept(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(CodeIn)
    @blp.response(200, Signed)
    @blp.alt_response(409, description="Already signed or expired")
    @blp.alt_response(422, description="Wrong, expired or used-up code (field error on code)")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict, token: str) -> object:
        """Accept the contract with the code: the signature (time, mobile number, address) is journaled."""
        wrong: list[InvalidRecord] = []

        def accept(session: Session) -> object:
            try:
                return _accept(session, token, body["code"])
            except InvalidRecord as exc:
                wrong.append(exc)  # the counted attempt is committed; the answer is still 422
                return None

        answer = command(accept)
        if wrong:
            raise wrong[0]
        return answer
