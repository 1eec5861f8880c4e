"""Complaint deadlines in working time: when a tier's SLA runs out and when to warn before it, how much working
time is left when the clock stops (waiting for the customer), and how much working time a step took."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.events.calendar import calendars, working_time

DEFAULT_WARN = 0.75  # warn when this share of the SLA is used (the DMN's warn_fraction overrides it)


def _calendar(name: str | None) -> Any:
    known = calendars()
    return known.get(name or "work") or known["work"]


def working_seconds(start: datetime, end: datetime, calendar: str | None = None) -> int:
    """The working time between two instants, in seconds (0 when ``end`` is not after ``start``)."""
    chosen = _calendar(calendar)
    zone = ZoneInfo(chosen.zone)
    cursor, stop, total = start.astimezone(zone), end.astimezone(zone), 0.0
    while cursor < stop:
        window = chosen.hours.get(cursor.weekday())
        if window and not chosen.is_holiday(cursor.date()):
            opens = datetime.combine(cursor.date(), window[0], zone)
            closes = datetime.combine(cursor.date(), window[1], zone)
            begin, finish = max(cursor, opens), min(stop, closes)
            if finish > begin:
                total += (finish - begin).total_seconds()
        cursor = datetime.combine(cursor.date() + timedelta(days=1), time(0), zone)
    return int(total)


def seconds_of(duration: str, calendar: str | None = None) -> int:
    """An ISO 8601 duration of working time (``PT8H``, ``P2D``) in working seconds: the span ``working_time``
    adds, measured from a moment just before a working day opens."""
    chosen = _calendar(calendar)
    day = next(d for d in range(7) if d in chosen.hours)
    monday = datetime(2001, 1, 1, tzinfo=ZoneInfo(chosen.zone))  # a Monday with no holiday of note
    begin = datetime.combine((monday + timedelta(days=(day - monday.weekday()) % 7 + 7)).date(),
                             chosen.hours[day][0], ZoneInfo(chosen.zone))
    while chosen.is_holiday(begin.date()):
        begin += timedelta(days=7)
    end = datetime.fromisoformat(working_time(duration, calendar, begin.astimezone(UTC).isoformat()))
    return working_seconds(begin, end, calendar)


def deadline(seconds: int, calendar: str | None = None, start: datetime | None = None,
             warn_fraction: float = DEFAULT_WARN) -> tuple[str, str]:
    """(due, warn at) as ISO date-times: ``seconds`` of working time after ``start`` (now), and the share
    ``warn_fraction`` of it."""
    begin = (start or datetime.now(UTC)).astimezone(UTC).isoformat()
    fraction = min(max(float(warn_fraction), 0.05), 0.99)
    due = working_time(f"PT{max(int(seconds), 1)}S", calendar, begin)
    warn = working_time(f"PT{max(int(seconds * fraction), 1)}S", calendar, begin)
    return due, warn
