"""A record's own history in the browser, in English and in Persian: an employee corrects a lead on its page
and sees the change at the top of the lead's history (who, when, the field and its value before → after,
in the list's words; Jalali dates and Persian digits in Persian); the record card shows the lead's fields,
a link to its page and its latest changes, beside the lead's call on the task page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import USERS, Server, shot
from tests.web.test_crm_pages import lead_task, surname

CASES = {  # who, browser locale, what they read
    "en": ("employee", "en-GB", {"history": "History", "field": "Province", "before": "Fars", "after": "Tehran",
                                 "open": "Open its page", "source": "Website form"}),
    "fa": ("persian", "fa-IR", {"history": "تاریخچه", "field": "استان", "before": "فارس", "after": "تهران",
                                "open": "باز کردن صفحهٔ آن", "source": "فرم وب‌سایت"}),
}


@pytest.mark.parametrize("lang", list(CASES))
def test_an_employee_corrects_a_lead_and_sees_it_in_its_history(crm: Server, page_for, lang: str):
    who, locale, words = CASES[lang]
    lead, _ = lead_task(crm, person_name=f"Kian {surname()}", mobile="09121110061", product="hardware", region="fars")
    page = page_for(who, locale=locale)
    page.goto(f"/app/leads/{lead['id']}")
    history = page.get_by_test_id("record-history")
    expect(history.locator("h2")).to_have_text(words["history"])
    expect(history.get_by_test_id("history-entry").first).to_be_visible()

    page.get_by_test_id("lead-edit").get_by_test_id("edit-region").select_option("tehran")
    page.get_by_test_id("lead-save").click()
    expect(page.get_by_test_id("lead-province")).to_have_text(words["after"])
    edit = page.get_by_test_id("record-history").locator(  # the correction (scoring and routing follow it)
        "[data-kind='crm.lead.changed']", has=page.locator("[data-field=region]")).first
    expect(edit.locator(".history-actor")).to_have_text(USERS[who][0])
    change = edit.locator("[data-field=region]")
    expect(change).to_contain_text(words["field"])
    expect(change.locator(".history-before")).to_have_text(words["before"])
    expect(change.locator(".history-after")).to_have_text(words["after"])
    when = edit.locator("time")
    if lang == "fa":
        expect(when).to_have_text(re.compile("[۰-۹]"))  # Jalali, in Persian digits
        expect(when).not_to_have_text(re.compile("[0-9]"))
        expect(when).to_contain_text("۱۴")  # a Jalali year (14xx), not 20xx
    else:
        expect(when).to_have_text(re.compile(r"20\d\d"))
    created = page.get_by_test_id("record-history").locator("[data-kind='crm.lead.created']")
    expect(created).to_contain_text(words["source"])
    expect(created.locator("[data-field=name_key]")).to_have_count(0)
    shot(page, f"record-history-lead-{lang}")

    # beside the lead's call, the task page's aside shows the lead's card and its latest changes
    task_id = crm.call("GET", f"/api/v1/leads/{lead['id']}", "admin").get_json()["task"]["id"]
    page.goto(f"/app/tasks/{task_id}")
    card = page.locator("aside.record-aside").get_by_test_id("record-card")
    expect(card.get_by_test_id("record-card-title")).to_contain_text("Kian")
    expect(card.get_by_test_id("record-card-link")).to_have_attribute("href", f"/app/leads/{lead['id']}")
    expect(card.get_by_test_id("record-card-link")).to_have_text(words["open"])
    expect(card.locator("[data-field=source]")).to_have_text(words["source"])
    expect(card.locator("[data-field=mobile]")).to_have_text("+۹۸۹۱۲۱۱۱۰۰۶۱" if lang == "fa" else "+989121110061")
    expect(card.get_by_test_id("history-entry").first).to_be_visible()
    expect(card.locator("[data-field=region] .history-after").first).to_have_text(words["after"])
    shot(page, f"record-card-task-{lang}")
