"""What Ravand reads from a diagram beyond BPMN itself: the Camunda 7 (and Zeebe) extension
attributes on user and service tasks, lanes as candidate groups, and the rewrites that let
diagrams drawn for Camunda run on SpiffWorkflow (ISO 8601 timer literals, ``${...}`` expressions)."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from engine.definitions.names import locale_names

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

TASK_TYPES = {
    "task", "userTask", "manualTask", "serviceTask", "sendTask", "receiveTask", "scriptTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction",
}
EVENT_TYPES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAY_TYPES = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
FLOW_NODE_TYPES = TASK_TYPES | EVENT_TYPES | GATEWAY_TYPES
ISO_TIMER = re.compile(r"^\s*(R\d*/)?([+-]?P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)"
                       r"(/\S+)?\s*$")
EXPRESSION = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.DOTALL)


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def camunda(element: etree._Element, name: str) -> str | None:
    value = element.get(q(CAMUNDA_NS, name))
    return value.strip() if value and value.strip() else None


def expression_body(value: str | None) -> str | None:
    """``${x}`` → ``x``; anything else → None."""
    match = EXPRESSION.match(value or "")
    return match.group(1).strip() if match else None


def lane_names(process: etree._Element) -> dict[str, str]:
    """Element id → name of the innermost lane that holds it."""
    lanes: dict[str, str] = {}
    for lane in process.iter(q(BPMN_NS, "lane")):
        name = (lane.get("name") or "").strip()
        if not name:
            continue
        for ref in lane.findall(q(BPMN_NS, "flowNodeRef")):
            if ref.text:
                lanes[ref.text.strip()] = name
    return lanes


def _zeebe_user_task(element: etree._Element) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ext = element.find(q(BPMN_NS, "extensionElements"))
    if ext is None:
        return found
    assignment = ext.find(q(ZEEBE_NS, "assignmentDefinition"))
    if assignment is not None:
        found.update(candidate_groups=assignment.get("candidateGroups"),
                     candidate_users=assignment.get("candidateUsers"), assignee=assignment.get("assignee"))
    schedule = ext.find(q(ZEEBE_NS, "taskSchedule"))
    if schedule is not None:
        found.update(due_date=schedule.get("dueDate"), follow_up=schedule.get("followUpDate"))
    form = ext.find(q(ZEEBE_NS, "formDefinition"))
    if form is not None:
        found.update(form_ref=form.get("formId"), form_key=form.get("formKey"))
    priority = ext.find(q(ZEEBE_NS, "priorityDefinition"))
    if priority is not None:
        found["priority"] = priority.get("priority")
    return {k: v for k, v in found.items() if v}


def form_data_fields(element: etree._Element) -> list[dict[str, Any]]:
    """Camunda 7 generated-form fields (``camunda:formData``) as form-js components."""
    types = {"string": "textfield", "long": "number", "boolean": "checkbox", "date": "datetime", "enum": "select"}
    components: list[dict[str, Any]] = []
    for field in element.iter(q(CAMUNDA_NS, "formField")):
        key = field.get("id")
        kind = types.get(field.get("type") or "string", "textfield")
        component: dict[str, Any] = {"key": key, "type": kind, "label": field.get("label") or key}
        if kind == "select":
            component["values"] = [{"value": v.get("id"), "label": v.get("name") or v.get("id")}
                                   for v in field.iter(q(CAMUNDA_NS, "value"))]
        if kind == "datetime":
            component["subtype"] = "date"
        validate: dict[str, Any] = {}
        for constraint in field.iter(q(CAMUNDA_NS, "constraint")):
            name, config = constraint.get("name"), constraint.get("config")
            if name == "required":
                validate["required"] = True
            elif name in {"minlength", "maxlength"} and config and config.isdigit():
                validate["minLength" if name == "minlength" else "maxLength"] = int(config)
            elif name in {"min", "max"} and config:
                validate[name] = float(config)
        if validate:
            component["validate"] = validate
        components.append(component)
    return components


def user_task_meta(element: etree._Element, lanes: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "candidate_groups": camunda(element, "candidateGroups"),
        "candidate_users": camunda(element, "candidateUsers"),
        "assignee": camunda(element, "assignee"),
        "due_date": camunda(element, "dueDate"),
        "follow_up": camunda(element, "followUpDate"),
        "priority": camunda(element, "priority"),
        "form_key": camunda(element, "formKey"),
        "form_ref": camunda(element, "formRef"),
    }
    meta.update(_zeebe_user_task(element))
    lane = lanes.get(element.get("id") or "")
    meta["lane"] = lane
    if not (meta["candidate_groups"] or meta["candidate_users"] or meta["assignee"]) and lane:
        meta["candidate_groups"] = lane
    fields = form_data_fields(element)
    if fields:
        meta["form_fields"] = fields
    declared = extension_properties(element)
    meta["guard"] = declared.get(GUARD) or None
    if (declared.get(ACTIVITY) or "").strip() in ACTIVITY_KINDS:
        meta["activity"] = declared[ACTIVITY].strip()
        meta["activity_notes"] = (declared.get(ACTIVITY_NOTES) or "").strip() or None
    return {k: v for k, v in meta.items() if v is not None}


def service_handler_name(element: etree._Element) -> str:
    """The registry name a service-like task asks for."""
    for attribute in ("delegateExpression", "expression"):
        body = expression_body(camunda(element, attribute))
        if body:
            return body
    for attribute in ("topic", "class"):
        value = camunda(element, attribute)
        if value:
            return value.rsplit(".", 1)[-1] if attribute == "class" else value
    ext = element.find(q(BPMN_NS, "extensionElements"))
    definition = ext.find(q(ZEEBE_NS, "taskDefinition")) if ext is not None else None
    if definition is not None and definition.get("type"):
        return definition.get("type")
    return element.get("id") or ""


def _event_names(root: etree._Element) -> dict[str, str]:
    """Message and signal ids → their names."""
    return {e.get("id"): (e.get("name") or "").strip() for e in root
            if local(e.tag) in {"message", "signal"} and e.get("id")}


def extension_properties(element: etree._Element) -> dict[str, str]:
    """The element's own ``camunda:properties`` (Camunda Modeler's "Extension properties"), name → value."""
    found: dict[str, str] = {}
    ext = element.find(q(BPMN_NS, "extensionElements"))
    for group in ext.findall(q(CAMUNDA_NS, "properties")) if ext is not None else ():
        for prop in group.findall(q(CAMUNDA_NS, "property")):
            if (prop.get("name") or "").strip():
                found[prop.get("name").strip()] = prop.get("value") or ""
    return found


CATCHING = {"startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask"}
SENDERS, PAYLOAD = "ravand:senders", "ravand:variables"  # who may send it over the API; what it may set
GUARD = "ravand:guard"  # a user task's guard: the handler that says who may not claim or complete it
ACTIVITY = "ravand:activity"  # a user task that is a call or a meeting: its completion is logged as one
ACTIVITY_NOTES = "ravand:activityNotes"  # the form field whose text the logged activity keeps as its notes
ACTIVITY_KINDS = ("call", "meeting")


def caught_event(element: etree._Element) -> tuple[str, str | None] | None:
    """(kind, referenced message or signal id) of what a catching element waits for, else None."""
    kind = local(element.tag)
    if kind == "receiveTask":
        return "message", element.get("messageRef")
    if kind not in CATCHING:
        return None
    for definition in element:
        if local(definition.tag) in {"messageEventDefinition", "signalEventDefinition"}:
            return local(definition.tag).removesuffix("EventDefinition"), \
                definition.get("messageRef") or definition.get("signalRef")
    return None


def catch_meta(element: etree._Element) -> dict[str, Any]:
    """What a message or signal catch declares: its name, who may send it from outside (absent:
    internal) and the variables its payload may set. The catching element's own extension
    properties win over those of its ``bpmn:message``/``bpmn:signal``."""
    caught = caught_event(element)
    if caught is None:
        return {}
    kind, ref = caught
    event = next((e for e in element.getroottree().getroot() if local(e.tag) == kind and e.get("id") == ref), None)
    declared = {**(extension_properties(event) if event is not None else {}), **extension_properties(element)}
    meta: dict[str, Any] = {"catches": kind, "event": (event.get("name") or "").strip() if event is not None else "",
                            "variables": split_names(declared.get(PAYLOAD))}
    if SENDERS in declared:
        meta["senders"] = [entry.replace(" ", "") for entry in split_names(declared[SENDERS])]
    return meta


def process_meta(process: etree._Element) -> dict[str, Any]:
    """The process itself: to whom its start is offered (Camunda 7's candidate starters)."""
    return {"type": "process", "name": (process.get("name") or "").strip() or process.get("id"),
            "starter_groups": split_names(camunda(process, "candidateStarterGroups")),
            "starter_users": split_names(camunda(process, "candidateStarterUsers")), **_names(process)}


def _names(element: etree._Element) -> dict[str, Any]:
    """The element's names in other languages (``name:fa`` extension properties), where it has any."""
    found = locale_names(extension_properties(element))
    return {"names": found} if found else {}


def start_meta(element: etree._Element, names: dict[str, str]) -> dict[str, Any]:
    """How a top-level start event starts its process: by timer, message or signal."""
    if local(element.getparent().tag) != "process":
        return {}
    for definition in element:
        kind = local(definition.tag)
        if kind == "timerEventDefinition":
            for child in definition:
                if local(child.tag) in {"timeDate", "timeDuration", "timeCycle"} and (child.text or "").strip():
                    return {"start": "timer", "timer": {"kind": local(child.tag), "expression": child.text.strip()}}
        elif kind in {"messageEventDefinition", "signalEventDefinition"}:
            ref = definition.get("messageRef") or definition.get("signalRef")
            name = names.get(ref or "", "")
            if name:
                return {"start": kind.removesuffix("EventDefinition"), "event": name}
    return {}


def start_form_meta(element: etree._Element) -> dict[str, Any]:
    """The form a person fills in to start the process (a top-level start event's ``camunda:formKey``,
    ``camunda:formRef``, Zeebe ``formDefinition`` or ``camunda:formData``), as a user task names its form."""
    if local(element.getparent().tag) != "process":
        return {}
    found = {"form_key": camunda(element, "formKey"), "form_ref": camunda(element, "formRef")}
    form = element.find(f"{q(BPMN_NS, 'extensionElements')}/{q(ZEEBE_NS, 'formDefinition')}")
    if form is not None:
        found.update(form_ref=form.get("formId") or found["form_ref"],
                     form_key=form.get("formKey") or found["form_key"])
    fields = form_data_fields(element)
    return {**{k: v for k, v in found.items() if v}, **({"form_fields": fields} if fields else {})}


def element_meta(element: etree._Element, lanes: dict[str, str]) -> dict[str, Any]:
    kind = local(element.tag)
    meta: dict[str, Any] = {"type": kind, "name": (element.get("name") or "").strip() or element.get("id"),
                            **_names(element)}
    if kind == "userTask":
        meta.update(user_task_meta(element, lanes))
    elif kind == "serviceTask":
        meta["handler"] = service_handler_name(element)
        cycle = element.find(f"{q(BPMN_NS, 'extensionElements')}/{q(CAMUNDA_NS, 'failedJobRetryTimeCycle')}")
        if cycle is not None and (cycle.text or "").strip():
            meta["retry"] = cycle.text.strip()
    elif kind == "businessRuleTask":
        meta["decision_ref"] = camunda(element, "decisionRef")
    elif kind == "startEvent":
        if camunda(element, "initiator"):
            meta["initiator"] = camunda(element, "initiator")
        meta.update(start_meta(element, _event_names(element.getroottree().getroot())))
        meta.update(start_form_meta(element))
    elif kind == "scriptTask":
        meta["script_format"] = (element.get("scriptFormat") or "").strip().lower()
    meta.update(catch_meta(element))
    return meta


def process_elements(process: etree._Element) -> dict[str, dict[str, Any]]:
    """Metadata for every flow node in a process (subprocesses included), by element id, and for the
    process itself under its own id."""
    lanes = lane_names(process)
    elements = {
        element.get("id"): element_meta(element, lanes)
        for element in process.iter()
        if local(element.tag) in FLOW_NODE_TYPES and element.get("id")
    }
    if process.get("id"):
        elements[process.get("id")] = process_meta(process)
    return elements


def split_names(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _quote_timer(text: str) -> str:
    body = expression_body(text)
    if body is not None:
        return body
    if ISO_TIMER.match(text):
        return repr(text.strip())
    return text


def normalise_for_spiff(root: etree._Element, to_python: Any) -> None:
    """Rewrite, in place, what SpiffWorkflow reads differently from Camunda: unquoted ISO 8601 timer
    literals are quoted, ``${...}`` conditions become Python."""
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iter(q(BPMN_NS, tag)):
            if node.text and node.text.strip():
                node.text = _quote_timer(node.text)
    for node in root.iter(q(BPMN_NS, "conditionExpression")):
        if node.text and node.text.strip():
            node.text = to_python(node.text.strip())
