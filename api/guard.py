"""Authentication (bearer access tokens and API tokens) and role checks, enforced on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from api.context import db
from api.identity.models import User
from api.identity.service import API_TOKEN_PREFIX, Principal, authenticate, principal_of, read_api_token
from api.ratelimit import Limit, limiter
from api.record_access import scope_request
from engine.definitions.declarations import Caller

F = TypeVar("F", bound=Callable[..., Any])
BEARER = [{"bearerAuth": []}]


class TooManyAttempts(Exception):
    """Too many failed sign-ins from this address (for this user name, or for any): wait a minute."""


def _sign_in_keys(username: str) -> list[tuple[Limit, str]]:
    settings = current_app.extensions["ravand"].settings
    address = request.remote_addr or "-"
    return [(Limit("sign_in.name", settings.sign_in_failures_per_name), f"{address}|{username.lower()}"),
            (Limit("sign_in.address", settings.sign_in_failures_per_address), address)]


def check_password(username: str, password: str) -> User | None:
    """The active user these credentials name, else None (the API's and the sign-in page's one way in).
    Failed sign-ins are counted in the database per client address and user name, and per client address
    whatever the name (spraying names); over either limit, even the right password raises
    ``TooManyAttempts`` for this address, while other addresses may still sign in. Each attempt is counted
    before the password is checked and given back when it was right, so concurrent guesses cannot slip
    past the count."""
    keys = _sign_in_keys(username)
    verdict = limiter().hit(keys)
    if not verdict.allowed:
        raise TooManyAttempts
    user = authenticate(db(), username, password)
    if user is not None:
        limiter().refund(keys, verdict.at)
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


def caller() -> Caller:
    """The authenticated caller as a diagram's declarations name them (name, role, groups)."""
    principal = current_principal()
    return Caller(principal.username, principal.role, principal.groups)


def _from_bearer() -> Principal | None:
    token = bearer_token()
    if token is None:
        return None
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
            scope_request()  # the request reads only the records this person may read (crm.access)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


ANYONE = ("admin", "designer", "employee", "auditor")  # the people; not the integration role
SIGNED_IN = (*ANYONE, "integration")  # one's own account and API tokens
DESIGN = ("admin", "designer")
WORK = ("admin", "employee")
AUDIT = ("admin", "auditor")
READ_PROCESSES = ("admin", "designer", "auditor")
# Start instances, send messages and signals; what each caller may start or send is the diagram's
# to say (engine.definitions.declarations: candidate starters, ravand:senders). "integration" is for systems
# calling back (an e-signature provider, a web shop) with an API token: it may send the messages and
# start the processes declared for it, and record purchases.
START = ("admin", "designer", "employee", "integration")
INTEGRATION = "integration"
