"""The public ``Form``: a loaded form-js form with its marshmallow schema built once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.formjs import parse_form
from forms.patterns import pattern_budget
from forms.schema import CompiledForm


@dataclass(frozen=True)
class Form:
    """A usable form-js form.

    ``id`` is the form's ``id`` (what ``formRef``/``formKey`` name).  ``schema`` is the form-js
    JSON (a private copy; its ``id`` is filled in when it came from the file name, so that
    ``load_form(form.schema)`` gives the same form back).  ``fields`` are the data keys it knows,
    dotted for nested data (a dynamic list's fields as ``<list path>.<key>``, without item index).
    ``unevaluated_conditions`` names, with the reason, each component whose ``conditional.hide``
    is outside the FEEL subset of ``forms.feel`` (such a component is optional: maybe hidden).
    Build it with ``load_form``.
    """

    id: str
    schema: dict = field(hash=False)
    fields: tuple[str, ...]
    _compiled: CompiledForm | None = field(default=None, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self._compiled is None:  # built directly rather than by load_form
            object.__setattr__(self, "_compiled", _compile(self.schema, self.id))

    def validate(self, data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> dict:
        """The cleaned, JSON-serialisable data; raises ``FormDataInvalid`` with per-field messages.

        ``context`` (e.g. the process variables) is seen by the ``conditional.hide`` expressions
        together with ``data``, which wins over it.  A component hidden by its conditions is left
        out of the result and not checked; a shown one is checked in full (required included).
        """
        assert self._compiled is not None
        with pattern_budget():  # the submission's pattern checks share one time budget
            return self._compiled.validate(data, context)

    @property
    def unevaluated_conditions(self) -> tuple[str, ...]:
        assert self._compiled is not None
        return self._compiled.unevaluated_conditions


def load_form(raw: bytes | str | dict, filename: str | None = None) -> Form:
    """Load a form-js form (JSON text, bytes or an already parsed dict); raises ``FormError``.

    A form without an ``id`` takes its file's name without extension (``invoice.form`` ->
    ``"invoice"``) when ``filename`` is given, as Camunda 7 forms are referenced by file.
    """
    parsed = parse_form(raw, filename)
    compiled = CompiledForm(parsed.root, parsed.unevaluated_conditions)
    return Form(parsed.form_id, parsed.document, parsed.fields, compiled)


def validate_data(form: Form, data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> dict:
    """Same as ``form.validate(data, context)``."""
    return form.validate(data, context)


def _compile(schema: dict, form_id: str) -> CompiledForm:
    parsed = parse_form({**schema, "id": form_id} if isinstance(schema, dict) else schema)
    return CompiledForm(parsed.root, parsed.unevaluated_conditions)
