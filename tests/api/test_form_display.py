"""Through HTTP: the task page gets the form with the designer's markup cleaned (see tests/forms/test_display.py)."""

from __future__ import annotations

import json

from tests.api.conftest import Api
from tests.engine import bpmn
from tests.forms.test_display import PHISHING


def test_the_task_page_gets_the_cleaned_form_and_the_stored_form_is_unchanged(api: Api):
    diagram = bpmn.diagram("notice", "\n".join([
        bpmn.start(), bpmn.user("read", "Read the notice", candidateGroups="sales", formRef="notice-form"),
        bpmn.end(), bpmn.chain("start", "read", "end"),
    ]))
    notice = bpmn.form("notice-form", {"type": "html", "content": PHISHING},
                       {"type": "text", "text": "[help](javascript:alert(1))"},
                       {"type": "textfield", "key": "answer", "label": "Answer"})
    assert api.deploy([("notice.bpmn", diagram), ("notice.form", notice)]).status_code == 201
    started = api.call("POST", "/api/v1/process-definitions/key/notice/start", "admin", json={})
    assert started.status_code == 201, started.get_json()
    listed = api.call("GET", "/api/v1/tasks", "employee", query_string={"process_instance": started.get_json()["id"]})
    task = api.call("GET", f"/api/v1/tasks/{listed.get_json()['items'][0]['id']}", "employee").get_json()
    html, text = task["form"]["components"][0]["content"], task["form"]["components"][1]["text"]
    assert "<form" not in html and "evil.example" not in html and "<p>Session expired.</p>" in html
    assert text == "[help](#)"
    definition = api.call("GET", "/api/v1/process-definitions", "designer", query_string={"key": "notice"})
    definition_id = definition.get_json()["items"][0]["id"]
    stored = api.call("GET", f"/api/v1/process-definitions/{definition_id}/resources/notice.form", "designer")
    assert stored.status_code == 200
    assert json.loads(stored.get_data())["components"][0]["content"] == PHISHING  # the designer's file as deployed
