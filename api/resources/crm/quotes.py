"""Products and quotes (``crm.quotes``): ``/products`` (the catalogue; administrators and managers keep it),
``/opportunities/{id}/quotes`` (an opportunity's quotes; a new draft), ``/quotes/{id}`` (a quote with its
lines and figures; a draft changed), ``/quotes/{id}/send`` and ``/quotes/{id}/answer`` (the customer's answer),
and ``/quotes/{id}/document.pdf`` (the quote as a PDF, Persian right to left or English). A quote is read and
written by whoever may read and change its opportunity."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden

from api.context import db, ravand
from api.guard import BEARER, WORK, current_principal, requires
from api.quote_links import link_expiry, quote_url, send_quote_link
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.records import reachable_record
from api.resources.crm.shared import act
from crm import invoices, opportunities, quotes
from crm.customers import get_customer
from crm.documents import render_pdf
from crm.errors import RecordConflict
from crm.quote_documents import render_invoice_html, render_quote_html
from processes.records import opportunity_record

blp = Blueprint("crm_quotes", __name__, url_prefix="/api/v1", description="Products and quotes")
MANAGERS = "managers"
FINANCE = "finance"  # the group that records payments against any invoice
READ = ("admin", "employee", "auditor")
TOTALS = ("subtotal", "discount_percent", "discount", "net", "taxable_net", "vat_percent", "vat", "payable")


def company_today() -> Any:
    """Today in the company's time zone."""
    return datetime.now(ZoneInfo(ravand().settings.timezone)).date()


class ProductIn(Schema):
    code = fields.String(required=True)
    name_fa = fields.String(required=True)
    name_en = fields.String(required=True)
    unit = fields.String(required=True, metadata={"enum": list(quotes.UNITS)})
    price = fields.Raw(required=True, metadata={"type": "integer", "description": "rials; any digits, or tomans"})
    taxable = fields.Boolean(metadata={"description": "VAT applies (default true)"})
    active = fields.Boolean()


class ProductChanges(ProductIn):
    """A product's fields to change (any of them)."""


class ProductSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name_fa = fields.String()
    name_en = fields.String()
    unit = fields.String()
    price = fields.Integer(metadata={"description": "rials, before VAT"})
    taxable = fields.Boolean()
    active = fields.Boolean()


class ProductArgs(Schema):
    include_inactive = fields.Boolean(load_default=False)


def catalogue_keeper() -> None:
    """Refuse (403) unless the caller is an administrator or a manager."""
    principal = current_principal()
    if principal.role != "admin" and MANAGERS not in principal.groups:
        raise Forbidden("only administrators and managers keep the catalogue / فقط مدیران فهرست کالاها را نگه می‌دارند")


@blp.route("/products")
class Products(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ProductArgs, location="query")
    @blp.response(200, ProductSchema(many=True))
    @requires(*READ)
    def get(self, args: dict) -> object:
        """The catalogue by code (the active products unless asked)."""
        return quotes.list_products(db(), include_inactive=args["include_inactive"])

    @blp.doc(security=BEARER)
    @blp.arguments(ProductIn)
    @blp.response(201, ProductSchema)
    @blp.alt_response(403, description="Only administrators and managers")
    @blp.alt_response(409, description="A product with that code exists")
    @requires(*WORK)
    def post(self, body: dict) -> object:
        """Add a product or service to the catalogue."""
        catalogue_keeper()
        return act(lambda ctx: quotes.create_product(ctx, body))


@blp.route("/products/<int:product_id>")
class OneProduct(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ProductChanges(partial=True))
    @blp.response(200, ProductSchema)
    @blp.alt_response(403, description="Only administrators and managers")
    @requires(*WORK)
    def patch(self, body: dict, product_id: int) -> object:
        """Change a product (its price changes new quotes only); ``active: false`` stops offering it."""
        catalogue_keeper()
        return act(lambda ctx: quotes.update_product(ctx, product_id, body))


class LineIn(Schema):
    product_id = fields.Integer(allow_none=True)
    description = fields.String(allow_none=True, metadata={"description": "the product's Persian name if none"})
    unit = fields.String(allow_none=True, metadata={"enum": list(quotes.UNITS)})
    quantity = fields.Raw(metadata={"description": "up to three decimals, any digits (default 1)"})
    unit_price = fields.Raw(allow_none=True, metadata={"description": "rials; the product's price if none"})
    discount_percent = fields.Raw(allow_none=True)
    taxable = fields.Boolean(metadata={"description": "the product's if none, else true"})


class QuoteIn(Schema):
    lines = fields.List(fields.Nested(LineIn), required=True, validate=validate.Length(1, quotes.MAX_LINES))
    discount_percent = fields.Raw(allow_none=True, metadata={"description": "on the whole, 0-100"})
    valid_until = fields.String(allow_none=True, metadata={"description": "Jalali or Gregorian; default 14 days"})
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))


class QuoteChanges(QuoteIn):
    """A draft's fields to change (any of them)."""


class LineSchema(Schema):
    position = fields.Integer()
    product_id = fields.Integer(allow_none=True)
    description = fields.String()
    unit = fields.String()
    quantity = fields.String(metadata={"description": "decimal, e.g. 1.5"})
    unit_price = fields.Integer()
    discount_percent = fields.Integer()
    taxable = fields.Boolean()
    gross = fields.Integer()
    discount = fields.Integer()
    net = fields.Integer()


class TotalsSchema(Schema):
    subtotal = fields.Integer()
    discount_percent = fields.Integer()
    discount = fields.Integer()
    net = fields.Integer()
    taxable_net = fields.Integer()
    vat_percent = fields.Integer()
    vat = fields.Integer()
    payable = fields.Integer()


class InvoiceSummary(Schema):
    id = fields.Integer()
    issued_on = fields.Date()
    due_on = fields.Date()
    amount = fields.Integer(metadata={"description": "rials, VAT included"})
    paid = fields.Integer()
    state = fields.String(metadata={"enum": ["open", "paid"]})
    paid_on = fields.Date(allow_none=True)
    purchase_id = fields.Integer(allow_none=True, metadata={"description": "the purchase it became once paid"})


class PaymentSchema(Schema):
    id = fields.Integer()
    amount = fields.Integer()
    paid_on = fields.Date()
    method = fields.String(metadata={"enum": list(invoices.METHODS)})
    reference = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)


class InvoiceSchema(InvoiceSummary):
    quote_id = fields.Integer()
    customer_id = fields.Integer()
    opportunity_id = fields.Integer()
    payments = fields.List(fields.Nested(PaymentSchema))


class PaymentIn(Schema):
    amount = fields.Raw(required=True, metadata={"description": "rials; any digits, or tomans"})
    paid_on = fields.String(allow_none=True, metadata={"description": "Jalali or Gregorian; today if none"})
    method = fields.String(load_default="transfer", metadata={"enum": list(invoices.METHODS)})
    reference = fields.String(allow_none=True, metadata={"description": "a receipt or cheque number"})


class InvoiceArgs(PageArgs):
    state = fields.String(validate=validate.OneOf(("open", "paid")))
    overdue = fields.Boolean(load_default=False, metadata={"description": "open and past their due day"})
    customer_id = fields.Integer(validate=validate.Range(1, ID))


InvoicePage = page_schema(InvoiceSchema, "InvoicePage")


class QuoteSchema(Schema):
    id = fields.Integer()
    opportunity_id = fields.Integer()
    customer_id = fields.Integer()
    state = fields.String(metadata={"enum": list(quotes.STATES)})
    valid_until = fields.Date()
    discount_percent = fields.Integer()
    vat_percent = fields.Integer()
    notes = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    review_note = fields.String(allow_none=True, metadata={"description": "why its approver sent it back"})
    lines = fields.List(fields.Nested(LineSchema))
    totals = fields.Nested(TotalsSchema)
    invoice = fields.Nested(InvoiceSummary, allow_none=True, metadata={"description": "once accepted"})


class AnswerIn(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(("accepted", "rejected")))


def _quantity(milli: int) -> str:
    whole, rest = divmod(milli, 1000)
    return f"{whole}" if not rest else f"{whole}.{rest:03d}".rstrip("0")


def shown_lines(session: Any, quote: Any) -> tuple[list[dict[str, Any]], quotes.Totals]:
    """A quote's lines as shown (with each line's figures) and its totals."""
    lines = quotes.lines_of(session, quote.id)
    figures = quotes.totals(quote, lines)
    return [{"position": line.position, "product_id": line.product_id, "description": line.description,
             "unit": line.unit, "quantity": _quantity(line.quantity_milli), "unit_price": line.unit_price,
             "discount_percent": line.discount_percent, "taxable": line.taxable, "gross": f.gross,
             "discount": f.discount, "net": f.net} for line, f in zip(lines, figures.lines, strict=True)], figures


def _shown(session: Any, quote: Any) -> dict[str, Any]:
    shown = {name: getattr(quote, name) for name in (
        "id", "opportunity_id", "customer_id", "state", "valid_until", "discount_percent", "vat_percent", "notes",
        "owner", "created_at", "sent_at", "decided_at", "review_note")}
    shown["lines"], figures = shown_lines(session, quote)
    shown["totals"] = {name: getattr(figures, name) for name in TOTALS}
    shown["invoice"] = invoices.invoice_of_quote(session, quote.id)
    return shown


def _seller() -> dict[str, Any]:
    settings = ravand().settings
    return {field: getattr(settings, f"seller_{field}") for field in
            ("name", "national_id", "economic_code", "registration_number", "address", "phone")}


def quote_pdf(session: Any, quote: Any, lang: str | None) -> Response:
    """The quote as a PDF in ``lang`` (else the customer's language), with the seller's details."""
    customer = get_customer(session, quote.customer_id)
    html = render_quote_html(quote, quotes.lines_of(session, quote.id), customer,
                             locale=lang or customer.locale or "fa", seller=_seller(),
                             timezone=ravand().settings.timezone)
    response = Response(render_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="quote-{quote.id}.pdf"'
    return response


def readable_opportunity(opportunity_id: int) -> Any:
    """The opportunity, if the caller may read it (404 otherwise, 403 for a role that reads no deals)."""
    return reachable_record("opportunity", opportunity_id)[3]


def _changing(opportunity_id: int, change: Any, *, shown: bool = True) -> Any:
    """Run ``change(ctx, opportunity)`` if the caller may change the opportunity (owner, manager, admin)."""
    readable_opportunity(opportunity_id)
    principal = current_principal()

    def run(ctx: Any) -> Any:
        opportunity = opportunities.get_opportunity(ctx.session, opportunity_id, lock=True)
        if not opportunities.may_change(opportunity, principal.username, manager=MANAGERS in principal.groups,
                                        admin=principal.role == "admin"):
            raise Forbidden(f"opportunity {opportunity_id} is {opportunity.owner}'s: only they, a manager or an "
                            f"administrator write its quotes / این فرصت از آنِ {opportunity.owner} است")
        changed = change(ctx, opportunity)
        return _shown(ctx.session, changed) if shown else changed

    return act(run)


@blp.route("/opportunities/<int:opportunity_id>/quotes")
class OpportunityQuotes(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, QuoteSchema(many=True))
    @requires(*READ)
    def get(self, opportunity_id: int) -> object:
        """The opportunity's quotes, newest first, each with its lines and figures."""
        readable_opportunity(opportunity_id)
        return [_shown(db(), q) for q in quotes.quotes_of(db(), opportunity_id)]

    @blp.doc(security=BEARER)
    @blp.arguments(QuoteIn)
    @blp.response(201, QuoteSchema)
    @blp.alt_response(403, description="Someone else's opportunity")
    @blp.alt_response(409, description="The opportunity is closed")
    @requires(*WORK)
    def post(self, body: dict, opportunity_id: int) -> object:
        """Write a draft quote for the opportunity's customer; VAT at today's ``vat_percent`` setting."""
        rate, today = ravand().settings.vat_percent, company_today()
        return _changing(opportunity_id, lambda ctx, o: quotes.create_quote(ctx, o, body, vat_percent=rate,
                                                                             today=today))


def _quote_action(quote_id: int, change: Any) -> Any:
    opportunity_id = quotes.get_quote(db(), quote_id).opportunity_id
    return _changing(opportunity_id, lambda ctx, _o: change(ctx, quotes.get_quote(ctx.session, quote_id)))


@blp.route("/quotes/<int:quote_id>")
class OneQuote(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, QuoteSchema)
    @requires(*READ)
    def get(self, quote_id: int) -> object:
        """A quote with its lines and figures."""
        quote = quotes.get_quote(db(), quote_id)
        readable_opportunity(quote.opportunity_id)
        return _shown(db(), quote)

    @blp.doc(security=BEARER)
    @blp.arguments(QuoteChanges(partial=True))
    @blp.response(200, QuoteSchema)
    @blp.alt_response(409, description="Only a draft is changed")
    @requires(*WORK)
    def patch(self, body: dict, quote_id: int) -> object:
        """Change a draft (``lines`` replaces them all)."""
        today = company_today()
        return _quote_action(quote_id, lambda ctx, q: quotes.update_quote(ctx, q, body, today=today))


@blp.route("/quotes/<int:quote_id>/send")
class SendQuote(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, QuoteSchema)
    @blp.alt_response(409, description="Not a draft, or its validity has passed")
    @requires(*WORK)
    def post(self, quote_id: int) -> object:
        """Send the draft: it goes through its approval (the ``quote_approval`` process, which designers may
        change). A quote its rules let through is sent at once: its link goes by SMS and e-mail to the
        customer's number and address on record, where they read and accept it; one that needs a manager's
        approval is ``pending`` until they decide (sent, or back to draft with their note). It is not changed
        after."""
        app, today = ravand(), company_today()

        def start(ctx: Any, opportunity: Any) -> Any:
            quote = quotes.get_quote(ctx.session, quote_id, lock=True)
            if quote.state != "draft":
                raise RecordConflict(f"the quote is {quote.state} already")
            if quote.valid_until < today:
                raise RecordConflict("the quote's validity has passed: give it a new day first")
            app.engine.start(ctx.session, "quote_approval", f"quote-{quote.id}", {"quote_id": quote.id}, ctx.actor,
                             record=opportunity_record(ctx.session, opportunity))
            return quote

        shown = _changing(quotes.get_quote(db(), quote_id).opportunity_id, start)
        app.nudge()
        return shown


class QuoteLinkSchema(Schema):
    url = fields.String(metadata={"description": "the customer's page of the quote (no account needed)"})
    expires_at = fields.DateTime(metadata={"description": "the end of the quote's last valid day"})
    queued = fields.Integer(metadata={"description": "messages queued to the customer (SMS, e-mail)"})


class QuoteLinkIn(Schema):
    send = fields.Boolean(load_default=True, metadata={"description": "false: only give the link, send nothing"})


@blp.route("/quotes/<int:quote_id>/link")
class QuoteLink(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(QuoteLinkIn)
    @blp.response(200, QuoteLinkSchema)
    @blp.alt_response(409, description="A draft, or a quote waiting for its approval, has no link yet")
    @requires(*WORK)
    def post(self, body: dict, quote_id: int) -> object:
        """The customer's link to a sent quote, sent again by SMS and e-mail unless ``send`` is false."""
        def link(ctx: Any, _opportunity: Any) -> dict[str, Any]:
            quote = quotes.get_quote(ctx.session, quote_id)
            if quote.state in ("draft", "pending"):
                raise RecordConflict("the quote is not sent yet: it has no link / پیش‌فاکتور هنوز فرستاده نشده و "
                                     "پیوندی ندارد")
            app = ravand()
            queued = send_quote_link(ctx, app.settings, app.engine.ctx.settings, quote) if body["send"] else 0
            return {"url": quote_url(app.settings, quote), "expires_at": link_expiry(app.settings, quote),
                    "queued": queued}

        opportunity_id = quotes.get_quote(db(), quote_id).opportunity_id
        return _changing(opportunity_id, link, shown=False)


@blp.route("/quotes/<int:quote_id>/answer")
class AnswerQuote(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AnswerIn)
    @blp.response(200, QuoteSchema)
    @blp.alt_response(409, description="Not sent, answered already, or expired")
    @requires(*WORK)
    def post(self, body: dict, quote_id: int) -> object:
        """The customer's answer to a sent quote; accepted, it is the order and its invoice is issued (due
        ``invoice_days`` later)."""
        today, days = company_today(), ravand().settings.invoice_days

        def answer(ctx: Any, quote: Any) -> Any:
            quotes.decide(ctx, quote, body["answer"], today=today)
            if quote.state == "accepted":
                invoices.issue(ctx, quote, today=today, payment_days=days)
            return quote

        return _quote_action(quote_id, answer)


@blp.route("/quotes/<int:quote_id>/document.pdf")
class QuotePdf(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The quote as a PDF",
                                                  "content": {"application/pdf": {"schema": {"type": "string",
                                                                                             "format": "binary"}}}}})
    @blp.arguments(Schema.from_dict({"lang": fields.String(validate=validate.OneOf(("fa", "en")))})(),
                   location="query")
    @requires(*READ)
    def get(self, args: dict, quote_id: int) -> Response:
        """The quote as the customer reads it (``lang``: the customer's language unless given)."""
        quote = quotes.get_quote(db(), quote_id)
        readable_opportunity(quote.opportunity_id)
        return quote_pdf(db(), quote, args.get("lang"))


# -- invoices -------------------------------------------------------------------------------------

def _invoice_shown(session: Any, invoice: Any) -> dict[str, Any]:
    return {**{name: getattr(invoice, name) for name in (
        "id", "quote_id", "customer_id", "opportunity_id", "issued_on", "due_on", "amount", "paid", "state",
        "paid_on", "purchase_id")}, "payments": invoices.payments_of(session, invoice.id)}


@blp.route("/invoices")
class Invoices(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(InvoiceArgs, location="query")
    @blp.response(200, InvoicePage)
    @blp.alt_response(403, description="Administrators, auditors, managers and finance only")
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Every invoice, the oldest due first (``overdue``: the open ones past their due day)."""
        principal = current_principal()
        if principal.role == "employee" and not {MANAGERS, FINANCE} & set(principal.groups):
            raise Forbidden("the invoices list is for managers and finance / فهرست فاکتورها برای مدیران و مالی است")
        items, total = invoices.list_invoices(db(), state=args.get("state"), customer_id=args.get("customer_id"),
                                              overdue_on=company_today() if args["overdue"] else None,
                                              limit=args["limit"], offset=args["offset"])
        return page(([_invoice_shown(db(), i) for i in items], total), args)


@blp.route("/invoices/<int:invoice_id>")
class OneInvoice(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, InvoiceSchema)
    @requires(*READ)
    def get(self, invoice_id: int) -> object:
        """An invoice and its payments (for whoever may read its opportunity)."""
        invoice = invoices.get_invoice(db(), invoice_id)
        readable_opportunity(invoice.opportunity_id)
        return _invoice_shown(db(), invoice)


@blp.route("/invoices/<int:invoice_id>/document.pdf")
class InvoicePdf(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The invoice as a PDF",
                                                  "content": {"application/pdf": {"schema": {"type": "string",
                                                                                             "format": "binary"}}}}})
    @blp.arguments(Schema.from_dict({"lang": fields.String(validate=validate.OneOf(("fa", "en")))},
                                    name="InvoicePdfArgs")(), location="query")
    @requires(*READ)
    def get(self, args: dict, invoice_id: int) -> Response:
        """The invoice (فاکتور فروش) as a PDF: the accepted quote's lines and figures, its number, issue and due
        days, the payments received and what is still owed (``lang``: the customer's language unless given)."""
        session = db()
        invoice = invoices.get_invoice(session, invoice_id)
        readable_opportunity(invoice.opportunity_id)
        quote = quotes.get_quote(session, invoice.quote_id)
        customer = get_customer(session, invoice.customer_id)
        html = render_invoice_html(invoice, quote, quotes.lines_of(session, quote.id), customer,
                                   invoices.payments_of(session, invoice.id),
                                   locale=args.get("lang") or customer.locale or "fa", seller=_seller())
        response = Response(render_pdf(html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="invoice-{invoice.id}.pdf"'
        return response


@blp.route("/invoices/<int:invoice_id>/payments")
class InvoicePayments(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PaymentIn)
    @blp.response(201, InvoiceSchema)
    @blp.alt_response(403, description="Not the deal's owner, a manager, finance or an administrator")
    @blp.alt_response(409, description="The invoice is paid")
    @requires(*WORK)
    def post(self, body: dict, invoice_id: int) -> object:
        """Record money received; the last of it makes the invoice paid and a purchase of the customer (paid on
        time if by the due day), which the customer ranking reads."""
        invoice = invoices.get_invoice(db(), invoice_id)
        readable_opportunity(invoice.opportunity_id)
        principal, today, zone = current_principal(), company_today(), ravand().settings.timezone

        def run(ctx: Any) -> Any:
            found = invoices.get_invoice(ctx.session, invoice_id)
            opportunity = opportunities.get_opportunity(ctx.session, found.opportunity_id)
            if FINANCE not in principal.groups and not opportunities.may_change(
                    opportunity, principal.username, manager=MANAGERS in principal.groups,
                    admin=principal.role == "admin"):
                raise Forbidden("only the deal's owner, a manager or finance records its payments / "
                                "فقط مسئول فرصت، مدیران یا مالی پرداخت را ثبت می‌کنند")
            invoices.record_payment(ctx, found, body, today=today, zone=zone)
            return _invoice_shown(ctx.session, found)

        return act(run)
