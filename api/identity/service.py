"""Users and credentials: password hashing (argon2), signed access tokens, API tokens, web sessions.

A password change or a disable ends everything the user held: access tokens (through the token
version), API tokens (revoked) and web sessions (deleted)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from api.identity.contacts import clean_contacts
from api.identity.models import ROLES, ApiToken, User, WebSession
from engine.clock import utcnow
from engine.errors import Conflict, InvalidData, NotFound
from engine.views import Actor

_hasher = PasswordHasher()
_dummy_hash: str | None = None  # what an unknown user's password is checked against, made on first use


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the password hasher (argon2 with its recommended costs). The test suite uses cheap
    parameters so that its hundreds of users do not each cost most of a second."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


def _dummy() -> str:
    """A hash made with the current hasher's costs, so that an unknown user costs what a known one does."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a real password")
    return _dummy_hash


API_TOKEN_PREFIX = "rvd_"  # noqa: S105 - a public marker, not a secret


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: int
    username: str
    role: str
    groups: frozenset[str]
    locale: str = "en"

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.groups, admin=self.role == "admin")


def principal_of(user: User) -> Principal:
    return Principal(user.id, user.username, user.role, frozenset(user.groups or ()), user.locale or "en")


def _clean_groups(groups: Iterable[str]) -> list[str]:
    return sorted({g.strip() for g in groups if g and g.strip()})


def create_user(session: Session, username: str, password: str, role: str, groups: Iterable[str] = (),
                display_name: str | None = None, locale: str = "en", *, email: str | None = None,
                mobile: str | None = None) -> User:
    contacts = clean_contacts(email=email, mobile=mobile)
    errors: dict[str, list[str]] = {}
    if role not in ROLES:
        errors["role"] = [f"must be one of {', '.join(ROLES)}"]
    if len(password) < 8:
        errors["password"] = ["must be at least 8 characters"]
    if not username.strip():
        errors["username"] = ["must not be empty"]
    if errors:
        raise InvalidData(errors)
    if session.scalar(select(User.id).where(User.username == username.strip())):
        raise Conflict(f"a user named {username!r} exists")
    now = utcnow()
    user = User(username=username.strip(), display_name=display_name, password_hash=_hasher.hash(password),
                role=role, groups=_clean_groups(groups), locale=locale, active=True, token_version=1,
                created_at=now, updated_at=now, **contacts)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, *, password: str | None = None, role: str | None = None,
                groups: Iterable[str] | None = None, active: bool | None = None,
                display_name: str | None = None, locale: str | None = None, **contacts: str | None) -> User:
    """Change what is given (None leaves a field as it is); ``email`` and ``mobile``, when given, are set, and
    None or blank clears them."""
    for name, value in clean_contacts(**contacts).items():
        setattr(user, name, value)
    if role is not None and role not in ROLES:
        raise InvalidData({"role": [f"must be one of {', '.join(ROLES)}"]})
    if password is not None:
        if len(password) < 8:
            raise InvalidData({"password": ["must be at least 8 characters"]})
        user.password_hash = _hasher.hash(password)
    if password is not None or active is False:
        end_everything(session, user)
    for name, value in (("role", role), ("active", active), ("display_name", display_name), ("locale", locale)):
        if value is not None:
            setattr(user, name, value)
    if groups is not None:
        user.groups = _clean_groups(groups)
    user.updated_at = utcnow()
    session.flush()
    return user


def end_everything(session: Session, user: User) -> None:
    """Sign the user out everywhere: access tokens die with the token version, API tokens are revoked
    (new ones may be created afterwards), web sessions are deleted."""
    user.token_version += 1
    now = utcnow()
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))
    session.execute(delete(WebSession).where(WebSession.user_id == user.id)
                    .execution_options(synchronize_session=False))


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None or not user.active:
            _hasher.verify(_dummy(), password)  # same work either way: no user enumeration by timing
            return None
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


class AccessTokens:
    """Short-lived signed bearer tokens; a token dies with a password change or deactivation."""

    def __init__(self, secret: str, ttl_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="ravand.access")
        self.ttl_s = ttl_s

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"u": user.id, "v": user.token_version})

    def read(self, session: Session, token: str) -> Principal | None:
        """The caller the token names, if it is valid and its user active with the same token version
        (read on every request: a deactivation or a password change ends the token at once)."""
        try:
            claims = self._serializer.loads(token, max_age=self.ttl_s)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("u"), int):
            return None
        row = session.connection().execute(_CALLER, {"user_id": claims["u"]}).first()
        if row is None or not row.active or row.token_version != claims.get("v"):
            return None
        return Principal(row.id, row.username, row.role, frozenset(row.groups or ()), row.locale or "en")


_USERS = User.__table__
# built once: every request with a bearer token asks it
_CALLER = select(_USERS.c.id, _USERS.c.username, _USERS.c.role, _USERS.c.groups, _USERS.c.locale, _USERS.c.active,
                 _USERS.c.token_version).where(_USERS.c.id == bindparam("user_id"))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip() or "token", prefix=secret[:10], token_hash=_digest(secret),
                   created_at=utcnow())
    session.add(row)
    session.flush()
    return row, secret


def read_api_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_api_token(session: Session, user: User, token_id: int, as_admin: bool) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and not as_admin):
        raise NotFound(f"no API token {token_id}")
    row.revoked_at = row.revoked_at or utcnow()
    return row


# -- web sessions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionLifetime:
    """How long a web session lives: ``ttl_s`` from sign-in at most, ``idle_s`` without a request."""

    ttl_s: int
    idle_s: int


def open_web_session(session: Session, user_id: int, lifetime: SessionLifetime) -> str:
    """A new session row for the user; the token for the cookie (only its digest is stored). Every expired
    session, anyone's, is deleted on the way (the table holds the live sessions, a few rows per user)."""
    now = utcnow()
    session.execute(delete(WebSession).where(or_(
        WebSession.expires_at <= now, WebSession.last_seen_at <= now - timedelta(seconds=lifetime.idle_s)))
        .execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id=_digest(token), user_id=user_id, created_at=now, last_seen_at=now,
                           expires_at=now + timedelta(seconds=lifetime.ttl_s)))
    session.flush()
    return token


@dataclass(frozen=True)
class SessionUser:
    """The user of a live web session, as one read gives it."""

    session_id: str
    last_seen_at: datetime
    user_id: int
    username: str
    display_name: str | None
    role: str
    groups: frozenset[str]
    locale: str

    @property
    def principal(self) -> Principal:
        return Principal(self.user_id, self.username, self.role, self.groups, self.locale)


_SESSIONS = WebSession.__table__
# built once: every request of a signed-in browser asks it (one read by primary key, joined with the user)
_SESSION_USER = (select(_SESSIONS.c.id, _SESSIONS.c.last_seen_at, _SESSIONS.c.expires_at, _USERS.c.id.label("user_id"),
                        _USERS.c.username, _USERS.c.display_name, _USERS.c.role, _USERS.c.groups, _USERS.c.locale,
                        _USERS.c.active)
                 .join_from(_SESSIONS, _USERS, _USERS.c.id == _SESSIONS.c.user_id)
                 .where(_SESSIONS.c.id == bindparam("session_id")))


def read_web_session(session: Session, token: str, lifetime: SessionLifetime,
                     now: datetime | None = None) -> SessionUser | None:
    """The active user of a live session, else None."""
    row = session.connection().execute(_SESSION_USER, {"session_id": _digest(token)}).first()
    if row is None:
        return None
    now = now or utcnow()
    if not row.active or row.expires_at <= now or row.last_seen_at + timedelta(seconds=lifetime.idle_s) <= now:
        return None
    return SessionUser(row.id, row.last_seen_at, row.user_id, row.username, row.display_name, row.role,
                       frozenset(row.groups or ()), row.locale or "en")


def touch_web_session(session: Session, session_id: str, now: datetime) -> None:
    session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now)
                    .execution_options(synchronize_session=False))


def end_web_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == _digest(token))
                    .execution_options(synchronize_session=False))
