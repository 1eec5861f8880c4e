"""Business calendars: SLAs that count working time only."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from engine import sandbox
from engine.events import calendar
from engine.events.calendar import calendars, make_calendar, parse_week, working_time
from engine.sandbox import compile_expression
from tests.engine import bpmn
from tests.engine.helpers import Harness


def test_persian_week_and_thursday_morning():
    # Thursday 10:00 Tehran: 2 hours left that morning, Friday off, Saturday from 08:00 → 14:00
    assert working_time("PT8H", "fa", "2026-11-26T10:00:00+03:30") == "2026-11-28T10:30:00+00:00"


def test_iranian_holiday_is_skipped():
    # 2027-03-21 (Nowruz) is a Sunday and a holiday: work resumes on the next working day
    due = datetime.fromisoformat(working_time("PT1H", "fa", "2027-03-20T15:30:00+03:30"))
    assert due.date() > datetime(2027, 3, 21, tzinfo=UTC).date()
    assert calendars()["fa"].is_holiday(datetime(2027, 3, 21).date())


def test_english_weekend_and_days():
    assert working_time("PT1H", "en", "2026-11-27T16:30:00+00:00") == "2026-11-30T09:30:00+00:00"
    assert working_time("P1D", "en", "2026-11-23T09:00:00+00:00") == "2026-11-23T17:00:00+00:00"


def test_available_in_expressions_and_timers(db):
    assert compile_expression('working_time("PT1H", "en", "2026-11-23T09:00:00+00:00")').evaluate({}) \
        == "2026-11-23T10:00:00+00:00"
    h = Harness(db)
    body = (bpmn.start() + '<bpmn:intermediateCatchEvent id="sla"><bpmn:timerEventDefinition><bpmn:timeDate>'
            'working_time("PT4H")</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            + bpmn.end() + bpmn.chain("start", "sla", "end"))
    h.deploy([("cal.bpmn", bpmn.diagram("cal", body))])
    instance = h.start("cal")
    assert instance.active_elements == ["sla"]
    from sqlalchemy import select

    from engine.store.models import Timer
    with db.sessions() as s:
        due = s.scalar(select(Timer.due_at))
    assert due > datetime.now(UTC)


@pytest.fixture
def restore_calendar():
    before = calendars()["work"]
    yield
    calendar.configure(before)


def test_the_week_is_read_from_text():
    assert parse_week("sat-wed 08:00-16:00, thu 08:00-12:00") == {
        5: (time(8), time(16)), 6: (time(8), time(16)), 0: (time(8), time(16)), 1: (time(8), time(16)),
        2: (time(8), time(16)), 3: (time(8), time(12))}
    assert parse_week("Mon-Fri 9:00-17:30") == dict.fromkeys(range(5), (time(9), time(17, 30)))
    assert parse_week("fri-mon 10:00-14:00") == dict.fromkeys((4, 5, 6, 0), (time(10), time(14)))


@pytest.mark.parametrize("week", [
    "شنبه-چهارشنبه ۰۸:۰۰-۱۶:۰۰، پنج‌شنبه ۰۸:۰۰-۱۲:۰۰",  # Persian digits and comma, a ZWNJ in پنج‌شنبه
    "شنبه تا چهارشنبه 08:00-16:00, پنجشنبه 08:00-12:00",  # «تا», Latin digits, no ZWNJ
    "شنبه - چهارشنبه ٠٨:٠٠-١٦:٠٠ ، پنج شنبه ٠٨:٠٠-١٢:٠٠",  # Arabic-Indic digits, a space inside a day's name
])
def test_the_week_is_read_in_persian(week):
    assert parse_week(week) == parse_week("sat-wed 08:00-16:00, thu 08:00-12:00")
    assert parse_week("يكشنبه ۰۹:۰۰-۱۰:۰۰") == {6: (time(9), time(10))}  # Arabic yeh and kaf


@pytest.mark.parametrize(("week", "says"), [
    ("", "not 'day"), ("sat-wed", "not 'day"), ("someday 08:00-16:00", "not a day"),
    ("sat 16:00-08:00", "closes before it opens"), ("sat 08:00-25:00", "not a time window"),
    ("sat-wed 08:00-16:00, mon 08:00-12:00", "mon is named twice"),
])
def test_a_wrong_week_is_a_clear_error(week, says):
    with pytest.raises(ValueError, match=says):
        parse_week(week)


def test_wrong_zone_or_country_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown time zone"):
        make_calendar("Mars/Olympus", "mon-fri 09:00-17:00")
    with pytest.raises(ValueError, match="country 'XX'"):
        make_calendar("UTC", "mon-fri 09:00-17:00", "XX")


def test_the_configured_calendar_is_the_default(restore_calendar):
    start = "2026-11-23T09:00:00+00:00"  # a Monday
    assert working_time("PT4H", start=start) == working_time("PT4H", "fa", start=start)  # the shipped default
    calendar.configure(make_calendar("UTC", "mon-thu 09:00-13:00", holidays=[date(2026, 11, 24)]))
    # Monday 09:00 + 6 working hours: 4 on Monday, Tuesday a holiday, 2 on Wednesday
    assert working_time("PT6H", start=start) == "2026-11-25T11:00:00+00:00"
    assert working_time("PT6H", "work", start) == working_time("PT6H", "fa", start)
    assert working_time("P1D", start="2026-11-26T09:00:00+00:00") == "2026-11-26T13:00:00+00:00"
    with pytest.raises(Exception, match="no calendar 'mars'"):
        working_time("PT1H", "mars")


def test_script_workers_count_on_the_configured_calendar(restore_calendar):
    """Scripts run in separate worker processes: they must see the calendar the server configured."""
    calendar.configure(make_calendar("UTC", "mon-thu 09:00-13:00", holidays=[date(2026, 11, 24)]))
    box = sandbox.Sandbox(calendar=calendar.spec)  # as the composition root builds it
    box.configure(isolate=True, workers=1)
    script = sandbox.compile_script('due = working_time("PT6H", None, "2026-11-23T09:00:00+00:00")')
    try:
        assert script.execute({}, box)["due"] == "2026-11-25T11:00:00+00:00"
        calendar.configure(make_calendar("UTC", "mon-fri 09:00-17:00"))
        assert script.execute({}, box)["due"] == "2026-11-23T15:00:00+00:00"
    finally:
        box.shutdown()
