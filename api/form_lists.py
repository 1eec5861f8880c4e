"""Task forms whose option components take their options from a managed list.

A form-js ``select``, ``radio``, ``checklist`` or ``taglist`` with ``"properties": {"ravand:list": "<name>"}``
shows the active entries of that list (``crm.lists``): when a task's form is served its ``values`` become
``{label, value}`` pairs with the label in the viewer's language and the entry's key as the value. When the
task is completed each submitted value must be an active key of that list, else a field error (422). The forms
room only knows that such options are dynamic; the list itself is the CRM's, so both steps happen here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from crm import lists
from crm.errors import InvalidRecord, refuse_fields
from crm.text import halves, in_language, read_locale
from forms.components import LIST_PROPERTY

CHOICES = frozenset({"select", "radio", "checklist", "taglist"})
NOT_IN_LIST = "not an active entry of the list {name} / از گزینه‌های فهرست {name} نیست"


def list_name(component: Any) -> str | None:
    """The managed list an option component names, if it names one."""
    if not isinstance(component, dict) or component.get("type") not in CHOICES:
        return None
    properties = component.get("properties")
    name = properties.get(LIST_PROPERTY) if isinstance(properties, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def viewer_locale(locale: str | None) -> str:
    """The CRM language (fa or en) of a person's language setting; English when it is neither."""
    try:
        return read_locale(locale)
    except InvalidRecord:
        return "en"


def fill(session: Session, form: Any, locale: str | None) -> Any:
    """A copy of the form-js document whose list components carry the list's active entries as ``values``."""
    if not isinstance(form, dict) or not isinstance(form.get("components"), list):
        return form
    locale = viewer_locale(locale)
    cache: dict[str, list[dict[str, str]]] = {}
    return {**form, "components": [_filled(session, c, locale, cache) for c in form["components"]]}


def _filled(session: Session, component: Any, locale: str, cache: dict[str, list[dict[str, str]]]) -> Any:
    if not isinstance(component, dict):
        return component
    out = dict(component)
    name = list_name(component)
    if name is not None:
        if name not in cache:
            cache[name] = [{"label": label, "value": key} for key, label in
                           lists.labels(session, name, locale, include_inactive=False).items()]
        out["values"] = cache[name]
        out.pop("valuesKey", None)
        out.pop("valuesExpression", None)
    if isinstance(out.get("components"), list):
        out["components"] = [_filled(session, c, locale, cache) for c in out["components"]]
    return out


def check(session: Session, form: Any, data: Any) -> None:
    """Refuse (``InvalidRecord``, one field error per field) submitted values that are not active keys of the
    list their component names. Absent and empty values are left to the form's own rules (required)."""
    if not isinstance(form, dict) or not isinstance(data, dict):
        return
    errors: dict[str, list[str]] = {}
    for path, name, value in _submitted(form.get("components"), data, ""):
        for item in value if isinstance(value, list) else [value]:
            if item in (None, ""):
                continue
            entry = lists.find(session, name, item) if isinstance(item, str) else None
            if entry is None or not entry.active:
                errors[path] = [NOT_IN_LIST.format(name=name)]
    refuse_fields(errors)


def _submitted(components: Any, data: dict[str, Any], prefix: str) -> Iterator[tuple[str, str, Any]]:
    """``(field path, list name, submitted value)`` of every list component whose value was submitted."""
    for component in components if isinstance(components, list) else ():
        if not isinstance(component, dict):
            continue
        name = list_name(component)
        key = component.get("key")
        if name is not None and isinstance(key, str):
            found, value = _at(data, key)
            if found:
                yield prefix + key, name, value
        path = component.get("path")
        inner = component.get("components")
        if isinstance(path, str) and path:
            found, nested = _at(data, path)
            items = nested if component.get("type") == "dynamiclist" and isinstance(nested, list) else [nested]
            for index, item in enumerate(items):
                if found and isinstance(item, dict):
                    at = f"{prefix}{path}.{index}." if component.get("type") == "dynamiclist" else f"{prefix}{path}."
                    yield from _submitted(inner, item, at)
        else:
            yield from _submitted(inner, data, prefix)


def _at(data: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    """The value at a dotted path of the data, and whether it is there."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _read_only_keys(components: Any) -> Iterator[str]:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        if (component.get("readonly") is True or component.get("disabled") is True) and isinstance(
                component.get("key"), str):
            yield component["key"]
        yield from _read_only_keys(component.get("components"))


def shown_data(form: Any, data: dict[str, Any], locale: str | None) -> dict[str, Any]:
    """The instance's data as the task's form shows it to this reader: a read-only field whose value a process
    wrote in both languages ("شکایت / Complaint", or such a line each) shows the reader's half."""
    if not isinstance(form, dict):
        return data
    lang = viewer_locale(locale)
    shown = dict(data)
    for key in _read_only_keys(form.get("components")):
        value = shown.get(key)
        if isinstance(value, str) and any(halves(line) is not None for line in value.splitlines()):
            shown[key] = "\n".join(in_language(line, lang) for line in value.splitlines())
    return shown
