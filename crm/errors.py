"""The CRM's one error hierarchy; the API maps it to HTTP in one place."""

from __future__ import annotations

from collections.abc import Mapping


class CrmError(Exception):
    """A request the CRM's rules refuse."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RecordNotFound(CrmError):
    pass


class RecordConflict(CrmError):
    """The record changed meanwhile, or the request clashes with its state."""


class InvalidRecord(CrmError):
    """Field-level problems: ``field_errors`` maps a field to its messages."""

    def __init__(self, message: str, field_errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.field_errors = dict(field_errors or {})


class Rejected(CrmError):
    """A business rule says no (a self-referral, a code that shows another complaint)."""


def invalid(field: str, reason: str) -> InvalidRecord:
    """One field's problem, the message naming the field."""
    return InvalidRecord(f"{field}: {reason}", {field: [reason]})


def refuse_fields(errors: Mapping[str, list[str]]) -> None:
    """Raise one ``InvalidRecord`` with every field's problems (all of them in its message), if there are any."""
    if errors:
        raise InvalidRecord("; ".join(f"{field}: {', '.join(messages)}" for field, messages in errors.items()),
                            dict(errors))
