"""A Persian sales manager builds a segment (the preview counts as she chooses), writes an SMS campaign in
both languages (the parts counted), sends it and reads its report once the sending job has queued it; an
English employee reads the campaigns without the forms; a customer opens the opt-out link of a campaign
e-mail on the portal, in Persian, and stops the campaigns. On a server of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from api.campaign_sending import queue_campaigns
from tests.web.conftest import Server, shot, start_server


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server, stop = start_server(tmp_path_factory.mktemp("campaigns"))
    for name, mobile, email, region, locale in (
            ("سارا احمدی", "09121110001", None, "tehran", "fa"), ("رضا کریمی", "09121110002", None, "tehran", "fa"),
            ("John Carter", "09121110003", "john@example.com", "tehran", "en"),
            ("لیلا تبریزی", "09141110004", "leyla@example.com", "east_azerbaijan", "fa")):
        body = {"kind": "person", "person_name": name, "mobile": mobile, "region": region, "locale": locale,
                **({"email": email} if email else {})}
        answer = server.call("POST", "/api/v1/customers", "employee", json=body)
        assert answer.status_code == 201, answer.get_json()
    yield server
    stop()


def test_a_persian_manager_builds_a_segment_and_sends_a_campaign(market: Server, page_for):
    page = page_for("sales_manager", "fa-IR", base=market)
    page.goto("/app/campaigns")
    editor = page.get_by_test_id("segment-form")
    expect(page.get_by_test_id("segment-preview")).to_contain_text("۴ مشتری")
    editor.get_by_test_id("segment-name").fill("تهرانی‌های دارای همراه")
    editor.get_by_test_id("segment-regions").select_option("tehran")
    editor.get_by_test_id("segment-has").select_option("mobile")
    expect(page.get_by_test_id("segment-preview")).to_contain_text("۳ مشتری")
    expect(page.get_by_test_id("segment-preview")).to_contain_text("سارا احمدی")
    editor.get_by_test_id("segment-save").click()
    expect(page.locator("[data-segment]")).to_have_count(1)
    expect(page.locator("[data-segment]")).to_contain_text("تهران")

    form = page.get_by_test_id("campaign-form")
    form.get_by_test_id("campaign-name").fill("یلدای ۱۴۰۵")
    form.get_by_test_id("campaign-segment").select_option(index=1)
    form.get_by_test_id("campaign-body_fa").fill("{name} عزیز، یلدا مبارک! ۲۰٪ تخفیف تا جمعه.")
    expect(form.get_by_test_id("campaign-parts-fa")).to_contain_text("۱ بخش")
    form.get_by_test_id("campaign-body_en").fill("Dear {name}, happy Yalda! 20% off until Friday.")
    form.get_by_test_id("campaign-rate_per_minute").fill("۱۲۰")
    form.get_by_test_id("campaign-save").click()
    page.wait_for_url(re.compile(r"/app/campaigns/\d+$"))
    expect(page.locator("dl.facts")).to_contain_text("پیش‌نویس")
    expect(page.locator("dl.facts")).to_contain_text("۱۲۰ پیام در دقیقه")
    expect(page.locator("dl.facts")).to_contain_text("۳")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("campaign-send").click()
    expect(page.locator("dl.facts")).to_contain_text("در حال فرستادن")
    assert queue_campaigns(market.ravand) == 3
    page.reload()
    expect(page.locator("dl.facts")).to_contain_text("فرستاده شد")
    expect(page.get_by_test_id("campaign-queued")).to_contain_text("۳")
    expect(page.get_by_test_id("campaign-text-fa")).to_contain_text("یلدا مبارک")
    shot(page, "fa-campaign-page")

    page.goto("/app/campaigns")
    expect(page.locator("[data-campaign]")).to_contain_text("فرستاده شد")
    shot(page, "fa-campaigns")


def test_an_english_employee_reads_campaigns_without_the_forms(market: Server, page_for):
    page = page_for("employee", base=market)
    page.goto("/app/campaigns")
    expect(page.get_by_test_id("campaigns")).to_be_visible()
    expect(page.get_by_test_id("segments")).to_be_visible()
    assert page.get_by_test_id("campaign-form").count() == 0
    assert page.get_by_test_id("segment-form").count() == 0


def test_a_customer_stops_campaign_emails_from_the_link_in_persian(market: Server, page_for):
    segment = market.call("POST", "/api/v1/segments", "admin", json={"name": "mail", "rules": {"has": "email"}})
    campaign = market.call("POST", "/api/v1/campaigns", "admin", json={
        "name": "news", "channel": "email", "segment_id": segment.get_json()["id"], "subject": "خبرهای زمستان",
        "body_fa": "سلام {name}", "body_en": "Hello {name}"}).get_json()
    market.call("POST", f"/api/v1/campaigns/{campaign['id']}/send", "admin")
    queue_campaigns(market.ravand)
    messages = market.call("GET", "/api/v1/notifications?channel=email", "admin").get_json()["items"]
    leyla = next(m for m in messages if m["recipient"] == "leyla@example.com")
    assert "برای دریافت نکردن این ایمیل‌ها:" in leyla["body"]
    path = "/portal/" + leyla["body"].rsplit("/portal/", 1)[1]
    page = page_for(None, "fa-IR", base=market)
    page.goto(path)
    expect(page.get_by_test_id("optout")).to_contain_text("دیگر ایمیل تبلیغاتی فرستاده نشود")
    expect(page.get_by_test_id("optout")).to_contain_text("l…@example.com")
    page.get_by_test_id("optout-confirm").click()
    expect(page.get_by_test_id("optout-done")).to_contain_text("انجام شد")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    shot(page, "fa-portal-opt-out")
    page.goto(path[:-3] + "abc")
    expect(page.get_by_test_id("portal-error")).to_contain_text("معتبر نیست")
