"""The web session without a browser: sign-in page, cookie flags, CSRF on every cookie-authenticated
state change, sign-out, and a session dying with the user's password or account."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, USERS, Server

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def login_token(client: Any) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    return CSRF_FIELD.search(page.get_data(as_text=True)).group(1)


def sign_in(client: Any, who: str = "employee", password: str = PASSWORD, **extra: str) -> Any:
    token = login_token(client)
    username = USERS[who][0] if who in USERS else who
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, **extra})


def session_token(client: Any) -> str:
    """The CSRF token the app page hands to its scripts (read from the session when not built)."""
    found = CSRF_META.search(client.get("/app/").get_data(as_text=True))
    if found:
        return found.group(1)
    with client.session_transaction() as session:
        return session["csrf"]


def test_sign_in_sets_a_hardened_session_cookie(server: Server):
    client = server.client()
    answer = sign_in(client, next="/app/tasks?tab=mine")
    assert answer.status_code == 303 and answer.headers["Location"] == "/app/tasks?tab=mine"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("ravand_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.get_json()["username"] == "alice"


def test_sign_in_refuses_wrong_passwords_missing_fields_and_forged_forms(server: Server):
    client = server.client()
    wrong = sign_in(client, "employee2", password="not the password")
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.get_data(as_text=True)
    assert sign_in(client, "").status_code == 400
    assert sign_in(client, "x" * 151).status_code == 400
    login_token(client)
    forged = client.post("/login", data={"username": "bob", "password": PASSWORD, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 401  # none of these signed anyone in


def test_sign_in_is_rate_limited(server: Server):
    client = server.client()
    for _ in range(10):
        assert sign_in(client, "limited", password="wrong password").status_code == 401
    assert sign_in(client, "limited").status_code == 429  # even the right password waits now


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/app", "/api/v1/users", "/app\\@evil"])
def test_next_never_leaves_the_app(server: Server, target: str):
    answer = sign_in(server.client(), next=target)
    assert answer.status_code == 303 and answer.headers["Location"] == "/app/"


def test_cookie_state_changes_need_the_csrf_token(server: Server):
    client = server.client()
    sign_in(client, "employee2")
    refused = client.patch("/api/v1/auth/me", json={"locale": "fa"})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "CSRF" in refused.get_json()["detail"]
    assert client.patch("/api/v1/auth/me", json={"locale": "fa"}, headers={"X-CSRF-Token": "x"}).status_code == 403
    assert client.post("/api/v1/tasks/nope/claim").status_code == 403  # refused before anything else
    token = session_token(client)
    changed = client.patch("/api/v1/auth/me", json={"locale": "fa"}, headers={"X-CSRF-Token": token})
    assert changed.status_code == 200 and changed.get_json()["locale"] == "fa"
    assert client.get("/api/v1/auth/me").get_json()["locale"] == "fa"  # reads need no token
    client.patch("/api/v1/auth/me", json={"locale": "en"}, headers={"X-CSRF-Token": token})


def test_bearer_clients_need_no_csrf_token(server: Server):
    answer = server.call("PATCH", "/api/v1/auth/me", "employee2", json={"locale": "en"})
    assert answer.status_code == 200 and answer.get_json()["locale"] == "en"


def test_locale_must_be_one_we_speak(server: Server):
    answer = server.call("PATCH", "/api/v1/auth/me", "employee2", json={"locale": "de"})
    assert answer.status_code == 422 and "locale" in answer.get_json()["errors"]
    assert server.call("PATCH", "/api/v1/auth/me", "employee2", json={}).status_code == 422
    assert server.call("PATCH", "/api/v1/auth/me", None, json={"locale": "fa"}).status_code == 401


def test_sign_out_ends_the_session(server: Server):
    client = server.client()
    sign_in(client)
    token = session_token(client)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"] == "/login"
    assert client.get("/api/v1/auth/me").status_code == 401
    shell = client.get("/app/tasks")
    assert shell.status_code == 302 and shell.headers["Location"].startswith("/login?next=/app/tasks")


def test_a_copy_of_the_cookie_dies_with_the_sign_out(server: Server):
    client = server.client()
    sign_in(client, "employee2")
    token, cookie = session_token(client), client.get_cookie("ravand_session").value
    thief = server.client()
    thief.set_cookie("ravand_session", cookie)
    assert thief.get("/api/v1/auth/me").get_json()["username"] == "bob"
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert thief.get("/api/v1/auth/me").status_code == 401
    assert thief.patch("/api/v1/auth/me", json={"locale": "fa"}, headers={"X-CSRF-Token": token}).status_code == 401
    assert thief.get("/app/").status_code == 302


def test_a_password_change_or_deactivation_ends_web_sessions(server: Server):
    first, second = server.client(), server.client()
    sign_in(first, "leaver")
    sign_in(second, "disabled")
    assert first.get("/api/v1/auth/me").status_code == 200
    users = {u["username"]: u["id"] for u in server.call("GET", "/api/v1/users", query_string={"limit": 100})
             .get_json()["items"]}
    server.call("PATCH", f"/api/v1/users/{users['pat']}", json={"password": "another long password"})
    server.call("PATCH", f"/api/v1/users/{users['dee']}", json={"active": False})
    assert first.get("/api/v1/auth/me").status_code == 401
    assert second.get("/api/v1/auth/me").status_code == 401


def test_the_server_still_enforces_roles_for_cookie_sessions(server: Server):
    client = server.client()
    sign_in(client)  # an employee
    assert client.get("/api/v1/journal").status_code == 403
    assert client.get("/api/v1/tasks").status_code == 200


def test_pages_answer_without_a_session(server: Server):
    client = server.client()
    assert client.get("/").headers["Location"] == "/app/"
    assert client.get("/app/").status_code == 302
    page = client.get("/login?lang=fa")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in html and 'lang="fa"' in html and "ورود" in html
    assert "Content-Security-Policy" in page.headers
