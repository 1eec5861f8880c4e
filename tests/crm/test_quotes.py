"""Products and quotes on each database: the figures of a quote (line discounts, a discount on the whole, VAT
on the taxable lines only, rounding half up), its life (a draft changes, a sent one does not, an answer only
while valid), and the checks that name the line and field at fault."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from crm import quotes
from crm.customers import create_customer
from crm.errors import InvalidRecord, RecordConflict
from crm.opportunities import open_opportunity
from crm.unit import Ctx
from tests.conftest import Database

TODAY = date(2026, 12, 7)


@pytest.fixture
def ctx(crm_db: Database) -> Iterator[Ctx]:
    with crm_db.sessions() as session:
        yield Ctx(session, "sara")


@pytest.fixture
def deal(ctx: Ctx) -> object:
    customer = create_customer(ctx, {"kind": "company", "company_name": "پارس افزار", "mobile": "09121234567"})[0]
    return open_opportunity(ctx, customer_id=customer.id, title="نرم‌افزار انبار", amount=500_000_000)


@pytest.fixture
def catalogue(ctx: Ctx) -> dict[str, int]:
    licence = quotes.create_product(ctx, {"code": "WMS-L", "name_fa": "مجوز نرم‌افزار انبار",
                                          "name_en": "Warehouse software licence", "unit": "licence",
                                          "price": "۱۲۰٬۰۰۰٬۰۰۰"})
    training = quotes.create_product(ctx, {"code": "TRN-H", "name_fa": "آموزش", "name_en": "Training",
                                           "unit": "hour", "price": 3_500_000, "taxable": False})
    return {"licence": licence.id, "training": training.id}


def test_a_quotes_figures(ctx: Ctx, deal: object, catalogue: dict[str, int]) -> None:
    quote = quotes.create_quote(ctx, deal, {
        "discount_percent": 5, "lines": [
            {"product_id": catalogue["licence"], "quantity": "۳", "discount_percent": 10},
            {"product_id": catalogue["training"], "quantity": "1.5"},
            {"description": "نصب و راه‌اندازی", "unit": "service", "unit_price": "۲۵٬۰۰۰٬۰۰۱ ریال"}]},
        vat_percent=10, today=TODAY)
    lines = quotes.lines_of(ctx.session, quote.id)
    assert [line.description for line in lines] == ["مجوز نرم‌افزار انبار", "آموزش", "نصب و راه‌اندازی"]
    assert [line.quantity_milli for line in lines] == [3000, 1500, 1000]
    figures = quotes.totals(quote, lines)
    assert [(f.gross, f.discount, f.net) for f in figures.lines] == [
        (360_000_000, 36_000_000, 324_000_000), (5_250_000, 0, 5_250_000), (25_000_001, 0, 25_000_001)]
    assert figures.subtotal == 354_250_001
    assert figures.net == 336_537_501  # 95 % of the subtotal, rounded half up
    assert figures.taxable_net == 331_550_001  # the training is not taxable
    assert figures.vat == 33_155_000 and figures.payable == 369_692_501
    assert quote.valid_until == TODAY + timedelta(days=14) and quote.vat_percent == 10 and quote.owner == "sara"


def test_a_quotes_life(ctx: Ctx, deal: object, catalogue: dict[str, int]) -> None:
    quote = quotes.create_quote(ctx, deal, {"lines": [{"product_id": catalogue["licence"]}]}, vat_percent=10,
                                today=TODAY)
    quotes.update_quote(ctx, quote, {"lines": [{"product_id": catalogue["licence"], "quantity": 2}],
                                     "valid_until": "۱۴۰۵/۱۰/۰۱"}, today=TODAY)
    assert quote.valid_until == date(2026, 12, 22)
    assert quotes.totals(quote, quotes.lines_of(ctx.session, quote.id)).payable == 264_000_000
    quotes.send_quote(ctx, quote, today=TODAY)
    with pytest.raises(RecordConflict):
        quotes.update_quote(ctx, quote, {"discount_percent": 50}, today=TODAY)
    with pytest.raises(RecordConflict):  # answered after it lapsed
        quotes.decide(ctx, quote, "accepted", today=date(2027, 1, 1))
    quotes.decide(ctx, quote, "accepted", today=TODAY)
    assert quote.state == "accepted" and quote.decided_at is not None
    with pytest.raises(RecordConflict):
        quotes.decide(ctx, quote, "rejected", today=TODAY)


def test_bad_lines_are_named(ctx: Ctx, deal: object, catalogue: dict[str, int]) -> None:
    with pytest.raises(InvalidRecord) as caught:
        quotes.create_quote(ctx, deal, {"discount_percent": 120, "lines": [
            {"product_id": 999}, {"description": "x", "quantity": "0", "unit": "crate"},
            {"description": "y", "quantity": "1.2345", "discount_percent": -1}]}, vat_percent=10, today=TODAY)
    assert "discount_percent" in caught.value.field_errors
    with pytest.raises(InvalidRecord) as caught:
        quotes.create_quote(ctx, deal, {"lines": [
            {"product_id": 999}, {"description": "x", "quantity": "0", "unit": "crate"},
            {"description": "y", "quantity": "1.2345", "discount_percent": -1}, {"description": "no price"}]},
            vat_percent=10, today=TODAY)
    assert {"lines.1.product_id", "lines.2.quantity", "lines.2.unit", "lines.3.quantity",
            "lines.3.discount_percent", "lines.4.unit_price"} <= set(caught.value.field_errors)
    with pytest.raises(InvalidRecord):
        quotes.create_quote(ctx, deal, {"lines": []}, vat_percent=10, today=TODAY)
    with pytest.raises(InvalidRecord) as caught:
        quotes.create_quote(ctx, deal, {"lines": [{"product_id": catalogue["training"]}],
                                        "valid_until": "2020-01-01"}, vat_percent=10, today=TODAY)
    assert "valid_until" in caught.value.field_errors
    with pytest.raises(RecordConflict):
        quotes.create_product(ctx, {"code": "WMS-L", "name_fa": "x", "name_en": "x", "unit": "piece", "price": 1})
    with pytest.raises(InvalidRecord) as caught:
        quotes.create_product(ctx, {"code": "", "unit": "crate", "price": "-5"})
    assert {"code", "name_fa", "name_en", "unit", "price"} <= set(caught.value.field_errors)
    quotes.update_product(ctx, catalogue["training"], {"active": False})
    assert [p.code for p in quotes.list_products(ctx.session)] == ["WMS-L"]


def test_an_invoice_paid_late_or_still_owed_weighs_on_the_settlement_factor(ctx: Ctx, deal: object,
                                                                             catalogue: dict[str, int]) -> None:
    from crm import invoices
    from crm.models import LoyaltyAccount
    from crm.ranking import load_stats, rank_all

    def accepted(day: date) -> object:
        quote = quotes.create_quote(ctx, deal, {"lines": [{"product_id": catalogue["licence"]}]}, vat_percent=10,
                                    today=day)
        quotes.send_quote(ctx, quote, today=day)
        quotes.decide(ctx, quote, "accepted", today=day)
        return quote

    first = invoices.issue(ctx, accepted(date(2026, 9, 1)), today=date(2026, 9, 1))
    again = invoices.issue(ctx, quotes.get_quote(ctx.session, first.quote_id), today=date(2026, 9, 2))
    assert again.id == first.id  # issued once
    assert (first.amount, first.due_on) == (132_000_000, date(2026, 10, 1))
    invoices.record_payment(ctx, first, {"amount": 132_000_000, "paid_on": "1405-07-20"}, today=date(2026, 10, 20))
    assert first.state == "paid" and first.paid_on == date(2026, 10, 12)  # 20 Mehr 1405
    second = invoices.issue(ctx, accepted(date(2026, 10, 15)), today=date(2026, 10, 15))
    customer_id = first.customer_id
    stats = load_stats(ctx.session, now=datetime(2026, 12, 1, tzinfo=UTC))[customer_id]
    assert (stats.purchases, stats.on_time, stats.overdue) == (1, 0, 1)  # paid late once, owes one past its day
    rank_all(ctx, now=datetime(2026, 12, 1, tzinfo=UTC))
    late = ctx.session.get(LoyaltyAccount, customer_id).score
    invoices.record_payment(ctx, second, {"amount": second.amount, "paid_on": "2026-11-10"},
                            today=date(2026, 12, 1))
    stats = load_stats(ctx.session, now=datetime(2026, 12, 1, tzinfo=UTC))[customer_id]
    assert (stats.purchases, stats.on_time, stats.overdue) == (2, 1, 0)
    rank_all(ctx, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert ctx.session.get(LoyaltyAccount, customer_id).score > late
    with pytest.raises(RecordConflict):
        invoices.record_payment(ctx, second, {"amount": 1}, today=date(2026, 12, 1))


def test_a_payment_of_today_before_noon_is_a_purchase_of_now(ctx: Ctx, deal: object,
                                                             catalogue: dict[str, int]) -> None:
    """The purchase a paid invoice becomes is dated noon of the day it was paid, but never after now: the
    company's day (here given as tomorrow, as in Tehran's early hours before UTC's midnight) may have begun
    while its noon is still to come."""
    from crm import invoices
    from crm.clock import utcnow
    from crm.models import Purchase

    day = utcnow().date() + timedelta(days=1)
    quote = quotes.create_quote(ctx, deal, {"lines": [{"product_id": catalogue["licence"]}]}, vat_percent=10,
                                today=day)
    quotes.send_quote(ctx, quote, today=day)
    quotes.decide(ctx, quote, "accepted", today=day)
    invoice = invoices.issue(ctx, quote, today=day)
    before = utcnow()
    invoices.record_payment(ctx, invoice, {"amount": invoice.amount}, today=day)
    purchase = ctx.session.get(Purchase, invoice.purchase_id)
    assert invoice.state == "paid" and before <= purchase.purchased_at <= utcnow()
