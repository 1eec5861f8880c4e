"""Sessions and tokens end when they should, on both databases: a web session is revoked on the server at
sign-out (a copied cookie stops working), dies when idle or past its lifetime, and a password change or a
disable ends every web session, access token and API token of the user; API tokens may be made again."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from api.identity.models import WebSession
from engine.clock import utcnow
from tests.api.conftest import PASSWORD, Api

V1 = "/api/v1"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "ravand_session"


def browser(api: Api, username: str = "alice", password: str = PASSWORD) -> Any:
    """A client signed in through the sign-in page, as a browser is."""
    client = api.app.test_client()
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def csrf_of(client: Any) -> str:
    with client.session_transaction() as session:
        return session["csrf"]


def replay(api: Api, cookie: str) -> Any:
    """Another machine with a copy of the cookie."""
    thief = api.app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def sessions_of(api: Api, user_id: int) -> int:
    with api.app.extensions["ravand"].sessions() as session:
        return session.scalar(select(func.count()).select_from(WebSession).where(WebSession.user_id == user_id))


def user_id(api: Api, username: str) -> int:
    users = api.call("GET", V1 + "/users", query_string={"limit": 100}).get_json()["items"]
    return next(u["id"] for u in users if u["username"] == username)


def api_token(api: Api, who: str = "employee", name: str = "sync") -> dict[str, str]:
    answer = api.call("POST", V1 + "/auth/api-tokens", who, json={"name": name})
    assert answer.status_code == 201, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def test_a_copied_cookie_stops_working_at_sign_out(api: Api):
    client = browser(api)
    cookie, token = client.get_cookie(COOKIE).value, csrf_of(client)
    thief = replay(api, cookie)
    assert thief.get(V1 + "/auth/me").status_code == 200  # the copy works while the session lives
    assert sessions_of(api, user_id(api, "alice")) == 1
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert sessions_of(api, user_id(api, "alice")) == 0
    for attacker in (thief, replay(api, cookie)):
        assert attacker.get(V1 + "/auth/me").status_code == 401
        write = attacker.patch(V1 + "/auth/me", json={"locale": "fa"}, headers={"X-CSRF-Token": token})
        assert write.status_code == 401  # with the session's own CSRF token, still refused
        shell = attacker.get("/app/tasks")
        assert shell.status_code == 302 and shell.headers["Location"].startswith("/login")
    assert api.call("GET", V1 + "/auth/me", "employee").get_json()["locale"] == "en"


def test_signing_out_of_one_browser_leaves_the_others(api: Api):
    first, second = browser(api), browser(api)
    assert sessions_of(api, user_id(api, "alice")) == 2
    assert first.post("/logout", data={"csrf_token": csrf_of(first)}).status_code == 303
    assert first.get(V1 + "/auth/me").status_code == 401
    assert second.get(V1 + "/auth/me").status_code == 200


def _age(api: Api, **changes: Any) -> None:
    """Move every session's clock back, as if that much time had passed."""
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(update(WebSession).values(**changes))
        session.commit()


def test_an_idle_session_ends(api: Api):
    client = browser(api)
    settings = api.app.extensions["ravand"].settings
    _age(api, last_seen_at=utcnow() - timedelta(seconds=settings.session_idle_s - 120))
    assert client.get(V1 + "/auth/me").status_code == 200  # active in time: seen again now
    with api.app.extensions["ravand"].sessions() as session:
        seen = session.scalar(select(WebSession.last_seen_at))
    assert utcnow() - seen < timedelta(seconds=60)
    _age(api, last_seen_at=utcnow() - timedelta(seconds=settings.session_idle_s + 1))
    assert client.get(V1 + "/auth/me").status_code == 401


def test_a_session_ends_at_its_lifetime_however_active(api: Api):
    client = browser(api)
    _age(api, expires_at=utcnow() - timedelta(seconds=1))
    assert client.get(V1 + "/auth/me").status_code == 401
    assert browser(api).get(V1 + "/auth/me").status_code == 200
    assert sessions_of(api, user_id(api, "alice")) == 1  # signing in cleared the expired row


def test_any_sign_in_clears_everyones_expired_sessions(api: Api):
    browser(api, "alice"), browser(api, "bob")
    _age(api, expires_at=utcnow() - timedelta(seconds=1))
    browser(api, "carol")  # someone else signs in
    assert sessions_of(api, user_id(api, "alice")) == sessions_of(api, user_id(api, "bob")) == 0
    assert sessions_of(api, user_id(api, "carol")) == 1


def test_a_password_change_ends_every_session_and_token(api: Api):
    web, other_web = browser(api), browser(api)
    api_headers = api_token(api, "employee")
    assert api.call("GET", V1 + "/auth/me", None, headers=api_headers).status_code == 200
    alice = user_id(api, "alice")
    changed = api.call("PATCH", f"{V1}/users/{alice}", json={"password": "a brand new secret"})
    assert changed.status_code == 200
    assert api.call("GET", V1 + "/auth/me", None, headers=api_headers).status_code == 401  # the API token
    assert api.call("GET", V1 + "/auth/me", "employee").status_code == 401  # the access token
    assert web.get(V1 + "/auth/me").status_code == 401 and other_web.get(V1 + "/auth/me").status_code == 401
    assert sessions_of(api, alice) == 0
    bob = api_token(api, "employee2")
    assert api.call("GET", V1 + "/auth/me", None, headers=bob).status_code == 200  # others are untouched
    fresh = api.client.post(V1 + "/auth/token", json={"username": "alice", "password": "a brand new secret"})
    bearer = {"Authorization": f"Bearer {fresh.get_json()['access_token']}"}
    mine = api.call("GET", V1 + "/auth/api-tokens", None, headers=bearer).get_json()
    assert [t["revoked_at"] is not None for t in mine] == [True]
    reissued = api.call("POST", V1 + "/auth/api-tokens", None, headers=bearer, json={"name": "sync again"})
    assert reissued.status_code == 201
    again = {"Authorization": f"Bearer {reissued.get_json()['token']}"}
    assert api.call("GET", V1 + "/auth/me", None, headers=again).get_json()["username"] == "alice"
    assert browser(api, password="a brand new secret").get(V1 + "/auth/me").status_code == 200


def test_a_disable_ends_every_session_and_token_for_good(api: Api):
    web = browser(api, "bob")
    api_headers = api_token(api, "employee2")
    bob = user_id(api, "bob")
    assert api.call("PATCH", f"{V1}/users/{bob}", json={"active": False}).status_code == 200
    assert api.call("GET", V1 + "/auth/me", None, headers=api_headers).status_code == 401
    assert api.call("GET", V1 + "/auth/me", "employee2").status_code == 401
    assert web.get(V1 + "/auth/me").status_code == 401
    assert api.call("PATCH", f"{V1}/users/{bob}", json={"active": True}).status_code == 200
    assert api.call("GET", V1 + "/auth/me", None, headers=api_headers).status_code == 401  # stays revoked
    assert web.get(V1 + "/auth/me").status_code == 401
    assert browser(api, "bob").get(V1 + "/auth/me").status_code == 200  # signing in again works


def test_an_integration_account_gets_no_web_session_but_keeps_its_api_access(api: Api):
    from api.identity.service import create_user

    with api.app.extensions["ravand"].sessions() as session:
        create_user(session, "shop", PASSWORD, "integration", [])
        session.commit()
    client = api.app.test_client()
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"username": "shop", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 403 and "API token" in answer.get_data(as_text=True)
    assert sessions_of(api, user_id(api, "shop")) == 0
    bearer = client.post(V1 + "/auth/token", json={"username": "shop", "password": PASSWORD})
    assert bearer.status_code == 200  # the API is where an integration works
