"""The customer's quote, opened from the signed link the SMS or e-mail gave (no account): read it (its lines and
figures, the PDF in the customer's language) and answer it. To accept, the customer asks for a one-time code by
SMS to the mobile number on record (``crm.one_time_codes``) and types it, as a contract is signed; declining
needs none. Accepted, it is the order and its invoice is issued (due ``invoice_days`` later), exactly as when
the salesperson records the answer; the answer is journaled with the customer as the actor, the number the
code went to and the client's address.

Public routes (``security: []``), rate limited per client address like the portal. A link that does not hold
answers 404; a link past the quote's last valid day answers 410."""

from __future__ import annotations

import math
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command
from api.composition import ravand_ctx
from api.context import db, ravand
from api.errors import problem
from api.keys import derived_key
from api.quote_links import LINK_PURPOSE, quote_key
from api.resources.crm.portal import PUBLIC, limited
from api.resources.crm.quotes import (
    TOTALS,
    AnswerIn,
    LineSchema,
    TotalsSchema,
    company_today,
    quote_pdf,
    shown_lines,
)
from crm import invoices, notify, one_time_codes, quotes, signed_links
from crm.customers import get_customer
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound

blp = Blueprint("crm_quote_links", __name__, url_prefix="/api/v1/quote-links",
                description="The customer's quote from a signed link (public)")
CUSTOMER_ACTOR = "customer"
CODE_PURPOSE = "quote"


class LinkedQuote(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": list(quotes.STATES)})
    customer_name = fields.String(allow_none=True)
    locale = fields.String()
    seller_name = fields.String(allow_none=True)
    valid_until = fields.Date()
    sent_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    discount_percent = fields.Integer()
    vat_percent = fields.Integer()
    notes = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineSchema))
    totals = fields.Nested(TotalsSchema)
    invoice_due_on = fields.Date(allow_none=True, metadata={"description": "once accepted: when payment is due"})
    mobile = fields.String(allow_none=True, metadata={"description": "the last digits of the number codes go to"})
    can_accept = fields.Boolean(metadata={"description": "false without a mobile number on record: the seller "
                                                         "records the answer"})


class QuoteCodeSent(Schema):
    sent_to = fields.String(metadata={"description": "the last digits of the number the code went to"})
    expires_in_s = fields.Integer()


class QuoteAnswerIn(AnswerIn):
    code = fields.String(validate=validate.Length(1, 12),
                         metadata={"description": "to accept: the one-time code the SMS gave (POST …/code)"})


class PdfArgs(Schema):
    lang = fields.String(validate=validate.OneOf(("fa", "en")))


def _code_key() -> str:
    return derived_key(ravand().settings, "quote codes")


def _opened(session: Session, token: str) -> Any:
    """The quote the link opens (never one not yet sent), or the problem answer."""
    try:
        quote_id = signed_links.read(quote_key(ravand().settings), LINK_PURPOSE, token).record_id
        quote = quotes.get_quote(session, quote_id)
    except signed_links.LinkRefused as refused:
        if refused.reason == "expired":
            return problem(410, "Gone", "this quote's validity has passed; ask us for a new one", reason="expired")
        return problem(404, "Not Found", "this link does not open a quote", reason="invalid")
    except RecordNotFound:
        return problem(404, "Not Found", "this link does not open a quote", reason="invalid")
    if quote.state in ("draft", "pending"):  # not given to the customer (yet)
        return problem(404, "Not Found", "this link does not open a quote", reason="invalid")
    return quote


def _view(session: Session, quote: Any) -> dict[str, Any]:
    customer = get_customer(session, quote.customer_id)
    lines, figures = shown_lines(session, quote)
    invoice = invoices.invoice_of_quote(session, quote.id)
    return {**{name: getattr(quote, name) for name in ("id", "state", "valid_until", "sent_at", "decided_at",
                                                       "discount_percent", "vat_percent", "notes")},
            "customer_name": customer.company_name or customer.person_name, "locale": customer.locale or "fa",
            "seller_name": ravand().settings.seller_name or None, "lines": lines,
            "totals": {name: getattr(figures, name) for name in TOTALS},
            "invoice_due_on": invoice.due_on if invoice else None,
            "mobile": f"{'•' * 4}{customer.mobile[-4:]}" if customer.mobile else None,
            "can_accept": bool(customer.mobile)}


@blp.route("/<token>")
class LinkedQuoteView(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC)
    @blp.response(200, LinkedQuote)
    @blp.alt_response(404, description="The link does not hold")
    @blp.alt_response(410, description="The quote's validity has passed")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def get(self, token: str) -> object:
        """The quote the link opens: its lines, figures, validity and state."""
        opened = _opened(db(), token)
        return opened if isinstance(opened, Response) else _view(db(), opened)


@blp.route("/<token>/document.pdf")
class LinkedQuotePdf(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC, responses={"200": {"description": "The quote as a PDF", "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.arguments(PdfArgs, location="query")
    @blp.alt_response(404, description="The link does not hold")
    @blp.alt_response(410, description="The quote's validity has passed")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def get(self, args: dict, token: str) -> Response:
        """The quote as a PDF (``lang``: the customer's language unless given)."""
        opened = _opened(db(), token)
        if isinstance(opened, Response):
            return opened
        response = quote_pdf(db(), opened, args.get("lang"))
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/<token>/answer")
class LinkedQuoteAnswer(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(QuoteAnswerIn)
    @blp.response(200, LinkedQuote)
    @blp.alt_response(404, description="The link does not hold")
    @blp.alt_response(409, description="Answered already, or its validity has passed")
    @blp.alt_response(410, description="The quote's validity has passed")
    @blp.alt_response(422, description="To accept: a missing, wrong, expired or used-up code (field error on code)")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict, token: str) -> object:
        """Decline the quote, or accept it with the one-time code the SMS gave; accepted, its invoice is
        issued. The answer (with the number the code went to) is journaled with the customer as the actor."""
        day, payment_days = company_today(), ravand().settings.invoice_days
        wrong: list[InvalidRecord] = []

        def answer(session: Session) -> object:
            opened = _opened(session, token)
            if isinstance(opened, Response):
                return opened
            quote = quotes.get_quote(session, opened.id, lock=True)
            ctx = ravand_ctx(session, CUSTOMER_ACTOR)
            mobile = None
            if body["answer"] == "accepted":
                quotes.check_answerable(quote, "accepted", today=day)
                try:
                    mobile = one_time_codes.use_code(ctx, _code_key(), CODE_PURPOSE, quote.id,
                                                     body.get("code")).mobile
                except InvalidRecord as exc:
                    wrong.append(exc)  # the counted attempt is committed; the answer is still 422
                    return None
            quotes.decide(ctx, quote, body["answer"], today=day)
            ctx.record("crm.quote.answered_by_link", quote_id=quote.id, answer=body["answer"], mobile=mobile,
                       ip=(request.remote_addr or "")[:64] or None)
            if quote.state == "accepted":
                invoices.issue(ctx, quote, today=day, payment_days=payment_days)
            return _view(session, quote)

        answered = command(answer)
        if wrong:
            raise wrong[0]
        return answered


@blp.route("/<token>/code")
class LinkedQuoteCode(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.response(202, QuoteCodeSent)
    @blp.alt_response(404, description="The link does not hold")
    @blp.alt_response(409, description="Answered already, expired, or no mobile number on record")
    @blp.alt_response(410, description="The quote's validity has passed")
    @blp.alt_response(429, description="A code was sent a moment ago, or too many this hour; see Retry-After")
    def post(self, token: str) -> object:
        """Send a 6-digit one-time code by SMS to the customer's mobile number on record, to accept with."""
        day = company_today()

        def send(session: Session) -> object:
            opened = _opened(session, token)
            if isinstance(opened, Response):
                return opened
            quotes.check_answerable(opened, "accepted", today=day)
            customer = get_customer(session, opened.customer_id)
            if not customer.mobile:
                raise RecordConflict("no mobile number is on record; ask the seller to record your answer / "
                                     "شمارهٔ همراهی از شما ثبت نیست؛ پاسخ را به فروشنده بگویید")
            try:
                row = one_time_codes.send_code(
                    ravand_ctx(session, CUSTOMER_ACTOR), _code_key(), CODE_PURPOSE, opened.id,
                    mobile=customer.mobile, template="quote_code", customer_id=customer.id,
                    locale=customer.locale or "fa", ip=request.remote_addr,
                    daily_limit=notify.daily_cap(ravand().engine.ctx.settings),
                    params={"quote_id": opened.id, "payable": shown_lines(session, opened)[1].payable})
            except one_time_codes.TooManyCodes as exc:
                answer = problem(429, "Too Many Requests", exc.message)
                answer.headers["Retry-After"] = str(math.ceil(exc.retry_after))
                return answer
            return {"sent_to": f"{'•' * 4}{row.mobile[-4:]}", "expires_in_s": one_time_codes.CODE_MINUTES * 60}

        return command(send)
