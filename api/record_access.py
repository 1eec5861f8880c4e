"""Record access for the request: who the signed-in person is to ``crm.access`` (their team, branch, the teams
they manage and their scopes), the request's read session scoped to what they may read, new records placed in
their team and branch, and the one-line checks the record routes make before a change."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, Unauthorized

from api.context import db
from api.identity.models import User
from crm import access
from crm.errors import RecordNotFound
from crm.teams import Team


def viewer_of(session: Session, username: str, role: str, groups: Any) -> access.Viewer:
    """``username``'s viewer: team and branch from their account, the active teams they manage, their scopes."""
    read, edit = access.scopes_of(session, role, groups or ())
    row = session.execute(select(User.team_key, User.branch_key).where(User.username == username)).first()
    team, branch = (row[0], row[1]) if row is not None else (None, None)
    managed = frozenset() if read == edit == "all" else frozenset(
        t.key for t in session.scalars(select(Team).where(Team.active.is_(True))) if username in (t.managers or ()))
    return access.Viewer(username, team, branch, managed, read, edit)


def viewer() -> access.Viewer:
    """The signed-in person's viewer (read once per request)."""
    found = g.get("record_viewer")
    if found is None:
        principal = g.get("principal")  # set by the guard before any route reads a record
        if principal is None:
            raise Unauthorized("sign in first: send Authorization: Bearer <token>")
        found = g.record_viewer = viewer_of(db(), principal.username, principal.role, principal.groups)
    return found


def scope_request() -> None:
    """Scope the request's read session to the signed-in person's records (called once they are known)."""
    access.scope_reads(db(), viewer())


def place_commands(session: Session) -> None:
    """Records a command makes for the signed-in person are theirs, in their team and branch."""
    if g.get("principal") is None:
        return
    principal = g.principal
    row = db().execute(select(User.team_key, User.branch_key).where(User.username == principal.username)).first()
    team, branch = (row[0], row[1]) if row is not None else (None, None)
    access.place(session, access.Placement(principal.username, team, branch))


def _model(kind: type[Any] | str) -> type[Any]:
    return kind if isinstance(kind, type) else next(m for m in access.PLACED if m.__tablename__ == kind)


def readable(kind: type[Any] | str, record_id: Any) -> Any:
    """The record (a model, or its table's name), if the signed-in person may read it; else 404 (whether it
    exists or not)."""
    model = _model(kind)
    record = db().get(model, record_id)
    if record is None or not access.may_read(db(), record, viewer()):
        raise RecordNotFound(f"no {model.__tablename__} {record_id}")
    return record


def editable(kind: type[Any] | str, record_id: Any) -> Any:
    """The record, if the signed-in person may change it: 404 when they may not read it, 403 when they may
    read but not change it."""
    record = readable(kind, record_id)
    if not access.may_edit(db(), record, viewer()):
        raise Forbidden(f"you may read this {type(record).__tablename__} but not change it / "
                        "این پرونده را می‌توانید ببینید اما نمی‌توانید تغییر دهید")
    return record
