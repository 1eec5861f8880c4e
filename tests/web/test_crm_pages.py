"""The CRM's own processes and records in the browser: a Persian employee sees a task form of a deployed
CRM process with its Persian labels; customers are found however their names were typed and shown with
their 360° view (amounts in rials and tomans, Persian digits); new leads and complaints are filed with the
server's field errors in place."""

from __future__ import annotations

import random
import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot

# letters that Arabic keyboards type differently (ی/ي, ک/ك) and others; a fresh surname per run
LETTERS = "بپتجچخدرزسشصطعغفقکگلمنوهی"


def surname() -> str:
    return "".join(random.choice(LETTERS) for _ in range(7)) + "ی"


def as_arabic(text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك")


def lead_task(server: Server, **lead: object) -> tuple[dict, str]:
    """A lead through POST /leads: its lead_qualification instance offers the qualification call."""
    created = server.call("POST", "/api/v1/leads", "admin", json={"source": "web_form", **lead})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    tasks = server.call("GET", "/api/v1/tasks", "admin",
                        query_string={"process_instance": body["process_instance_id"]}).get_json()["items"]
    assert [t["element_id"] for t in tasks] == ["call"] or len(tasks) == 1, tasks
    return body, tasks[0]["id"]


def test_a_persian_task_form_shows_the_persian_labels(crm: Server, page_for):
    _, task_id = lead_task(crm, person_name="سارا احمدی", mobile="09121110001")
    assert crm.call("POST", f"/api/v1/tasks/{task_id}/assign", "admin",
                     json={"user": "parisa", "override": True}).status_code == 200
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    form = page.locator("[data-testid=task-form]")
    expect(form.locator("h3")).to_have_text("تماس ارزیابی")  # text:fa, markdown
    expect(form.locator(".fjs-form-field-label", has_text="نتیجه").first).to_be_visible()  # label:fa
    expect(form.get_by_label("رد شد")).to_be_visible()  # value:fa:disqualified
    expect(form.get_by_label("واجد شرایط: فرصت فروش باز شود")).to_be_visible()
    expect(form).not_to_contain_text("Outcome")
    expect(form).not_to_contain_text("Disqualified")
    shot(page, "persian-crm-task-form")
    expect(form.get_by_label("عنوان فرصت فروش")).to_have_count(0)
    form.get_by_label("واجد شرایط: فرصت فروش باز شود").check()  # the values stay the form's own: its
    expect(form.get_by_label("عنوان فرصت فروش")).to_be_visible()  # conditions (outcome = "qualified") hold


def test_the_same_task_form_stays_english_for_english_users(crm: Server, page_for):
    _, task_id = lead_task(crm, person_name="Tom Baker", mobile="09121110002")
    assert crm.call("POST", f"/api/v1/tasks/{task_id}/assign", "admin",
                     json={"user": "alice", "override": True}).status_code == 200
    page = page_for("employee")
    page.goto(f"/app/tasks/{task_id}")
    form = page.locator("[data-testid=task-form]")
    expect(form.locator("h3")).to_have_text("Qualification call")
    expect(form.get_by_label("Disqualified")).to_be_visible()
    expect(form).not_to_contain_text("نتیجه")


def test_customer_search_finds_names_however_typed_and_shows_the_360(crm: Server, page_for):
    family = surname()
    name = f"علی {family}"
    created = crm.call("POST", "/api/v1/customers", "admin",
                       json={"person_name": name, "mobile": "09127776655", "email": "ali@example.com"})
    assert created.status_code == 201, created.get_json()
    customer_id = created.get_json()["customer"]["id"]
    bought = crm.call("POST", f"/api/v1/customers/{customer_id}/purchases", "admin",
                      json={"amount": 1250000, "channel": "store", "paid_on_time": True})
    assert bought.status_code == 201, bought.get_json()
    other = {"person_name": f"رضا {surname()}", "mobile": "09127776644"}  # newer: the search must leave it out
    assert crm.call("POST", "/api/v1/customers", "admin", json=other).status_code == 201

    page = page_for("persian", locale="fa-IR")
    page.click("a.nav-link[data-nav=customers]")
    expect(page.locator("h1")).to_have_text("مشتریان")
    expect(page.locator("[data-testid=customer-row]").first).to_be_visible()
    assert page.locator("[data-testid=customer-row]").count() >= 2
    page.fill("[data-testid=customer-search]", as_arabic(f"علي {family}"))  # Arabic ي and ك
    expect(page).to_have_url(re.compile(r"\?q="))
    row = page.locator(f"[data-testid=customer-row][data-customer-id='{customer_id}']")
    expect(row).to_contain_text(name)
    expect(page.locator("[data-testid=customer-row]")).to_have_count(1)
    expect(row).to_contain_text("۰۹۱۲۷۷۷۶۶۵۵".replace("۰۹", "+۹۸۹", 1))  # E.164 in Persian digits
    shot(page, "persian-customers-search")

    row.locator("[data-testid=customer-link]").click()
    page.wait_for_url(re.compile(rf"/app/customers/{customer_id}$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("[data-testid=c360-total]")).to_have_text("۱٬۲۵۰٬۰۰۰ ریال (۱۲۵٬۰۰۰ تومان)")
    purchases = page.locator("[data-testid=c360-purchases]")
    expect(purchases.locator("tbody tr")).to_have_count(1)
    expect(purchases).to_contain_text("فروشگاه")
    expect(page.locator("[data-testid=c360-tier]")).to_have_text("برنزی")
    for section in ("leads", "opportunities", "complaints", "contracts", "referrals_made", "referrals_received",
                    "contacts", "open_tasks", "instances"):
        expect(page.locator(f"[data-testid=c360-{section}]")).to_be_visible()
    assert not re.search(r"[0-9]", page.locator("[data-testid=c360-purchases] tbody").inner_text())
    shot(page, "persian-customer-360")

    page.click("[data-testid=new-complaint]")  # a complaint for this customer, from their page
    page.wait_for_url(re.compile(rf"/app/complaints/new\?customer_id={customer_id}$"))
    expect(page.locator("[data-testid=complaint-form]")).to_contain_text(name)
    page.click("[data-testid=complaint-submit]")
    expect(page.locator("[data-field=category] .field-error")).to_contain_text("موضوع را انتخاب کنید")
    page.select_option("[data-field=category] select", "billing")
    page.locator("[data-field=severity] label", has_text="متوسط").click()
    page.fill("[data-field=description] textarea", "دو بار از کارتم برداشت شده است.")
    page.click("[data-testid=complaint-submit]")
    code = page.locator("[data-testid=complaint-code]")
    expect(code).to_have_text(re.compile(r"^RC-"))
    found = crm.call("GET", "/api/v1/complaints", "admin", query_string={"customer_id": customer_id}).get_json()
    assert [c["tracking_code"] for c in found["items"]] == [code.inner_text()]
    assert found["items"][0]["channel"] == "phone"
    page.click("text=بازگشت به مشتری")
    expect(page.locator("[data-testid=c360-complaints] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=c360-complaints]")).to_contain_text("صورتحساب و پرداخت")


def test_a_new_lead_shows_the_servers_field_errors_in_place(crm: Server, page_for):
    page = page_for("employee")
    page.click("a.nav-link[data-nav=customers]")
    page.click("[data-testid=new-lead]")
    page.wait_for_url(re.compile(r"/app/leads/new$"))
    page.fill("[data-field=person_name] input", "Nadia Karimi")
    page.fill("[data-field=mobile] input", "call me")
    page.fill("[data-field=estimated_revenue] input", "125,000 تومان")
    page.click("[data-testid=lead-submit]")
    expect(page.locator("[data-field=source] .field-error")).to_be_visible()  # required: the API's schema
    expect(page.locator("[data-field=source] select")).to_be_focused()
    page.select_option("[data-field=source] select", "phone")
    page.click("[data-testid=lead-submit]")
    mobile_error = page.locator("[data-field=mobile] .field-error")  # the CRM's own check, after the schema
    expect(mobile_error).to_contain_text("telephone number")
    expect(page.locator("[data-field=source] .field-error")).to_be_hidden()
    expect(page.locator("[data-field=mobile] input")).to_have_attribute("aria-invalid", "true")
    shot(page, "lead-field-error")
    page.fill("[data-field=mobile] input", "0912 555 0101")
    page.check("[data-field=budget_confirmed] input")
    page.click("[data-testid=lead-submit]")
    created = page.locator("[data-testid=lead-created]")
    expect(created).to_be_visible()
    expect(page.locator("[data-testid=lead-revenue]")).to_have_text("1,250,000 rials (125,000 tomans)")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Lead #\d+ captured$"))
    lead_id = int(re.search(r"\d+", page.locator("h1").inner_text()).group())
    lead = crm.call("GET", f"/api/v1/leads/{lead_id}").get_json()
    assert lead["mobile"] == "+989125550101" and lead["budget_confirmed"] is True and lead["source"] == "phone"
    assert lead["process_instance_id"]
