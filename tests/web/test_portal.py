"""The customer portal, public and without an account: file a complaint (field errors in place), get
the tracking code, follow it at /portal/complaints/<code> (the address the notifications give), and,
once the complaint is resolved through the engine, answer the survey. In Persian, right to left."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_session import session_token, sign_in

PERSIAN_DIGIT = re.compile(r"[۰-۹]")
FILING = {"name": "Sam Lee", "email": "sam@example.com", "category": "product", "severity": "low",
          "description": "The kettle stopped working after a week."}


def test_the_portal_pages_are_public_and_set_no_cookie(crm: Server):
    client = crm.client()
    page = client.get("/portal", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="fa"' in html and 'dir="rtl"' in html
    assert "Set-Cookie" not in page.headers  # no session is started for a visitor
    assert "script-src" not in page.headers["Content-Security-Policy"]  # the app's CSP: scripts from 'self' only
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html and "onclick" not in html  # no inline script
    english = client.get("/portal?lang=en", headers={"Accept-Language": "fa"}).get_data(as_text=True)
    assert 'lang="en"' in english and 'dir="ltr"' in english
    assert 'lang="en"' in client.get("/portal", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    status = client.get("/portal/complaints/RC-NOSUCHCODE")
    assert status.status_code == 200 and 'data-code="RC-NOSUCHCODE"' in status.get_data(as_text=True)
    assert client.get("/portal/complaints/<script>").status_code in (200, 404)
    assert "<script>\"" not in client.get("/portal/complaints/%3Cscript%3E").get_data(as_text=True)


def test_portal_calls_need_no_session_and_csrf_still_guards_the_cookie(crm: Server):
    anonymous = crm.client()
    filed = anonymous.post("/api/v1/portal/complaints", json=FILING)
    assert filed.status_code == 201, filed.get_json()
    assert anonymous.get(f"/api/v1/portal/complaints/{filed.get_json()['tracking_code']}").status_code == 200
    employee = crm.client()
    sign_in(employee)
    refused = employee.post("/api/v1/portal/complaints", json=FILING)  # a cookie without its token: refused
    assert refused.status_code == 403
    allowed = employee.post("/api/v1/portal/complaints", json=FILING, headers={"X-CSRF-Token": session_token(employee)})
    assert allowed.status_code == 201


def resolve(server: Server, code: str, public_update: str) -> None:
    """The support desk resolves the complaint through the engine (its tier-1 task)."""
    tasks = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": code}).get_json()["items"]
    assert [t["element_id"] for t in tasks] == ["tier1"], tasks
    task_id = tasks[0]["id"]
    assert server.call("POST", f"/api/v1/tasks/{task_id}/claim", "admin").status_code == 200
    done = server.call("POST", f"/api/v1/tasks/{task_id}/complete", "admin",
                       json={"data": {"outcome": "resolve", "resolution": "کالا دوباره ارسال شد.",
                                      "public_update": public_update}})
    assert done.status_code == 200, done.get_json()


def test_a_customer_files_follows_and_rates_a_complaint_in_persian(crm: Server, page_for):
    page = page_for(None, locale="fa-IR")
    page.goto("/portal")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("h1")).to_have_text("ثبت شکایت")

    page.click("[data-testid=portal-submit]")  # nothing filled in: the server's errors, each under its field
    expect(page.locator("[data-field=name] .field-error")).to_contain_text("نام خود را بنویسید")
    expect(page.locator("[data-field=category] .field-error")).to_be_visible()
    expect(page.locator("[data-field=severity] .field-error")).to_be_visible()
    expect(page.locator("[data-field=description] .field-error")).to_be_visible()
    expect(page.locator("[data-field=name] input")).to_be_focused()
    expect(page.locator("[data-field=name] input")).to_have_attribute("aria-invalid", "true")

    page.fill("[data-field=name] input", "مریم رضایی")
    page.fill("[data-field=mobile] input", "۰۹۱۲ ۱۲۳")  # too short
    page.select_option("[data-field=category] select", "delivery")
    expect(page.locator("[data-field=category] select option:checked")).to_have_text("ارسال و تحویل")
    page.locator("[data-field=severity] label", has_text="زیاد").click()
    page.fill("[data-field=description] textarea", "سفارشم پس از دو هفته هنوز نرسیده است.")
    page.click("[data-testid=portal-submit]")
    expect(page.locator("[data-field=mobile] .field-error")).to_contain_text("شمارهٔ موبایل")
    expect(page.locator("[data-field=name] .field-error")).to_be_hidden()
    shot(page, "portal-fa-field-error")

    page.fill("[data-field=mobile] input", "۰۹۳۵ ۱۲۳ ۴۵۶۷")
    page.click("[data-testid=portal-submit]")
    code_box = page.locator("[data-testid=portal-filed] [data-testid=tracking-code]")
    expect(code_box).to_have_text(re.compile(r"^RC-[A-Z0-9]{10}$"))
    code = code_box.inner_text()
    box = code_box.bounding_box()
    assert box["height"] > 40  # prominent
    shot(page, "portal-fa-tracking-code")

    page.click("[data-testid=portal-follow]")
    page.wait_for_url(re.compile(rf"/portal/complaints/{code}\?lang=fa$"))
    status = page.locator("[data-testid=portal-status]")
    expect(status).to_have_attribute("data-status", "in_progress")
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("در حال رسیدگی")
    expect(page.locator("[data-testid=portal-tier]")).to_have_text("واحد پشتیبانی")
    filed_at = page.locator("dt", has_text="تاریخ ثبت").locator("xpath=following-sibling::dd[1]").inner_text()
    assert PERSIAN_DIGIT.search(filed_at) and not re.search(r"[0-9]", filed_at), filed_at  # Jalali, Persian digits
    assert "۱۴۰" in filed_at, filed_at  # a Jalali year (14xx), not a Gregorian one
    expect(page.locator("[data-testid=survey]")).to_have_count(0)

    resolve(crm, code, "بسته امروز دوباره ارسال شد.")
    page.goto(f"/portal/complaints/{code}")  # exactly the address the notifications give
    expect(page.locator("html")).to_have_attribute("lang", "fa")  # from Accept-Language
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("حل شد")
    # the answer written for the customer, never the internal resolution
    expect(page.locator("[data-testid=portal-resolution]")).to_contain_text("بسته امروز دوباره ارسال شد")
    expect(page.locator("[data-testid=portal-status]")).not_to_contain_text("کالا دوباره ارسال شد")
    expect(page.locator("[data-testid=portal-status]")).not_to_contain_text("admin")  # no staff names
    page.click("[data-testid=survey-submit]")
    expect(page.locator("[data-field=score] .field-error")).to_have_text("امتیازی از ۱ تا ۵ انتخاب کنید.")
    page.locator("[data-field=score] label", has_text="۴").click()
    page.fill("[data-field=comment] textarea", "سریع بود، ممنون.")
    shot(page, "portal-fa-survey")
    page.click("[data-testid=survey-submit]")
    expect(page.locator("[data-testid=survey-thanks]")).to_be_visible()
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("بسته شد")
    expect(page.locator("[data-testid=survey]")).to_have_count(0)
    shot(page, "portal-fa-closed")

    found = crm.call("GET", "/api/v1/complaints", "admin", query_string={"status": "closed"}).get_json()["items"]
    complaint = next(c for c in found if c["tracking_code"] == code)
    assert complaint["satisfaction"] == 4 and complaint["satisfaction_comment"] == "سریع بود، ممنون."
    instance = crm.call("GET", f"/api/v1/process-instances/{complaint['process_instance_id']}").get_json()
    assert instance["state"] == "completed" and instance["variables"]["satisfaction"] == 4


def test_an_unknown_code_says_not_found_and_the_language_switches(crm: Server, page_for):
    page = page_for(None, locale="en-GB")
    page.goto("/portal/complaints/RC-AAAAAAAAAA")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-testid=portal-not-found] h1")).to_have_text("No complaint with this code")
    page.click("[data-testid=portal-lang-fa]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-testid=portal-not-found] h1")).to_have_text("شکایتی با این کد نیست")
    assert page.url.endswith("/portal/complaints/RC-AAAAAAAAAA?lang=fa")
    shot(page, "portal-fa-not-found")


def test_a_signed_in_employee_can_use_the_portal_too(crm: Server, page_for):
    page = page_for("employee")  # the browser holds a session cookie; the portal's calls do not send it
    page.goto("/portal?lang=en")
    page.fill("[data-field=name] input", FILING["name"])
    page.fill("[data-field=email] input", FILING["email"])
    page.select_option("[data-field=category] select", "product")
    page.locator("[data-field=severity] label", has_text="Low").click()
    page.fill("[data-field=description] textarea", FILING["description"])
    page.click("[data-testid=portal-submit]")
    expect(page.locator("[data-testid=tracking-code]")).to_have_text(re.compile(r"^RC-"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    shot(page, "portal-en-tracking-code")
