"""Per-request access to Ravand: one database session per request, closed at teardown. The lowest floor of the
request's modules: it imports neither the guard nor record access (``api.commands`` runs commands)."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from api.composition import Ravand
from crm.access import scope_reads


def ravand() -> Ravand:
    return current_app.extensions["ravand"]


def db() -> Session:
    """The request's read-only session (queries and authentication)."""
    session = g.get("db_session")
    if session is None:
        session = g.db_session = ravand().read_sessions()
        viewer = g.get("record_viewer")
        if viewer is not None:  # a session opened again late in the request (a streamed export) stays scoped
            scope_reads(session, viewer)
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
