"""Commands of a request: a state-changing function run in its own transaction, whose new records are the
signed-in person's (in their team and branch), with the CRM's context for that person."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from api.composition import ravand_ctx
from api.context import ravand
from api.guard import current_principal
from api.record_access import place_commands
from crm.unit import Ctx
from engine.store.transactions import transaction

T = TypeVar("T")


def crm_ctx(session: Session) -> Ctx:
    """The CRM's context for a command: who acts (the signed-in user), changes written to the journal."""
    return ravand_ctx(session, current_principal().username)


def command(fn: Callable[[Session], T]) -> T:
    """Run a state-changing command in its own transaction (a lost race becomes 409)."""
    app = ravand()

    def placed(session: Session) -> T:
        place_commands(session)  # what it makes is the signed-in person's, in their team and branch
        return fn(session)

    return transaction(app.sessions, placed)
