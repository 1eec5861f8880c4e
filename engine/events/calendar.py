"""Business calendars: an SLA may count working time only.

A calendar names its time zone, working hours per weekday, and public holidays. The composition root builds
the installation's calendar from its settings (``make_calendar``) and hands it over with ``configure``; the
engine reads no settings itself. Timer expressions reach it as ``working_time("PT8H")`` (the configured
calendar) or ``working_time("P2D", "en")``, which returns the ISO 8601 date-time that many working hours/days
after now: write it in a timer's ``timeDate`` or a task's due date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import ScriptError
from engine.spiff import iso

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


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python's weekday numbers, Monday = 0
PERSIAN_WEEKDAYS = ("دوشنبه", "سهشنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")  # without their ZWNJ
_PART = re.compile(r"(?P<days>.+?)\s+(?P<window>\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})")
_WINDOW = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
# Persian and Arabic-Indic digits, Arabic yeh and kaf, the Persian comma; ZWNJ and spaces inside a day's name go
_PLAIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩يك،", "01234567890123456789یک,")


def parse_week(text: str) -> dict[int, tuple[time, time]]:
    """``"sat-wed 08:00-16:00, thu 08:00-12:00"`` → weekday → (opening, closing), also written in Persian
    (``«شنبه تا چهارشنبه ۰۸:۰۰-۱۶:۰۰، پنجشنبه ۰۸:۰۰-۱۲:۰۰»``: Persian or Arabic letters and digits, ``-`` or
    ``تا``). A part is a day or a range of days (``sat-wed`` runs across the week's end) and one window; a day
    named twice, a window that does not close after it opens, or no working day at all is a ``ValueError``."""
    hours: dict[int, tuple[time, time]] = {}
    for part in (p.strip() for p in str(text).translate(_PLAIN).split(",")):
        found = _PART.fullmatch(part)
        if not found:
            raise ValueError(f"{part!r} is not 'day[-day] HH:MM-HH:MM' (e.g. 'sat-wed 08:00-16:00')")
        window = _WINDOW.fullmatch(found["window"])
        try:
            opens, closes = time(int(window[1]), int(window[2])), time(int(window[3]), int(window[4]))
        except ValueError:
            raise ValueError(f"{found['window']!r} is not a time window") from None
        if closes <= opens:
            raise ValueError(f"{found['window']!r} closes before it opens")
        for day in _days(found["days"].lower()):
            if day in hours:
                raise ValueError(f"{WEEKDAYS[day]} is named twice")
            hours[day] = (opens, closes)
    return hours


def _day(name: str) -> int:
    name = re.sub(r"[\s\u200c]", "", name)
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    if name in PERSIAN_WEEKDAYS:
        return PERSIAN_WEEKDAYS.index(name)
    raise ValueError(name)


def _days(text: str) -> list[int]:
    first, _, last = re.sub(r"\s+تا\s+", "-", text.strip()).partition("-")
    try:
        begin, end = _day(first), _day(last or first)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a day or range of days ({', '.join(WEEKDAYS)})") from None
    return [(begin + step) % 7 for step in range((end - begin) % 7 + 1)]


def make_calendar(zone: str, week: str, country: str | None = None,
                  holidays: Iterable[date] = ()) -> WorkCalendar:
    """A calendar from its settings; ``ValueError`` naming what is wrong (zone, week or country)."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r} (e.g. Asia/Tehran)") from None
    hours = parse_week(week)
    if country:
        import holidays as holiday_tables

        if country not in holiday_tables.list_supported_countries():
            raise ValueError(f"no public holidays are known for the country {country!r} (e.g. IR)")
    return WorkCalendar(zone, hours, country or None, frozenset(holidays))


IRAN = make_calendar("Asia/Tehran", "sat-wed 08:00-16:00, thu 08:00-12:00", "IR")
WEEKDAYS_UTC = make_calendar("UTC", "mon-fri 09:00-17:00")
DEFAULT_NAME = "work"
_configured: dict[str, Any] = {DEFAULT_NAME: IRAN, "spec": None}


def configure(default: WorkCalendar) -> None:
    """The working calendar of this installation: ``working_time`` uses it unless a diagram names another."""
    _configured[DEFAULT_NAME], _configured["spec"] = default, None


def calendars() -> dict[str, WorkCalendar]:
    """The calendars diagrams may name: ``work`` (the configured one, the default), ``fa`` (the same: the name
    diagrams used before the calendar was a setting) and ``en`` (Monday to Friday 09:00–17:00 UTC)."""
    return {DEFAULT_NAME: _configured[DEFAULT_NAME], "fa": _configured[DEFAULT_NAME], "en": WEEKDAYS_UTC}


def spec() -> dict[str, Any]:
    """The configured calendar as JSON-able data, for the script worker processes."""
    if _configured["spec"] is None:
        _configured["spec"] = _spec_of(_configured[DEFAULT_NAME])
    return _configured["spec"]


def _spec_of(work: WorkCalendar) -> dict[str, Any]:
    return {"zone": work.zone, "country": work.country, "holidays": sorted(d.isoformat() for d in work.extra_holidays),
            "hours": {str(day): [opens.isoformat(), closes.isoformat()] for day, (opens, closes) in work.hours.items()}}


def use_spec(data: Mapping[str, Any] | None) -> None:
    """Configure from ``spec()``'s data (in a script worker); nothing changes for None or the same data."""
    if not data or data == spec():
        return
    hours = {int(day): (time.fromisoformat(w[0]), time.fromisoformat(w[1])) for day, w in data["hours"].items()}
    configure(WorkCalendar(data["zone"], hours, data.get("country"),
                           frozenset(date.fromisoformat(d) for d in data.get("holidays", ()))))


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


def working_time(duration: str, calendar: str | None = None, start: str | None = None) -> str:
    """The ISO date-time ``duration`` (ISO 8601: ``PT8H``, ``P2D``) of working time after ``start`` (now), on the
    named calendar (the configured one by default). A day is the longest working day of the week."""
    known = calendars()
    chosen = known.get(calendar or DEFAULT_NAME)
    if chosen is None:
        raise ScriptError(f"no calendar {calendar!r} (known: {', '.join(known)})")
    try:
        parsed = iso.duration_parts(duration)
        begin = datetime.fromisoformat(start) if start else datetime.now(UTC)
    except (ValueError, TypeError) as exc:
        raise ScriptError(f"{duration!r} is not an ISO 8601 duration") from exc
    days = timedelta(days=parsed.get("days", 0) + 7 * parsed.get("weeks", 0))
    hours = timedelta(hours=parsed.get("hours", 0), minutes=parsed.get("minutes", 0), seconds=parsed.get("seconds", 0))
    day_length = max(datetime.combine(date.min, closes) - datetime.combine(date.min, opens)
                     for opens, closes in chosen.hours.values())
    return chosen.add(begin.astimezone(UTC), hours + day_length * (days / timedelta(days=1))).isoformat()
