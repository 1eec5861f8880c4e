"""Quiet hours: the part of the day (in the working time zone) when no customer is woken by an SMS.

``"21:00-08:00"`` runs past midnight; ``""`` means none. A message queued inside the quiet hours waits
until they end."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WINDOW = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


def parse_quiet_hours(text: str | None) -> tuple[time, time] | None:
    """(start, end) of ``"21:00-08:00"``; None for ``""``; ``ValueError`` for anything else."""
    if not text or not text.strip():
        return None
    found = _WINDOW.fullmatch(text.strip())
    try:
        if not found:
            raise ValueError
        start, end = time(int(found[1]), int(found[2])), time(int(found[3]), int(found[4]))
    except ValueError:
        raise ValueError(f"quiet hours {text!r} are not 'HH:MM-HH:MM' (e.g. 21:00-08:00)") from None
    if start == end:
        raise ValueError(f"quiet hours {text!r} start and end at the same time")
    return start, end


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (e.g. Asia/Tehran)") from None


def quiet_until(now: datetime, quiet_hours: str | None, zone: str | None) -> datetime | None:
    """The end of the quiet hours (aware UTC) if ``now`` lies inside them, else None."""
    window = parse_quiet_hours(quiet_hours)
    if window is None:
        return None
    start, end = window
    local = now.astimezone(zone_of(zone))
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if (start < end or clock < end) else local.date() + timedelta(days=1)
    return datetime.combine(day, end, local.tzinfo).astimezone(UTC)
