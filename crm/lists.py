"""Managed lists: everything a decision table or a report keys on (products, provinces and cities, lead
sources, complaint categories and kinds, disqualification and loss reasons, contract levels) is an entry with a
stable key and a Persian and an English label. Records and decision tables hold keys; people see labels.

``key_of`` reads what a person or a form sent, a key or a label in either language, however it was typed
(Arabic or Persian ی and ک, ZWNJ or space, Persian or Latin digits, case), so that «نرم‌افزار», «نرم افزار»,
"Software" and ``software`` all give ``software``. Administrators add entries and change labels, order and
whether an entry is active; a key never changes and an entry is never deleted (deactivate it), so that every
record holding a key keeps its meaning. Every change is journaled through ``Ctx``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm.errors import InvalidRecord, RecordNotFound, refuse_fields
from crm.models import ListEntry
from crm.text import clean, name_key, read_locale
from crm.unit import Ctx

__all__ = ["PARENTS", "add_entry", "change_entry", "entries", "find", "key_of", "label", "labels", "names"]

PARENTS = {"city": "province"}  # a list whose entries each belong to an entry of another list
NAME = re.compile(r"[a-z][a-z0-9_]{1,39}")
KEY = re.compile(r"[a-z0-9][a-z0-9_]{0,79}")
EDITABLE = ("label_fa", "label_en", "position", "active", "parent_key")
RECORD = "list_entry"  # the journal's name for these records


def entries(session: Session, name: str, *, parent: str | None = None,
            include_inactive: bool = False) -> list[ListEntry]:
    """A list's entries in their order; only those under ``parent`` when it is given; active ones only unless
    ``include_inactive``."""
    query = select(ListEntry).where(ListEntry.list_name == name)
    if parent is not None:
        query = query.where(ListEntry.parent_key == parent)
    if not include_inactive:
        query = query.where(ListEntry.active.is_(True))
    return list(session.scalars(query.order_by(ListEntry.position, ListEntry.key)))


def names(session: Session) -> list[dict[str, Any]]:
    """Every list: its name, how many entries it has and how many of them are active."""
    rows = session.execute(
        select(ListEntry.list_name, func.count(), func.sum(case((ListEntry.active.is_(True), 1), else_=0)))
        .group_by(ListEntry.list_name).order_by(ListEntry.list_name))
    return [{"name": name, "entries": total, "active": int(active or 0)} for name, total, active in rows]


def find(session: Session, name: str, key: str) -> ListEntry | None:
    """The entry of list ``name`` with exactly this key, active or not."""
    return session.scalar(select(ListEntry).where(ListEntry.list_name == name, ListEntry.key == key))


def _unknown(name: str, value: Any, field: str) -> InvalidRecord:
    return InvalidRecord(f"{field}: {value!r} is not in the list {name!r}",
                         {field: [f"not an entry of the list {name} / در فهرست {name} نیست"]})


def key_of(session: Session, name: str, value: Any, *, field: str | None = None, active_only: bool = True) -> str:
    """The key of the entry ``value`` names (its key, or its Persian or English label, however typed).

    ``InvalidRecord`` naming ``field`` (default: the list's name) when no entry matches, or when the entry is
    no longer active and ``active_only``."""
    field = field or name
    wanted = name_key(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not wanted:
        raise _unknown(name, value, field)
    exact = find(session, name, value) if isinstance(value, str) else None
    found = [exact] if exact else [entry for entry in entries(session, name, include_inactive=True)
                                   if wanted in (name_key(entry.key), name_key(entry.label_fa),
                                                 name_key(entry.label_en))]
    if not found:
        raise _unknown(name, value, field)
    usable = [entry for entry in found if entry.active or not active_only]
    if not usable:
        raise InvalidRecord(f"{field}: {value!r} is no longer in use",
                            {field: [f"{found[0].key} is no longer in use / این گزینه دیگر به کار نمی‌رود"]})
    return usable[0].key


def label(session: Session, name: str, key: str | None, locale: str) -> str:
    """The entry's label in ``locale`` ("fa" or "en"; the key itself when the list has no such key)."""
    if not key:
        return key or ""
    entry = find(session, name, key)
    return _label(entry, locale) if entry else key


def labels(session: Session, name: str, locale: str, *, include_inactive: bool = True) -> dict[str, str]:
    """Every key of a list with its label in ``locale``, in the list's order."""
    return {entry.key: _label(entry, locale) for entry in entries(session, name, include_inactive=include_inactive)}


def _label(entry: ListEntry, locale: str) -> str:
    return entry.label_en if read_locale(locale) == "en" else entry.label_fa


def _text(value: Any, field: str, errors: dict[str, list[str]]) -> str | None:
    text = clean(value) if isinstance(value, str) else None
    if not text:
        errors[field] = ["required text / لازم است"]
    elif len(text) > 255:
        errors[field] = ["at most 255 characters / حداکثر ۲۵۵ نویسه"]
    return text


def _position(value: Any, errors: dict[str, list[str]]) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1_000_000:
        return value
    errors["position"] = ["a whole number from 0 to 1000000 / عددی صحیح از ۰ تا ۱۰۰۰۰۰۰"]
    return None


def _parent(session: Session, name: str, value: Any, errors: dict[str, list[str]]) -> str | None:
    """The parent key an entry of ``name`` must (or must not) carry."""
    parent_list = PARENTS.get(name)
    if parent_list is None:
        if value not in (None, ""):
            errors["parent_key"] = [f"the list {name} has no parents / این فهرست والد ندارد"]
        return None
    try:
        return key_of(session, parent_list, value, field="parent_key", active_only=False)
    except InvalidRecord as exc:
        errors.update(exc.field_errors)
        return None


def _clashes(session: Session, name: str, entry_key: str, texts: Mapping[str, str | None],
             errors: dict[str, list[str]]) -> None:
    """A label must name one entry only: it may not read as another entry's key or label."""
    others = [e for e in entries(session, name, include_inactive=True) if e.key != entry_key]
    taken = {name_key(t): e.key for e in others for t in (e.key, e.label_fa, e.label_en)}
    for field, text in texts.items():
        if text and name_key(text) in taken:
            errors.setdefault(field, []).append(
                f"already names the entry {taken[name_key(text)]} / نام گزینهٔ دیگری است")


def add_entry(ctx: Ctx, name: str, *, key: Any, label_fa: Any, label_en: Any, parent_key: Any = None,
              position: Any = None) -> ListEntry:
    """A new active entry of list ``name`` (a new name starts a new list); at the end unless ``position``."""
    errors: dict[str, list[str]] = {}
    if not isinstance(name, str) or not NAME.fullmatch(name):
        errors["name"] = ["2-40 lower-case letters, digits or _ / ۲ تا ۴۰ حرف کوچک لاتین، رقم یا _"]
    if not isinstance(key, str) or not KEY.fullmatch(key):
        errors["key"] = ["1-80 lower-case letters, digits or _ / ۱ تا ۸۰ حرف کوچک لاتین، رقم یا _"]
    elif "name" not in errors and find(ctx.session, name, key):
        errors["key"] = ["already in the list / این کلید در فهرست هست"]
    texts = {"label_fa": _text(label_fa, "label_fa", errors), "label_en": _text(label_en, "label_en", errors)}
    if "name" not in errors:
        checked = {f: v for f, v in {"key": key, **texts}.items() if f not in errors}
        _clashes(ctx.session, name, key if isinstance(key, str) else "", checked, errors)
    parent = _parent(ctx.session, name, parent_key, errors) if "name" not in errors else None
    if position is not None:
        position = _position(position, errors)
    refuse_fields(errors)
    if position is None:
        last = ctx.session.scalar(select(func.max(ListEntry.position)).where(ListEntry.list_name == name))
        position = (last or 0) + 1
    entry = ListEntry(list_name=name, key=key, label_fa=texts["label_fa"], label_en=texts["label_en"],
                      parent_key=parent, position=position, active=True)
    return ctx.add(entry, RECORD, list_name=name)


def change_entry(ctx: Ctx, name: str, key: str, changes: Mapping[str, Any]) -> ListEntry:
    """Change an entry's labels, position, parent or whether it is active; its key never changes."""
    entry = find(ctx.session, name, key)
    if entry is None:
        raise RecordNotFound(f"the list {name!r} has no entry {key!r}")
    errors: dict[str, list[str]] = {}
    if "key" in changes and changes["key"] != key:
        errors["key"] = ["a key never changes: deactivate this entry and add another / کلید تغییر نمی‌کند"]
    for unknown in sorted(set(changes) - {*EDITABLE, "key"}):
        errors[unknown] = ["unknown field / فیلد ناشناخته"]
    values: dict[str, Any] = {}
    for field in ("label_fa", "label_en"):
        if field in changes:
            values[field] = _text(changes[field], field, errors)
    _clashes(ctx.session, name, key, {f: v for f, v in values.items() if f not in errors}, errors)
    if "position" in changes:
        values["position"] = _position(changes["position"], errors)
    if "active" in changes:
        if isinstance(changes["active"], bool):
            values["active"] = changes["active"]
        else:
            errors["active"] = ["true or false / درست یا نادرست"]
    if "parent_key" in changes:
        values["parent_key"] = _parent(ctx.session, name, changes["parent_key"], errors)
    refuse_fields(errors)
    ctx.change(entry, RECORD, values, list_name=name, key=key)
    return entry
