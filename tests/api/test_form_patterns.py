"""Through HTTP: a designer's catastrophic form pattern on an employee's long value is a 422 for that field,
answered quickly, and the task stays open (see tests/forms/test_patterns.py)."""

from __future__ import annotations

from forms.patterns import TIMEOUT_MESSAGE
from tests.api.conftest import Api
from tests.api.test_behaviour import ok, problem
from tests.engine import bpmn

V1 = "/api/v1"


def test_redos_pattern_on_a_task_form_is_a_422(api: Api):
    diagram = bpmn.diagram("coded", "\n".join([
        bpmn.start(), bpmn.user("enter", "Enter the code", candidateGroups="sales", formRef="code-form"),
        bpmn.end(), bpmn.chain("start", "enter", "end"),
    ]))
    form = bpmn.form("code-form", {"type": "textfield", "key": "code", "label": "Code",
                                   "validate": {"pattern": "^(a|aa)+$"}})
    assert api.deploy([("coded.bpmn", diagram), ("code.form", form)]).status_code == 201
    instance = ok(api.call("POST", f"{V1}/process-definitions/key/coded/start", "admin", json={}), 201)
    listed = ok(api.call("GET", f"{V1}/tasks", "employee", query_string={"process_instance": instance["id"]}))
    task_id = listed["items"][0]["id"]
    ok(api.call("POST", f"{V1}/tasks/{task_id}/claim", "employee"))

    body = problem(api.call("POST", f"{V1}/tasks/{task_id}/complete", "employee",
                            json={"data": {"code": "a" * 20_000 + "b"}}), 422)
    assert body["errors"] == {"code": [TIMEOUT_MESSAGE]}, body
    assert ok(api.call("GET", f"{V1}/tasks/{task_id}", "employee"))["state"] == "claimed"
    done = ok(api.call("POST", f"{V1}/tasks/{task_id}/complete", "employee", json={"data": {"code": "aaaa"}}))
    assert done["state"] == "completed"
