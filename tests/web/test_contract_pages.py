"""The Contracts list and a contract's page in the browser: a Persian sales manager, about to decide a contract
sent back to its drafter once, finds it in the list waiting for her level, opens it and reads its amounts in
Persian (rials and tomans, the net, VAT and payable sum) and what changed since her last decision; an English
drafter opens a new contract from the customer's page, sees the server's field error beside the amount, and
corrects the draft on its page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import surname


def _work(server: Server, instance_id: str, element: str, who: str, data: dict) -> None:
    items = server.call("GET", f"/api/v1/tasks?process_instance={instance_id}", "admin").get_json()["items"]
    task = next(t for t in items if t["element_id"] == element)
    if task["assignee"] is None:
        assert server.call("POST", f"/api/v1/tasks/{task['id']}/claim", who).status_code == 200
    answer = server.call("POST", f"/api/v1/tasks/{task['id']}/complete", who, json={"data": data})
    assert answer.status_code == 200, answer.get_json()


def _customer(server: Server, name: str, mobile: str) -> dict:
    answer = server.call("POST", "/api/v1/customers", "employee", json={"kind": "company", "company_name": name,
                                                                       "mobile": mobile})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["customer"]


def test_a_persian_approver_sees_the_amounts_and_what_changed_since_her_last_decision(crm: Server, page_for):
    family = surname()
    customer = _customer(crm, f"پارس {family}", "09121110071")
    draft = {"title": "پشتیبانی سالانه", "amount": 500_000_000, "discount_percent": 10, "standard_terms": True}
    answer = crm.call("POST", "/api/v1/contracts", "employee", json={"customer_id": customer["id"], **draft})
    assert answer.status_code == 201, answer.get_json()
    contract = answer.get_json()
    instance = contract["process_instance_id"]
    _work(crm, instance, "edit", "employee", draft)
    _work(crm, instance, "approve_manager", "sales_manager", {"decision": "changes", "reason": "تخفیف زیاد است"})
    _work(crm, instance, "edit", "employee", {**draft, "amount": 450_000_000, "discount_percent": 5})

    page = page_for("sales_manager", locale="fa-IR")
    page.goto("/app/contracts")
    expect(page.locator("nav a[href='/app/contracts']")).to_have_text("قراردادها")
    page.get_by_test_id("contract-filter-level").select_option("manager")
    page.get_by_test_id("contract-search").fill(f"پارس {family}")
    row = page.get_by_test_id("contract-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("contract-row-amount")).to_have_text("۴۵۰٬۰۰۰٬۰۰۰ ریال")
    expect(row.get_by_test_id("contract-row-waiting")).to_have_text("مدیر فروش")
    shot(page, "persian-contracts-list")

    row.get_by_test_id("contract-link").click()
    expect(page).to_have_url(re.compile(rf"/app/contracts/{contract['id']}$"))
    expect(page.get_by_test_id("contract-amount")).to_have_text("۴۵۰٬۰۰۰٬۰۰۰ ریال (۴۵٬۰۰۰٬۰۰۰ تومان)")
    expect(page.get_by_test_id("contract-net")).to_contain_text("۴۲۷٬۵۰۰٬۰۰۰ ریال")
    expect(page.get_by_test_id("contract-payable")).to_contain_text("۴۷۰٬۲۵۰٬۰۰۰ ریال")  # 10 % VAT on the net
    since = page.get_by_test_id("contract-since-round")
    amount = since.locator("[data-testid=contract-change][data-field=amount]")
    expect(amount.get_by_test_id("change-before")).to_have_text("۵۰۰٬۰۰۰٬۰۰۰ ریال (۵۰٬۰۰۰٬۰۰۰ تومان)")
    expect(amount.get_by_test_id("change-after")).to_have_text("۴۵۰٬۰۰۰٬۰۰۰ ریال (۴۵٬۰۰۰٬۰۰۰ تومان)")
    expect(since.locator("[data-testid=contract-change][data-field=discount_percent]")).to_be_visible()
    decision = page.get_by_test_id("contract-decision")
    expect(decision).to_have_count(1)
    expect(decision).to_contain_text("درخواست اصلاح")
    expect(decision).to_contain_text("تخفیف زیاد است")
    expect(page.get_by_test_id("contract-waiting")).to_have_text("مدیر فروش")
    expect(page.get_by_test_id("contract-task")).to_have_count(1)
    expect(page.get_by_test_id("contract-signing")).to_have_attribute("data-state", "unsent")
    expect(page.get_by_test_id("contract-locked")).to_be_visible()  # in approval: no correction form
    expect(page.get_by_test_id("record-history")).to_be_visible()
    shot(page, "persian-contract-page")


def test_an_english_drafter_opens_a_contract_from_the_customer_and_corrects_it(crm: Server, page_for):
    family = surname()
    customer = _customer(crm, f"Arya {family}", "09121110072")
    page = page_for("employee")
    page.goto(f"/app/customers/{customer['id']}")
    page.get_by_test_id("new-contract-link").click()
    expect(page.get_by_test_id("new-contract-customer")).to_have_text(f"Arya {family}")
    page.get_by_test_id("contract-input-title").fill(f"POS {family}")
    page.get_by_test_id("contract-input-amount").fill("lots")
    page.get_by_test_id("contract-create").click()
    expect(page.locator("[data-field=amount].has-error")).to_be_visible()
    shot(page, "english-contract-new-error")
    page.get_by_test_id("contract-input-amount").fill("25,000,000 tomans")
    page.get_by_test_id("contract-input-start_date").fill("1405/02/01")
    page.get_by_test_id("contract-create").click()
    expect(page).to_have_url(re.compile(r"/app/contracts/\d+$"))
    expect(page.get_by_test_id("contract-amount")).to_have_text("250,000,000 rials (25,000,000 tomans)")
    expect(page.get_by_test_id("contract-task")).to_contain_text("Draft the contract")
    expect(page.get_by_test_id("contract-no-decisions")).to_be_visible()

    form = page.get_by_test_id("contract-edit")
    form.get_by_test_id("contract-input-discount_percent").fill("150")
    form.get_by_test_id("contract-save").click()
    expect(form.locator("[data-field=discount_percent].has-error")).to_be_visible()
    form.get_by_test_id("contract-input-discount_percent").fill("12")
    form.get_by_test_id("contract-save").click()
    expect(page.get_by_test_id("contract-discount")).to_have_text("12%")
    revision = page.get_by_test_id("contract-revision").first
    expect(revision.locator("[data-field=discount_percent] [data-testid=change-after]")).to_have_text("12%")
    shot(page, "english-contract-page")

    page.goto("/app/contracts")
    page.get_by_test_id("contract-search").fill(f"POS {family}")
    expect(page.get_by_test_id("contract-row")).to_have_count(1)
    page.get_by_test_id("contract-filter-amount_min").fill("300000000")
    expect(page.get_by_test_id("contracts")).to_contain_text("No contract matches")
    page.get_by_test_id("contract-filter-amount_min").fill("a lot")
    expect(page.get_by_test_id("filter-errors")).to_contain_text("Amount from")
    expect(page.get_by_test_id("contract-filter-amount_min")).to_have_attribute("aria-invalid", "true")
    shot(page, "english-contracts-list")

    deal = crm.call("POST", "/api/v1/opportunities", "employee", json={
        "customer_id": customer["id"], "title": f"Renewal {family}", "amount": 90_000_000})
    assert deal.status_code == 201, deal.get_json()
    page.goto(f"/app/opportunities/{deal.get_json()['id']}")  # a contract for the deal, its terms from the deal
    page.get_by_test_id("new-contract-link").click()
    expect(page.get_by_test_id("contract-input-title")).to_have_value(f"Renewal {family}")
    page.get_by_test_id("contract-create").click()
    expect(page.get_by_test_id("contract-amount")).to_have_text("90,000,000 rials (9,000,000 tomans)")
    expect(page.locator(f"a[href='/app/opportunities/{deal.get_json()['id']}']")).to_be_visible()
