"""The two exceptions of the forms package.

``FormError`` means the form itself cannot be used (a designer's problem, found at deploy time);
``FormDataInvalid`` means the data a user submitted does not satisfy the form (a 422 for the API).
"""

from __future__ import annotations

from collections.abc import Mapping


class FormError(Exception):
    """A form file that cannot be used; the message says why and where."""


class FormDataInvalid(FormError):
    """Submitted data does not satisfy the form.

    ``field_errors`` maps a field path (dotted for nested data, list items by index, e.g.
    ``"contacts.0.email"``; ``"_schema"`` for the submission as a whole) to its messages.
    """

    def __init__(self, field_errors: Mapping[str, list[str]]) -> None:
        self.field_errors: dict[str, list[str]] = {key: list(msgs) for key, msgs in field_errors.items()}
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.field_errors)
        shown = "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in list(self.field_errors.items())[:5])
        more = f" (and {count - 5} more)" if count > 5 else ""
        return f"invalid form data in {count} field(s): {shown}{more}"
