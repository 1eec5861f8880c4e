"""An administrator who reads Persian chooses Kavenegar on the Settings screen (its line typed in Persian
digits; SMS.ir without its line is refused under that field), sends the due messages from the outbox page and
asks the panel for its delivery reports: the rows say delivered, at the panel, and what each cost, in Persian.
An English auditor reads the same outbox without the administrator's buttons. On a server of its own (its
settings change), against a local server that speaks Kavenegar's documented API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from api.composition import ravand_ctx
from crm import notify
from engine.store.transactions import transaction
from tests.crm import messages_params
from tests.sms_panel_servers import kavenegar
from tests.web.conftest import Server, shot, start_server


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server, stop = start_server(tmp_path_factory.mktemp("outbox"))
    yield server
    stop()


def _queue(server: Server, recipient: str, channel: str = "sms", template: str = "referral_rewarded") -> int:
    ravand = server.ravand

    def add(session: Any) -> int:
        params = messages_params.REALISTIC["fa"][template]
        return notify.queue(ravand_ctx(session, "tester"), channel=channel, recipient=recipient,  # type: ignore[arg-type]
                            template=template, params=params).id

    return transaction(ravand.sessions, add)


def test_a_persian_administrator_sends_through_kavenegar_and_reads_the_delivery_reports(office: Server, page_for):
    with kavenegar() as (panel, url):
        page = page_for("admin_fa", "fa-IR", base=office)
        page.goto("/app/settings")
        form = page.locator("[data-testid=settings-form]")
        form.locator("[data-testid=setting-sms_provider]").select_option("smsir")
        form.locator("[data-testid=setting-sms_token]").fill(panel.key)
        form.locator("[data-testid=settings-submit]").click()
        error = form.locator("[data-field=sms_line] .field-error")
        expect(error).to_contain_text("فرستنده")
        assert not re.search(r"[A-Za-z]", error.inner_text()), error.inner_text()
        assert office.call("GET", "/api/v1/settings").get_json()["sms"]["sms_provider"] == ""  # nothing stored

        form.locator("[data-testid=setting-sms_provider]").select_option("kavenegar")
        form.locator("[data-testid=setting-sms_token]").fill(panel.key)
        form.locator("[data-testid=setting-sms_line]").fill("۱۰۰۰۴۳۴۶")
        form.locator("[data-testid=setting-sms_endpoint]").fill(url)
        form.locator("[data-testid=settings-submit]").click()
        expect(page.locator("[data-testid=toast]").last).to_contain_text("ذخیره شد")
        sms = office.call("GET", "/api/v1/settings").get_json()["sms"]
        assert (sms["sms_provider"], sms["sms_line"], sms["sms_token"]) == ("kavenegar", "10004346", {"set": True})
        assert panel.key not in page.content()
        shot(page, "fa-settings-sms-panel")

        first, second = _queue(office, "+989121234567"), _queue(office, "+989351112233")
        page.click("a.nav-link[data-nav=outbox]")
        rows = page.locator("[data-testid=outbox-row]")
        expect(rows).to_have_count(2)
        expect(page.locator(f"[data-message='{first}']")).to_contain_text("در صف")
        page.get_by_test_id("outbox-dispatch").click()
        expect(page.locator("[data-testid=toast]").last).to_contain_text("فرستاده ۲")
        assert [s.receptor for s in panel.sent] == ["09121234567", "09351112233"]
        expect(page.locator(f"[data-message='{first}']")).to_contain_text("در صف پنل")

        delivered = next(s for s in panel.sent if s.receptor == "09121234567")
        panel.set_state(delivered.id, 10)
        page.get_by_test_id("outbox-deliveries").click()
        expect(page.locator("[data-testid=toast]").last).to_contain_text("۱ پیام")
        row = page.locator(f"[data-message='{first}']")
        expect(row).to_contain_text("رسید")
        expect(row).to_contain_text(f"{delivered.cost:,}".translate(str.maketrans("0123456789,", "۰۱۲۳۴۵۶۷۸۹٬")))
        expect(page.locator(f"[data-message='{second}']")).to_contain_text("در صف پنل")
        row.locator("summary").click()
        expect(row).to_contain_text("کاوه‌نگار")
        page.get_by_test_id("outbox-delivery").select_option("delivered")
        expect(rows).to_have_count(1)
        assert "delivery=delivered" in page.url
        shot(page, "fa-outbox-delivered")


def test_an_english_auditor_reads_the_outbox_without_the_administrators_buttons(office: Server, page_for):
    _queue(office, "+989121110000")
    page = page_for("auditor", base=office)
    page.goto("/app/outbox?channel=sms")
    expect(page.locator("[data-testid=outbox-row]").first).to_be_visible()
    expect(page.get_by_test_id("outbox-summary")).to_contain_text("messages")
    assert page.get_by_test_id("outbox-dispatch").count() == 0
    assert page.get_by_test_id("outbox-deliveries").count() == 0
    assert page.get_by_test_id("outbox-channel").input_value() == "sms"
    shot(page, "en-outbox-auditor")


@pytest.mark.parametrize(("who", "locale"), [("admin_fa", "fa-IR"), ("auditor", "en-GB")])
def test_the_outbox_says_why_a_message_stayed_and_names_the_employee_an_in_app_notice_went_to(
        office: Server, page_for, who: str, locale: str):
    person = office.call("POST", "/api/v1/users", json={
        "username": f"kaveh-{who}", "password": "a-long-password-1", "role": "employee", "groups": ["sales"],
        "display_name": "کاوه نوری", "locale": "fa"})
    assert person.status_code == 201, person.get_json()
    kept = _queue(office, "sam@example.com", "email", "complaint_received")  # no e-mail sender on this server
    notice = _queue(office, f"kaveh-{who}", "app", "task_overdue")
    assert office.call("POST", "/api/v1/notifications/dispatch").status_code == 200
    page = page_for(who, locale, base=office)
    page.goto("/app/outbox")
    error = page.locator(f"[data-message='{kept}'] [data-testid=outbox-error]")
    if locale == "fa-IR":
        expect(error).to_have_text("برای ایمیل فرستنده‌ای تنظیم نشده است؛ پیام در صندوق نگه داشته شد")
        expect(error).to_have_attribute("title", "no email sender is configured")  # the sender's words, on asking
    else:
        expect(error).to_have_text("no email sender is configured")
    to = page.locator(f"[data-message='{notice}'] td").nth(2)
    expect(to).to_have_text("کاوه نوری")
    expect(to.locator("[title]")).to_have_attribute("title", f"kaveh-{who}")
    shot(page, f"outbox-why-{locale[:2]}")
