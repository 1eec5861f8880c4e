"""Per-request access to Ravand: one database session per request, closed at teardown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from sqlalchemy.orm import Session

from api.composition import Ravand, ravand_ctx
from crm.unit import Ctx

T = TypeVar("T")


def ravand() -> Ravand:
    return current_app.extensions["ravand"]


def db() -> Session:
    """The request's read-only session (queries and authentication)."""
    session = g.get("db_session")
    if session is None:
        session = g.db_session = ravand().read_sessions()
        viewer = g.get("record_viewer")
        if viewer is not None:  # a session opened again late in the request (a streamed export) stays scoped
            from crm.access import scope_reads

            scope_reads(session, viewer)
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def crm_ctx(session: Session) -> Ctx:
    """The CRM's context for a command: who acts (the signed-in user), changes written to the journal."""
    from api.guard import current_principal

    return ravand_ctx(session, current_principal().username)


def command(fn: Callable[[Session], T]) -> T:
    """Run a state-changing command in its own transaction (a lost race becomes 409)."""
    from api.record_access import place_commands

    app = ravand()

    def placed(session: Session) -> T:
        place_commands(session)  # what it makes is the signed-in person's, in their team and branch
        return fn(session)

    return app.engine.transaction(app.sessions, placed)
