"""A few lines to write test diagrams without pages of XML."""

from __future__ import annotations

import json
from itertools import pairwise
from xml.sax.saxutils import escape

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')


def diagram(key: str, body: str, *, extra: str = "", executable: bool = True, name: str | None = None,
            starters: str | None = None) -> bytes:
    label = f' name="{name}"' if name else ""
    label += f' camunda:candidateStarterGroups="{starters}"' if starters else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs_{key}" '
            f'targetNamespace="http://ravand.test">\n{extra}\n<bpmn:process id="{key}"{label} '
            f'isExecutable="{str(executable).lower()}">\n{body}\n</bpmn:process>\n</bpmn:definitions>\n').encode()


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    fid = flow_id or f"f_{source}_{target}"
    if condition is None:
        return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}"/>'
    return (f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>')


def chain(*ids: str) -> str:
    return "\n".join(flow(a, b) for a, b in pairwise(ids))


def start(eid: str = "start") -> str:
    return f'<bpmn:startEvent id="{eid}"/>'


def end(eid: str = "end") -> str:
    return f'<bpmn:endEvent id="{eid}"/>'


def user(eid: str, name: str = "", **attrs: str) -> str:
    rendered = " ".join(f'camunda:{k}="{escape(v)}"' for k, v in attrs.items())
    return f'<bpmn:userTask id="{eid}" name="{name or eid}" {rendered}/>'


def script(eid: str, code: str) -> str:
    return (f'<bpmn:scriptTask id="{eid}" scriptFormat="python"><bpmn:script>{escape(code)}</bpmn:script>'
            f'</bpmn:scriptTask>')


def service(eid: str, handler: str | None = None) -> str:
    attr = f' camunda:delegateExpression="${{{handler}}}"' if handler else ""
    return f'<bpmn:serviceTask id="{eid}"{attr}/>'


def gateway(eid: str, kind: str = "exclusive", default: str | None = None) -> str:
    extra = f' default="{default}"' if default else ""
    return f'<bpmn:{kind}Gateway id="{eid}"{extra}/>'


def form(form_id: str, *components: dict) -> bytes:
    return json.dumps({"id": form_id, "type": "default", "schemaVersion": 16,
                       "components": list(components)}).encode()


APPROVAL = diagram("approval", "\n".join([
    start(), user("review", "Review the request", candidateGroups="sales,managers", formRef="review-form",
                  priority="70", dueDate="P2D"),
    gateway("decide", default="f_decide_rejected"),
    script("mark", "status = 'approved'\nscore = amount * 2"), end("done"), end("rejected"),
    chain("start", "review", "decide"), flow("decide", "mark", "approved"), flow("decide", "rejected", None),
    chain("mark", "done"),
]), name="Approval", starters="sales")

REVIEW_FORM = form("review-form",
                   {"type": "checkbox", "key": "approved", "label": "Approved"},
                   {"type": "number", "key": "amount", "label": "Amount", "validate": {"required": True, "min": 0}},
                   {"type": "textfield", "key": "comment", "label": "Comment", "validate": {"maxLength": 200}})


def approval_files() -> list[tuple[str, bytes]]:
    return [("approval.bpmn", APPROVAL), ("review.form", REVIEW_FORM)]
