"""A small sliding-window rate limiter (per process) for the sign-in and portal routes."""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app


class RateLimiter:
    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > self.window_s:
            hits.popleft()
        return hits

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._hits) > 10_000:  # forget idle keys
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] <= self.window_s}


def limiter(name: str, limit: int, window_s: float) -> RateLimiter:
    """The application's limiter called ``name`` (``limit`` hits per ``window_s`` seconds per key), made on
    first use and shared by every thread of the app."""
    limiters: dict[str, RateLimiter] = current_app.extensions.setdefault("ravand.limiters", {})
    found = limiters.get(name)
    return found if found is not None else limiters.setdefault(name, RateLimiter(limit, window_s))
