"""What the users' administration does beside ``api.identity.service``: find users however their names are
typed, journal each change with its values before and after, and reset a password."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from api.identity.models import User
from api.identity.service import update_user
from crm.text import ZWNJ, ascii_digits
from engine import journal

SHOWN = ("username", "display_name", "role", "groups", "locale", "email", "mobile", "active")
# letters typed in more than one way, folded onto one (as crm.text.name_key does), and what is dropped
_FOLDS = (("ي", "ی"), ("ى", "ی"), ("ئ", "ی"), ("ك", "ک"), ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"),
          ("ۀ", "ه"), ("ؤ", "و"), (ZWNJ, ""), ("\u0640", ""), (" ", ""))


def fold(text: str) -> str:
    text = ascii_digits(text).lower()
    for before, after in _FOLDS:
        text = text.replace(before, after)
    return text


def _folded(column: Any) -> ColumnElement[str]:
    folded = func.lower(func.coalesce(column, ""))
    for before, after in _FOLDS:
        folded = func.replace(folded, before, after)
    return folded


def find_users(session: Session, args: dict[str, Any]) -> tuple[list[User], int]:
    """A page of users by user name, and how many match."""
    query = select(User)
    if args.get("q") and (wanted := fold(args["q"])):
        pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(_folded(User.username).like(pattern, escape="\\"),
                                _folded(User.display_name).like(pattern, escape="\\")))
    if args.get("role"):
        query = query.where(User.role == args["role"])
    if args.get("active") is not None:
        query = query.where(User.active.is_(args["active"]))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(User.username).limit(args["limit"]).offset(args["offset"]))
    return list(items), total


def _values(user: User) -> dict[str, Any]:
    return {name: (list(getattr(user, name) or []) if name == "groups" else getattr(user, name)) for name in SHOWN}


def journal_created(session: Session, user: User, actor: str) -> None:
    journal.record(session, "admin.user.created", actor, data={"user": user.username, "after": _values(user)})


@contextmanager
def journal_change(session: Session, user: User, actor: str, body: dict[str, Any]) -> Iterator[None]:
    """Journal what the block changes on ``user``: each field before and after (a password only as changed)."""
    before = _values(user)
    yield
    after = _values(user)
    changed = [name for name in SHOWN if before[name] != after[name]]
    data: dict[str, Any] = {"user": user.username, "before": {n: before[n] for n in changed},
                            "after": {n: after[n] for n in changed}}
    if body.get("password"):
        data["password_changed"] = True
    if changed or "password_changed" in data:
        journal.record(session, "admin.user.changed", actor, data=data)


def reset_password(session: Session, user: User, password: str | None, actor: str) -> dict[str, Any]:
    """Set a temporary password (made here when none is given) and end everything the user held."""
    made = password is None
    new = password or secrets.token_urlsafe(12)
    update_user(session, user, password=new)
    journal.record(session, "admin.user.password_reset", actor, data={"user": user.username, "generated": made})
    return {"password": new if made else None, "generated": made}
