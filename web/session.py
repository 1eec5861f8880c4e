"""The web session: a row of ``web_session`` on the server, named by a random token that Flask's signed
cookie carries (with the session's CSRF token).

Each request reads the row joined with its user (one read by primary key): a signed-out session (row
deleted), one past its absolute or idle lifetime, or one of a user whose password changed or who was
disabled (rows deleted) no longer authenticates, even from a copy of the cookie."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g, session
from sqlalchemy.exc import OperationalError

from api.commands import command
from api.context import db
from api.identity.models import User
from api.identity.service import (
    Principal,
    SessionLifetime,
    SessionUser,
    end_web_session,
    open_web_session,
    read_web_session,
    touch_web_session,
)
from engine.clock import utcnow
from engine.errors import Conflict
from web import csrf

log = logging.getLogger("ravand.web")
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often per session
_CACHE = "ravand_web_user"  # the request's user, read once


def configure(app: Flask) -> None:
    settings = app.extensions["ravand"].settings
    lifetime = SessionLifetime(ttl_s=settings.session_ttl_s, idle_s=min(settings.session_idle_s,
                                                                        settings.session_ttl_s))
    app.config.update(
        SESSION_COOKIE_NAME="ravand_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=lifetime.ttl_s),
    )
    app.extensions["ravand.session_lifetime"] = lifetime
    app.extensions["ravand.web_session"] = read_principal


def _lifetime() -> SessionLifetime:
    return current_app.extensions["ravand.session_lifetime"]


def sign_in(user: User) -> None:
    """A fresh session (no fixation): a new server-side row, its token and a new CSRF token."""
    _end_current()
    user_id, lifetime = user.id, _lifetime()
    token = command(lambda s: open_web_session(s, user_id, lifetime))
    session.permanent = True
    session.update({csrf.SESSION_ID: token, csrf.SESSION_KEY: secrets.token_urlsafe(32)})
    g.pop(_CACHE, None)


def sign_out() -> None:
    """Delete the session on the server, then forget the cookie."""
    _end_current()
    g.pop(_CACHE, None)


def _end_current() -> None:
    token = session.get(csrf.SESSION_ID)
    if isinstance(token, str) and token:
        command(lambda s: end_web_session(s, token))
    session.clear()


def current_user() -> SessionUser | None:
    if _CACHE not in g:
        setattr(g, _CACHE, _read_user())
    return g.get(_CACHE)


def _read_user() -> SessionUser | None:
    token = session.get(csrf.SESSION_ID)
    if not isinstance(token, str) or not token:
        return None
    now = utcnow()
    user = read_web_session(db(), token, _lifetime(), now)
    if user is None:
        session.clear()
        return None
    if now - user.last_seen_at >= TOUCH_EVERY:
        _touch(user.session_id, now)
    return user


def _touch(session_id: str, now: datetime) -> None:
    """Note the activity; a busy database only delays it to a later request (the idle limit is hours)."""
    try:
        command(lambda s: touch_web_session(s, session_id, now))
    except (Conflict, OperationalError) as exc:
        log.warning("the session's last activity was not written: %s", exc)


def read_principal() -> Principal | None:
    """The hook ``api.guard`` calls when a request has no bearer token."""
    user = current_user()
    return user.principal if user is not None else None
