"""Persian: right to left throughout, Jalali dates with Persian digits, the shipped Vazirmatn font.
Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import jdatetime
from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_persian_interface_is_right_to_left_with_jalali_dates(server: Server, page_for):
    key = f"fa_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form"))
    business_key = f"F-{uuid.uuid4().hex[:6]}"
    server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={"business_key": business_key})
    page = page_for("persian", locale="fa-IR")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "fa")
    expect(page.locator("a.nav-link[data-nav=tasks]")).to_have_text("کارها")

    width = page.viewport_size["width"]
    brand, nav, user = box(page, ".brand"), box(page, ".nav-link"), box(page, "[data-testid=user-name]")
    assert brand["x"] > width / 2 and brand["x"] > nav["x"] > user["x"]  # the bar reads from the right
    row = page.locator("[data-testid=task-row]", has_text=business_key)
    name, claim = row.locator(".task-name").bounding_box(), row.locator("[data-testid=claim]").bounding_box()
    assert name["x"] > claim["x"]  # the task's name starts on the right, its action ends on the left
    direction = page.evaluate("getComputedStyle(document.querySelector('.task-list')).direction")
    assert direction == "rtl"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Vazirmatn"') or font.startswith("Vazirmatn")
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'کارها')")
    assert page.evaluate("[...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded')")
    shot(page, "persian-tasklist")

    row.locator(".task-link").click()
    page.wait_for_url(re.compile(r"/app/tasks/"))
    task_id = page.url.rsplit("/", 1)[-1]
    due = datetime.fromisoformat(server.call("GET", f"/api/v1/tasks/{task_id}").get_json()["due"])
    jalali = jdatetime.datetime.fromgregorian(datetime=due.astimezone())
    due_text = page.locator("dt", has_text="سررسید").locator("xpath=following-sibling::dd[1]").inner_text()
    assert str(jalali.year).translate(PERSIAN_DIGITS) in due_text, due_text
    assert str(jalali.day).translate(PERSIAN_DIGITS) in due_text, due_text
    assert not re.search(r"[0-9]", due_text), due_text  # Persian digits only
    assert str(due.year) not in due_text
    main, side = box(page, ".split-main"), box(page, ".side")
    assert main["x"] > side["x"]  # the customer panel sits at the inline end, on the left
    label = page.locator(".fjs-form-field-label", has_text="Amount").bounding_box()
    field = page.get_by_label("Amount").bounding_box()
    assert label["x"] + label["width"] > field["x"] + field["width"] - 40  # labels align to the right
    shot(page, "persian-task")

    page.goto("/app/dashboards")
    expect(page.locator("h1")).to_have_text("داشبوردها")
    shot(page, "persian-dashboards")


def test_each_user_picks_the_language(page_for):
    page = page_for("admin")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.click("[data-testid=lang-switch]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-testid=sign-out]")).to_have_text("خروج")
    page.reload()  # kept on the server, not in the browser
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    page.click("[data-testid=lang-switch]")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("[data-testid=sign-out]")).to_have_text("Sign out")
