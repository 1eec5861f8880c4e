"""What the CRM record routes share: who may read and write, the amount field, running a command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError, fields

from api.commands import command, crm_ctx
from api.context import ravand
from api.guard import ANYONE, WORK, current_principal
from crm.unit import Ctx

READ = ANYONE
WRITE = WORK


class Amount(fields.Field):
    """Whole rials in, as a number or as typed ("۱٬۲۵۰٬۰۰۰", "125,000 تومان"); the CRM reads the text."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "maxLength": 64}],
                    "description": "whole rials: a number, or text with Persian digits, separators, tomans"}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | str) or (isinstance(value, str) and len(value) > 64):
            raise ValidationError("a whole number of rials, or text such as 1,250,000")
        return value


def start(intake: Callable[..., tuple[Any, str]], body: dict[str, Any], actor: str | None = None) -> Any:
    """Write the record and start the process that takes it over, in one committed transaction; the
    actor is the signed-in user unless named (the public portal)."""
    app = ravand()
    actor = actor or current_principal().username
    record, _ = command(lambda session: intake(app, session, body, actor))
    app.nudge()
    return record


def act(fn: Callable[[Ctx], Any]) -> Any:
    """Run ``fn`` with a CRM context for the signed-in user, in one committed transaction."""
    return command(lambda session: fn(crm_ctx(session)))
