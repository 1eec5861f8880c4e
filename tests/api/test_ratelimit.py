"""Rate limits live in the database: two app instances on one database (as two gunicorn workers or two
servers are) share the sign-in and portal limits, on SQLite and PostgreSQL; spraying user names from one
address is limited; a locked address+name does not lock the user out for other addresses; concurrent
guesses cannot slip past the count; old windows are pruned."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from api.app import create_app
from api.composition import build
from api.identity.models import RateLimitHit
from api.ratelimit import Limit, RateLimiter
from config import load_settings
from tests.api.conftest import PASSWORD, Api, make_api
from tests.conftest import Database

TOKEN = "/api/v1/auth/token"
ATTACKER, OFFICE = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def pair(db: Database, tmp_path: Any) -> Iterator[tuple[Api, Flask]]:
    """Two app instances, each with its own engine and pool, on one database."""
    db.engine.dispose()
    first = make_api(db.url, tmp_path)
    settings = load_settings(environ={}, database_url=db.url, secret_key="test-secret-key-for-tests-only",
                             script_isolation=False, scheduler_enabled=False)
    second = create_app(settings, build(settings))
    second.config["TESTING"] = True
    yield first, second
    second.extensions["ravand"].database.dispose()


def sign_in(app: Flask, username: str, password: str, address: str) -> int:
    answer = app.test_client().post(TOKEN, json={"username": username, "password": password},
                                    environ_base={"REMOTE_ADDR": address})
    return answer.status_code


def test_two_app_instances_share_the_sign_in_limit(pair: tuple[Api, Flask]):
    first, second = pair[0].app, pair[1]
    for number in range(10):  # ten failures, alternating between the two instances
        assert sign_in((first, second)[number % 2], "alice", "wrong guess", ATTACKER) == 401
    assert sign_in(first, "alice", "wrong guess", ATTACKER) == 429
    assert sign_in(second, "alice", PASSWORD, ATTACKER) == 429  # even the right password, from there
    assert sign_in(second, "alice", PASSWORD, OFFICE) == 200  # not locked out for everybody
    assert sign_in(first, "bob", PASSWORD, ATTACKER) == 200  # another name from that address still may


def test_a_right_password_is_not_counted_as_a_failure(pair: tuple[Api, Flask]):
    first, second = pair[0].app, pair[1]
    for _ in range(15):
        assert sign_in(first, "alice", PASSWORD, OFFICE) == 200
        assert sign_in(second, "bob", PASSWORD, OFFICE) == 200


def test_spraying_user_names_from_one_address_is_limited(pair: tuple[Api, Flask]):
    first, second = pair[0].app, pair[1]
    settings = first.extensions["ravand"].settings
    statuses = [sign_in((first, second)[n % 2], f"user{n}", "Winter2024!", ATTACKER) for n in range(30)]
    allowed = settings.sign_in_failures_per_address
    assert statuses == [401] * allowed + [429] * (30 - allowed)
    assert sign_in(first, "alice", PASSWORD, ATTACKER) == 429  # the address waits, whatever the name
    assert sign_in(second, "carol", PASSWORD, OFFICE) == 200


def test_concurrent_guesses_cannot_pass_the_count(pair: tuple[Api, Flask]):
    """A burst of 30 guesses at once over both instances: at most ten are checked."""
    apps, statuses = (pair[0].app, pair[1]), Counter()
    lock = threading.Lock()

    def guess(number: int) -> None:
        status = sign_in(apps[number % 2], "carol", f"guess {number}", ATTACKER)
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses[401] <= 10 and statuses[401] + statuses[429] == 30, statuses


def test_two_app_instances_share_the_portal_limits(pair: tuple[Api, Flask]):
    first, second = pair[0].app, pair[1]
    unknown = "/api/v1/portal/complaints/RC-2222222222"
    for number in range(60):
        answer = (first, second)[number % 2].test_client().get(unknown, environ_base={"REMOTE_ADDR": ATTACKER})
        assert answer.status_code == 404
    refused = second.test_client().get(unknown, environ_base={"REMOTE_ADDR": ATTACKER})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    for number in range(20):
        body = {"name": "x"}  # invalid filings count too
        app = (first, second)[number % 2]
        answer = app.test_client().post("/api/v1/portal/complaints", json=body, environ_base={"REMOTE_ADDR": ATTACKER})
        assert answer.status_code == 422
    assert first.test_client().post("/api/v1/portal/complaints", json={"name": "x"},
                                    environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 429


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _rows(limiter: RateLimiter) -> int:
    with limiter.database.connect() as connection:
        return connection.scalar(select(func.count()).select_from(RateLimitHit.__table__))


def test_the_window_slides_and_old_windows_are_pruned(db: Database):
    clock = Clock(6_000_050.0)  # 50 s into a window of 60
    limiter, limit = RateLimiter(db.engine, clock), Limit("test", 10)
    for _ in range(10):
        assert limiter.hit([(limit, "k")]).allowed
    assert not limiter.hit([(limit, "k")]).allowed
    clock.now += 15  # 5 s into the next window: the last one still weighs 55/60 of its 11 hits
    assert not limiter.hit([(limit, "k")]).allowed
    clock.now += 50  # 55 s in: 1 of its 11 hits still weighs, plus 2 here
    assert limiter.hit([(limit, "k")]).allowed
    assert limiter.hit([(limit, "other")]).allowed and _rows(limiter) == 3
    clock.now += 600  # long after: the next hit prunes what is past use
    assert limiter.hit([(limit, "k")]).allowed
    assert _rows(limiter) == 1


def test_a_refund_gives_back_the_hit(db: Database):
    limiter, limit = RateLimiter(db.engine, Clock(6_000_000.0)), Limit("test", 2)
    for _ in range(5):
        verdict = limiter.hit([(limit, "k")])
        assert verdict.allowed
        limiter.refund([(limit, "k")], verdict.at)
    assert _rows(limiter) == 1


@pytest.mark.parametrize("hops", [0, 1])
def test_forwarded_addresses_count_only_behind_trusted_proxies(sqlite_db: Database, tmp_path: Any, hops: int):
    """Behind ``proxy_hops`` trusted proxies the client's address is the forwarded one, so clients behind one
    proxy keep their own limits; with none, a forged X-Forwarded-For changes nothing."""
    api = make_api(sqlite_db.url, tmp_path, proxy_hops=hops)
    proxy = "10.0.0.2"

    def via_proxy(password: str, client: str) -> int:
        return api.client.post(TOKEN, json={"username": "alice", "password": password},
                               headers={"X-Forwarded-For": client}, environ_base={"REMOTE_ADDR": proxy}).status_code

    for number in range(10):  # an attacker rotating the forwarded address
        assert via_proxy("wrong guess", ATTACKER if hops else f"192.0.2.{number}") == 401
    assert via_proxy("wrong guess", ATTACKER if hops else "192.0.2.200") == 429
    assert via_proxy(PASSWORD, OFFICE) == (200 if hops else 429)  # another client behind the same proxy
