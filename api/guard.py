"""Authentication (bearer access tokens and API tokens) and role checks, enforced on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from api.identity.models import User
from api.identity.service import API_TOKEN_PREFIX, Principal, authenticate, principal_of, read_api_token
from api.ratelimit import limiter

F = TypeVar("F", bound=Callable[..., Any])
BEARER = [{"bearerAuth": []}]
SIGN_IN_LIMIT = (10, 60.0)  # failed sign-ins per minute, per client address and user name


class TooManyAttempts(Exception):
    """Too many failed sign-ins for this user name from this address: wait a minute."""


def check_password(username: str, password: str) -> User | None:
    """The active user these credentials name, else None (the API's and the sign-in page's one way in).
    Failures are counted per client address and user name; over the limit, even the right password
    raises ``TooManyAttempts``."""
    from api.context import db

    throttle, key = limiter("sign_in", *SIGN_IN_LIMIT), f"{request.remote_addr}|{username.lower()}"
    if throttle.blocked(key):
        raise TooManyAttempts
    user = authenticate(db(), username, password)
    if user is None:
        throttle.hit(key)
    return user


def bearer_token() -> str | None:
    """The request's ``Authorization: Bearer`` credential, if it has one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is not None:
        return principal
    principal = _from_bearer() or _from_web_session()
    if principal is None:
        raise Unauthorized("sign in first: send Authorization: Bearer <token>")
    g.principal = principal
    return principal


def _from_bearer() -> Principal | None:
    token = bearer_token()
    if token is None:
        return None
    from api.context import db

    session = db()
    if token.startswith(API_TOKEN_PREFIX):
        user = read_api_token(session, token)
        principal = principal_of(user) if user is not None else None
    else:
        principal = current_app.extensions["ravand.tokens"].read(session, token)
    if principal is None:
        raise Unauthorized("the token is invalid, expired or revoked")
    return principal


def _from_web_session() -> Principal | None:
    reader = current_app.extensions.get("ravand.web_session")
    return reader() if reader else None


def requires(*roles: str) -> Callable[[F], F]:
    """Allow the view to callers with one of ``roles``; 401 without credentials, 403 otherwise."""
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal.role not in roles:
                raise Forbidden(f"the {principal.role} role may not do this")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


ANYONE = ("admin", "designer", "employee", "auditor")
DESIGN = ("admin", "designer")
WORK = ("admin", "employee")
AUDIT = ("admin", "auditor")
READ_PROCESSES = ("admin", "designer", "auditor")
START = ("admin", "designer", "employee")  # start instances, send messages and signals
