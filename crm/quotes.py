"""Products and quotes (پیش‌فاکتور).

A **product** is something the company sells: a unique code, its names in Persian and English, the unit it is
sold by, a list price in rials and whether VAT applies. A **quote** is written for an opportunity: lines (a
product at the customer's price, from their price lists (``crm.price_lists``) else the list price, unless
another is typed; or a free description), each with a quantity (up to three decimals: 1.5 hours) and a
discount; a discount on the whole; VAT at the ``vat_percent`` setting's rate when it
is written (kept with it, so a later change of the rate does not change a quote already given) on the taxable
lines only; valid until a day. ``draft`` (changed at will) → ``pending`` while its approval (the
``quote_approval`` process) decides, back to ``draft`` with the approver's note if turned down → ``sent`` →
``accepted`` or ``rejected`` (the customer's answer, on their link or recorded by the salesperson). Amounts
are whole rials, rounded half up at each line. Every change is journaled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crm import dates
from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound, refuse_fields
from crm.models import Customer, Opportunity, Product, Quote, QuoteLine
from crm.money import parse_amount
from crm.price_lists import prices_for
from crm.text import ascii_digits, clean
from crm.unit import Ctx, plain

UNITS = ("piece", "hour", "day", "month", "year", "licence", "service")
STATES = ("draft", "pending", "sent", "accepted", "rejected")
MAX_LINES = 100
MAX_QUANTITY_MILLI = 10**12
VALID_DAYS = 14  # a quote is valid this long unless it says otherwise


# -- products -------------------------------------------------------------------------------------

def _product_values(data: Mapping[str, Any], current: Product | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, limit in (("code", 40), ("name_fa", 200), ("name_en", 200)):
        if name in data or current is None:
            text = clean(data.get(name)) if isinstance(data.get(name), str) else ""
            if not text or len(text) > limit:
                errors[name] = [f"a text of 1 to {limit} characters"]
            values[name] = text
    if "unit" in data or current is None:
        if data.get("unit") not in UNITS:
            errors["unit"] = [f"one of: {', '.join(UNITS)}"]
        values["unit"] = data.get("unit")
    if "price" in data or current is None:
        try:
            values["price"] = parse_amount(data.get("price", ""), "price")
        except InvalidRecord as exc:
            errors.update(exc.field_errors)
    for name, default in (("taxable", True), ("active", True)):
        if name in data or current is None:
            value = data.get(name, default)
            if not isinstance(value, bool):
                errors[name] = ["true or false"]
            values[name] = value
    refuse_fields(errors)
    return values


def create_product(ctx: Ctx, data: Mapping[str, Any]) -> Product:
    values = _product_values(data)
    if ctx.session.scalar(select(Product.id).where(Product.code == values["code"])):
        raise RecordConflict(f"a product with code {values['code']!r} exists already")
    return ctx.add(Product(**values), "product")


def update_product(ctx: Ctx, product_id: int, data: Mapping[str, Any]) -> Product:
    product = get_product(ctx.session, product_id)
    values = _product_values(data, product)
    if "code" in values and ctx.session.scalar(select(Product.id).where(Product.code == values["code"],
                                                                           Product.id != product.id)):
        raise RecordConflict(f"a product with code {values['code']!r} exists already")
    ctx.change(product, "product", values)
    return product


def get_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise RecordNotFound(f"product {product_id} not found")
    return product


def list_products(session: Session, *, include_inactive: bool = False) -> list[Product]:
    query = select(Product).order_by(Product.code)
    if not include_inactive:
        query = query.where(Product.active.is_(True))
    return list(session.scalars(query))


# -- figures --------------------------------------------------------------------------------------

def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class LineFigures:
    gross: int  # quantity × unit price
    discount: int
    net: int


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineFigures, ...]
    subtotal: int  # the lines' nets
    discount_percent: int
    discount: int  # on the whole
    net: int
    taxable_net: int
    vat_percent: int
    vat: int
    payable: int


def line_figures(line: QuoteLine) -> LineFigures:
    gross = _round(Decimal(line.quantity_milli) * line.unit_price / 1000)
    discount = _round(Decimal(gross) * line.discount_percent / 100)
    return LineFigures(gross, discount, gross - discount)


def totals(quote: Quote, lines: Sequence[QuoteLine]) -> Totals:
    """Each line's gross, discount and net; the subtotal; the discount on the whole; VAT on what is taxable
    after that discount (shared out in proportion); what the customer pays."""
    figures = tuple(line_figures(line) for line in lines)
    subtotal = sum(f.net for f in figures)
    taxable = sum(f.net for f, line in zip(figures, lines, strict=True) if line.taxable)
    share = Decimal(100 - quote.discount_percent) / 100
    net = _round(Decimal(subtotal) * share)
    taxable_net = _round(Decimal(taxable) * share)
    vat = _round(Decimal(taxable_net) * quote.vat_percent / 100)
    return Totals(figures, subtotal, quote.discount_percent, subtotal - net, net, taxable_net, quote.vat_percent,
                  vat, net + vat)


# -- quotes ---------------------------------------------------------------------------------------

def _percent(value: Any, field: str, errors: dict[str, list[str]]) -> int:
    if isinstance(value, str) and ascii_digits(value).strip().isdigit():
        value = int(ascii_digits(value).strip())
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        errors[field] = ["a whole percent from 0 to 100"]
        return 0
    return value


def _quantity(value: Any, field: str, errors: dict[str, list[str]]) -> int:
    try:
        amount = Decimal(ascii_digits(str(value)).replace("٫", ".").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        errors[field] = ["a quantity, e.g. 3 or 1.5"]
        return 0
    milli = amount * 1000
    if amount <= 0 or milli != milli.to_integral_value() or milli > MAX_QUANTITY_MILLI:
        errors[field] = ["a quantity above 0 with at most three decimals"]
        return 0
    return int(milli)


def _lines(session: Session, raw: Any, prices: Mapping[int, int], locale: str = "fa") -> list[dict[str, Any]]:
    """The lines checked; a product's line without a typed price takes ``prices`` (the customer's price
    lists, ``crm.price_lists``) else the product's list price, and without a description its name in the
    customer's language ``locale``."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_LINES:
        refuse_fields({"lines": [f"1 to {MAX_LINES} lines"]})
    errors: dict[str, list[str]] = {}
    products = {p.id: p for p in session.scalars(select(Product).where(
        Product.id.in_([item.get("product_id") for item in raw if isinstance(item, dict)
                        and isinstance(item.get("product_id"), int)])))}
    result = []
    for number, item in enumerate(raw, 1):
        prefix = f"lines.{number}"
        if not isinstance(item, dict):
            errors[prefix] = ["a line: product_id or description, quantity, unit_price, discount_percent"]
            continue
        product = products.get(item.get("product_id")) if item.get("product_id") is not None else None
        if item.get("product_id") is not None and product is None:
            errors[f"{prefix}.product_id"] = ["not a product"]
            continue
        description = item.get("description")
        description = clean(description) if isinstance(description, str) and description.strip() else (
            (product.name_en if locale == "en" else product.name_fa) if product else "")
        if not description or len(description) > 255:
            errors[f"{prefix}.description"] = ["a product or a description of up to 255 characters"]
        unit = item.get("unit") or (product.unit if product else "piece")
        if unit not in UNITS:
            errors[f"{prefix}.unit"] = [f"one of: {', '.join(UNITS)}"]
        price = item.get("unit_price")
        try:
            unit_price = parse_amount(price, f"{prefix}.unit_price") if price not in (None, "") else (
                prices.get(product.id, product.price) if product else parse_amount("", f"{prefix}.unit_price"))
        except InvalidRecord as exc:
            errors.update(exc.field_errors)
            unit_price = 0
        taxable = item.get("taxable", product.taxable if product else True)
        if not isinstance(taxable, bool):
            errors[f"{prefix}.taxable"] = ["true or false"]
        result.append({"position": number, "product_id": product.id if product else None,
                       "description": description, "unit": unit, "unit_price": unit_price, "taxable": taxable,
                       "quantity_milli": _quantity(item.get("quantity", 1), f"{prefix}.quantity", errors),
                       "discount_percent": _percent(item.get("discount_percent"), f"{prefix}.discount_percent",
                                                    errors)})
    refuse_fields(errors)
    return result


def _locale_of(session: Session, customer_id: int) -> str:
    return session.scalar(select(Customer.locale).where(Customer.id == customer_id)) or "fa"


def customer_prices(session: Session, customer_id: int, day: date) -> dict[int, int]:
    """{product id: the customer's price on ``day``} for the products their price lists price."""
    return {product: price for product, (price, _list) in prices_for(session, customer_id, day).items()}


def _valid_until(value: Any, today: date) -> date:
    if value in (None, ""):
        return today + timedelta(days=VALID_DAYS)
    day = dates.parse_day(value, field="valid_until")
    if day is None or day < today:
        refuse_fields({"valid_until": ["a day from today on (Jalali or Gregorian)"]})
    return day  # type: ignore[return-value]


def get_quote(session: Session, quote_id: int, *, lock: bool = False) -> Quote:
    """The quote; with ``lock``, its row is locked and read afresh (two answers racing are taken in turn)."""
    quote = session.get(Quote, quote_id, with_for_update=lock or None, populate_existing=lock)
    if quote is None:
        raise RecordNotFound(f"quote {quote_id} not found")
    return quote


def lines_of(session: Session, quote_id: int) -> list[QuoteLine]:
    return list(session.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.position)))


def quotes_of(session: Session, opportunity_id: int) -> list[Quote]:
    return list(session.scalars(select(Quote).where(Quote.opportunity_id == opportunity_id).order_by(Quote.id.desc())))


def _write_lines(ctx: Ctx, quote: Quote, lines: list[dict[str, Any]]) -> None:
    ctx.session.execute(delete(QuoteLine).where(QuoteLine.quote_id == quote.id))
    ctx.session.add_all(QuoteLine(quote_id=quote.id, **line) for line in lines)
    ctx.session.flush()


def create_quote(ctx: Ctx, opportunity: Opportunity, data: Mapping[str, Any], *, vat_percent: int,
                 today: date) -> Quote:
    """A draft quote for the opportunity (its customer's), owned by whoever writes it."""
    if opportunity.stage in ("won", "lost"):
        raise RecordConflict(f"the opportunity is {opportunity.stage}: it takes no new quote")
    errors: dict[str, list[str]] = {}
    discount = _percent(data.get("discount_percent"), "discount_percent", errors)
    refuse_fields(errors)
    lines = _lines(ctx.session, data.get("lines"), customer_prices(ctx.session, opportunity.customer_id, today),
                   _locale_of(ctx.session, opportunity.customer_id))
    notes = data.get("notes")
    quote = ctx.add(Quote(
        opportunity_id=opportunity.id, customer_id=opportunity.customer_id, state="draft",
        valid_until=_valid_until(data.get("valid_until"), today), discount_percent=discount,
        vat_percent=vat_percent, notes=notes.strip() if isinstance(notes, str) and notes.strip() else None,
        owner=ctx.actor, team_key=opportunity.team_key, branch_key=opportunity.branch_key), "quote")
    _write_lines(ctx, quote, lines)
    ctx.record("crm.quote.lines", record="quote", id=quote.id, lines=[plain(line) for line in
                                                                       lines_of(ctx.session, quote.id)])
    return quote


def update_quote(ctx: Ctx, quote: Quote, data: Mapping[str, Any], *, today: date) -> Quote:
    if quote.state != "draft":
        raise RecordConflict(f"the quote is {quote.state}: only a draft is changed")
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if "discount_percent" in data:
        changes["discount_percent"] = _percent(data["discount_percent"], "discount_percent", errors)
    refuse_fields(errors)
    if "valid_until" in data:
        changes["valid_until"] = _valid_until(data["valid_until"], today)
    if "notes" in data:
        notes = data["notes"]
        changes["notes"] = notes.strip() if isinstance(notes, str) and notes.strip() else None
    if "lines" in data:
        prices = customer_prices(ctx.session, quote.customer_id, today)
        _write_lines(ctx, quote, _lines(ctx.session, data["lines"], prices, _locale_of(ctx.session, quote.customer_id)))
        ctx.record("crm.quote.lines", record="quote", id=quote.id,
                   lines=[plain(line) for line in lines_of(ctx.session, quote.id)])
    ctx.change(quote, "quote", changes)
    return quote


def submit(ctx: Ctx, quote: Quote, *, today: date, instance_id: str | None = None) -> Quote:
    """A draft handed to its approval (``quote_approval``): ``pending``, not changed meanwhile."""
    if quote.state != "draft":
        raise RecordConflict(f"the quote is {quote.state} already")
    if quote.valid_until < today:
        raise RecordConflict("the quote's validity has passed: give it a new day first")
    ctx.change(quote, "quote", {"state": "pending", "process_instance_id": instance_id, "review_note": None})
    return quote


def send_quote(ctx: Ctx, quote: Quote, *, today: date) -> Quote:
    """A draft, or a quote its approval let through, given to the customer; it is not changed after."""
    if quote.state not in ("draft", "pending"):
        raise RecordConflict(f"the quote is {quote.state} already")
    if quote.valid_until < today:
        raise RecordConflict("the quote's validity has passed: give it a new day first")
    ctx.change(quote, "quote", {"state": "sent", "sent_at": utcnow()})
    return quote


def send_back(ctx: Ctx, quote: Quote, note: str | None) -> Quote:
    """A pending quote its approver turned down: a draft again, with the approver's note for its writer."""
    if quote.state != "pending":
        raise RecordConflict(f"the quote is {quote.state}: only a pending quote is sent back")
    text = note.strip()[:2000] if isinstance(note, str) and note.strip() else None
    ctx.change(quote, "quote", {"state": "draft", "review_note": text})
    return quote


def largest_discount(quote: Quote, lines: Sequence[QuoteLine]) -> int:
    """The largest discount the quote gives, in percent: on the whole, or on any line."""
    return max([quote.discount_percent, *(line.discount_percent for line in lines)])


def check_answerable(quote: Quote, answer: str, *, today: date) -> None:
    """Refuse an answer the quote cannot take now: not ``accepted`` or ``rejected``, a quote not sent (or
    answered already), an acceptance past its validity."""
    if answer not in ("accepted", "rejected"):
        refuse_fields({"answer": ["accepted or rejected"]})
    if quote.state != "sent":
        raise RecordConflict(f"the quote is {quote.state}: only a sent quote is answered")
    if answer == "accepted" and quote.valid_until < today:
        raise RecordConflict("the quote expired before it was accepted")


def decide(ctx: Ctx, quote: Quote, answer: str, *, today: date) -> Quote:
    """The customer's answer to a sent quote: ``accepted`` (while it is valid) or ``rejected``."""
    check_answerable(quote, answer, today=today)
    ctx.change(quote, "quote", {"state": answer, "decided_at": utcnow()})
    return quote


def count_open(session: Session, opportunity_id: int) -> int:
    return int(session.scalar(select(func.count(Quote.id)).where(
        Quote.opportunity_id == opportunity_id, Quote.state.in_(("draft", "pending", "sent")))) or 0)
