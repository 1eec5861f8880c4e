"""A quote's customer page in the browser. A Persian sales manager adds a price list for a customer segment on
the catalogue's page (a validity that ends before it starts is refused under its field first); a Persian
salesperson writes a quote whose product takes that list's price, sends it to the customer and shows the
customer's link; the customer opens that link on the portal in Persian (Persian digits, Jalali dates, rials and
tomans, nothing in English), accepts the quote after a second click and reads when its invoice is due, and the
salesperson's card then shows it accepted with its invoice. An English customer declines a quote on their page;
a quote answered meanwhile by staff is refused on the page with a sentence that says so; a link that does not
hold and one past the quote's validity get pages of their own. On a server of its own (the portal's limits per
address are not shared); no step depends on the time of day (quiet hours only delay an SMS, whose text is stored
when it is queued)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from api.quote_links import LINK_PURPOSE, quote_key
from crm import signed_links
from crm.clock import utcnow
from crm.jalali import long_date
from crm.models import Notification
from crm.text import persian_digits
from tests.web.conftest import Server, shot, start_server

V1 = "/api/v1"
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import processes

    server, stop = start_server(tmp_path_factory.mktemp("quote-links"))
    server.deploy(processes.bundle())  # sending a quote goes through its approval (let through below its limits)
    yield server
    stop()


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def product(server: Server, code: str, name_fa: str, name_en: str, unit: str, price: int, taxable: bool = True) -> int:
    body = {"code": code, "name_fa": name_fa, "name_en": name_en, "unit": unit, "price": price, "taxable": taxable}
    return ok(server.call("POST", f"{V1}/products", "admin", json=body), 201)["id"]


def deal(server: Server, **customer: Any) -> int:
    """An opportunity of a new customer (``customer``: the customer's fields), the Persian salesperson's."""
    made = ok(server.call("POST", f"{V1}/customers", "persian", json=customer), 201)["customer"]
    return ok(server.call("POST", f"{V1}/opportunities", "persian", json={
        "customer_id": made["id"], "title": "نرم‌افزار انبار", "amount": 100_000_000}), 201)["id"]


def token_sent_to(server: Server, mobile: str) -> str:
    """The token of the latest quote link SMS queued for ``mobile`` (its text is stored when it is queued)."""
    with server.ravand.sessions() as session:
        body = session.scalars(select(Notification.body).where(
            Notification.template == "quote_sent", Notification.channel == "sms", Notification.recipient == mobile)
            .order_by(Notification.id.desc())).first()
    assert body, f"no quote link was queued for {mobile}"
    return body.split("/portal/quotes/")[1].split()[0]


def code_sent_to(server: Server, mobile: str) -> str:
    """The one-time code of the latest quote_code SMS to ``mobile`` (stored when queued, at any hour)."""
    with server.ravand.sessions() as session:
        body = session.scalars(select(Notification.body).where(
            Notification.template == "quote_code", Notification.recipient == mobile)
            .order_by(Notification.id.desc())).first()
    return re.search(r"[0-9۰-۹]{6}", body).group(0).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def sent_quote(server: Server, opportunity: int, product_id: int) -> dict:
    quote = ok(server.call("POST", f"{V1}/opportunities/{opportunity}/quotes", "persian", json={
        "lines": [{"product_id": product_id, "quantity": "2"}]}), 201)
    return ok(server.call("POST", f"{V1}/quotes/{quote['id']}/send", "persian"))


def test_a_segment_price_a_sent_quote_and_the_customer_accepts_it_in_persian(shop: Server, page_for):
    ok(shop.call("PATCH", f"{V1}/settings", "admin", json={"seller_name": "شرکت نرم‌افزاری راوند"}))
    support = product(shop, "SUP-Y", "پشتیبانی سالانه", "Annual support", "year", 48_000_000)
    product(shop, "TRN-H", "آموزش کاربران", "Training", "hour", 3_500_000, taxable=False)
    opportunity = deal(shop, kind="company", company_name="پخش البرز", mobile="09121230001",
                       email="buy@alborz.example", segment="عمده‌فروشی", locale="fa")

    # the manager's price list for the wholesalers: a validity that ends before it starts is refused in place
    manager = page_for("sales_manager", "fa-IR", base=shop)
    manager.goto("/app/products")
    form = manager.get_by_test_id("price-list-form")
    form.get_by_test_id("price-list-name").fill("عمده‌فروشان")
    expect(form.locator("[data-field=segment]")).to_be_hidden()
    form.get_by_test_id("price-list-whom").select_option(label="مشتریان یک بخش")
    expect(form.locator("[data-field=tier]")).to_be_hidden()
    form.get_by_test_id("price-list-segment").fill("عمده‌فروشی")
    form.get_by_test_id(f"price-list-price-{support}").fill("۴۲٬۰۰۰٬۰۰۰")
    form.get_by_test_id("price-list-valid_from").fill("۱۴۰۰/۰۱/۰۱")
    form.get_by_test_id("price-list-valid_until").fill("۱۳۹۹/۱۲/۲۹")
    form.get_by_test_id("price-list-save").click()
    error = form.locator("[data-error-for=valid_until]")
    expect(error).to_have_text("روزی بنویسید، شمسی یا میلادی، که پیش از روز آغاز نباشد.")
    assert not LATIN.search(error.inner_text())
    expect(manager.locator("[data-price-list]")).to_have_count(0)
    form.get_by_test_id("price-list-valid_until").fill("")
    form.get_by_test_id("price-list-save").click()
    listed = manager.locator("[data-price-list]")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("بخش «عمده‌فروشی»")
    expect(listed).to_contain_text("از ۱ فروردین ۱۴۰۰")
    expect(listed).to_contain_text("پشتیبانی سالانه: ۴۲٬۰۰۰٬۰۰۰ ریال")
    expect(manager.locator("[data-product]")).to_have_count(2)  # the catalogue's rows only
    shot(manager, "fa-products-price-list")

    # the salesperson's quote: the product comes at the segment's price; sent, its link goes to the customer
    page = page_for("persian", "fa-IR", base=shop)
    page.goto(f"/app/opportunities/{opportunity}")
    section = page.get_by_test_id("opportunity-quotes")
    section.get_by_test_id("quote-new").click()
    quote_form = section.get_by_test_id("quote-form")
    first = quote_form.get_by_test_id("quote-line").nth(0)
    first.get_by_test_id("quote-line-product").select_option(label="پشتیبانی سالانه (SUP-Y)")
    expect(first.get_by_test_id("quote-line-unit_price")).to_have_value("۴۲٬۰۰۰٬۰۰۰")
    first.get_by_test_id("quote-line-quantity").fill("۲")
    quote_form.get_by_test_id("quote-add-line").click()
    second = quote_form.get_by_test_id("quote-line").nth(1)
    second.get_by_test_id("quote-line-product").select_option(label="آموزش کاربران (TRN-H)")
    expect(second.get_by_test_id("quote-line-unit_price")).to_have_value("۳٬۵۰۰٬۰۰۰")  # no list prices it
    second.get_by_test_id("quote-line-quantity").fill("۱٫۵")
    quote_form.get_by_test_id("quote-notes").fill("تحویل یک هفته پس از پرداخت")
    quote_form.get_by_test_id("quote-save").click()
    card = section.get_by_test_id("quote")
    expect(card.get_by_test_id("quote-payable")).to_contain_text("۹۷٬۶۵۰٬۰۰۰")  # 84m + 8.4m VAT + 5.25m
    card.get_by_test_id("quote-send").click()
    expect(card).to_contain_text("فرستاده شد")
    token = token_sent_to(shop, "+989121230001")
    card.get_by_test_id("quote-resend").click()
    expect(page.get_by_test_id("toast").last).to_have_text("پیوند برای مشتری فرستاده شد.")
    card.get_by_test_id("quote-show-link").click()
    url = card.get_by_test_id("quote-link").input_value()
    assert re.fullmatch(r"https?://\S+/portal/quotes/" + re.escape(token), url), url
    shot(page, "fa-opportunity-quote-link")

    quote = ok(shop.call("GET", f"{V1}/opportunities/{opportunity}/quotes", "persian"))[0]
    html = shop.client().get(f"/portal/quotes/{token}", headers={"Accept-Language": "fa-IR"}).get_data(as_text=True)
    assert 'data-page="quote"' in html and f'data-code="{token}"' in html and 'dir="rtl"' in html
    assert "portal-nav-complaint" not in html  # a document of its own, as a contract's page

    # the customer's page in Persian
    visitor = page_for(None, "fa-IR", base=shop)
    visitor.goto(f"/portal/quotes/{token}")
    shown = visitor.get_by_test_id("quote-page")
    expect(shown).to_have_attribute("data-state", "sent")
    assert visitor.evaluate("document.documentElement.dir") == "rtl"
    expect(visitor.get_by_test_id("quote-title")).to_contain_text(persian_digits(f"پیش‌فاکتور {quote['id']}"))
    expect(visitor.get_by_test_id("quote-state")).to_have_text("در انتظار پاسخ شما")
    expect(visitor.get_by_test_id("quote-seller")).to_have_text("شرکت نرم‌افزاری راوند")
    expect(visitor.get_by_test_id("quote-customer")).to_have_text("پخش البرز")
    valid_until = long_date(date.fromisoformat(quote["valid_until"]), "fa")
    expect(visitor.get_by_test_id("quote-valid-until")).to_have_text(valid_until)
    lines = visitor.get_by_test_id("quote-line")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("پشتیبانی سالانه")
    expect(lines.nth(0)).to_contain_text("سال")
    expect(lines.nth(0).get_by_test_id("quote-line-net")).to_have_text("۸۴٬۰۰۰٬۰۰۰ ریال")
    expect(lines.nth(1)).to_contain_text("۱٫۵")
    expect(lines.nth(1)).to_contain_text("ساعت")
    expect(lines.nth(1)).to_contain_text("بدون مالیات")
    expect(visitor.get_by_test_id("quote-subtotal")).to_have_text("۸۹٬۲۵۰٬۰۰۰ ریال (۸٬۹۲۵٬۰۰۰ تومان)")
    expect(visitor.get_by_test_id("quote-taxable")).to_have_text("۸۴٬۰۰۰٬۰۰۰ ریال (۸٬۴۰۰٬۰۰۰ تومان)")
    expect(visitor.get_by_test_id("quote-vat")).to_have_text("۸٬۴۰۰٬۰۰۰ ریال (۸۴۰٬۰۰۰ تومان)")
    expect(visitor.get_by_test_id("quote-payable")).to_have_text("۹۷٬۶۵۰٬۰۰۰ ریال (۹٬۷۶۵٬۰۰۰ تومان)")
    expect(visitor.get_by_test_id("quote-notes")).to_have_text("تحویل یک هفته پس از پرداخت")
    pdf = visitor.request.get(visitor.get_by_test_id("quote-pdf-en").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    persian_pdf = visitor.get_by_test_id("quote-pdf-fa").get_attribute("href")
    assert persian_pdf == f"/api/v1/quote-links/{token}/document.pdf?lang=fa"
    words = visitor.locator("body").inner_text().replace("English", "")  # the language switch names English
    assert not LATIN.search(words), LATIN.findall(words)
    shot(visitor, "fa-portal-quote")

    answer = visitor.get_by_test_id("quote-answer")
    answer.get_by_test_id("quote-accept").click()
    expect(answer.get_by_test_id("quote-answer-question")).to_contain_text("۹۷٬۶۵۰٬۰۰۰ ریال")
    answer.get_by_test_id("quote-answer-keep").click()  # not yet: nothing is sent
    expect(answer.get_by_test_id("quote-accept-confirm")).to_have_count(0)
    answer.get_by_test_id("quote-accept").click()
    answer.get_by_test_id("quote-accept-confirm").click()
    answer.get_by_test_id("quote-send-code").click()  # accepting asks for the code the SMS brings
    expect(answer.get_by_test_id("quote-code-sent")).to_contain_text("۰۰۰۱")
    code = code_sent_to(shop, "+989121230001")
    answer.get_by_test_id("quote-code").fill("000000" if code != "000000" else "111111")
    answer.get_by_test_id("quote-accept-with-code").click()
    expect(visitor.get_by_test_id("portal-error")).to_contain_text("این کد درست نیست")
    answer.get_by_test_id("quote-code").fill(persian_digits(code))
    answer.get_by_test_id("quote-accept-with-code").click()
    expect(shown).to_have_attribute("data-state", "accepted")
    staff = ok(shop.call("GET", f"{V1}/quotes/{quote['id']}", "persian"))
    due = long_date(date.fromisoformat(staff["invoice"]["due_on"]), "fa")
    expect(visitor.get_by_test_id("quote-answered-now")).to_have_text(
        "سپاسگزاریم! پیش‌فاکتور را پذیرفتید و اکنون سفارش شماست. "
        f"فاکتور آن به مبلغ ۹۷٬۶۵۰٬۰۰۰ ریال (۹٬۷۶۵٬۰۰۰ تومان) تا {due} قابل پرداخت است.")
    expect(visitor.get_by_test_id("quote-state")).to_have_text("پذیرفته شده")
    expect(visitor.get_by_test_id("quote-answer")).to_have_count(0)
    expect(visitor.get_by_test_id("quote-invoice-due")).to_have_text(due)
    words = visitor.locator("#portal").inner_text()
    assert not LATIN.search(words), LATIN.findall(words)
    shot(visitor, "fa-portal-quote-accepted")

    page.reload()
    card = page.get_by_test_id("opportunity-quotes").get_by_test_id("quote")
    expect(card).to_contain_text("پذیرفته شد")
    expect(card.get_by_test_id("quote-invoice").get_by_test_id("invoice-owed")).to_contain_text("۹۷٬۶۵۰٬۰۰۰")


def test_an_english_customer_declines_and_links_that_do_not_hold(shop: Server, page_for):
    hosting = product(shop, "HST-M", "میزبانی ماهانه", "Monthly hosting", "month", 2_000_000)
    opportunity = deal(shop, kind="person", person_name="John Carter", mobile="09121230002", locale="en")
    first = sent_quote(shop, opportunity, hosting)
    token = token_sent_to(shop, "+989121230002")

    page = page_for(None, "en-GB", base=shop)
    page.goto(f"/portal/quotes/{token}")
    shown = page.get_by_test_id("quote-page")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_test_id("quote-title")).to_contain_text(f"Quote {first['id']}")
    expect(page.get_by_test_id("quote-state")).to_have_text("Waiting for your answer")
    expect(page.get_by_test_id("quote-customer")).to_have_text("John Carter")
    expect(page.get_by_test_id("quote-line")).to_contain_text("Month")
    expect(page.get_by_test_id("quote-payable")).to_have_text("4,400,000 rials (440,000 tomans)")
    expect(page.get_by_test_id("quote-pdf-en")).to_have_text("Download the PDF in English")
    shot(page, "en-portal-quote")
    page.get_by_test_id("quote-decline").click()
    expect(page.get_by_test_id("quote-answer-question")).to_contain_text(f"Decline quote {first['id']}?")
    page.get_by_test_id("quote-decline-confirm").click()
    expect(shown).to_have_attribute("data-state", "rejected")
    expect(page.get_by_test_id("quote-answered-now")).to_have_text(
        "You declined the quote. Thank you for letting us know.")
    assert ok(shop.call("GET", f"{V1}/quotes/{first['id']}", "persian"))["state"] == "rejected"

    # answered by staff while the page was open: the customer's answer is refused, and the page says why
    second = sent_quote(shop, opportunity, hosting)
    page.goto(f"/portal/quotes/{token_sent_to(shop, '+989121230002')}")
    expect(shown).to_have_attribute("data-state", "sent")
    ok(shop.call("POST", f"{V1}/quotes/{second['id']}/answer", "persian", json={"answer": "accepted"}))
    page.get_by_test_id("quote-accept").click()
    page.get_by_test_id("quote-accept-confirm").click()
    page.get_by_test_id("quote-send-code").click()
    expect(page.get_by_test_id("quote-refused")).to_contain_text("This quote can no longer be answered")
    expect(shown).to_have_attribute("data-state", "accepted")
    expect(page.get_by_test_id("quote-answered")).to_contain_text("You accepted this quote on")
    expect(page.get_by_test_id("quote-answered")).to_contain_text("Its invoice is payable by")

    page.goto(f"/portal/quotes/{token[:-3]}{'abd' if token.endswith('abc') else 'abc'}")
    expect(page.get_by_test_id("quote-invalid")).to_contain_text("This link is not valid")
    with shop.app.app_context():
        expired = signed_links.sign(quote_key(shop.ravand.settings), LINK_PURPOSE, second["id"],
                                    utcnow() - timedelta(minutes=1))
    page.goto(f"/portal/quotes/{expired}?lang=fa")
    expect(page.get_by_test_id("quote-expired")).to_contain_text("مهلت اعتبار این پیش‌فاکتور گذشته است")
    expect(page.get_by_test_id("quote-expired")).to_contain_text("پیش‌فاکتور تازه‌ای از ما بخواهید")
    assert not LATIN.search(page.locator("#portal").inner_text())
    shot(page, "fa-portal-quote-expired")
