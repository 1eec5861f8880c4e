"""Checks that refuse, with a located reason, what SpiffWorkflow would mis-run, crash on, or
silently ignore. Each check takes the parsed BPMN document and yields ``Problem``s."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.declarations import check_declarations
from engine.definitions.dialect import (
    BPMN_NS,
    CAMUNDA_NS,
    FLOW_NODE_TYPES,
    expression_body,
    local,
    q,
    service_handler_name,
)
from engine.definitions.durations import parse_cycle
from engine.errors import Problem

RESERVED_IDS = {"Start", "End"}
PYTHON_SCRIPT_FORMATS = {"", "python", "python3", "py", "text/x-python", "text/python"}
SUPPORTED_EVENTS = {
    "messageEventDefinition", "timerEventDefinition", "signalEventDefinition", "errorEventDefinition",
    "escalationEventDefinition", "terminateEventDefinition", "cancelEventDefinition",
    "conditionalEventDefinition", "compensateEventDefinition",
}
UNSUPPORTED_EXTENSIONS = {
    "executionListener": "execution listeners are not run by Ravand; model the behaviour as a task",
    "taskListener": "task listeners are not run by Ravand; model the behaviour as a task",
    "connector": "Camunda connectors are not supported; use a service task handler",
    "inputOutput": "Camunda input/output mappings are not supported; map data in a script task",
    "in": "call activity variable mappings (camunda:in) are not supported",
    "out": "call activity variable mappings (camunda:out) are not supported",
}


@dataclass
class DeploymentContext:
    """What a check needs to know about the rest of the deployment."""

    file_name: str
    handlers: Collection[str] = ()
    decisions: Collection[str] = ()
    form_ids: Collection[str] = ()
    form_files: Collection[str] = ()
    compile_script: Callable[[str], object] | None = None
    compile_expression: Callable[[str], object] | None = None
    to_python: Callable[[str], str] = field(default=lambda text: text)


Check = Callable[[etree._Element, DeploymentContext], Iterator[Problem]]


def _problem(ctx: DeploymentContext, element: etree._Element, message: str) -> Problem:
    return Problem(message, ctx.file_name, element.get("id"), element.sourceline)


def executable_processes(root: etree._Element) -> list[etree._Element]:
    return [p for p in root.iter(q(BPMN_NS, "process")) if (p.get("isExecutable") or "").lower() == "true"]


def check_document(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    if root.tag != q(BPMN_NS, "definitions"):
        yield Problem(f"not a BPMN 2.0 document (root element is {local(root.tag)!r})", ctx.file_name,
                      None, root.sourceline)
    elif not executable_processes(root):
        yield Problem('no executable process: mark the process with isExecutable="true"', ctx.file_name,
                      None, root.sourceline)


def check_processes(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    for process in executable_processes(root):
        if not process.get("id"):
            yield _problem(ctx, process, "the process has no id")
        if process.find(q(BPMN_NS, "startEvent")) is None:
            yield _problem(ctx, process, "the process has no start event")


def check_ids(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    for element in root.iter():
        if element.get("id") in RESERVED_IDS and local(element.tag) in FLOW_NODE_TYPES:
            yield _problem(ctx, element, f"the id {element.get('id')!r} is reserved by the engine; rename it")


def check_flows(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for flow in root.iter(q(BPMN_NS, "sequenceFlow")):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if not flow.get("id"):
            yield _problem(ctx, flow, f"a sequence flow ({source} → {target}) has no id and would be ignored")
        if source not in ids or target not in ids:
            yield _problem(ctx, flow, f"the sequence flow connects unknown elements ({source} → {target})")
        elif source == target:
            yield _problem(ctx, flow, f"the sequence flow loops from {source!r} straight back to itself; "
                                      "put a gateway in the loop")


END_EVENT_FLOW = ("an end event ends its path: the sequence flow leaving {0!r} would never run "
                  "(or loop forever); start the next path from a task or a gateway instead")


def check_end_events(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    ends = {e.get("id") for e in root.iter(q(BPMN_NS, "endEvent"))}
    for flow in root.iter(q(BPMN_NS, "sequenceFlow")):
        if flow.get("sourceRef") in ends:
            yield _problem(ctx, flow, END_EVENT_FLOW.format(flow.get("sourceRef")))


NAMED_EVENTS = {"messageEventDefinition": "messageRef", "signalEventDefinition": "signalRef"}


def check_event_names(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    """Every message and signal event names what it waits for or sends: a nameless one would wait
    for nothing anyone can send (or send nothing anyone can catch)."""
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element.tag).namespace != BPMN_NS:
            continue
        name = local(element.tag)
        attribute = NAMED_EVENTS.get(name)
        if attribute and not (element.get(attribute) or "").strip():
            yield _problem(ctx, _owner(element), f"the {name.removesuffix('EventDefinition')} event names no "
                                                 f"{name.removesuffix('EventDefinition')} ({attribute} is missing)")
        elif name == "receiveTask" and not (element.get("messageRef") or "").strip():
            yield _problem(ctx, element, "the receive task names no message (messageRef is missing)")


def check_references(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    named = {e.get("id"): e for e in root if local(e.tag) in {"message", "error", "signal", "escalation"}}
    for element in root.iter():
        for attribute in ("messageRef", "errorRef", "signalRef", "escalationRef"):
            ref = element.get(attribute)
            if ref is None:
                continue
            target = named.get(ref)
            if target is None:
                yield _problem(ctx, element, f"{attribute} points at {ref!r}, which is not defined")
            elif not (target.get("name") or "").strip() and attribute != "errorRef":
                yield _problem(ctx, element, f"{attribute} points at {ref!r}, which has no name")


def check_unsupported(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name, ns = local(element.tag), etree.QName(element.tag).namespace
        if ns == BPMN_NS:
            unknown_event = name.endswith("EventDefinition") and name not in SUPPORTED_EVENTS
            if name in {"complexGateway", "dataStoreReference"} or unknown_event:
                yield _problem(ctx, element, f"{name} is not supported and would be ignored")
            elif name == "adHocSubProcess":
                yield _problem(ctx, element, "ad-hoc subprocesses are not supported (with or without a completion "
                                             "condition); model the choice with an inclusive or event-based gateway")
            elif name == "standardLoopCharacteristics":
                yield _problem(ctx, element, "standard loops are not supported; model the loop with a gateway")
        elif ns == CAMUNDA_NS and name in UNSUPPORTED_EXTENSIONS:
            yield _problem(ctx, _owner(element), UNSUPPORTED_EXTENSIONS[name])


def _owner(element: etree._Element) -> etree._Element:
    """The nearest enclosing element with an id (an extension sits inside extensionElements)."""
    node = element.getparent()
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node if node is not None else element


def check_scripts(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    for task in root.iter(q(BPMN_NS, "scriptTask")):
        script_format = (task.get("scriptFormat") or "").strip().lower()
        if script_format not in PYTHON_SCRIPT_FORMATS:
            yield _problem(ctx, task, f"script format {script_format!r} is not supported: Ravand runs Python")
            continue
        node = task.find(q(BPMN_NS, "script"))
        if node is None or not (node.text or "").strip():
            yield _problem(ctx, task, "the script task has no script")
        elif ctx.compile_script is not None:
            yield from _compiles(ctx, task, ctx.compile_script, node.text, "script")


PYTHON_LANGUAGES = {"python", "python3", "py", "text/x-python", "juel"}


def check_conditions(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    for node in root.iter(q(BPMN_NS, "conditionExpression")):
        text = (node.text or "").strip()
        flow = node.getparent()
        language = (node.get("language") or "").strip()
        if not text:
            yield _problem(ctx, flow, "the condition is empty")
        elif language and language.lower() not in PYTHON_LANGUAGES:
            yield _problem(ctx, flow, f"the condition {text!r} is written in {language}; Ravand evaluates "
                                      "Python expressions (or ${...})")
        elif text.startswith("="):
            yield _problem(ctx, flow, f"the condition {text!r} looks like FEEL; Ravand evaluates Python "
                                      "expressions (or ${...})")
        elif ctx.compile_expression is not None:
            for problem in _compiles(ctx, flow, ctx.compile_expression, ctx.to_python(text), "condition"):
                yield Problem(f"{problem.message} (condition: {text!r}; Ravand evaluates Python expressions)",
                              problem.file, problem.element_id, problem.line)


def _compiles(ctx: DeploymentContext, element: etree._Element, compile_fn: Callable[[str], object],
              source: str, what: str) -> Iterator[Problem]:
    try:
        compile_fn(source)
    except Exception as exc:
        yield _problem(ctx, element, f"the {what} does not compile: {exc}")


def check_bindings(root: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    for process in executable_processes(root):
        for element in process.iter():
            kind = local(element.tag)
            if kind == "serviceTask":
                yield from _check_handler(element, ctx)
            elif kind == "businessRuleTask":
                ref = element.get(q(CAMUNDA_NS, "decisionRef"))
                if not ref:
                    yield _problem(ctx, element, "the business rule task names no decision (camunda:decisionRef)")
                elif ref not in ctx.decisions:
                    yield _problem(ctx, element, f"the decision {ref!r} is not in this deployment")
            elif kind == "userTask" or (kind == "startEvent" and local(element.getparent().tag) == "process"):
                yield from _check_form(element, ctx)


def _check_handler(element: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    cycle = element.find(f"{q(BPMN_NS, 'extensionElements')}/{q(CAMUNDA_NS, 'failedJobRetryTimeCycle')}")
    if cycle is not None:
        try:
            parse_cycle(cycle.text or "")
        except Exception as exc:
            yield _problem(ctx, element, str(exc))
    name = service_handler_name(element)
    if name in ctx.handlers:
        return
    known = ", ".join(sorted(ctx.handlers)) or "none"
    if element.get(q(CAMUNDA_NS, "expression")) and not name.isidentifier():
        yield _problem(ctx, element, f"camunda:expression {name!r} is Java/JUEL code, which Ravand does not run; "
                                     "register a handler and name it with camunda:delegateExpression=\"${name}\"")
    elif name == element.get("id"):
        yield _problem(ctx, element, "the service task names no handler (camunda:delegateExpression, class, topic) "
                                     f"and none is registered under its id {name!r} (registered: {known})")
    else:
        yield _problem(ctx, element, f"no service handler is registered as {name!r} (registered: {known})")


def _check_form(element: etree._Element, ctx: DeploymentContext) -> Iterator[Problem]:
    form_ref = element.get(q(CAMUNDA_NS, "formRef"))
    form_key = element.get(q(CAMUNDA_NS, "formKey")) or ""
    if form_ref and form_ref not in ctx.form_ids:
        yield _problem(ctx, element, f"the form {form_ref!r} is not in this deployment")
    elif form_key.startswith(("camunda-forms:deployment:", "camunda-forms:app:")):
        file_name = form_key.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        if file_name not in ctx.form_files:
            yield _problem(ctx, element, f"the form file {file_name!r} is not in this deployment")
    elif form_key and ":" not in form_key and expression_body(form_key) is None and form_key not in ctx.form_ids:
        yield _problem(ctx, element, f"the form {form_key!r} is not in this deployment")


CHECKS: tuple[Check, ...] = (
    check_document, check_processes, check_ids, check_flows, check_end_events, check_event_names,
    check_references, check_unsupported,
    check_scripts, check_conditions, check_bindings, check_declarations,
)


def run_checks(root: etree._Element, ctx: DeploymentContext) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(p for p in check(root, ctx) if p not in problems)
        if problems and check is check_document:
            break
    return problems
