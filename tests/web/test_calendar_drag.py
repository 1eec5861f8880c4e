"""Moving an activity to another day on the calendar, in Persian: Mahsa drags her meeting from one day of the
Jalali month to another (it keeps its time of day in Tehran, its reminder moves with it), her teammate's call
is not offered to her to move (no drag, no "Move…": only its owner, whoever logged it, a manager or an
administrator may; the server refuses the others, tests/api/test_activities.py), and from the keyboard she moves
a to-do with its "Move…" button and a Jalali day typed in Persian digits. Days are fixed ones of the current
Jalali month, the times mid-day, so the hour the test runs at does not matter. Screenshots in test-artifacts/."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime
from playwright.sync_api import expect

from crm.clock import utcnow
from tests.web.conftest import Server, shot

TEHRAN = ZoneInfo("Asia/Tehran")
SECRET = "calendar-drag-secret-1"
ME, MATE, TEAM = "mahsa", "behnam", "calendar-drag"


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _token(server: Server, username: str) -> str:
    answer = server.client().post("/api/v1/auth/token", json={"username": username, "password": SECRET})
    return _ok(answer)["access_token"]


def _day(jalali_day: int) -> date:
    """That day of the current Jalali month (Tehran's), as a Gregorian date."""
    now = jdatetime.date.fromgregorian(date=utcnow().astimezone(TEHRAN).date())
    return jdatetime.date(now.year, now.month, jalali_day).togregorian()


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TEHRAN)


def _persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_a_persian_employee_moves_her_activities_on_the_calendar(server: Server, page_for: Any) -> None:
    team = {"key": TEAM, "name_fa": "تیم تقویم", "name_en": "Calendar team"}
    _ok(server.call("POST", "/api/v1/teams", json=team), 201)
    for username, lang in ((ME, "fa"), (MATE, "en")):
        user = _ok(server.call("POST", "/api/v1/users", json={
            "username": username, "password": SECRET, "role": "employee", "groups": ["sales"], "locale": lang}), 201)
        _ok(server.call("PUT", f"/api/v1/users/{user['id']}/placement", json={"team_key": TEAM}))
    mine, mate = (f"Bearer {_token(server, who)}" for who in (ME, MATE))
    customer = _ok(server.call("POST", "/api/v1/customers", None, headers={"Authorization": mine}, json={
        "kind": "company", "company_name": "بازرگانی تقویم", "mobile": f"0912{random.randint(1000000, 9999999)}"}), 201)
    records = f"/api/v1/records/customer/{customer['customer']['id']}/activities"

    def log(token: str, **body: Any) -> int:
        return _ok(server.call("POST", records, None, headers={"Authorization": token}, json=body), 201)["id"]

    # open (a meeting or call already past would be logged done: what is done stays where it happened)
    meeting = log(mine, kind="meeting", subject="جلسهٔ جابه‌جایی", done=False, due_at=_at(_day(12), 10, 30).isoformat(),
                  remind_at=_at(_day(12), 10, 0).isoformat())
    call = log(mate, kind="call", subject="تماس همکار", done=False, due_at=_at(_day(13), 14, 15).isoformat())
    todo = log(mine, kind="todo", subject="ارسال نمونه", due_at=_at(_day(14), 16, 45).isoformat())

    page = page_for(None, locale="fa-IR")
    page.goto("/login?next=/app/calendar?scope%3Dteam")
    page.fill("#username", ME)
    page.fill("#password", SECRET)
    page.click("button[type=submit]")
    grid = page.get_by_test_id("calendar-month")

    def entry(number: int) -> Any:
        return grid.locator(f"[data-testid=calendar-activity][data-activity-id='{number}']")

    def cell(day: date) -> Any:  # the grid's days carry their Gregorian day
        return grid.locator(f"td[data-day='{day.isoformat()}']")

    expect(cell(_day(12)).locator(f"[data-activity-id='{meeting}']")).to_have_count(1)
    expect(entry(call)).to_have_attribute("data-owner", MATE)  # the team's calendar shows Behnam's too
    expect(grid.get_by_test_id("calendar-task")).to_have_count(0)

    # dragged from the 12th to the 16th: same hour in Tehran, the reminder as much later
    entry(meeting).drag_to(cell(_day(16)))
    expect(page.get_by_test_id("toast").filter(has_text="جلسهٔ جابه‌جایی")).to_contain_text("منتقل شد")
    expect(cell(_day(16)).locator(f"[data-activity-id='{meeting}']")).to_have_count(1)
    expect(cell(_day(12)).locator(f"[data-activity-id='{meeting}']")).to_have_count(0)
    expect(entry(meeting).locator(".cal-time")).to_have_text("۱۰:۳۰")
    shot(page, "calendar-fa-dragged")

    # Behnam's call is his: it is shown, but not offered to move (a drag of it moves nothing)
    expect(entry(call)).not_to_have_attribute("draggable", "true")
    expect(entry(call).get_by_test_id("calendar-move")).to_have_count(0)
    entry(call).drag_to(cell(_day(17)))
    expect(cell(_day(13)).locator(f"[data-activity-id='{call}']")).to_have_count(1)

    # from the keyboard: the to-do's "Move…" button, a Jalali day in Persian digits, Enter
    move = entry(todo).get_by_test_id("calendar-move")
    expect(move).to_have_accessible_name("انتقال «ارسال نمونه» به روزی دیگر")
    move.focus()
    page.keyboard.press("Enter")
    box = page.get_by_test_id("calendar-move-day")
    expect(box).to_be_focused()
    target = jdatetime.date.fromgregorian(date=_day(18))
    box.fill(_persian_digits(f"{target.year}/{target.month:02d}/{target.day:02d}"))
    expect(page.get_by_test_id("calendar-move-preview")).to_contain_text(_persian_digits(str(target.year)))
    shot(page, "calendar-fa-move-dialog")
    page.keyboard.press("Enter")
    expect(cell(_day(18)).locator(f"[data-activity-id='{todo}']")).to_have_count(1)
    expect(page.get_by_test_id("toast").filter(has_text="ارسال نمونه")).to_contain_text("منتقل شد")

    found = {item["id"]: item for item in _ok(server.call("GET", records, "admin"))["items"]}

    def moment(number: int, name: str) -> datetime:
        return datetime.fromisoformat(found[number][name]).astimezone(TEHRAN)

    assert moment(meeting, "due_at") == _at(_day(16), 10, 30)
    assert moment(meeting, "remind_at") == _at(_day(16), 10, 0)
    assert moment(call, "due_at") == _at(_day(13), 14, 15)
    assert moment(todo, "due_at") == _at(_day(18), 16, 45)
