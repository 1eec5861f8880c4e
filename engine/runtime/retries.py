"""Retrying failed service tasks with a back-off, as Camunda's ``camunda:failedJobRetryTimeCycle``
(``R3/PT1M``: three more tries, one minute apart) says per task. While tries remain, the token
waits at the task and a retry timer is due; when they are used up, the failure is an incident
that a person retries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.errors import ScriptError

RETRY = "ravand:retry"  # the timer expression that marks a retry timer
_CYCLE = re.compile(r"^\s*R(\d+)/(P\S+)\s*$")
ATTEMPTS = "ravand_attempts"


def parse_cycle(text: str) -> tuple[int, timedelta]:
    """``R3/PT1M`` → (3, one minute)."""
    match = _CYCLE.match(text or "")
    if not match:
        raise ScriptError(f"retry cycle {text!r} is not of the form R3/PT1M")
    duration = TimerEventDefinition.parse_iso_duration(match.group(2))
    return int(match.group(1)), TimerEventDefinition.get_timedelta_from_start(duration)


def next_retry(cycle: str | None, attempts: int, now: datetime) -> datetime | None:
    """When to try again after the ``attempts``-th failure, or None when no tries remain."""
    if not cycle:
        return None
    tries, pause = parse_cycle(cycle)
    return now + pause if attempts <= tries else None
