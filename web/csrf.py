"""CSRF protection for everything a session cookie authenticates.

Every state-changing request that relies on the cookie (no bearer token) must carry the session's
token: in the ``X-CSRF-Token`` header (the app's fetch calls) or the ``csrf_token`` form field (the
sign-in and sign-out forms). Bearer-token clients are not affected: a browser never attaches their
credentials by itself."""

from __future__ import annotations

import hmac
import secrets

from flask import Response, request, session

from api.errors import problem
from api.guard import bearer_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
SESSION_KEY = "csrf"
SESSION_ID = "sid"  # where web.session keeps the token of the server-side session


def token() -> str:
    """The session's CSRF token, created on first use (also before sign-in, for the login form)."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, str) or len(value) < 32:
        value = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return value


def _sent() -> str:
    sent = request.headers.get(HEADER, "")
    if not sent and request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        sent = request.form.get(FIELD, "")
    return sent


def valid() -> bool:
    """Does the request carry the session's token?"""
    expected = session.get(SESSION_KEY)
    sent = _sent()
    return isinstance(expected, str) and bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def guard() -> Response | None:
    """``before_request``: refuse a cookie-authenticated state change that lacks the token."""
    if request.method in SAFE_METHODS or bearer_token() is not None or SESSION_ID not in session:
        return None
    if request.endpoint in {"web.login", "web.logout"}:
        return None  # those views check the token themselves and answer with a page
    if valid():
        return None
    return problem(403, "Forbidden", f"missing or wrong CSRF token: send the {HEADER} header of this session")
