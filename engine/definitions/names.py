"""Process and element names in the reader's language.

A diagram names each process and flow element in English (its ``name`` attribute) and, per locale, in a
Camunda extension property ``name:<locale>`` (what Camunda Modeler's "Extension properties" group writes)::

    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="name:fa" value="تماس ارزیابی"/>
    </camunda:properties></bpmn:extensionElements>

Deploy keeps them in the definition's ``elements`` (``names: {"fa": ...}`` beside ``name``), so no request
parses XML. ``NameBook`` answers "what is element E of process K called in locale L" from those, read once per
process key and kept for ``ttl`` seconds (forgotten at once when this process deploys the key): a task keeps
the names of its own version where they exist, and an instance started before the names were added borrows
them from a later version where the element's English name is the same."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import ProcessDefinition

PREFIX = "name:"
DEFAULT_LOCALE = "en"
MAX_NAME = 255


def locale_names(properties: Mapping[str, str]) -> dict[str, str]:
    """``name:<locale>`` extension properties → {locale: name} (blank values and the default locale left out)."""
    found: dict[str, str] = {}
    for key, value in properties.items():
        if not key.startswith(PREFIX):
            continue
        locale, text = key[len(PREFIX):].strip().lower(), " ".join((value or "").split())
        if locale and locale != DEFAULT_LOCALE and text:
            found[locale] = text[:MAX_NAME]
    return found


@dataclass(frozen=True)
class _Named:
    """One element as one version names it."""

    version: int
    english: str
    names: dict[str, str]


def _entries(rows: Iterable[Any]) -> dict[str, list[_Named]]:
    """Element id → how each version names it, newest version first."""
    found: dict[str, list[_Named]] = {}
    for row in sorted(rows, key=lambda r: -r.version):
        for element_id, meta in (row.elements or {}).items():
            if isinstance(meta, Mapping):
                found.setdefault(element_id, []).append(
                    _Named(row.version, str(meta.get("name") or element_id), dict(meta.get("names") or {})))
    return found


class NameBook:
    """Names of a process key's elements in every locale, cached per key."""

    def __init__(self, ttl: float = 300.0) -> None:
        self._keys: dict[str, tuple[float, dict[str, list[_Named]]]] = {}
        self._lock = threading.Lock()
        self._ttl = ttl

    def forget(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._keys.clear()
            else:
                self._keys.pop(key, None)

    def _load(self, session: Session, keys: Iterable[str]) -> dict[str, dict[str, list[_Named]]]:
        now, wanted, found = time.monotonic(), set(k for k in keys if k), {}
        with self._lock:
            for key in list(wanted):
                cached = self._keys.get(key)
                if cached is not None and now - cached[0] < self._ttl:
                    found[key] = cached[1]
                    wanted.discard(key)
        if wanted:
            rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.version, ProcessDefinition.elements)
                                   .where(ProcessDefinition.key.in_(sorted(wanted)))).all()
            for key in wanted:
                found[key] = _entries(r for r in rows if r.key == key)
            with self._lock:
                for key in wanted:
                    self._keys[key] = (now, found[key])
        return found

    def lookup(self, session: Session, keys: Iterable[str]) -> Names:
        """The names of the given process keys' elements (one query for those not cached)."""
        return Names(self._load(session, keys))


@dataclass(frozen=True)
class Names:
    """Answers for the keys a ``NameBook.lookup`` read (each asked once: a page's tasks share a few names)."""

    keys: dict[str, dict[str, list[_Named]]]
    _answers: dict[tuple[str, str, str | None], dict[str, str]] = field(default_factory=dict, compare=False)

    def _pick(self, key: str, element_id: str, english: str | None) -> _Named | None:
        entries = self.keys.get(key, {}).get(element_id, [])
        if english is not None:
            same = [e for e in entries if e.english == english]
            return next((e for e in same if e.names), same[0] if same else None)
        return entries[0] if entries else None

    def names(self, key: str, element_id: str, english: str | None = None) -> dict[str, str]:
        """{"en": ..., "fa": ...}: every locale the element is named in; ``english`` (the name a task or a version
        carries) chooses the version to read, and is the English name whatever the versions say."""
        asked = (key, element_id, english)
        answer = self._answers.get(asked)
        if answer is None:
            found = self._pick(key, element_id, english)
            base = english if english is not None else (found.english if found else element_id)
            answer = self._answers[asked] = {DEFAULT_LOCALE: base, **(found.names if found else {})}
        return dict(answer)

    def name(self, key: str, element_id: str, locale: str, english: str | None = None) -> str:
        names = self.names(key, element_id, english)
        return names.get(locale) or names[DEFAULT_LOCALE]

    def process(self, key: str, english: str | None = None) -> dict[str, str]:
        """The process's own names (its element id is its key); English falls back to the key."""
        return self.names(key, key, english or None) if english or self.keys.get(key, {}).get(key) else \
            {DEFAULT_LOCALE: key}


BOOK = NameBook()
