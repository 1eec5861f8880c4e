"""What the record lists share at the API: the ``sort`` argument (one whitelisted field, ``-`` for descending),
refused with a field error in English and Persian when it names a field the list cannot sort by."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from crm.sorting import SORTABLE, sort_problem


def sort_arg(list_name: str) -> fields.String:
    """The ``sort`` query argument of the ``list_name`` list."""

    def sortable(value: str) -> None:
        problem = sort_problem(list_name, value)
        if problem:
            raise ValidationError(problem)

    names = sorted(SORTABLE[list_name])
    return fields.String(validate=[validate.Length(1, 40), sortable], metadata={
        "description": "the order: one of the fields, a leading - for descending (ties by id); newest first "
                       "when left out", "enum": [*names, *(f"-{name}" for name in names)]})


__all__ = ["sort_arg"]
