"""The Opportunities list and an opportunity's page in the browser: a Persian salesperson finds her deal by the
customer's name, opens it, reads it in Persian (stage and kind as words, rials and tomans in Persian digits,
Jalali dates), sees the server's field error beside the amount, moves it to lost with a Persian reason and
a comment and sees the stage change; a colleague trying to move it is told plainly that it is not his; the
list in English filters by stage and kind and sums the amounts shown."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import surname


def deal(server: Server, customer_name: str, mobile: str, **values: object) -> dict:
    """A customer (through the API) and an opportunity for it, opened by an administrator for ``owner``."""
    customer = server.call("POST", "/api/v1/customers", "employee",
                           json={"kind": "company", "company_name": customer_name, "mobile": mobile})
    assert customer.status_code == 201, customer.get_json()
    answer = server.call("POST", "/api/v1/opportunities", "admin", json={
        "customer_id": customer.get_json()["customer"]["id"], **values})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_persian_salesperson_loses_her_deal_and_a_colleague_may_not_move_it(crm: Server, page_for):
    family = surname()
    opportunity = deal(crm, f"پارس {family}", "09121110041", title="نرم‌افزار حسابداری", amount=25_000_000,
                       owner="parisa", kind="upsell", expected_close="2099-03-21")
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/opportunities")
    expect(page.locator("nav a[href='/app/opportunities']")).to_have_text("فرصت‌ها")
    page.get_by_test_id("opportunity-search").fill(family[1:6])
    expect(page).to_have_url(re.compile(r"\?q="))
    row = page.get_by_test_id("opportunity-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"پارس {family}")
    expect(row).to_contain_text("فروش بیشتر")
    expect(row).to_contain_text("۲۵٬۰۰۰٬۰۰۰ ریال")
    expect(page.get_by_test_id("opportunity-totals")).to_contain_text("۲٬۵۰۰٬۰۰۰ تومان")
    shot(page, "persian-opportunities-list")

    row.get_by_test_id("opportunity-link").click()
    expect(page).to_have_url(re.compile(rf"/app/opportunities/{opportunity['id']}$"))
    expect(page.get_by_test_id("opportunity-close")).to_contain_text("۱۴۷۸")  # 2099-03-21 is 2 Farvardin 1478
    expect(page.get_by_test_id("opportunity-visit")).to_have_count(1)
    edit = page.get_by_test_id("opportunity-edit")
    edit.get_by_test_id("opportunity-input-amount").fill("گران")
    edit.get_by_test_id("opportunity-save").click()
    expect(edit.locator("[data-field=amount].has-error")).to_be_visible()

    form = page.get_by_test_id("opportunity-stage-form")
    form.get_by_test_id("opportunity-stage-select").select_option("lost")
    form.get_by_test_id("opportunity-reason").select_option(label="انتخاب رقیب")
    form.get_by_test_id("opportunity-comment").fill("پیشنهاد ارزان‌تری گرفتند")
    shot(page, "persian-opportunity-page")
    form.get_by_test_id("opportunity-move").click()
    expect(page.get_by_test_id("opportunity-stage")).to_have_text("از دست رفته")
    expect(page.get_by_test_id("opportunity-loss-reason")).to_have_text("انتخاب رقیب")
    expect(page.get_by_test_id("opportunity-closed")).to_be_visible()
    expect(page.get_by_test_id("opportunity-visit")).to_have_count(2)
    detail = crm.call("GET", f"/api/v1/opportunities/{opportunity['id']}", "admin").get_json()
    assert (detail["stage"], detail["loss_reason"]) == ("lost", "competitor")

    other = deal(crm, f"آریا {family}", "09121110042", title="پشتیبانی", amount=1_000_000, owner="parisa")
    bob = page_for("employee2")
    bob.goto(f"/app/opportunities/{other['id']}")
    bob.get_by_test_id("opportunity-stage-select").select_option("proposal")
    bob.get_by_test_id("opportunity-move").click()
    expect(bob.get_by_test_id("opportunity-refused")).to_have_text(
        "This opportunity is parisa's: only they, a manager or an administrator may change it.")
    shot(bob, "english-opportunity-refused")
    assert crm.call("GET", f"/api/v1/opportunities/{other['id']}", "admin").get_json()["stage"] == "prospecting"


def test_the_opportunities_list_in_english_filters_and_sums_what_it_shows(crm: Server, page_for):
    family = surname()
    first = deal(crm, f"Arya {family}", "09121110043", title=f"POS {family}", amount=30_000_000, owner="alice",
                 kind="renewal")
    deal(crm, f"Sina {family}", "09121110044", title=f"Server {family}", amount=12_000_000, owner="alice")
    page = page_for("employee")
    page.goto("/app/opportunities")
    page.get_by_test_id("opportunity-search").fill(family)
    expect(page.get_by_test_id("opportunity-row")).to_have_count(2)
    expect(page.get_by_test_id("opportunity-summary")).to_have_text("2 of 2 opportunities")
    expect(page.get_by_test_id("opportunity-totals")).to_have_text(
        "Amounts shown: 42,000,000 rials (4,200,000 tomans)")
    page.get_by_test_id("opportunity-filter-kind").select_option("renewal")
    row = page.get_by_test_id("opportunity-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Renewal")
    expect(row).to_contain_text("Prospecting")
    expect(row).to_contain_text(f"Arya {family}")
    page.get_by_test_id("opportunity-filter-owner").select_option("mine")
    expect(row).to_have_count(1)
    assert "kind=renewal" in page.url and "owner=mine" in page.url
    page.get_by_test_id("opportunity-filter-stage").select_option("won")
    expect(page.get_by_test_id("opportunities")).to_contain_text("No opportunity matches")
    shot(page, "english-opportunities-list")

    page.goto(f"/app/customers/{first['customer_id']}")  # a renewal opened from the customer's page
    page.get_by_test_id("new-opportunity-link").click()
    page.get_by_test_id("new-opportunity-kind").select_option("upsell")
    page.get_by_test_id("new-opportunity-title").fill(f"Training {family}")
    page.get_by_test_id("new-opportunity-amount").fill("250,000 tomans")
    page.get_by_test_id("new-opportunity-expected_close").fill("2020-01-01")  # in the past: refused in place
    page.get_by_test_id("new-opportunity-save").click()
    expect(page.locator("[data-field=expected_close].has-error")).to_be_visible()
    page.get_by_test_id("new-opportunity-expected_close").fill("1478/01/10")
    page.get_by_test_id("new-opportunity-save").click()
    expect(page.get_by_test_id("opportunity-amount")).to_have_text("2,500,000 rials (250,000 tomans)")
    expect(page.get_by_test_id("opportunity-customer")).to_have_text(f"Arya {family}")
    created = crm.call("GET", "/api/v1/opportunities", "admin", query_string={"q": f"Training {family}"}).get_json()
    assert [(o["kind"], o["owner"], o["expected_close"]) for o in created["items"]] == [
        ("upsell", "alice", "2099-03-29")]
