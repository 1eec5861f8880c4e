"""Purchases, loyalty and starting an instance in the browser: a Persian sales manager finds a customer's
purchases by the name however typed (amounts in Persian digits), opens one, records another (the server's
field error beside the amount first), opens the customer's loyalty account and corrects the balance with a
reason (refused without one); an English employee finds the account in the loyalty list and reads its balance
and history, without the correction form; a designer starts an instance of a process with a start form, in
Persian and in English (the server's field errors in place first) and sees it in the instances list."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.engine import bpmn
from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import as_arabic, surname

ORDER_FORM = bpmn.form("web-order-start",
                       {"type": "textfield", "key": "customer", "label": "Customer", "validate": {"required": True}},
                       {"type": "number", "key": "quantity", "label": "Quantity", "validate": {"min": 1}})
ORDER = bpmn.diagram("web_order", "\n".join([
    '<bpmn:startEvent id="start" camunda:formRef="web-order-start"/>',
    bpmn.user("pack", "Pack the order", candidateGroups="sales"), bpmn.end(), bpmn.chain("start", "pack", "end")]),
    name="Web order")


def customer_with_purchases(server: Server, name: str) -> int:
    answer = server.call("POST", "/api/v1/customers", "employee", json={"kind": "company", "company_name": name})
    assert answer.status_code == 201, answer.get_json()
    customer_id = answer.get_json()["customer"]["id"]
    for amount, when, channel in ((12_500_000, "2026-10-01T08:00:00Z", "store"),
                                  (3_000_000, "2026-11-15T08:00:00Z", "online")):
        bought = server.call("POST", f"/api/v1/customers/{customer_id}/purchases", "employee",
                             json={"amount": amount, "purchased_at": when, "channel": channel, "reference": "INV-7"})
        assert bought.status_code == 201, bought.get_json()
    given = server.call("POST", f"/api/v1/customers/{customer_id}/loyalty/adjustments", "admin",
                        json={"points": 250, "reason": "welcome"})
    assert given.status_code == 201, given.get_json()
    return customer_id


def test_a_persian_manager_finds_purchases_records_one_and_corrects_the_points(server: Server, page_for):
    family = surname()
    customer_id = customer_with_purchases(server, f"پارس {family}")
    page = page_for("sales_manager", locale="fa-IR")
    page.goto("/app/purchases")
    expect(page.locator("nav a[href='/app/purchases']")).to_have_text("خریدها")
    page.get_by_test_id("purchase-search").fill(as_arabic(family))
    expect(page).to_have_url(re.compile(r"\?q="))
    rows = page.get_by_test_id("purchase-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("۳٬۰۰۰٬۰۰۰ ریال")
    expect(rows.first).to_contain_text("آنلاین")
    expect(page.get_by_test_id("purchase-summary")).to_contain_text("۱۵٬۵۰۰٬۰۰۰ ریال")
    rows.last.get_by_test_id("purchase-open").click()
    detail = page.get_by_test_id("purchase-detail")
    expect(detail).to_contain_text("۱۲٬۵۰۰٬۰۰۰ ریال (۱٬۲۵۰٬۰۰۰ تومان)")
    expect(detail).to_contain_text("۱۴۰۵")  # October 2026 is Mehr 1405
    shot(page, "persian-purchases-list")

    page.get_by_test_id("new-purchase").click()
    form = page.get_by_test_id("purchase-form")
    form.get_by_test_id("purchase-customer_id").fill(str(customer_id))
    form.get_by_test_id("purchase-amount").fill("گران")
    form.get_by_test_id("purchase-save").click()
    expect(form.locator("[data-field=amount].has-error")).to_contain_text("مبلغ را به ریال")
    form.get_by_test_id("purchase-amount").fill("۲٬۰۰۰٬۰۰۰")
    form.get_by_test_id("purchase-purchased_at").fill("۱۴۰۵/۰۹/۰۱")
    # an entry no other test deactivates (test_lists retires training on the same server)
    form.get_by_test_id("purchase-product").select_option(label="خدمات")
    shot(page, "persian-purchase-record")
    form.get_by_test_id("purchase-save").click()
    expect(rows).to_have_count(3)
    recorded = server.call("GET", "/api/v1/purchases", "admin", query_string={"customer_id": customer_id,
                                                                            "sort": "amount_asc"}).get_json()
    first = recorded["items"][0]
    assert (first["amount"], first["purchased_at"][:10], first["product"]) == (2_000_000, "2026-11-22", "services")
    page.get_by_test_id("purchase-filter-product").select_option("services")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("خدمات")

    rows.first.get_by_test_id("purchase-open").click()
    page.get_by_test_id("purchase-detail").get_by_role("link", name="حساب باشگاه").click()
    expect(page).to_have_url(re.compile(rf"/app/loyalty/{customer_id}$"))
    expect(page.get_by_test_id("loyalty-balance")).to_have_text("۲۵۰")
    adjust = page.get_by_test_id("loyalty-adjust")
    adjust.get_by_test_id("adjust-points").fill("-۵۰")
    adjust.get_by_test_id("adjust-save").click()
    expect(adjust.locator("[data-field=reason].has-error")).to_contain_text("دلیل را بنویسید")
    adjust.get_by_test_id("adjust-reason").fill("اصلاح امتیاز تکراری")
    adjust.get_by_test_id("adjust-save").click()
    expect(page.get_by_test_id("loyalty-balance")).to_have_text("۲۰۰")
    expect(page.get_by_test_id("loyalty-entry").first).to_contain_text("اصلاح امتیاز تکراری")
    expect(page.get_by_test_id("loyalty-entry").first).to_contain_text("parvin")
    shot(page, "persian-loyalty-account")


def test_an_employee_finds_a_customers_loyalty_balance_in_english(server: Server, page_for):
    family = surname()
    customer_id = customer_with_purchases(server, f"Arya {family}")
    page = page_for("employee")
    page.goto("/app/loyalty")
    page.get_by_test_id("loyalty-search").fill(family)
    row = page.get_by_test_id("loyalty-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("250")
    expect(row).to_contain_text("Bronze")
    shot(page, "english-loyalty-list")
    row.get_by_test_id("loyalty-link").click()
    expect(page.get_by_test_id("loyalty-title")).to_have_text(f"Arya {family}")
    expect(page.get_by_test_id("loyalty-balance")).to_have_text("250")
    expect(page.get_by_test_id("loyalty-entry")).to_have_text(re.compile(r"Earned.*\+250.*welcome"))
    expect(page.get_by_test_id("loyalty-adjust")).to_have_count(0)
    shot(page, "english-loyalty-account")
    page.get_by_test_id("loyalty-purchases").click()
    expect(page).to_have_url(re.compile(rf"/app/purchases\?customer_id={customer_id}$"))
    expect(page.get_by_test_id("purchase-scope")).to_be_visible()
    page.get_by_test_id("purchase-filter-channel").select_option("store")
    expect(page.get_by_test_id("purchase-row")).to_have_count(1)
    expect(page.get_by_test_id("purchase-row")).to_contain_text("12,500,000 rials")
    shot(page, "english-purchases-list")


def start_order(page, business_key: str, errors: str) -> None:
    page.goto("/app/processes/web_order")
    page.get_by_test_id("start-instance").click()
    expect(page).to_have_url(re.compile(r"/app/processes/web_order/start$"))
    form = page.get_by_test_id("start-form")
    expect(form.locator("input").first).to_be_visible()
    page.get_by_test_id("start-business-key").fill(business_key)
    form.get_by_label("Quantity").fill("0")
    page.get_by_test_id("start-submit").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text(errors)
    expect(form.locator(".fjs-has-errors")).to_have_count(2)
    form.get_by_label("Customer", exact=False).first.fill("Arya")
    form.get_by_label("Quantity").fill("3")
    page.get_by_test_id("start-submit").click()
    expect(page).to_have_url(re.compile(r"/app/instances\?key=web_order"))
    expect(page.get_by_test_id("instances")).to_contain_text(business_key)


def start_without_form(page, bad_json: str, not_an_object: str) -> None:
    """The approval process has no start form: a business key and the variables as JSON, checked in place."""
    page.goto("/app/processes/approval/start")
    variables = page.get_by_test_id("start-variables")
    variables.fill('{"amount": 5')
    page.get_by_test_id("start-submit").click()
    expect(page.locator("[data-field=variables].has-error")).to_contain_text(bad_json)
    variables.fill("[1]")  # JSON, but not an object: the server's field error
    page.get_by_test_id("start-submit").click()
    expect(page.locator("[data-field=variables].has-error")).to_contain_text(not_an_object)


def test_a_designer_starts_an_instance_from_its_start_form_in_both_languages(server: Server, page_for):
    server.deploy([("web_order.bpmn", ORDER), ("web_order.form", ORDER_FORM)])
    server.deploy(bpmn.approval_files())
    page = page_for("designer")
    start_without_form(page, "This is not valid JSON", "mapping")
    page.get_by_test_id("start-business-key").fill("approval-en-1")
    page.get_by_test_id("start-variables").fill('{"amount": 5}')
    page.get_by_test_id("start-submit").click()
    expect(page.get_by_test_id("instances")).to_contain_text("approval-en-1")
    start_order(page, "order-en-1", "Some fields need attention")
    shot(page, "english-start-instance-done")
    page.click("[data-testid=lang-switch]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    try:
        start_without_form(page, "این JSON درست نیست", "به‌صورت یک شیء JSON")
        expect(page.locator("[data-field=variables]")).not_to_contain_text("mapping")  # Persian only
        shot(page, "persian-start-instance-json")
        start_order(page, "order-fa-1", "نیاز به اصلاح")
        page.goto("/app/processes/web_order/start")
        expect(page.get_by_test_id("start-title")).to_contain_text("شروع")
        shot(page, "persian-start-instance")
    finally:
        page.click("[data-testid=lang-switch]")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
    variables = server.call("GET", "/api/v1/process-instances", "admin", query_string={
        "business_key": "order-fa-1"}).get_json()["items"]
    assert len(variables) == 1
