"""Retrying failed service tasks with a back-off, as Camunda's ``camunda:failedJobRetryTimeCycle``
(``R3/PT1M``: three more tries, one minute apart) says per task. While tries remain, the token
waits at the task and a retry timer is due; when they are used up, the failure is an incident
that a person retries."""

from __future__ import annotations

from datetime import datetime

from engine.definitions.durations import parse_cycle

ATTEMPTS = "ravand_attempts"


def next_retry(cycle: str | None, attempts: int, now: datetime) -> datetime | None:
    """When to try again after the ``attempts``-th failure, or None when no tries remain."""
    if not cycle:
        return None
    tries, pause = parse_cycle(cycle)
    return now + pause if attempts <= tries else None
