"""Rate limits counted in the database, so every worker and every server process shares them.

Each key counts hits in fixed windows (a row of ``rate_limit_hit`` per key and window), incremented by one
atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on SQLite and PostgreSQL alike, so concurrent
requests each see a distinct count. A hit is allowed while the current window's count plus the previous
window's, weighted by how much of it still overlaps the last ``window_s`` seconds (rounded up), stays within
the limit: a sliding window without a row per hit. Keys are stored as SHA-256 digests (no addresses or
user names in the table); windows past use are pruned now and then by whoever hits next."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Connection, Engine, Executable, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from api.identity.models import RateLimitHit

HITS = RateLimitHit.__table__
PRUNE_EVERY_S = 60.0


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` hits per ``window_s`` seconds for each key of this name."""

    name: str
    limit: int
    window_s: int = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    at: float  # the moment counted (epoch seconds): a refund takes the hit back from that window
    retry_after_s: int = 0


def _digest(limit: Limit, key: str) -> str:
    return hashlib.sha256(f"{limit.name}\x00{key}".encode()).hexdigest()


class RateLimiter:
    """The limits of one database; ``clock`` gives epoch seconds (shared by every process, unlike a
    monotonic clock)."""

    def __init__(self, database: Engine, clock: Callable[[], float] = time.time) -> None:
        self.database, self.clock = database, clock
        self._pruned_at = 0.0
        self._lock = threading.Lock()

    def hit(self, pairs: Sequence[tuple[Limit, str]]) -> Verdict:
        """Count one hit on every (limit, key), in one transaction; refused if any is over its limit."""
        now = float(self.clock())
        with self.database.begin() as connection:
            refused = [limit for limit, key in pairs if not _within(connection, limit, key, now)]
            self._maybe_prune(connection, now)
        return Verdict(not refused, now, max((limit.window_s for limit in refused), default=0))

    def refund(self, pairs: Sequence[tuple[Limit, str]], at: float) -> None:
        """Take back the hits counted at ``at`` (a sign-in that succeeded is not a failure)."""
        with self.database.begin() as connection:
            for limit, key in pairs:
                start = int(at // limit.window_s) * limit.window_s
                connection.execute(update(HITS).where(HITS.c.key == _digest(limit, key), HITS.c.window_start == start,
                                                      HITS.c.hits > 0).values(hits=HITS.c.hits - 1))

    def _maybe_prune(self, connection: Connection, now: float) -> None:
        with self._lock:
            if now - self._pruned_at < PRUNE_EVERY_S:
                return
            self._pruned_at = now
        connection.execute(delete(HITS).where(HITS.c.expires < int(now)))


def _within(connection: Connection, limit: Limit, key: str, now: float) -> bool:
    digest, window = _digest(limit, key), limit.window_s
    start = int(now // window) * window
    current = connection.execute(_upsert(connection, digest, start, window)).scalar_one()
    previous = connection.scalar(select(HITS.c.hits).where(HITS.c.key == digest,
                                                           HITS.c.window_start == start - window)) or 0
    overlap = 1.0 - (now - start) / window
    return current + math.ceil(previous * overlap) <= limit.limit


def _upsert(connection: Connection, digest: str, start: int, window: int) -> Executable:
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(HITS).values(key=digest, window_start=start, hits=1, expires=start + 2 * window)
    return statement.on_conflict_do_update(index_elements=[HITS.c.key, HITS.c.window_start],
                                           set_={"hits": HITS.c.hits + 1}).returning(HITS.c.hits)


def limiter() -> RateLimiter:
    """The application's limiter, on its database (made on first use)."""
    found = current_app.extensions.get("ravand.limiter")
    if found is None:
        found = current_app.extensions.setdefault("ravand.limiter",
                                                  RateLimiter(current_app.extensions["ravand"].database))
    return found
