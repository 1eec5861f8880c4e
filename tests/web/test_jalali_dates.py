"""Task forms for Persian users: a date field takes a typed Jalali date (beside its Jalali picker; form-js's own
picker is Gregorian) and the server receives the Gregorian day; an impossible Jalali date is refused in place."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot


def _dated(key: str) -> list[tuple[str, bytes]]:
    form_id = f"{key}-form"
    process = diagrams.row(key, "Dated", diagrams.node("startEvent", "start"),
                           diagrams.node("userTask", "plan", "Plan the close", candidateGroups="sales",
                                         formRef=form_id),
                           diagrams.node("userTask", "check", "Check", candidateGroups="sales"),
                           diagrams.node("endEvent", "end"))
    form = diagrams.form(form_id, {"type": "datetime", "subtype": "date", "key": "close_on",
                                   "dateLabel": "Expected close", "properties": {"label:fa": "تاریخ بستن"},
                                   "validate": {"required": True}})
    return [(f"{key}.bpmn", process), (f"{form_id}.form", form)]


def _task(server: Server, business_key: str) -> dict:
    found = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": business_key})
    return found.get_json()["items"][0]


def test_a_persian_user_types_a_jalali_date_and_the_server_gets_the_gregorian_day(server: Server, page_for):
    key = f"dated_{uuid.uuid4().hex[:6]}"
    server.deploy(_dated(key))
    business_key = f"D-{uuid.uuid4().hex[:6]}"
    server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin",
                json={"business_key": business_key, "variables": {"close_on": "2026-12-01"}})
    plan = _task(server, business_key)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{plan['id']}")
    field = page.get_by_label("تاریخ بستن")
    expect(field).to_have_value("۱۴۰۵/۰۹/۱۰")  # the stored Gregorian day, shown in Jalali
    expect(page.get_by_test_id("open-calendar")).to_be_visible()  # the Jalali picker (test_task_forms_persian.py)
    assert page.locator("[data-testid=task-form] input[type=date]").count() == 0

    field.fill("۱۴۰۵/۱۲/۳۰")  # 1405 is not a leap year: there is no Esfand 30
    page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    assert _task(server, business_key)["id"] == plan["id"]  # nothing completed

    field.fill("۱۴۰۵/۱۱/۱۵")
    shot(page, "persian-jalali-date-field")
    page.get_by_test_id("complete").click()
    page.wait_for_url(re.compile(r"/app/tasks(\?.*)?$"))
    check = _task(server, business_key)
    assert check["id"] != plan["id"] and check["name"] == "Check"
    data = server.call("GET", f"/api/v1/tasks/{check['id']}", "admin").get_json()["data"]
    assert data["close_on"] == "2027-02-04"


def test_an_english_user_keeps_the_date_picker(server: Server, page_for):
    key = f"dated_{uuid.uuid4().hex[:6]}"
    server.deploy(_dated(key))
    business_key = f"D-{uuid.uuid4().hex[:6]}"
    server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={"business_key": business_key})
    page = page_for("employee")
    page.goto(f"/app/tasks/{_task(server, business_key)['id']}")
    expect(page.locator("[data-testid=task-form] .fjs-form-field-datetime")).to_be_visible()
