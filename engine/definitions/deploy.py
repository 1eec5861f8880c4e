"""Deploy: validate a set of BPMN, DMN and form files and store a new version of every process
whose content changed. Unchanged content makes no new version."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import journal, sandbox
from engine.clock import utcnow
from engine.definitions import names
from engine.definitions.bundle import Bundle, form_json, read_files, sha256, synthesised_form
from engine.definitions.checks import DeploymentContext, executable_processes, run_checks
from engine.definitions.dialect import BPMN_NS, process_elements, q
from engine.definitions.dmn_tables import decisions_of, overlap_warnings
from engine.errors import InvalidDefinition, Problem
from engine.expressions import to_python
from engine.spiff.parser import build_specs, new_parser
from engine.store.models import ProcessDefinition, Resource
from forms import FormError, load_form


@dataclass(frozen=True)
class Deployed:
    id: int
    key: str
    version: int
    name: str | None
    created: bool
    warnings: list[Problem] = field(default_factory=list)  # what deploys but deserves a look (DMN overlaps)


def _context(bundle: Bundle, name: str, handlers: Collection[str]) -> DeploymentContext:
    return DeploymentContext(
        file_name=name, handlers=handlers, decisions=bundle.decisions,
        form_ids={f.id for f in bundle.forms.values()}, form_files=set(bundle.forms),
        compile_script=sandbox.compile_script, compile_expression=sandbox.compile_expression,
        to_python=to_python,
    )


def _process_files(bundle: Bundle) -> dict[str, str]:
    """Process id → file name, for every process (executable or not) in the deployment."""
    return {p.get("id"): name for name, root in bundle.bpmn.items() for p in root.iter(q(BPMN_NS, "process"))}


def _needed_files(bundle: Bundle, file_name: str, owners: dict[str, str]) -> list[str]:
    """The BPMN file of a process plus, transitively, the files of the processes it calls."""
    needed, queue = [file_name], [file_name]
    while queue:
        root = bundle.bpmn[queue.pop()]
        for call in root.iter(q(BPMN_NS, "callActivity")):
            owner = owners.get(call.get("calledElement") or "")
            if owner and owner not in needed:
                needed.append(owner)
                queue.append(owner)
    return needed


def _form_for(bundle: Bundle, meta: dict[str, Any], element_id: str) -> tuple[str, str] | None:
    """(file name, JSON) of the form a user task uses, if Ravand validates it."""
    key, ref = meta.get("form_key") or "", meta.get("form_ref")
    found = bundle.form_by_id(ref) if ref else None
    if found is None and key.startswith(("camunda-forms:deployment:", "camunda-forms:app:")):
        file_name = key.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        found = (file_name, bundle.forms[file_name]) if file_name in bundle.forms else None
    if found is None and key and ":" not in key:
        found = bundle.form_by_id(key)
    if found is not None:
        return found[0], form_json(found[1])
    if meta.get("form_fields"):
        form = load_form(synthesised_form(element_id, meta.pop("form_fields")))
        return f"{element_id}.form", form_json(form)
    return None


def _store_resource(session: Session, kind: str, name: str, content: str) -> str:
    digest = sha256(content.encode())
    if session.get(Resource, digest) is None:
        session.add(Resource(hash=digest, kind=kind, name=name, content=content))
    return digest


@dataclass
class _Candidate:
    key: str
    name: str | None
    file_name: str
    resources: list[dict[str, str]]
    elements: dict[str, Any]
    content_hash: str
    decisions: set[str]


def _candidate(session: Session, bundle: Bundle, process: etree._Element, file_name: str,
               owners: dict[str, str]) -> _Candidate:
    elements = process_elements(process)
    files = _needed_files(bundle, file_name, owners)
    resources: list[dict[str, str]] = []
    for name in files:
        resources.append({"kind": "bpmn", "name": name,
                          "hash": _store_resource(session, "bpmn", name, bundle.raw[name].decode("utf-8"))})
    decisions = {m.get("decision_ref") for f in files for m in process_elements_of(bundle, f).values()}
    for decision in sorted(d for d in decisions if d):
        name = bundle.decisions[decision]
        resources.append({"kind": "dmn", "name": name,
                          "hash": _store_resource(session, "dmn", name, bundle.raw[name].decode("utf-8"))})
    for element_id, meta in elements.items():
        if meta["type"] == "userTask" or (meta["type"] == "startEvent" and "start" not in meta):
            form = _form_for(bundle, meta, element_id)
            if form is not None:
                meta["form"] = _store_resource(session, "form", *form)
                resources.append({"kind": "form", "name": form[0], "hash": meta["form"]})
    # the hash counts a form once per task that uses it (as versions deployed before were hashed), the list once
    content_hash = sha256("\n".join(sorted(r["hash"] for r in resources)).encode())
    resources = [dict(kept) for kept in dict.fromkeys(tuple(r.items()) for r in resources)]
    return _Candidate(process.get("id"), process.get("name"), file_name, resources, elements, content_hash,
                      {d for d in decisions if d})


def process_elements_of(bundle: Bundle, file_name: str) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for process in bundle.bpmn[file_name].iter(q(BPMN_NS, "process")):
        merged.update(process_elements(process))
    return merged


def validate(bundle: Bundle, handlers: Collection[str]) -> list[tuple[str, etree._Element]]:
    """Every executable process as (file name, element); InvalidDefinition if anything is wrong."""
    problems = list(bundle.problems)
    for name, root in bundle.bpmn.items():
        problems.extend(run_checks(root, _context(bundle, name, handlers)))
    if not bundle.bpmn and not problems:
        problems.append(Problem("the deployment holds no BPMN diagram"))
    if problems:
        raise InvalidDefinition(problems)
    processes = [(name, p) for name, root in bundle.bpmn.items() for p in executable_processes(root)]
    try:
        parser = new_parser(bundle.bpmn, bundle.dmn)
    except Exception as exc:
        raise InvalidDefinition([Problem(f"cannot be parsed: {exc}")]) from exc
    for name, process in processes:
        try:
            build_specs(parser, process.get("id"), name)
        except InvalidDefinition as exc:
            problems.extend(exc.problems)
    _check_generated_forms(bundle, processes, problems)
    if problems:
        raise InvalidDefinition(problems)
    return processes


def warnings(bundle: Bundle) -> list[Problem]:
    """What deploys but deserves the designer's look: rules of a UNIQUE decision table that can overlap."""
    return [w for name, root in bundle.dmn.items() for decision in decisions_of(root)
            for w in overlap_warnings(name, decision)]


def _check_generated_forms(bundle: Bundle, processes: list[tuple[str, etree._Element]],
                           problems: list[Problem]) -> None:
    for name, process in processes:
        for element_id, meta in process_elements(process).items():
            if meta.get("form_fields"):
                try:
                    load_form(synthesised_form(element_id, meta["form_fields"]))
                except FormError as exc:
                    problems.append(Problem(f"camunda:formData cannot be used: {exc}", name, element_id))


def deploy(session: Session, files: list[tuple[str, bytes]], actor: str | None,
           handlers: Collection[str]) -> list[Deployed]:
    """Validate and store; returns one entry per executable process (``created`` is False when the
    content matched the latest version)."""
    bundle = read_files(files)
    processes = validate(bundle, handlers)
    owners = _process_files(bundle)
    noticed = warnings(bundle)
    results = []
    for file_name, process in processes:
        candidate = _candidate(session, bundle, process, file_name, owners)
        mine = [w for w in noticed if w.element_id in candidate.decisions]
        results.append(_store_definition(session, candidate, actor, mine))
    session.flush()
    return results


def _store_definition(session: Session, candidate: _Candidate, actor: str | None,
                      noticed: list[Problem]) -> Deployed:
    latest = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == candidate.key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).first()
    if latest is not None and latest.content_hash == candidate.content_hash:
        return Deployed(latest.id, latest.key, latest.version, latest.name, False, noticed)
    version = (session.scalar(select(func.max(ProcessDefinition.version))
                              .where(ProcessDefinition.key == candidate.key)) or 0) + 1
    definition = ProcessDefinition(
        key=candidate.key, version=version, name=candidate.name, content_hash=candidate.content_hash,
        file_name=candidate.file_name, resources=candidate.resources, elements=candidate.elements,
        deployed_by=actor, deployed_at=utcnow(),
    )
    session.add(definition)
    session.flush()
    names.BOOK.forget(candidate.key)  # this process reads the new version's names at once
    journal.record(session, "deployed", actor, data={
        "definition_id": definition.id, "key": definition.key, "version": version,
        "content_hash": candidate.content_hash, "files": [r["name"] for r in candidate.resources],
        **({"warnings": [str(w) for w in noticed]} if noticed else {}),
    })
    return Deployed(definition.id, definition.key, version, definition.name, True, noticed)

