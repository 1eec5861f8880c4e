"""Business calendars: an SLA may count working time only.

A calendar names its time zone, working hours per weekday, and public holidays. Timer expressions
reach it as ``working_time("PT8H")`` (Persian calendar) or ``working_time("P2D", "en")``, which
returns the ISO 8601 date-time that many working hours/days after now: write it in a timer's
``timeDate``. A working day counts as the length of that weekday's hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.errors import ScriptError

MAX_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    zone: str
    hours: dict[int, tuple[time, time]]  # weekday (Monday = 0) → opening, closing
    country: str | None = None
    extra_holidays: frozenset[date] = field(default_factory=frozenset)

    def is_holiday(self, day: date) -> bool:
        return day in self.extra_holidays or (self.country is not None and day in _holidays(self.country, day.year))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """``start`` plus ``duration`` of working time."""
        zone = ZoneInfo(self.zone)
        cursor, left = start.astimezone(zone), duration
        for _ in range(MAX_DAYS):
            window = self.hours.get(cursor.weekday())
            if window and not self.is_holiday(cursor.date()):
                opens = datetime.combine(cursor.date(), window[0], zone)
                closes = datetime.combine(cursor.date(), window[1], zone)
                begin = max(cursor, opens)
                if begin < closes:
                    if begin + left <= closes:
                        return (begin + left).astimezone(UTC)
                    left -= closes - begin
            cursor = datetime.combine(cursor.date() + timedelta(days=1), time(0), zone)
        raise ScriptError("the calendar has no working time within ten years")


WORKDAY = (time(8), time(16))
CALENDARS = {
    # Iran: Saturday to Wednesday full days, Thursday morning, Friday off; Iranian public holidays
    "fa": WorkCalendar("Asia/Tehran", {5: WORKDAY, 6: WORKDAY, 0: WORKDAY, 1: WORKDAY, 2: WORKDAY,
                                       3: (time(8), time(12))}, country="IR"),
    "en": WorkCalendar("UTC", dict.fromkeys(range(5), (time(9), time(17)))),
}


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


def working_time(duration: str, calendar: str = "fa", start: str | None = None) -> str:
    """The ISO date-time ``duration`` (ISO 8601: ``PT8H``, ``P2D``) of working time after ``start`` (now)."""
    chosen = CALENDARS.get(calendar)
    if chosen is None:
        raise ScriptError(f"no calendar {calendar!r} (known: {', '.join(CALENDARS)})")
    try:
        parsed = TimerEventDefinition.parse_iso_duration(duration)
        begin = datetime.fromisoformat(start) if start else datetime.now(UTC)
    except (ValueError, TypeError) as exc:
        raise ScriptError(f"{duration!r} is not an ISO 8601 duration") from exc
    days = timedelta(days=parsed.get("days", 0) + 7 * parsed.get("weeks", 0))
    hours = timedelta(hours=parsed.get("hours", 0), minutes=parsed.get("minutes", 0), seconds=parsed.get("seconds", 0))
    window = next(iter(chosen.hours.values()))
    day_length = datetime.combine(date.min, window[1]) - datetime.combine(date.min, window[0])
    return chosen.add(begin.astimezone(UTC), hours + day_length * (days / timedelta(days=1))).isoformat()
