"""Activities in the browser: a Persian salesperson logs a call (Persian digits for the minutes) and a to-do on a
customer's page, is told in Persian what the to-do lacks, sees the overdue one on her day with a link to the
customer and marks it done there; an English salesperson logs a meeting on a lead and finds it on his day.
Screenshots in test-artifacts/."""

from __future__ import annotations

import random
import re

import jdatetime
from playwright.sync_api import expect

from crm.clock import utcnow
from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import surname


def _customer(server: Server, who: str, name: str) -> int:
    answer = server.call("POST", "/api/v1/customers", who, json={
        "kind": "company", "company_name": name, "mobile": f"0912{random.randint(1000000, 9999999)}"})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["customer"]["id"]


def _persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_a_persian_salesperson_logs_a_call_and_a_to_do_and_works_her_day(server: Server, page_for):
    name = f"بازرگانی {surname()}"
    customer = _customer(server, "persian", name)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/customers/{customer}")
    section = page.get_by_test_id("record-activities")
    expect(section).to_contain_text("هنوز تماس، جلسه، یادداشت یا کاری ثبت نشده است")

    section.get_by_test_id("activity-new").click()
    form = section.get_by_test_id("activity-form")
    form.get_by_test_id("activity-kind").select_option("call")
    form.get_by_test_id("activity-outcome").select_option("no_answer")
    form.get_by_test_id("activity-duration").fill("۵")
    form.get_by_test_id("activity-notes").fill("فردا دوباره تماس می‌گیرم.")
    form.get_by_test_id("activity-submit").click()
    call = section.locator("[data-testid=activity][data-kind=call]")
    expect(call).to_contain_text("پاسخ نداد")
    expect(call).to_contain_text("۵ دقیقه")
    expect(call).to_contain_text("انجام‌شده")

    section.get_by_test_id("activity-new").click()
    form.get_by_test_id("activity-kind").select_option("todo")
    form.get_by_test_id("activity-subject").fill("ارسال پیش‌فاکتور")
    form.get_by_test_id("activity-submit").click()
    expect(form.locator("[data-field=due_at] .field-error")).to_contain_text("موعد را انتخاب کنید")
    expect(form.locator("[data-field=due_at]")).not_to_contain_text("due")  # Persian only
    yesterday = jdatetime.date.fromgregorian(date=utcnow().date()) - jdatetime.timedelta(days=1)
    typed = _persian_digits(f"{yesterday.year}/{yesterday.month:02d}/{yesterday.day:02d} 10:00")
    form.get_by_test_id("due_at-date").fill(typed)
    expect(form.get_by_test_id("due_at-preview")).to_contain_text("۱۰:۰۰")
    form.get_by_test_id("activity-submit").click()
    todo = section.locator("[data-testid=activity][data-kind=todo]")
    expect(todo.get_by_test_id("activity-overdue")).to_have_text("عقب‌افتاده")
    expect(section.locator("[data-testid=activity]").first).to_have_attribute("data-kind", "todo")  # open first
    shot(page, "activities-fa-customer")

    page.click("a.nav-link[data-nav=my_day]")
    overdue = page.get_by_test_id("my-day-overdue")
    mine = overdue.locator("[data-testid=activity]").filter(has_text="ارسال پیش‌فاکتور")
    expect(mine).to_have_count(1)
    expect(mine.get_by_test_id("activity-record")).to_have_attribute("href", f"/app/customers/{customer}")
    expect(page.get_by_test_id("my-day-done")).to_contain_text("پاسخ نداد")
    shot(page, "activities-fa-my-day")
    mine.get_by_test_id("activity-done").click()
    expect(overdue.locator("[data-testid=activity]").filter(has_text="ارسال پیش‌فاکتور")).to_have_count(0)
    expect(page.get_by_test_id("my-day-done")).to_contain_text("ارسال پیش‌فاکتور")

    page.get_by_test_id("my-day-previous").click()
    expect(page).to_have_url(re.compile(r"[?&]day=\d{4}-\d{2}-\d{2}"))  # the day is in the address
    expect(page.get_by_test_id("my-day-done")).not_to_contain_text("ارسال پیش‌فاکتور")


def test_an_english_salesperson_logs_a_meeting_on_a_lead(crm: Server, page_for):
    lead = crm.call("POST", "/api/v1/leads", "employee", json={
        "person_name": "Reza Karimi", "mobile": f"0912{random.randint(1000000, 9999999)}", "source": "phone"})
    assert lead.status_code == 201, lead.get_json()
    page = page_for("employee")
    page.goto(f"/app/leads/{lead.get_json()['id']}")
    section = page.get_by_test_id("record-activities")
    section.get_by_test_id("activity-new").click()
    form = section.get_by_test_id("activity-form")
    form.get_by_test_id("activity-kind").select_option("meeting")
    expect(form.locator("[data-field=outcome]")).to_be_hidden()
    form.get_by_test_id("activity-subject").fill("Product demo")
    form.locator("[data-field=attendees] input").fill("Reza, Sara")
    form.locator("[data-field=place] input").fill("Head office")
    form.get_by_test_id("activity-submit").click()
    meeting = section.locator("[data-testid=activity][data-kind=meeting]")
    expect(meeting).to_contain_text("Product demo")
    expect(meeting).to_contain_text("Reza, Sara")
    shot(page, "activities-en-lead")
    page.goto("/app/my-day")
    expect(page.get_by_test_id("my-day-done")).to_contain_text("Product demo")
    expect(page.get_by_test_id("my-day-date")).to_contain_text(str(utcnow().year))


def test_the_calendar_shows_a_jalali_month_in_persian_and_a_gregorian_week_in_english(server: Server, page_for):
    from datetime import timedelta

    customer = _customer(server, "persian", f"صنایع {surname()}")
    due = (utcnow() + timedelta(hours=2)).isoformat()
    for who, subject in (("persian", "جلسهٔ تقویم"), ("employee", "Calendar call")):
        made = server.call("POST", f"/api/v1/records/customer/{customer}/activities", who,
                           json={"kind": "meeting" if who == "persian" else "call", "subject": subject, "due_at": due})
        assert made.status_code == 201, made.get_json()

    page = page_for("persian", locale="fa-IR")
    page.click("a.nav-link[data-nav=calendar]")
    expect(page.get_by_test_id("calendar-month")).to_be_visible()
    this_month = jdatetime.date.fromgregorian(date=utcnow().date())
    expect(page.get_by_test_id("calendar-title")).to_contain_text(_persian_digits(str(this_month.year)))
    expect(page.get_by_test_id("calendar-month").locator("th").first).to_have_text("شنبه")  # Saturday first
    entry = page.get_by_test_id("calendar-activity").filter(has_text="جلسهٔ تقویم")
    expect(entry).to_have_count(1)
    expect(page.get_by_test_id("calendar-activity").filter(has_text="Calendar call")).to_have_count(0)  # alice's
    shot(page, "calendar-fa-month")
    page.get_by_test_id("calendar-next").click()
    expect(page.get_by_test_id("calendar-activity").filter(has_text="جلسهٔ تقویم")).to_have_count(0)
    page.get_by_test_id("calendar-today").click()
    entry.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/app/customers/{customer}$"))

    english = page_for("employee")
    english.goto("/app/calendar?view=week")
    expect(english.get_by_test_id("calendar-week")).to_be_visible()
    expect(english.get_by_test_id("calendar-week").locator("th").first).to_have_text("Mon")
    expect(english.get_by_test_id("calendar-activity").filter(has_text="Calendar call")).to_have_count(1)
    shot(english, "calendar-en-week")
