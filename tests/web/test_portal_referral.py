"""The portal's referral page (/portal/refer), public and without an account: a customer refers a friend with
their referral code (mobile in Persian digits), sees the server's field errors under the fields in their own
language (an unknown code, a mobile that is no mobile), and a confirmation saying what happens next. In Persian
right to left, in English left to right, with the portal's language switch. On a server of its own, so that the
portal's per-address write limit is not shared with the complaint pages' tests."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, start_server

LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import processes

    server, stop = start_server(tmp_path_factory.mktemp("referral"))
    server.deploy(processes.bundle())
    yield server
    stop()


def referral_code(server: Server, name: str, mobile: str) -> str:
    answer = server.call("POST", "/api/v1/customers", "employee", json={"kind": "person", "person_name": name,
                                                                       "mobile": mobile})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["customer"]["referral_code"]


def referrals_of(server: Server, code: str) -> list[dict]:
    items = server.call("GET", "/api/v1/referrals", "admin", query_string={"limit": 100}).get_json()["items"]
    return [r for r in items if r["code"] == code]


def test_the_referral_page_is_public_and_linked_from_the_portal(shop: Server):
    client = shop.client()
    page = client.get("/portal/refer", headers={"Accept-Language": "fa-IR,fa;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="fa"' in html and 'dir="rtl"' in html and 'data-page="refer"' in html
    assert "Set-Cookie" not in page.headers
    assert 'href="/portal/refer?lang=fa"' in html and "معرفی دوستان" in html
    english = client.get("/portal/refer?lang=en&code=AB%22CD").get_data(as_text=True)
    assert 'dir="ltr"' in english and 'data-code="AB&#34;CD"' in english
    assert 'href="?lang=fa&amp;code=AB%22CD"' in english  # the language switch keeps the code
    assert 'href="/portal/refer?lang=en"' in client.get("/portal?lang=en").get_data(as_text=True)


def test_a_customer_refers_a_friend_in_persian(shop: Server, page_for):
    code = referral_code(shop, "نرگس موسوی", "09121110000")
    page = page_for(None, locale="fa-IR", base=shop)
    page.goto("/portal")
    page.click("[data-testid=portal-nav-refer]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("معرفی دوستان")
    expect(page.locator("[data-testid=portal-nav-refer]")).to_have_attribute("aria-current", "page")
    expect(page.locator("[data-field=mobile] input")).to_have_attribute("placeholder", "۰۹۱۲ ۱۲۳ ۴۵۶۷")

    page.click("[data-testid=referral-submit]")  # nothing filled in: each field says what it needs, in Persian
    expect(page.locator("[data-field=code] .field-error")).to_have_text("کد معرفی خود را بنویسید.")
    expect(page.locator("[data-field=name] .field-error")).to_have_text("نام دوستتان را بنویسید.")
    expect(page.locator("[data-field=code] input")).to_be_focused()

    page.fill("[data-field=code] input", "ZZZZ9999")
    page.fill("[data-field=name] input", "لیلا احمدی")
    page.fill("[data-field=mobile] input", "۰۹۳۵ ۲۲۲ ۳۳۴۴")
    page.fill("[data-field=note] textarea", "بعد از ساعت ۵ تماس بگیرید")
    page.click("[data-testid=referral-submit]")
    error = page.locator("[data-field=code] .field-error")
    expect(error).to_have_text("هیچ مشتری‌ای این کد معرفی را ندارد.")
    assert not LATIN.search(error.inner_text())  # the visitor reads Persian only
    expect(page.locator("[data-field=code] input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-field=name] .field-error")).to_be_hidden()
    expect(page.locator("[data-testid=portal-error]")).to_have_text("برخی موارد نیاز به اصلاح دارند.")
    assert referrals_of(shop, "ZZZZ9999") == []

    page.fill("[data-field=code] input", code.lower())
    page.click("[data-testid=referral-submit]")
    done = page.locator("[data-testid=referral-received]")
    expect(done.locator("h1")).to_have_text("سپاسگزاریم! معرفی شما رسید")
    expect(done.locator("h1")).to_be_focused()
    expect(done.locator("[data-testid=referral-next]")).to_contain_text("به‌زودی با لیلا احمدی تماس می‌گیرند")
    expect(done.locator("[data-testid=referral-next]")).to_contain_text("پاداش خود را می‌گیرید")
    [referral] = referrals_of(shop, code)
    assert (referral["referred_name"], referral["referred_mobile"], referral["note"], referral["created_by"]) == (
        "لیلا احمدی", "+989352223344", "بعد از ساعت ۵ تماس بگیرید", "portal")
    assert referral["status"] in ("pending", "lead")

    page.click("[data-testid=referral-again]")  # another friend: the code is filled in already
    expect(page.locator("[data-field=code] input")).to_have_value(code.lower())
    expect(page.locator("[data-field=name] input")).to_be_focused()


def test_a_customer_refers_a_friend_in_english(shop: Server, page_for):
    code = referral_code(shop, "Sam Lee", "09121110001")
    page = page_for(None, locale="fa-IR", base=shop)
    page.goto(f"/portal/refer?code={code}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.click("[data-testid=portal-lang-en]")  # the portal's language switch, the code kept
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Refer a friend")
    expect(page.locator("[data-field=code] input")).to_have_value(code)

    page.fill("[data-field=code] input", "NOPE1234")
    page.fill("[data-field=name] input", "Kian Moradi")
    page.fill("[data-field=mobile] input", "0912")
    page.click("[data-testid=referral-submit]")
    expect(page.locator("[data-field=code] .field-error")).to_have_text("No customer has this referral code.")
    assert not re.search(r"[\u0600-\u06FF]", page.locator("[data-field=code] .field-error").inner_text())
    expect(page.locator("[data-field=mobile] .field-error")).to_contain_text("Too short")  # all at once
    expect(page.locator("[data-field=code] input")).to_be_focused()

    page.fill("[data-field=code] input", code)
    page.click("[data-testid=referral-submit]")
    expect(page.locator("[data-field=mobile] .field-error")).to_contain_text("Too short")
    expect(page.locator("[data-field=code] .field-error")).to_be_hidden()
    expect(page.locator("[data-field=mobile] input")).to_be_focused()

    page.fill("[data-field=mobile] input", "0912 555 7788")
    page.fill("[data-field=email] input", "kian@example.com")
    page.click("[data-testid=referral-submit]")
    done = page.locator("[data-testid=referral-received]")
    expect(done.locator("h1")).to_have_text("Thank you! Your referral was received")
    expect(done.locator("[data-testid=referral-next]")).to_contain_text("Our sales team will call Kian Moradi soon.")
    expect(done.locator("[data-testid=referral-next]")).to_contain_text("you receive your reward")
    [referral] = referrals_of(shop, code)
    assert (referral["referred_mobile"], referral["referred_email"], referral["note"]) == (
        "+989125557788", "kian@example.com", None)
