"""When timer start events fire: ISO 8601 dates, durations and cycles (``R3/PT1H``,
``R/2026-12-01T09:00:00Z/P1D``) and cron cycles (5-field crontab or Camunda's Quartz 6/7 fields)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import as_utc
from engine.definitions.dialect import expression_body
from engine.errors import ScriptError


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
            return as_utc(TimerEventDefinition.get_datetime(text)), None
        if kind == "timeDuration":
            duration = TimerEventDefinition.parse_iso_duration(text)
            return now + TimerEventDefinition.get_timedelta_from_start(duration, now), None
        if is_cron(text):
            return as_utc(_cron(text).get_next_fire_time(None, now)), -1
        cycles, start, _ = TimerEventDefinition.parse_iso_recurring_interval(text)
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
    _, _, duration = TimerEventDefinition.parse_iso_recurring_interval(text)
    return previous + duration, remaining - 1 if remaining > 0 else -1
