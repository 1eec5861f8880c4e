"""Parsed specs per definition version, built from the stored resources on first use."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.definitions.xmlsafe import parse_xml
from engine.errors import NotFound
from engine.spiff.parser import Specs, build_specs, new_parser
from engine.store.models import ProcessDefinition, Resource
from engine.store.prepared import Prepared


@dataclass(frozen=True)
class DefinitionInfo:
    """What running an instance needs of its (immutable) definition version."""

    id: int
    key: str
    version: int
    file_name: str
    resources: list[dict[str, str]]
    elements: dict[str, Any]

    @classmethod
    def of(cls, row: ProcessDefinition) -> DefinitionInfo:
        return cls(row.id, row.key, row.version, row.file_name, row.resources, row.elements)


_DEFINITIONS = ProcessDefinition.__table__
_LATEST = Prepared(select(_DEFINITIONS.c.id).where(_DEFINITIONS.c.key == bindparam("key"))
                   .order_by(_DEFINITIONS.c.version.desc()).limit(1))  # every start asks it


class SpecCache:
    """Parsed specs and definition details per definition version (both never change once stored)."""

    def __init__(self, capacity: int = 256) -> None:
        self._items: OrderedDict[int, Specs] = OrderedDict()
        self._infos: dict[int, DefinitionInfo] = {}
        self._lock = threading.Lock()
        self._capacity = capacity

    def definition(self, session: Session, definition_id: int) -> DefinitionInfo:
        info = self._infos.get(definition_id)
        if info is None:
            row = session.get(ProcessDefinition, definition_id)
            if row is None:
                raise NotFound(f"no process definition {definition_id}")
            info = self._infos[definition_id] = DefinitionInfo.of(row)
        return info

    def latest(self, session: Session, key: str) -> DefinitionInfo:
        definition_id = _LATEST.scalar(session, {"key": key})
        if definition_id is None:
            raise NotFound(f"no process is deployed with the key {key!r}")
        return self.definition(session, definition_id)

    def get(self, session: Session, definition: DefinitionInfo | ProcessDefinition) -> Specs:
        with self._lock:
            specs = self._items.get(definition.id)
            if specs is not None:
                self._items.move_to_end(definition.id)
                return specs
        specs = self._build(session, definition)
        with self._lock:
            self._items[definition.id] = specs
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return specs

    @staticmethod
    def _build(session: Session, definition: DefinitionInfo | ProcessDefinition) -> Specs:
        hashes = [r["hash"] for r in definition.resources if r["kind"] in {"bpmn", "dmn"}]
        rows = {r.hash: r for r in session.scalars(select(Resource).where(Resource.hash.in_(hashes)))}
        documents: dict[str, dict] = {"bpmn": {}, "dmn": {}}
        for ref in definition.resources:
            if ref["kind"] not in documents:
                continue
            row = rows.get(ref["hash"])
            if row is None:
                raise NotFound(f"resource {ref['name']} of {definition.key} v{definition.version} is missing")
            root, problem = parse_xml(row.content.encode(), ref["name"])
            if problem is not None:
                raise NotFound(f"stored resource {ref['name']} cannot be parsed: {problem}")
            documents[ref["kind"]][ref["name"]] = root
        return build_specs(new_parser(documents["bpmn"], documents["dmn"]), definition.key, definition.file_name)
