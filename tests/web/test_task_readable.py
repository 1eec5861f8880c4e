"""A task shows what its person needs, written their way: the qualification call has the lead's card
beside it (who to call and how, source, product, score and why, earlier calls); a form's read-only
amounts carry separators and their unit, days are in the reader's calendar and Persian pages have Persian
digits; a number typed with Persian digits reaches the server as that number."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import lead_task


def _assign(server: Server, task_id: str, user: str) -> None:
    answer = server.call("POST", f"/api/v1/tasks/{task_id}/assign", "admin", json={"user": user, "override": True})
    assert answer.status_code == 200, answer.get_json()


def test_the_qualification_call_shows_the_lead_card_in_persian(crm: Server, page_for):
    _, task_id = lead_task(crm, company_name="پخش دارویی سینا", person_name="نگار رحیمی", mobile="09127771234",
                           product="software", region="isfahan", estimated_revenue=300000000)
    _assign(crm, task_id, "parisa")
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    card = page.get_by_test_id("lead-card")
    expect(card).to_contain_text("پخش دارویی سینا")
    expect(card).to_contain_text("نگار رحیمی")
    expect(card.get_by_test_id("lead-dial")).to_have_attribute("href", "tel:+989127771234")
    expect(card).to_contain_text("نرم‌افزار")  # the product's Persian label, not "software"
    expect(card).to_contain_text("اصفهان")
    expect(card).to_contain_text("فرم وب‌سایت")
    expect(card).to_contain_text("۳۰۰٬۰۰۰٬۰۰۰ ریال")
    expect(card.get_by_test_id("lead-score")).to_contain_text(re.compile(r"امتیاز [۰-۹]+ \(رتبه [A-D]\)"))
    expect(card.get_by_test_id("lead-earlier-calls")).to_contain_text("این نخستین تماس است")
    for raw in ("software", "isfahan", "web_form"):
        expect(card).not_to_contain_text(raw)
    intro = page.get_by_test_id("task-form").locator(".fjs-form-field-text").first
    expect(intro).to_contain_text("۰۹۱۲۷۷۷۱۲۳۴")  # the dialled form in Persian digits, no "+98" to flip
    expect(intro).not_to_contain_text(re.compile(r"[0-9]"))
    shot(page, "persian-lead-card")


def test_persian_digits_in_a_number_field_reach_the_server(crm: Server, page_for):
    body, task_id = lead_task(crm, person_name="کاوه صدری", mobile="09127771235", product="hardware")
    _assign(crm, task_id, "parisa")
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    form = page.get_by_test_id("task-form")
    form.get_by_label("واجد شرایط: فرصت فروش باز شود").check()
    form.get_by_label("عنوان فرصت فروش").fill("سخت‌افزار صدری")
    amount = form.get_by_label("مبلغ پیش‌بینی‌شده")
    amount.press_sequentially("۴۵۰۰۰۰۰۰")
    expect(amount).to_have_value("۴۵۰۰۰۰۰۰")  # never "NaN۵۰۰۰۰۰۰"
    amount.blur()
    expect(amount).to_have_value("۴۵٬۰۰۰٬۰۰۰")  # grouped in Persian once left; its unit beside it
    page.get_by_test_id("complete").click()
    page.wait_for_url(re.compile(r"/app/tasks(\?.*)?$"))
    found = crm.call("GET", "/api/v1/opportunities", "admin", query_string={"limit": 100}).get_json()["items"]
    assert [o["amount"] for o in found if o["lead_id"] == body["id"]] == [45000000]


def _shown(key: str) -> list[tuple[str, bytes]]:
    form_id = f"{key}-form"
    process = diagrams.row(key, "Shown", diagrams.node("startEvent", "start"),
                           diagrams.node("userTask", "look", "Look", candidateGroups="sales", formRef=form_id),
                           diagrams.node("endEvent", "end"))
    form = diagrams.form(
        form_id,
        {"type": "number", "key": "payable_amount", "label": "Payable (rial)", "readonly": True},
        {"type": "number", "key": "discount_percent", "label": "Discount (%)", "readonly": True},
        {"type": "textfield", "key": "period", "label": "Period", "readonly": True},
        {"type": "textfield", "key": "note", "label": "Note", "validate": {"required": True}})
    return [(f"{key}.bpmn", process), (f"{form_id}.form", form)]


def test_read_only_amounts_and_days_are_written_for_the_reader(server: Server, page_for):
    key = f"shown_{uuid.uuid4().hex[:6]}"
    server.deploy(_shown(key))
    business_key = f"S-{uuid.uuid4().hex[:6]}"
    started = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={
        "business_key": business_key,
        "variables": {"payable_amount": 24200000000, "discount_percent": 12, "period": "2026-12-27 – 2027-12-27"}})
    assert started.status_code in (200, 201), started.get_json()
    tasks = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": business_key})
    task = tasks.get_json()["items"][0]

    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task['id']}")
    form = page.get_by_test_id("task-form")
    expect(form.get_by_label("Payable (rial)")).to_have_value("۲۴٬۲۰۰٬۰۰۰٬۰۰۰ ریال (۲٬۴۲۰٬۰۰۰٬۰۰۰ تومان)")
    expect(form.get_by_label("Discount (%)")).to_have_value("۱۲")
    expect(form.get_by_label("Period")).to_have_value("۶ دی ۱۴۰۵ – ۶ دی ۱۴۰۶")
    shot(page, "persian-read-only-amounts")

    english = page_for("employee")
    english.goto(f"/app/tasks/{task['id']}")
    expect(english.get_by_test_id("task-form").get_by_label("Payable (rial)")).to_have_value(
        "24,200,000,000 rials (2,420,000,000 tomans)")

    form.get_by_label("Note").fill("دیدم")  # the shown text goes nowhere: the server drops read-only values
    page.get_by_test_id("complete").click()
    page.wait_for_url(re.compile(r"/app/tasks(\?.*)?$"))
    done = server.call("GET", f"/api/v1/tasks/{task['id']}", "admin").get_json()
    assert done["state"] == "completed", done
