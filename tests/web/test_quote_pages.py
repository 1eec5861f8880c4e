"""A Persian salesperson writes a quote on her opportunity's page (a product from the catalogue and a line of
her own, Persian digits, a discount on the whole), sees the figures in Persian, opens its PDF, marks it sent and
records that the customer accepted; a bad line's error shows under that line. An English administrator keeps
the catalogue on the Products page. On a server of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, shot, start_server


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import processes

    server, stop = start_server(tmp_path_factory.mktemp("quotes"))
    server.deploy(processes.bundle())  # sending a quote goes through its approval (let through below its limits)
    yield server
    stop()


def test_an_english_administrator_keeps_the_catalogue(shop: Server, page_for):
    page = page_for("admin", base=shop)
    page.goto("/app/products")
    form = page.get_by_test_id("product-form")
    form.get_by_test_id("product-code").fill("WMS-L")
    form.get_by_test_id("product-unit").select_option("licence")
    form.get_by_test_id("product-name_fa").fill("مجوز نرم‌افزار انبار")
    form.get_by_test_id("product-name_en").fill("Warehouse software licence")
    form.get_by_test_id("product-price").fill("120,000,000")
    form.get_by_test_id("product-save").click()
    expect(page.locator("[data-product]")).to_have_count(1)
    expect(page.locator("[data-product]")).to_contain_text("120,000,000")
    form.get_by_test_id("product-code").fill("WMS-L")
    form.get_by_test_id("product-name_fa").fill("تکراری")
    form.get_by_test_id("product-name_en").fill("Again")
    form.get_by_test_id("product-price").fill("1")
    form.get_by_test_id("product-save").click()
    expect(form.get_by_role("alert")).to_contain_text("WMS-L")
    shot(page, "en-products")


def test_a_persian_salesperson_writes_a_quote_and_records_the_answer(shop: Server, page_for):
    shop.call("POST", "/api/v1/products", "admin", json={
        "code": "TRN-H", "name_fa": "آموزش کاربران", "name_en": "Training", "unit": "hour", "price": 3_500_000,
        "taxable": False})
    customer = shop.call("POST", "/api/v1/customers", "persian", json={
        "kind": "company", "company_name": "پارس افزار", "mobile": "09121234567"}).get_json()["customer"]
    opportunity = shop.call("POST", "/api/v1/opportunities", "persian", json={
        "customer_id": customer["id"], "title": "نرم‌افزار انبار", "amount": 500_000_000}).get_json()
    page = page_for("persian", "fa-IR", base=shop)
    page.goto(f"/app/opportunities/{opportunity['id']}")
    section = page.get_by_test_id("opportunity-quotes")
    assert section.get_by_test_id("quote-catalogue").get_attribute("href") == "/app/products"
    expect(section.get_by_test_id("quotes-empty")).to_be_visible()
    section.get_by_test_id("quote-new").click()
    form = section.get_by_test_id("quote-form")
    first = form.get_by_test_id("quote-line").nth(0)
    first.get_by_test_id("quote-line-product").select_option(label="آموزش کاربران (TRN-H)")
    expect(first.get_by_test_id("quote-line-unit_price")).to_have_value("۳٬۵۰۰٬۰۰۰")
    first.get_by_test_id("quote-line-quantity").fill("۱٫۵")
    form.get_by_test_id("quote-add-line").click()
    second = form.get_by_test_id("quote-line").nth(1)
    second.get_by_test_id("quote-line-description").fill("مجوز نرم‌افزار انبار")
    second.get_by_test_id("quote-line-unit").select_option("licence")
    second.get_by_test_id("quote-line-quantity").fill("۳")
    second.get_by_test_id("quote-line-unit_price").fill("ده میلیون")  # no digits: refused under its line
    form.get_by_test_id("quote-save").click()
    expect(second.locator("[data-error-for=line]")).to_be_visible()
    expect(second.locator("[data-error-for=line]")).to_contain_text("بهای واحد")
    second.get_by_test_id("quote-line-unit_price").fill("۱۲۰٬۰۰۰٬۰۰۰")
    second.get_by_test_id("quote-line-discount_percent").fill("۱۰")
    form.get_by_test_id("quote-discount").fill("۵")
    form.get_by_test_id("quote-save").click()
    card = section.get_by_test_id("quote")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("quote-payable")).to_contain_text("۳۴۳٬۵۶۷٬۵۰۰")
    expect(card).to_contain_text("پیش‌نویس")
    expect(card).to_contain_text("بدون مالیات")
    pdf = page.request.get(card.get_by_test_id("quote-pdf-fa").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    card.get_by_test_id("quote-send").click()
    expect(card).to_contain_text("فرستاده شد")
    card.get_by_test_id("quote-accepted").click()
    expect(card).to_contain_text("پذیرفته شد")
    invoice = card.get_by_test_id("quote-invoice")  # the accepted quote is the order: its invoice is issued
    expect(invoice.get_by_test_id("invoice-owed")).to_contain_text("۳۴۳٬۵۶۷٬۵۰۰")
    payment = invoice.get_by_test_id("payment-form")
    payment.get_by_test_id("payment-amount").fill("۴۰۰٬۰۰۰٬۰۰۰")
    payment.get_by_test_id("payment-save").click()
    expect(payment.locator("[data-field=amount] .field-error")).to_be_visible()  # more than is owed
    payment.get_by_test_id("payment-amount").fill("۱۴۳٬۵۶۷٬۵۰۰")
    payment.get_by_test_id("payment-reference").fill("پیگیری ۷۷۱۲")
    payment.get_by_test_id("payment-save").click()
    expect(invoice.get_by_test_id("invoice-owed")).to_contain_text("۲۰۰٬۰۰۰٬۰۰۰")
    invoice.get_by_test_id("payment-method").select_option("cheque")
    invoice.get_by_test_id("payment-save").click()  # the rest, as the form offers it
    expect(invoice).to_contain_text("پرداخت شد")
    shot(page, "fa-opportunity-quote")
