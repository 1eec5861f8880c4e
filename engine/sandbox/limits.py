"""Sandbox layer 1, run side: the limits and the per-run budget (iterations, deadline, memory).

The rewritten code ticks the budget at every loop iteration, comprehension item and function
call, and checks the deadline before other calls. ``zip`` and ``map`` are replaced by versions
that tick per item, because several iterables multiply the work done in one C-level call.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from engine.errors import SandboxViolation

MEMORY_CHECK_INTERVAL_S = 0.01


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 2.0
    memory_mb: int = 256
    max_iterations: int = 1_000_000
    workers: int = 2
    isolate: bool = True
    expression_timeout_s: float = 0.5

    def for_expressions(self) -> Limits:
        """The limits an expression's run uses: its own (shorter) time limit."""
        return replace(self, timeout_s=self.expression_timeout_s)



def rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class Budget:
    """Counts loop iterations and calls of one run and enforces its deadline and memory growth."""

    __slots__ = ("_base_rss", "_count", "_deadline", "_kind", "_limits", "_next_memory_check")

    def __init__(self, limits: Limits, kind: str = "script") -> None:
        self._limits = limits
        self._kind = kind  # what messages call the code: "script" or "expression"
        self._count = 0
        started = time.monotonic()
        self._deadline = started + limits.timeout_s
        # Short runs (most of them) never pay for reading /proc; the baseline is taken 10 ms in.
        self._next_memory_check = started + MEMORY_CHECK_INTERVAL_S
        self._base_rss: int | None = None

    @property
    def limits(self) -> Limits:
        return self._limits

    def tick(self) -> None:
        self._count += 1
        if self._count > self._limits.max_iterations:
            raise SandboxViolation(
                f"{self._kind} exceeded the limit of {self._limits.max_iterations:,} loop iterations and calls"
            )
        now = time.monotonic()
        if now > self._deadline:
            raise time_limit(self._limits, self._kind)
        if now >= self._next_memory_check:
            self._check_memory(now)

    def clock(self, func: Any) -> Any:
        """Deadline check before a call; returns ``func`` unchanged."""
        if time.monotonic() > self._deadline:
            raise time_limit(self._limits, self._kind)
        return func

    def _check_memory(self, now: float) -> None:
        self._next_memory_check = now + MEMORY_CHECK_INTERVAL_S
        rss = rss_bytes()
        if rss is None:
            self._next_memory_check = math.inf
        elif self._base_rss is None:
            self._base_rss = rss
        elif rss - self._base_rss > self._limits.memory_mb * 1024 * 1024:
            raise SandboxViolation(f"{self._kind} exceeded its memory limit of {self._limits.memory_mb} MB")


def time_limit(limits: Limits, kind: str = "script") -> SandboxViolation:
    return SandboxViolation(f"{kind} exceeded its time limit of {limits.timeout_s} s")


_active = threading.local()


def activate(budget: Budget | None) -> Budget | None:
    """Make ``budget`` the current thread's running budget; return the previous one."""
    previous = getattr(_active, "budget", None)
    _active.budget = budget
    return previous


def _ticking(items: Iterator, tick: Callable[[], None]) -> Iterator:
    for item in items:
        tick()
        yield item


def active_limits() -> Limits:
    """The limits of the run going on in this thread (the defaults outside a run that counts its work)."""
    budget = getattr(_active, "budget", None)
    return budget.limits if budget is not None else Limits()


def _tick_of_active_run() -> Callable[[], None] | None:
    budget = getattr(_active, "budget", None)
    return budget.tick if budget is not None else None


def checked_zip(*iterables: Iterable, strict: bool = False) -> Iterator:
    tick = _tick_of_active_run()
    items = zip(*iterables, strict=strict)
    return items if tick is None else _ticking(items, tick)


def checked_map(function: Callable, *iterables: Iterable) -> Iterator:
    tick = _tick_of_active_run()
    items = map(function, *iterables)
    return items if tick is None else _ticking(items, tick)
