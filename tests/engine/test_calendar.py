"""Business calendars: SLAs that count working time only."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.calendar import CALENDARS, working_time
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
    assert CALENDARS["fa"].is_holiday(datetime(2027, 3, 21).date())


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

    from engine.models import Timer
    with db.sessions() as s:
        due = s.scalar(select(Timer.due_at))
    assert due > datetime.now(UTC)
