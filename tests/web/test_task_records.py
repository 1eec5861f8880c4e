"""A sales rep finds a lead's call in the task list by the company's name (typed with the Arabic ي, in
Persian), sees which lead each call is about, opens it and finds the lead's title linking to its page beside
the form; the same in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import as_arabic, lead_task, surname


@pytest.mark.parametrize(("who", "locale", "lang"), [("persian", "fa-IR", "fa"), ("employee", "en-GB", "en")])
def test_a_sales_rep_searches_the_tasklist_for_a_lead_by_company(crm: Server, page_for, who, locale, lang):
    family = surname()
    company = f"آریا {family}"
    lead, task_id = lead_task(crm, company_name=company, person_name="علی رضایی", mobile="09123456789",
                              product="software")
    lead_task(crm, company_name=f"پارس {family}", mobile="09350001111", product="software")  # another call
    page = page_for(who, locale=locale)
    page.goto("/app/tasks")
    page.get_by_test_id("task-search").fill(as_arabic(company))  # as an Arabic keyboard types it
    row = page.get_by_test_id("task-row")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-task-id", task_id)
    expect(row.locator(".task-record")).to_contain_text(family)
    expect(row).to_contain_text("سرنخ" if lang == "fa" else "Lead")
    expect(row).to_contain_text("۰۹۱۲ ۳۴۵ ۶۷۸۹" if lang == "fa" else "0912 345 6789")
    shot(page, f"{lang}-tasklist-record-search")

    row.get_by_test_id("task-title").click()
    expect(page).to_have_url(re.compile(rf"/app/tasks/{task_id}$"))
    link = page.get_by_test_id("task-record-link")
    expect(link).to_contain_text(company)
    expect(link).to_have_attribute("href", f"/app/leads/{lead['id']}")
    aside = page.locator("aside.record-aside")
    expect(aside).to_have_attribute("data-record-type", "lead")
    expect(aside).to_have_attribute("data-record-id", str(lead["id"]))
    shot(page, f"{lang}-task-record")
    link.click()
    expect(page).to_have_url(re.compile(rf"/app/leads/{lead['id']}$"))


def test_an_auditor_finds_a_leads_process_by_the_persons_name(crm: Server, page_for):
    family = surname()
    lead, _ = lead_task(crm, person_name=f"نگار {family}", mobile="09123450001", product="software")
    page = page_for("auditor")
    page.goto("/app/instances")
    page.get_by_test_id("instance-search").fill(as_arabic(family))
    page.get_by_test_id("instance-search").press("Enter")
    rows = page.locator("[data-instance]")
    expect(rows).to_have_count(1)
    link = rows.get_by_test_id("instance-record-link")
    expect(link).to_contain_text(family)
    expect(link).to_have_attribute("href", f"/app/leads/{lead['id']}")
    assert "q=" in page.url
    shot(page, "en-instances-record-search")
