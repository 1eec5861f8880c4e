"""When timer start events fire: ISO 8601 dates, durations and cycles (``R3/PT1H``,
``R/2026-12-01T09:00:00Z/P1D``) and cron cycles (5-field crontab or Camunda's Quartz 6/7 fields)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from engine.clock import as_utc
from engine.definitions.dialect import expression_body
from engine.errors import ScriptError
from engine.spiff import iso

_CYCLE = re.compile(r"^\s*R(\d+)/(P\S+)\s*$")  # a retry cycle


def _literal(expression: str) -> str:
    text = expression.strip()
    body = expression_body(text)
    if body is not None:
        text = body
    return text.strip().strip("'\"")


def _cron(text: str) -> CronTrigger:
    fields = text.split()
    if len(fields) == 5:
        return CronTrigger.from_crontab(text, timezone=UTC)
    if len(fields) in {6, 7}:
        second, minute, hour, day, month, weekday = (f.replace("?", "*") for f in fields[:6])
        weekday = weekday if weekday == "*" else _quartz_weekday(weekday)
        year = fields[6] if len(fields) == 7 else None
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                           year=year, timezone=UTC)
    raise ScriptError(f"{text!r} is not a cron expression")


def _quartz_weekday(value: str) -> str:
    """Quartz counts 1=Sunday … 7=Saturday; APScheduler 0=Monday … 6=Sunday (names work in both)."""
    def convert(token: str) -> str:
        return str((int(token) + 5) % 7) if token.isdigit() else token

    return ",".join("-".join(convert(p) for p in part.split("-")) for part in value.split(","))


def is_cron(text: str) -> bool:
    return len(text.split()) in {5, 6, 7} and not text.startswith(("R", "P"))


def first_due(kind: str, expression: str, now: datetime) -> tuple[datetime | None, int | None]:
    """(first due time, remaining cycles after it: None for unbounded or one-shot)."""
    text = _literal(expression)
    try:
        if kind == "timeDate":
            return as_utc(iso.moment(text)), None
        if kind == "timeDuration":
            return iso.after(now, text), None
        if is_cron(text):
            return as_utc(_cron(text).get_next_fire_time(None, now)), -1
        cycles, start, _ = iso.cycle(text)
        return as_utc(max(start, now)), cycles - 1 if cycles > 0 else -1
    except ScriptError:
        raise
    except Exception as exc:
        raise ScriptError(f"timer {text!r} cannot be read: {exc}") from exc


def next_due(expression: str, previous: datetime, remaining: int | None) -> tuple[datetime | None, int | None]:
    """The next firing of a cycle after ``previous``; None when the cycle is done."""
    text = _literal(expression)
    if remaining is None or remaining == 0:
        return None, None
    if is_cron(text):
        return as_utc(_cron(text).get_next_fire_time(previous, previous + timedelta(seconds=1))), -1
    _, _, duration = iso.cycle(text)
    return previous + duration, remaining - 1 if remaining > 0 else -1


def parse_cycle(text: str) -> tuple[int, timedelta]:
    """A retry cycle (``camunda:failedJobRetryTimeCycle``): ``R3/PT1M`` → (3, one minute)."""
    match = _CYCLE.match(text or "")
    if not match:
        raise ScriptError(f"retry cycle {text!r} is not of the form R3/PT1M")
    duration = iso.duration_parts(match.group(2))
    return int(match.group(1)), iso.duration_after(duration)
