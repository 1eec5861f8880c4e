"""The web session: Flask's signed cookie holding the user id and the user's token version.

Each request re-reads the user: a deactivated user, or one whose password changed (which bumps the
token version), is signed out at once."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, session

from api.context import db
from api.identity.models import User
from api.identity.service import Principal, principal_of
from web import csrf

DEFAULT_TTL_S = 12 * 3600


def configure(app: Flask) -> None:
    settings = app.extensions["ravand"].settings
    extra = settings.extra or {}
    app.config.update(
        SESSION_COOKIE_NAME="ravand_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(extra.get("session_cookie_secure", False)),
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=int(extra.get("session_ttl_s", DEFAULT_TTL_S))),
    )
    app.extensions["ravand.web_session"] = read_principal


def sign_in(user: User) -> None:
    """A fresh session (no fixation): the user, their token version and a new CSRF token."""
    session.clear()
    session.permanent = True
    session.update({"uid": user.id, "tv": user.token_version, csrf.SESSION_KEY: secrets.token_urlsafe(32)})


def sign_out() -> None:
    session.clear()


def current_user() -> User | None:
    uid, version = session.get("uid"), session.get("tv")
    if not isinstance(uid, int) or isinstance(uid, bool):
        return None
    user = db().get(User, uid)
    if user is None or not user.active or user.token_version != version:
        session.clear()
        return None
    return user


def read_principal() -> Principal | None:
    """The hook ``api.guard`` calls when a request has no bearer token."""
    user = current_user()
    return principal_of(user) if user is not None else None
