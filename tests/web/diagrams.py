"""Small laid-out diagrams for the browser tests: a row of nodes joined by flows, with the BPMN DI
(shapes and edges) a modeler needs to draw them."""

from __future__ import annotations

import json
from itertools import pairwise
from xml.sax.saxutils import quoteattr

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'id="defs_{key}" targetNamespace="http://ravand.test">')
SIZES = {"startEvent": (36, 36), "endEvent": (36, 36), "exclusiveGateway": (50, 50)}


def node(kind: str, eid: str, name: str = "", body: str = "", **camunda: str) -> tuple[str, str, str, str]:
    attrs = "".join(f" camunda:{k}={quoteattr(v)}" for k, v in camunda.items())
    return kind, eid, f' name={quoteattr(name)}' if name else "", attrs + (f">{body}</bpmn:{kind}>" if body else "/>")


def row(key: str, name: str, *nodes: tuple[str, str, str, str]) -> bytes:
    """start → ... → end in one row, each node with its shape and each flow with its edge."""
    parts = [HEAD.format(key=key), f'<bpmn:process id="{key}" name={quoteattr(name)} isExecutable="true" '
                                   'camunda:candidateStarterGroups="sales">']
    shapes, edges, x = [], [], 150
    centres: dict[str, tuple[int, int, int]] = {}
    for kind, eid, label, rest in nodes:
        parts.append(f"<bpmn:{kind} id=\"{eid}\"{label}{rest}")
        width, height = SIZES.get(kind, (100, 80))
        y = 120 - height // 2
        shapes.append(f'<bpmndi:BPMNShape id="{eid}_di" bpmnElement="{eid}"><dc:Bounds x="{x}" y="{y}" '
                      f'width="{width}" height="{height}"/></bpmndi:BPMNShape>')
        centres[eid] = (x, x + width, 120)
        x += width + 60
    for (_, a, _, _), (_, b, _, _) in pairwise(nodes):
        flow = f"flow_{a}_{b}"
        parts.append(f'<bpmn:sequenceFlow id="{flow}" sourceRef="{a}" targetRef="{b}"/>')
        edges.append(f'<bpmndi:BPMNEdge id="{flow}_di" bpmnElement="{flow}"><di:waypoint x="{centres[a][1]}" '
                     f'y="120"/><di:waypoint x="{centres[b][0]}" y="120"/></bpmndi:BPMNEdge>')
    parts.append("</bpmn:process>")
    parts.append(f'<bpmndi:BPMNDiagram id="diagram_{key}"><bpmndi:BPMNPlane id="plane_{key}" bpmnElement="{key}">')
    parts.extend(shapes + edges)
    parts.append("</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>")
    return "\n".join(parts).encode()


def form(form_id: str, *components: dict) -> bytes:
    return json.dumps({"id": form_id, "type": "default", "schemaVersion": 16,
                       "components": [{"id": f"{form_id}_{c['key']}", **c} for c in components]}).encode()


def quote(key: str, form_id: str = "quote-form", due: str = "P2D") -> list[tuple[str, bytes]]:
    """A sales task with a form: an amount that must be at least 0, and a note."""
    diagram = row(key, "Quote", node("startEvent", "start"),
                  node("userTask", "prepare", "Prepare the quote", candidateGroups="sales", formRef=form_id,
                       dueDate=due, priority="60"),
                  node("endEvent", "end"))
    quote_form = form(form_id,
                      {"type": "number", "key": "amount", "label": "Amount", "validate": {"required": True, "min": 0}},
                      {"type": "textfield", "key": "note", "label": "Note", "validate": {"maxLength": 200}})
    return [(f"{key}.bpmn", diagram), (f"{form_id}.form", quote_form)]


def flaky(key: str, handler: str) -> list[tuple[str, bytes]]:
    """A service task whose handler the test controls, then a user task."""
    service = node("serviceTask", "check", "Check the customer", delegateExpression=f"${{{handler}}}")
    return [(f"{key}.bpmn", row(key, "Flaky", node("startEvent", "start"), service,
                                node("userTask", "follow_up", "Follow up", candidateGroups="sales"),
                                node("endEvent", "end")))]


def unregistered(key: str) -> bytes:
    return row(key, "Broken", node("startEvent", "start"),
               node("serviceTask", "call_nobody", "Call nobody", delegateExpression="${no_such_handler}"),
               node("endEvent", "end"))
