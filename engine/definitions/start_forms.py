"""The form a person fills in to start a process: a top-level none start event's form (``camunda:formKey``,
``camunda:formRef``, Zeebe ``formDefinition`` or ``camunda:formData``), stored at deployment like a user
task's. Served for display as task forms are, and the values of a start checked against it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.store.models import Resource
from forms import FormDataInvalid, load_form
from forms.display import for_display


def start_form_hash(elements: Mapping[str, Any]) -> str | None:
    """The stored form of the process's none start event, if it has one."""
    for meta in elements.values():
        if isinstance(meta, Mapping) and meta.get("type") == "startEvent" and meta.get("form") and "start" not in meta:
            return str(meta["form"])
    return None


def _content(session: Session, elements: Mapping[str, Any]) -> str | None:
    digest = start_form_hash(elements)
    resource = session.get(Resource, digest) if digest else None
    return resource.content if resource is not None and resource.kind == "form" else None


@lru_cache(maxsize=128)
def _form(content: str) -> Any:
    return load_form(content)


def display(session: Session, elements: Mapping[str, Any]) -> dict[str, Any] | None:
    """The start form as the person starting the process sees it (markup made harmless), or None."""
    content = _content(session, elements)
    return for_display(json.loads(content)) if content is not None else None


def check(session: Session, elements: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` checked against the start form (``InvalidData`` with field errors), the cleaned values;
    without a start form the values as they are."""
    content = _content(session, elements)
    if content is None:
        return dict(values)
    try:
        return _form(content).validate(values, None)
    except FormDataInvalid as exc:
        raise InvalidData(exc.field_errors) from exc
