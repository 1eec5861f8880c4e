"""The external BPMN corpus (/work/shared/corpus): diagrams nobody on this project drew.

Every ``.bpmn`` file is deployed on its own (with the forms, DMN tables and called processes it
references from its own project folder). Each must either deploy, or be refused with an
``InvalidDefinition`` whose problems are located and readable; nothing may raise anything else
or take longer than ``TIME_LIMIT_S``. Processes that deployed and need nothing from outside
(no service tasks, timers, messages, signals) are then started and driven through their user
tasks by an administrator until they complete, wait, or fail with a readable incident.

``test_corpus_summary`` prints a table per corpus folder (shown even without ``-s``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from lxml import etree

from api.composition import MIGRATIONS
from engine.definitions.dialect import BPMN_NS, CAMUNDA_NS, ZEEBE_NS, local, q
from engine.errors import InvalidData, InvalidDefinition, Problem
from engine.store.db import make_engine, make_session_factory
from engine.store.migrate import upgrade
from engine.views import Actor, InstanceView
from tests.conftest import Database
from tests.engine.helpers import Harness

T = TypeVar("T")

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
TIME_LIMIT_S = 10.0
MAX_STEPS = 50
ROOT = Actor("root", frozenset(), admin=True)

# What Ravand runs without outside help: people, scripts, gateways, plain events.
SELF_CONTAINED_NODES = {
    "startEvent", "endEvent", "intermediateThrowEvent", "boundaryEvent", "task", "userTask", "manualTask",
    "scriptTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "subProcess", "callActivity",
}
SELF_CONTAINED_EVENTS = {"terminateEventDefinition", "errorEventDefinition", "escalationEventDefinition"}
FLOW_NODES = SELF_CONTAINED_NODES | {
    "serviceTask", "sendTask", "receiveTask", "businessRuleTask", "intermediateCatchEvent", "eventBasedGateway",
    "complexGateway", "transaction", "adHocSubProcess",
}


# Files the engine mishandles today (see the report of the corpus run); strict, so a fix shows up.
KNOWN_ENGINE_GAPS: dict[str, str] = {}  # corpus path → what goes wrong (marked xfail, strict)


def _corpus_files() -> list[Any]:
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no BPMN corpus at {CORPUS}"), id="no-corpus")]
    params = []
    for path in sorted(CORPUS.rglob("*.bpmn")):
        rel = str(path.relative_to(CORPUS))
        gap = KNOWN_ENGINE_GAPS.get(rel)
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        params.append(pytest.param(path, id=rel, marks=marks))
    return params


# -- what a diagram references ---------------------------------------------------------------------

def _project_root(path: Path) -> Path:
    """The example project a file belongs to: the folder above ``src`` (Maven layout), else its folder."""
    parts = path.relative_to(CORPUS).parts
    if "src" in parts:
        return CORPUS.joinpath(*parts[: parts.index("src")])
    return path.parent


def _parse(path: Path) -> etree._Element | None:
    try:
        return etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return None


def _form_names(root: etree._Element) -> set[str]:
    """Form ids and file names a diagram names (camunda:formKey/formRef, zeebe:formDefinition)."""
    names: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        values = [element.get(q(CAMUNDA_NS, "formRef")), element.get(q(CAMUNDA_NS, "formKey"))]
        if element.tag == q(ZEEBE_NS, "formDefinition"):
            values += [element.get("formId"), element.get("formKey")]
        for value in filter(None, values):
            names.add(value.strip())
            names.add(value.rsplit(":", 1)[-1].rsplit("/", 1)[-1].strip())
    return names


def _form_id(path: Path) -> str | None:
    try:
        parsed = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return parsed.get("id") if isinstance(parsed, dict) else None


def _referenced_forms(root: etree._Element, project: Path) -> list[Path]:
    names = _form_names(root)
    return [p for p in sorted(project.rglob("*.form"))
            if p.name in names or p.stem in names or _form_id(p) in names]


def _referenced_decisions(root: etree._Element, project: Path) -> list[Path]:
    wanted = {e.get(q(CAMUNDA_NS, "decisionRef")) for e in root.iter(q(BPMN_NS, "businessRuleTask"))} - {None}
    if not wanted:
        return []
    found = []
    for path in sorted([*project.rglob("*.dmn"), *project.rglob("*.dmn11.xml")]):
        dmn = _parse(path)
        if dmn is not None and {d.get("id") for d in dmn.iter() if local(d.tag) == "decision"} & wanted:
            found.append(path)
    return found


def _called_processes(root: etree._Element, own: Path, project: Path) -> list[Path]:
    """BPMN files of the project defining processes the diagram calls, nearest folder first."""
    found: list[Path] = []
    provided = {e.get("id") for e in root.iter() if isinstance(e.tag, str)}
    queue = [(own, root)]
    while queue:
        path, doc = queue.pop()
        for call in doc.iter(q(BPMN_NS, "callActivity")):
            called = call.get("calledElement")
            if not called or called in provided:
                continue
            candidates = sorted(project.rglob("*.bpmn"), key=lambda p: (p.parent != path.parent, str(p)))
            for candidate in [c for c in candidates if c != own and c not in found]:
                other = _parse(candidate)
                if other is not None and called in {p.get("id") for p in other.iter(q(BPMN_NS, "process"))}:
                    found.append(candidate)
                    provided |= {e.get("id") for e in other.iter() if isinstance(e.tag, str)}
                    queue.append((candidate, other))
                    break
    return found


def deployment_files(path: Path) -> list[tuple[str, bytes]]:
    """The diagram plus what it references from its own project: the diagram and forms under their
    file names (as formKey/formRef name them), called diagrams and DMN by their path in the project."""
    root = _parse(path)
    files = [path]
    if root is not None:
        project = _project_root(path)
        files += _called_processes(root, path, project)
        for diagram in list(files):
            doc = _parse(diagram)
            if doc is None:
                continue
            for ref in [*_referenced_forms(doc, project), *_referenced_decisions(doc, project)]:
                if ref not in files:
                    files.append(ref)
    return [(_name(p, path), p.read_bytes()) for p in files]


def _name(path: Path, main: Path) -> str:
    return path.name if path == main or path.suffix == ".form" else str(path.relative_to(_project_root(main)))


# -- can it run on its own? ------------------------------------------------------------------------

def outside_needs(files: list[tuple[str, bytes]]) -> list[str]:
    """What in the deployment waits on the outside world (empty when Ravand can run it alone)."""
    needs: list[str] = []
    for name, content in files:
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
        for element in root.iter():
            kind = local(element.tag)
            if kind in FLOW_NODES and kind not in SELF_CONTAINED_NODES:
                needs.append(f"{kind} {element.get('id')}")
            elif kind.endswith("EventDefinition") and kind not in SELF_CONTAINED_EVENTS:
                needs.append(f"{kind} on {element.getparent().get('id')}")
    return needs


# -- outcomes --------------------------------------------------------------------------------------

@dataclass
class Outcome:
    folder: str
    status: str  # "deployed" | "refused" | "ERROR" (the check itself failed)
    seconds: float
    keys: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    runs: dict[str, str] = field(default_factory=dict)  # process key → how the run ended
    skipped_run: str | None = None
    failure: str | None = None


OUTCOMES: dict[str, Outcome] = {}


def _readable(message: object) -> bool:
    text = message if isinstance(message, str) else ""
    return (len(text.strip()) >= 8 and "Traceback" not in text and " object at 0x" not in text
            and not text.lstrip().startswith("<"))


def _bounded(fn: Callable[[], T], seconds: float, what: str) -> tuple[T, float]:
    """Run ``fn`` on a watchdog thread: a hang fails the test instead of stalling the run."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the caller below
            box["error"] = exc

    began = time.perf_counter()
    worker = threading.Thread(target=target, name=f"corpus: {what}", daemon=True)
    worker.start()
    worker.join(seconds * 3)
    elapsed = time.perf_counter() - began
    if worker.is_alive():
        pytest.fail(f"{what}: still running after {elapsed:.1f} s (hang)")
    if "error" in box:
        raise box["error"]
    return box["value"], elapsed


# -- driving an instance ---------------------------------------------------------------------------

CANDIDATE_TEXT = ("1", "true", "C-1", "demo", "2024-01-01", "a@example.com", "x")


def _components(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found, stack = [], list(schema.get("components") or [])
    while stack:
        component = stack.pop(0)
        if isinstance(component, dict):
            found.append(component)
            stack.extend(component.get("components") or [])
    return found


def _matches(pattern: str | None, text: str) -> bool:
    if not pattern:
        return True
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return True


def _sample_value(component: dict[str, Any]) -> Any:
    kind = component.get("type")
    values = [v.get("value") for v in component.get("values") or [] if isinstance(v, dict)]
    if kind == "number":
        return 1
    if kind == "checkbox":
        return True
    if kind in {"checklist", "taglist"}:
        return values[:1]
    if kind in {"select", "radio"} and values:
        return values[0]
    if kind == "datetime":
        return "2024-01-01"
    pattern = (component.get("validate") or {}).get("pattern")
    return next((text for text in CANDIDATE_TEXT if _matches(pattern, text)), "x")


def minimal_data(schema: dict[str, Any] | None, wanted: set[str]) -> dict[str, Any]:
    """Values for the form fields the engine complained about (or every required one)."""
    data: dict[str, Any] = {}
    for component in _components(schema or {}):
        key = component.get("key")
        required = (component.get("validate") or {}).get("required")
        if isinstance(key, str) and (key in wanted or required):
            data[key] = _sample_value(component)
    return data


def _complete(h: Harness, task_id: str) -> None:
    try:
        h.complete(task_id, {}, ROOT)
    except InvalidData as refused:
        detail = h(lambda s: h.engine.task(s, task_id, ROOT))
        data = minimal_data(detail.form, set(refused.field_errors))
        try:
            h.complete(task_id, data, ROOT)
        except InvalidData as again:
            pytest.fail(f"task {task_id}: the form refused {data!r}: {again.field_errors}")


def drive(h: Harness, key: str) -> tuple[InstanceView, int]:
    """Start ``key`` and complete user tasks until it rests; (final view, tasks completed)."""
    instance = h.start(key, business_key=f"corpus:{key}", actor="root")
    done = 0
    for _ in range(MAX_STEPS):
        view = h.instance(instance.id)
        open_ids = h.open_tasks(instance.id) if view.state == "running" else []
        if not open_ids:
            return view, done
        _complete(h, open_ids[0])
        done += 1
    return h.instance(instance.id), done


def _describe(view: InstanceView, done: int) -> str:
    text = f"{view.state} after {done} task(s)"
    if view.state == "running" and view.active_elements:
        text += f", waiting at {', '.join(view.active_elements)}"
    if view.incidents:
        text += f"; incident at {view.incidents[0].element_id}: {view.incidents[0].message}"
    return text


def _process_keys(content: bytes) -> set[str]:
    root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    return {p.get("id") for p in root.iter(q(BPMN_NS, "process")) if p.get("id")}


def _check_refusal(error: InvalidDefinition, names: set[str]) -> None:
    assert error.problems, "InvalidDefinition without problems"
    for problem in error.problems:
        assert isinstance(problem, Problem)
        assert problem.file in names, f"problem not located in a file of the deployment: {problem}"
        assert _readable(problem.message), f"unreadable problem message: {problem.message!r}"
        assert problem.line is None or (isinstance(problem.line, int) and problem.line > 0), problem


# -- the tests -------------------------------------------------------------------------------------

def examine(path: Path, database: Database) -> Outcome:
    """Deploy one corpus file (and run what can run); the outcome is recorded even when a check fails."""
    rel = str(path.relative_to(CORPUS))
    outcome = OUTCOMES[rel] = Outcome(rel.split("/", 1)[0], "ERROR", 0.0)
    try:
        _examine(path, database, outcome)
    except (AssertionError, pytest.fail.Exception) as failed:
        outcome.failure = str(failed).splitlines()[0] if str(failed) else type(failed).__name__
        raise
    except Exception as crashed:
        outcome.failure = f"unexpected {type(crashed).__name__}: {crashed}"
        raise
    return outcome


def _examine(path: Path, database: Database, outcome: Outcome) -> None:
    rel = str(path.relative_to(CORPUS))
    files = deployment_files(path)
    h = Harness(database)

    def deploy() -> Any:
        try:
            return h.deploy(files, actor="corpus")
        except InvalidDefinition as refused:
            return refused

    result, outcome.seconds = _bounded(deploy, TIME_LIMIT_S, f"deploy {rel}")
    assert outcome.seconds < TIME_LIMIT_S, f"deploying {rel} took {outcome.seconds:.1f} s"
    if isinstance(result, InvalidDefinition):
        outcome.status, outcome.problems = "refused", list(result.problems)
        _check_refusal(result, {name for name, _ in files})
        return
    outcome.status, outcome.keys = "deployed", [d.key for d in result]
    assert outcome.keys, f"{rel}: deploy returned no process"
    needs = outside_needs(files)
    if needs:
        outcome.skipped_run = "needs " + ", ".join(needs[:3]) + (" …" if len(needs) > 3 else "")
        return
    own = _process_keys(files[0][1])
    for key in [k for k in outcome.keys if k in own]:
        (view, done), seconds = _bounded(lambda key=key: drive(h, key), TIME_LIMIT_S, f"run {rel}:{key}")
        outcome.runs[key] = _describe(view, done)
        assert seconds < TIME_LIMIT_S, f"running {rel}:{key} took {seconds:.1f} s"
        assert view.state in {"completed", "running", "failed"}, outcome.runs[key]
        if view.state == "failed":
            assert view.incidents, f"{rel}:{key} failed without an incident"
            assert all(_readable(i.message) for i in view.incidents), outcome.runs[key]


@pytest.mark.parametrize("path", _corpus_files())
def test_corpus_file(path: Path, sqlite_db: Database) -> None:
    examine(path, sqlite_db)


def _fallback_database(directory: Path) -> Database:
    url = f"sqlite:///{directory}/corpus.sqlite"
    engine = make_engine(url)
    upgrade(engine, MIGRATIONS)
    return Database(url, engine, make_session_factory(engine), "sqlite")


def _fill_missing(tmp_path: Path) -> None:
    """When the per-file tests did not run in this session (``-k``), produce their outcomes here."""
    for index, param in enumerate(_corpus_files()):
        path = param.values[0]
        if path is None or str(path.relative_to(CORPUS)) in OUTCOMES:
            continue
        directory = tmp_path / f"db{index}"
        directory.mkdir()
        database = _fallback_database(directory)
        try:
            examine(path, database)
        except (Exception, pytest.fail.Exception):
            pass  # recorded in OUTCOMES; the per-file test reports it
        finally:
            database.engine.dispose()


def report() -> str:
    lines = ["", "BPMN corpus: deploy and run outcomes"]
    per_folder: Counter[tuple[str, str]] = Counter()
    ran: Counter[str] = Counter()
    for rel, outcome in sorted(OUTCOMES.items()):
        per_folder[(outcome.folder, outcome.status)] += 1
        lines.append(f"  {outcome.status:<8} {rel} ({outcome.seconds * 1000:.0f} ms)")
        for problem in outcome.problems[:4]:
            lines.append(f"      - {problem}")
        if len(outcome.problems) > 4:
            lines.append(f"      … and {len(outcome.problems) - 4} more problem(s)")
        if outcome.failure:
            known = " (known engine gap)" if rel in KNOWN_ENGINE_GAPS else ""
            lines.append(f"      FAILED{known}: {outcome.failure}")
        if outcome.skipped_run:
            lines.append(f"      not run: {outcome.skipped_run}")
        for key, how in outcome.runs.items():
            ran[how.split(" ", 1)[0]] += 1
            lines.append(f"      run {key}: {how}")
    lines.append("summary:")
    for folder in sorted({f for f, _ in per_folder}):
        counts = {status: n for (f, status), n in per_folder.items() if f == folder}
        lines.append(f"  {folder}: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    lines.append("  runs: " + (", ".join(f"{n} {state}" for state, n in sorted(ran.items())) or "none"))
    return "\n".join(lines)


def test_corpus_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no BPMN corpus at {CORPUS}")
    _fill_missing(tmp_path)
    text = report()
    with capsys.disabled():
        print(text)
    assert OUTCOMES
    assert not [rel for rel, o in OUTCOMES.items() if o.failure and rel not in KNOWN_ENGINE_GAPS], text
