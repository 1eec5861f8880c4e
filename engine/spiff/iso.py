"""ISO 8601 dates, durations and cycles read as SpiffWorkflow reads them in timer events, so a due time Ravand
computes (start timers, retries, due dates, working time) agrees with the one SpiffWorkflow computes for the
same text inside an instance. Every caller outside the adapter reads ISO text through these functions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as _Timer


def duration_parts(text: str) -> dict[str, Any]:
    """``P1DT2H`` → its parts (``{"days": 1, "hours": 2}``); ValueError when it is not a duration."""
    return _Timer.parse_iso_duration(text)


def duration_after(parts: dict[str, Any], start: datetime | None = None) -> timedelta:
    """How long ``parts`` last from ``start`` (months and years count from that day)."""
    return _Timer.get_timedelta_from_start(parts, start)


def after(start: datetime, text: str) -> datetime:
    """The moment the duration ``text`` ends when it starts at ``start``."""
    return start + duration_after(duration_parts(text), start)


def moment(text: str) -> datetime:
    """An ISO date-time (``2026-12-01T09:00:00Z``)."""
    return _Timer.get_datetime(text)


def moment_or_duration(text: str) -> datetime:
    """A date-time, or a duration counted from now (what a ``timeDate`` timer may hold)."""
    return _Timer.parse_time_or_duration(text)


def cycle(text: str) -> tuple[int, datetime, timedelta]:
    """``R3/2026-12-01T09:00:00Z/P1D`` → (repetitions, -1 for unbounded; first start; period)."""
    return _Timer.parse_iso_recurring_interval(text)
