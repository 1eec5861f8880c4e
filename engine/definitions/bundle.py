"""Reading deployment files: classify, parse safely, and say what each one offers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.definitions.dialect import BPMN_NS, DMN_NAMESPACES, q
from engine.definitions.dmn_tables import policy_problems
from engine.definitions.xmlsafe import parse_xml
from engine.errors import Problem
from forms import Form, FormError, load_form


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Bundle:
    """The parsed files of one deployment."""

    bpmn: dict[str, etree._Element] = field(default_factory=dict)
    dmn: dict[str, etree._Element] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)  # file name → form
    raw: dict[str, bytes] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)  # decision id → file name
    problems: list[Problem] = field(default_factory=list)

    def kind(self, name: str) -> str:
        return "bpmn" if name in self.bpmn else "dmn" if name in self.dmn else "form"

    def form_by_id(self, form_id: str) -> tuple[str, Form] | None:
        for name, form in self.forms.items():
            if form.id == form_id:
                return name, form
        return None


def _kind_of(name: str, content: bytes) -> str:
    lowered = name.lower()
    if lowered.endswith((".form", ".json")):
        return "form"
    if lowered.endswith(".dmn"):
        return "dmn"
    if lowered.endswith((".bpmn", ".bpmn20.xml", ".bpmn2", ".xml")):
        return "bpmn"
    return "form" if content.lstrip()[:1] in (b"{", b"[") else "xml"


def _add_form(bundle: Bundle, name: str, content: bytes) -> None:
    try:
        bundle.forms[name] = load_form(content, name)
    except FormError as exc:
        bundle.problems.append(Problem(f"invalid form: {exc}", name))


def _add_dmn(bundle: Bundle, name: str, root: etree._Element) -> None:
    decisions = [d for d in root if etree.QName(d).localname == "decision"]
    before = len(bundle.problems)
    for decision in decisions:
        tables = [t for t in decision if etree.QName(t).localname == "decisionTable"]
        if len(tables) != 1:
            bundle.problems.append(Problem("a decision must hold exactly one decision table", name,
                                           decision.get("id"), decision.sourceline))
        for node in decision.iter():
            if etree.QName(node).localname in {"input", "output", "rule"} and not node.get("id"):
                bundle.problems.append(Problem(f"every {etree.QName(node).localname} needs an id", name,
                                               decision.get("id"), node.sourceline))
        bundle.problems.extend(policy_problems(name, decision))
        bundle.decisions[decision.get("id") or ""] = name
    if not decisions:
        bundle.problems.append(Problem("the DMN file holds no decision", name, None, root.sourceline))
    if len(bundle.problems) == before:
        bundle.dmn[name] = root


def _add_xml(bundle: Bundle, name: str, content: bytes) -> None:
    root, problem = parse_xml(content, name)
    if problem is not None:
        bundle.problems.append(problem)
        return
    namespace = etree.QName(root).namespace
    if namespace in DMN_NAMESPACES:
        _add_dmn(bundle, name, root)
    elif root.tag == q(BPMN_NS, "definitions"):
        bundle.bpmn[name] = root
    else:
        bundle.problems.append(Problem(f"neither BPMN 2.0 nor DMN (root element {root.tag!r})", name,
                                       None, root.sourceline))


def read_files(files: list[tuple[str, bytes]]) -> Bundle:
    bundle = Bundle()
    for name, content in files:
        if name in bundle.raw:
            bundle.problems.append(Problem("the deployment holds two files with this name", name))
            continue
        bundle.raw[name] = content
        if _kind_of(name, content) == "form":
            _add_form(bundle, name, content)
        else:
            _add_xml(bundle, name, content)
    if not files:
        bundle.problems.append(Problem("the deployment holds no files"))
    return bundle


def form_json(form: Form) -> str:
    return json.dumps(form.schema, ensure_ascii=False, sort_keys=True)


def synthesised_form(element_id: str, components: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": f"{element_id}-generated", "type": "default", "components": components}
