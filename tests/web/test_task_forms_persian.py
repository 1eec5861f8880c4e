"""Task forms in Persian all the way (web/src/forms/): number fields take Persian and Arabic-Indic digits and
separators and submit the plain number; date fields have a Jalali picker in Persian (form-js's own in
English) and store the Gregorian ISO day; validation messages, from form-js and from the server, are
Persian; amounts are shown and typed in the reader's unit (rial or toman) and stored in rials."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from api.identity.service import create_user
from tests.web import diagrams
from tests.web.conftest import PASSWORD, Server, shot

ENGLISH_MESSAGES = ("Field is required", "This field is required", "Must be at least", "Field must",
                    "Not a valid", "Value is", "characters long", "Select", "Search", "No results")


def _process(key: str) -> list[tuple[str, bytes]]:
    form_id = f"{key}-form"
    process = diagrams.row(key, "Priced", diagrams.node("startEvent", "start"),
                           diagrams.node("userTask", "price", "Price the deal", candidateGroups="sales",
                                         formRef=form_id),
                           diagrams.node("userTask", "check", "Check", candidateGroups="sales"),
                           diagrams.node("endEvent", "end"))
    form = diagrams.form(
        form_id,
        {"type": "number", "key": "amount", "label": "Amount", "validate": {"required": True},
         "properties": {"label:fa": "مبلغ", "amount": "rial"}},
        {"type": "datetime", "subtype": "date", "key": "close_on", "dateLabel": "Expected close",
         "properties": {"dateLabel:fa": "تاریخ بستن"}},
        {"type": "textfield", "key": "note", "label": "Note", "validate": {"minLength": 5},
         "properties": {"label:fa": "یادداشت"}},
        {"type": "select", "key": "tier", "label": "Tier", "values": [{"label": "Gold", "value": "gold"}],
         "properties": {"label:fa": "سطح", "value:fa:gold": "طلایی"}})
    return [(f"{key}.bpmn", process), (f"{form_id}.form", form)]


def _start(server: Server) -> tuple[str, str]:
    key = f"priced_{uuid.uuid4().hex[:6]}"
    server.deploy(_process(key))
    business_key = f"P-{uuid.uuid4().hex[:6]}"
    answer = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin",
                         json={"business_key": business_key})
    assert answer.status_code in (200, 201), answer.get_json()
    return business_key, _task(server, business_key)["id"]


def _task(server: Server, business_key: str) -> dict:
    found = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": business_key})
    return found.get_json()["items"][0]


def _completed_data(page, server: Server, business_key: str, first_id: str) -> dict:
    page.get_by_test_id("complete").click()
    page.wait_for_url(re.compile(r"/app/tasks(\?.*)?$"))
    check = _task(server, business_key)
    assert check["id"] != first_id and check["name"] == "Check"
    return server.call("GET", f"/api/v1/tasks/{check['id']}", "admin").get_json()["data"]


def _pick_jalali(page, month: str, day: str) -> None:
    page.get_by_test_id("open-calendar").click()
    calendar = page.get_by_test_id("jalali-calendar")
    expect(calendar).to_be_visible()
    title = calendar.get_by_test_id("calendar-month")
    for _ in range(36):
        if title.inner_text() == month:
            break
        # «آذر ۱۴۰۵» is before or after the month shown: compare Jalali year and month as numbers
        shown = title.inner_text()
        step = "previous-month" if _jalali_index(shown) > _jalali_index(month) else "next-month"
        calendar.get_by_test_id(step).click()
    expect(title).to_have_text(month)
    shot(page, "task-form-jalali-picker")
    calendar.get_by_role("button", name=re.compile(f"^\\S+ {day} ")).click()


MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]


def _jalali_index(title: str) -> int:
    name, year = title.split(" ")
    return int(year.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) * 12 + MONTHS.index(name)


def test_persian_digits_and_a_jalali_pick_reach_the_server_as_a_number_and_a_gregorian_day(server: Server, page_for):
    business_key, task_id = _start(server)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    form = page.get_by_test_id("task-form")
    amount = form.get_by_label("مبلغ")
    amount.press_sequentially("۱۲۵٬۰۰۰")  # typed on a Persian keyboard, with the Persian thousands separator
    expect(amount).to_have_value("۱۲۵٬۰۰۰")
    expect(form.get_by_test_id("amount-unit")).to_have_text("ریال")
    # the form, its labels and what is typed into it are set in Vazirmatn (form-js's IBM Plex Sans is not shipped:
    # Persian fell back to a font that drew the thousands separator as an apostrophe)
    odd = form.locator("label, input, textarea").evaluate_all("""els => els.filter((e) =>
        e.getBoundingClientRect().width > 0 && !getComputedStyle(e).fontFamily.startsWith('Vazirmatn'))
        .map((e) => e.outerHTML.slice(0, 120))""")
    assert odd == []
    amount.blur()
    expect(form).not_to_contain_text("NaN")

    date = form.get_by_label("تاریخ بستن")
    _pick_jalali(page, "آذر ۱۴۰۵", "۱۵")
    expect(date).to_have_value("۱۴۰۵/۰۹/۱۵")
    assert form.locator("input[type=date], .flatpickr-input").count() == 0  # no Gregorian picker
    form.get_by_label("یادداشت").fill("قیمت نهایی")
    shot(page, "task-form-persian-digits-jalali")
    data = _completed_data(page, server, business_key, task_id)
    assert data["amount"] == 125000
    assert data["close_on"] == "2026-12-06"


def test_arabic_indic_digits_and_a_typed_jalali_day(server: Server, page_for):
    business_key, task_id = _start(server)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    form = page.get_by_test_id("task-form")
    amount = form.get_by_label("مبلغ")
    amount.press_sequentially("١٬٢٥٠٬٠٠٠٫٥")  # Arabic-Indic digits, the Persian decimal sign
    amount.blur()
    expect(amount).to_have_value("۱٬۲۵۰٬۰۰۰٫۵")
    form.get_by_label("تاریخ بستن").fill("۱۴۰۵/۱۱/۱۵")
    data = _completed_data(page, server, business_key, task_id)
    assert data["amount"] == 1250000.5
    assert data["close_on"] == "2027-02-04"


def test_validation_messages_are_persian(server: Server, page_for):
    _, task_id = _start(server)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    form = page.get_by_test_id("task-form")
    amount = form.get_by_label("مبلغ")
    amount.press_sequentially("۱۲الف")
    expect(form).to_contain_text("عدد نیست")
    amount.fill("")
    form.get_by_label("تاریخ بستن").fill("۱۴۰۵/۱۲/۳۰")  # 1405 is not a leap year: no Esfand 30
    expect(form).to_contain_text("تاریخ درست نیست")
    form.get_by_label("یادداشت").fill("کم")
    # form-js's own checks, as the person types ("Field must have minimum length of 5." in form-js)
    expect(form).to_contain_text("باید دست‌کم ۵ نویسه باشد.")
    page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    # then the server's answer, placed on the fields: Persian too, whichever wording it has
    errors = form.locator(".fjs-form-field-error li")
    expect(errors).to_have_count(3)
    for message in errors.all_inner_texts():
        assert re.search(r"[\u0600-\u06ff]", message) and not re.search(r"[A-Za-z]", message), message
    text = form.inner_text()
    for english in ENGLISH_MESSAGES:
        assert english not in text, english
    expect(form.locator(".fjs-select-display")).to_have_text("انتخاب کنید")  # form-js's own "Select"
    mark = page.locator(".fjs-powered-by-link")
    expect(mark).to_be_visible()  # the licence's mark stays, its tooltip in Persian
    expect(mark).to_have_attribute("title", "فرم‌ها با bpmn.io ساخته شده‌اند")
    shot(page, "task-form-persian-validation")


def test_an_english_user_keeps_gregorian_dates_and_english_messages(server: Server, page_for):
    business_key, task_id = _start(server)
    page = page_for("employee")
    page.goto(f"/app/tasks/{task_id}")
    form = page.get_by_test_id("task-form")
    expect(form.locator(".flatpickr-input")).to_have_count(1)  # form-js's own Gregorian picker
    expect(form.get_by_test_id("open-calendar")).to_have_count(0)
    page.get_by_test_id("complete").click()
    expect(form).to_contain_text("This field is required.")
    amount = form.get_by_label("Amount")
    amount.press_sequentially("125,000")
    amount.blur()
    expect(amount).to_have_value("125,000")
    expect(form.get_by_test_id("amount-unit")).to_have_text("rials")
    form.locator(".flatpickr-input").fill("06/12/2026")  # form-js's own picker, dd/mm/yyyy for en-GB
    form.locator(".flatpickr-input").press("Enter")
    form.get_by_label("Note").fill("final price")
    shot(page, "task-form-english")
    data = _completed_data(page, server, business_key, task_id)
    assert data["amount"] == 125000
    assert data["close_on"] == "2026-12-06"


def test_a_toman_reader_types_tomans_and_rials_are_stored(server: Server, browser):
    username = f"toman_{uuid.uuid4().hex[:6]}"
    with server.ravand.sessions() as session:  # a user of its own: the preference is per person
        create_user(session, username, PASSWORD, "employee", ["sales"], display_name=None, locale="fa")
        session.commit()
    business_key, task_id = _start(server)
    context = browser.new_context(base_url=server.url, locale="fa-IR", viewport={"width": 1360, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/app/"))
        page.get_by_test_id("my-preferences").click()
        page.wait_for_url(re.compile(r"/app/preferences$"))
        expect(page.get_by_test_id("unit-rial")).to_be_checked()  # rial unless chosen otherwise
        page.get_by_test_id("unit-toman").check()
        expect(page.get_by_test_id("notice-channel")).to_have_value("auto")
        page.get_by_test_id("notice-channel").select_option("app")  # notices in the inbox only
        page.get_by_test_id("save-preferences").click()
        expect(page.get_by_test_id("toast")).to_contain_text("تنظیمات ذخیره شد")
        shot(page, "preferences-toman")
        assert page.request.get("/api/v1/me/preferences").json() == {
            "amount_unit": "toman", "notice_channel": "app"}

        page.goto(f"/app/tasks/{task_id}")
        form = page.get_by_test_id("task-form")
        amount = form.get_by_label("مبلغ")
        expect(form.get_by_test_id("amount-unit")).to_have_text("تومان")
        amount.press_sequentially("۱۲٬۵۰۰")
        amount.blur()
        expect(amount).to_have_value("۱۲٬۵۰۰")
        shot(page, "task-form-toman")
        data = _completed_data(page, server, business_key, task_id)
        assert data["amount"] == 125000  # stored in rials
    finally:
        context.close()


def test_the_amount_unit_preference_is_checked(server: Server):
    defaults = {"amount_unit": "rial", "notice_channel": "auto"}
    assert server.call("GET", "/api/v1/me/preferences", "employee").get_json() == defaults
    refused = server.call("PATCH", "/api/v1/me/preferences", "employee", json={"amount_unit": "dollar"})
    assert refused.status_code == 422
    assert server.call("GET", "/api/v1/me/preferences", "employee").get_json() == defaults


def test_a_jalali_date_and_time_is_stored_as_form_js_stores_it(server: Server, page_for):
    key = f"timed_{uuid.uuid4().hex[:6]}"
    form_id = f"{key}-form"
    process = diagrams.row(key, "Timed", diagrams.node("startEvent", "start"),
                           diagrams.node("userTask", "meet", "Set the meeting", candidateGroups="sales",
                                         formRef=form_id),
                           diagrams.node("userTask", "check", "Check", candidateGroups="sales"),
                           diagrams.node("endEvent", "end"))
    form_json = diagrams.form(form_id, {
        "type": "datetime", "subtype": "datetime", "key": "meet_at", "dateLabel": "Day", "timeLabel": "Time",
        "timeSerializingFormat": "no_timezone", "validate": {"required": True},
        "properties": {"dateLabel:fa": "روز جلسه", "timeLabel:fa": "ساعت جلسه"}})
    server.deploy([(f"{key}.bpmn", process), (f"{form_id}.form", form_json)])
    business_key = f"T-{uuid.uuid4().hex[:6]}"
    server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={"business_key": business_key})
    task_id = _task(server, business_key)["id"]
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    form = page.get_by_test_id("task-form")
    _pick_jalali(page, "آذر ۱۴۰۵", "۱۵")
    expect(form.get_by_label("روز جلسه")).to_have_value("۱۴۰۵/۰۹/۱۵")
    form.get_by_label("ساعت جلسه").fill("۱۴:۳۰")
    shot(page, "task-form-jalali-date-time")
    data = _completed_data(page, server, business_key, task_id)
    assert data["meet_at"] == "2026-12-06T14:30"
