"""The engine's one source of "now" (UTC, timezone-aware), SpiffWorkflow's timer events included
(``engine.spiff.fixes`` points them here). The wall clock unless a caller sets another source, as a test
does to bring timers due without waiting for them, or a simulation to replay a week in seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


def _wall() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _wall


def utcnow() -> datetime:
    return _source()


@contextmanager
def shifted() -> Iterator[Callable[[float], None]]:
    """Within the block, now is the wall clock plus what was added with the function it yields
    (``advance(1.2)``: 1.2 seconds later); afterwards, the wall clock again."""
    global _source
    offset = timedelta()

    def advance(seconds: float) -> None:
        nonlocal offset
        offset += timedelta(seconds=seconds)

    _source = lambda: _wall() + offset  # noqa: E731
    try:
        yield advance
    finally:
        _source = _wall


def as_utc(value: datetime | None) -> datetime | None:
    """Databases without time zones hand back naive datetimes: they are UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
