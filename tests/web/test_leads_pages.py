"""The Leads list and a lead's page in the browser: a Persian salesperson finds a lead by part of its Persian
name (typed with Arabic letters), reads it in Persian (list labels, never keys; the score's reasons; Jalali
dates and Persian digits), corrects its province and sees it routed to another sales group; the list in
English shows English labels and filters by the managed lists."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import as_arabic, lead_task, surname


def test_a_persian_salesperson_finds_reads_and_corrects_a_lead(crm: Server, page_for):
    family = surname()
    lead, _ = lead_task(crm, person_name=f"سارا {family}", mobile="09121110031", product="hardware", region="fars",
                        budget_confirmed=True, authority=True)
    assert lead["sales_group"] == "sales-regions"
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/leads")
    expect(page.locator("nav a[href='/app/leads']")).to_have_text("سرنخ‌ها")
    page.get_by_test_id("lead-search").fill(as_arabic(family[1:6]))  # part of the name, as an Arabic keyboard types
    row = page.get_by_test_id("lead-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("سخت‌افزار")
    expect(row).to_contain_text("فارس")
    expect(row).to_contain_text("+۹۸۹۱۲۱۱۱۰۰۳۱")  # the mobile in Persian digits
    expect(row).not_to_contain_text("hardware")
    expect(page.get_by_test_id("lead-summary")).to_have_text("۱ از ۱ سرنخ")
    shot(page, "persian-leads-list")

    row.get_by_test_id("lead-link").click()
    expect(page).to_have_url(re.compile(rf"/app/leads/{lead['id']}$"))
    facts = page.get_by_test_id("lead-facts")
    expect(facts.get_by_test_id("lead-product")).to_have_text("سخت‌افزار")
    expect(facts.get_by_test_id("lead-province")).to_have_text("فارس")
    expect(facts.get_by_test_id("lead-source")).to_have_text("فرم وب‌سایت")
    expect(facts).not_to_contain_text("web_form")
    why = page.get_by_test_id("lead-score-why")
    expect(why).to_contain_text("بودجه تأیید شده")
    expect(why).to_contain_text("با تصمیم‌گیرنده")
    expect(page.get_by_test_id("lead-task")).to_have_attribute("href", re.compile(r"^/app/tasks/"))
    expect(facts.get_by_test_id("lead-sales-group")).to_have_text("فروش استان‌ها")  # the group's label, not its key
    shot(page, "persian-lead-page")

    form = page.get_by_test_id("lead-edit")
    form.get_by_test_id("edit-mobile").fill("123")  # the server's field error, in Persian, beside the field
    form.get_by_test_id("lead-save").click()
    expect(form.locator("[data-field=mobile].has-error")).to_be_visible()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    shot(page, "persian-lead-correction-error")
    form.get_by_test_id("edit-mobile").fill("09121110031")
    form.get_by_test_id("edit-region").select_option("tehran")
    form.get_by_test_id("lead-save").click()
    expect(page.get_by_test_id("lead-province")).to_have_text("تهران")
    expect(page.get_by_test_id("lead-sales-group")).to_have_text("فروش")
    detail = crm.call("GET", f"/api/v1/leads/{lead['id']}", "admin").get_json()
    assert (detail["region"], detail["sales_group"]) == ("tehran", "sales")
    assert detail["task"]["candidate_groups"] == ["sales"]
    expect(page.get_by_test_id("lead-task")).to_have_attribute("href", f"/app/tasks/{detail['task']['id']}")


def test_the_leads_list_in_english_filters_by_the_managed_lists(crm: Server, page_for):
    family = surname()
    lead_task(crm, company_name=f"Arya {family}", mobile="09121110032", product="software", region="isfahan")
    page = page_for("employee")
    page.goto("/app/leads")
    page.get_by_test_id("lead-filter-region").select_option("isfahan")
    page.get_by_test_id("lead-search").fill(family)
    row = page.get_by_test_id("lead-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Software")
    expect(row).to_contain_text("Isfahan")
    expect(row).to_contain_text("Website form")
    expect(page.get_by_test_id("lead-summary")).to_have_text("1 of 1 leads")
    assert "region=isfahan" in page.url
    page.get_by_test_id("lead-filter-region").select_option("fars")
    expect(page.get_by_test_id("leads")).to_contain_text("No lead matches")
    shot(page, "english-leads-list")
