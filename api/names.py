"""Process and task names in the reader's language (``engine.definitions.names``): a task's or an instance's dict gets
``name`` (a task's) and ``process_name`` in the signed-in user's language, with every language kept beside them
(``names``, ``process_names``: {"en": ..., "fa": ...}), so a client that wants the English name still has it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.form_lists import viewer_locale
from engine.definitions.names import BOOK, Names
from engine.store.models import ProcessDefinition, ProcessInstance

NAMES_DOC = "the name in every language the diagram gives it (en always; fa where the designer set name:fa)"


def names_field(what: str) -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.String(),
                       metadata={"description": f"{what}: {NAMES_DOC}"})


def reader_locale() -> str:
    from api.guard import current_principal

    try:
        return viewer_locale(current_principal().locale)
    except Exception:  # no signed-in user (a background job): the default language
        return "en"


def _book(session: Session, keys: Iterable[str | None]) -> Names:
    return BOOK.lookup(session, {k for k in keys if k})


def tasks(session: Session, items: list[dict[str, Any]], locale: str | None = None) -> list[dict[str, Any]]:
    """Task dicts (``as_dict``) named in ``locale`` (the reader's by default): ``name``, ``names``,
    ``process_name``, ``process_names``. Call before the title is made from the name."""
    locale = locale or reader_locale()
    book = _book(session, (item.get("process_key") for item in items))
    processes = {key: book.process(key) for key in {item.get("process_key") or "" for item in items}}
    for item in items:
        key = item.get("process_key") or ""
        names, process = book.names(key, item.get("element_id") or "", item.get("name")), processes[key]
        item.update(name=names.get(locale) or names["en"], names=names,
                    process_name=process.get(locale) or process["en"], process_names=process)
    return items


def task(session: Session, item: dict[str, Any], locale: str | None = None) -> dict[str, Any]:
    return tasks(session, [item], locale)[0]


def instances(session: Session, items: list[dict[str, Any]], locale: str | None = None) -> list[dict[str, Any]]:
    """Instance dicts with ``process_name``/``process_names`` and ``active_names`` (element id → name in
    ``locale``) for the elements it waits at and those it passed."""
    locale = locale or reader_locale()
    book = _book(session, (item.get("process_key") for item in items))
    for item in items:
        key = item.get("process_key") or ""
        process = book.process(key)
        item.update(process_name=process.get(locale) or process["en"], process_names=process)
        seen = [*(item.get("active_elements") or []), *(item.get("element_counts") or {}),
                *(i.get("element_id") for i in item.get("incidents") or [])]
        item["element_names"] = {e: book.name(key, e, locale) for e in dict.fromkeys(seen) if e}
    return items


def instance(session: Session, item: dict[str, Any], locale: str | None = None) -> dict[str, Any]:
    return instances(session, [item], locale)[0]


def message_catchers(session: Session, instance_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Instance id → {message name: the id of the element that waits for it}, from each instance's deployed
    definition: a correlated message's journal entry names the message, and its element carries the names."""
    wanted = sorted({i for i in instance_ids if i})
    if not wanted:
        return {}
    rows = session.execute(select(ProcessInstance.id, ProcessDefinition.elements)
                           .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                           .where(ProcessInstance.id.in_(wanted))).all()
    found: dict[str, dict[str, str]] = {}
    for instance_id, elements in rows:
        catchers: dict[str, str] = {}
        for element_id, meta in sorted((elements or {}).items()):
            if isinstance(meta, dict) and meta.get("catches") == "message" and isinstance(meta.get("event"), str):
                catchers.setdefault(meta["event"], element_id)
        found[instance_id] = catchers
    return found


def entries(session: Session, items: list[dict[str, Any]], locale: str | None = None) -> list[dict[str, Any]]:
    """Journal entry dicts with ``process_name`` (the process of its instance, or the one deployed) and
    ``element_name`` (the element it is about), in ``locale``, where the entry has them."""
    locale = locale or reader_locale()
    ids = sorted({i["process_instance"] for i in items if i.get("process_instance")})
    found = session.execute(select(ProcessInstance.id, ProcessInstance.process_key)
                            .where(ProcessInstance.id.in_(ids))) if ids else []
    keys = {row.id: row.process_key for row in found}
    deployed = {(i.get("data") or {}).get("key") for i in items if i.get("kind") == "deployed"}
    book = _book(session, {*keys.values(), *(k for k in deployed if isinstance(k, str))})
    catchers = message_catchers(session, (i["process_instance"] for i in items if i.get("kind") == "message.correlated"
                                          and not i.get("element_id") and i.get("process_instance")))
    for item in items:
        data = item.get("data") or {}
        key = keys.get(item.get("process_instance") or "") or (data.get("key") if item.get("kind") == "deployed"
                                                                else None)
        if not isinstance(key, str) or not key:
            continue
        process = book.process(key)
        item["process_name"] = process.get(locale) or process["en"]
        element = item.get("element_id") or (catchers.get(item.get("process_instance") or "", {})
                                             .get(str(data.get("name"))) if item.get("kind") == "message.correlated"
                                             else None)
        if element:
            english = data.get("name") if item.get("kind") == "task.created" else None
            item["element_name"] = book.name(key, element, locale, english if isinstance(english, str) else None)
    return items


def process_names(session: Session, keys: Iterable[str], locale: str | None = None) -> dict[str, str]:
    """Process key → the process's name in ``locale`` (the reader's by default); the key where it has none."""
    locale = locale or reader_locale()
    wanted = sorted({k for k in keys if k})
    book = _book(session, wanted)
    found = {key: book.process(key) for key in wanted}
    return {key: names.get(locale) or names["en"] for key, names in found.items()}


def definitions(session: Session, items: list[dict[str, Any]], locale: str | None = None) -> list[dict[str, Any]]:
    """Definition dicts with ``process_name`` (in ``locale``) and ``names``; ``name`` stays as the diagram has it."""
    locale = locale or reader_locale()
    book = _book(session, (item.get("key") for item in items))
    for item in items:
        process = book.process(item.get("key") or "", item.get("name"))
        item.update(process_name=process.get(locale) or process["en"], names=process)
    return items
