"""Through HTTP on both databases: an option component of a task form naming a managed list (``ravand:list``)
is served with the list's active entries in the viewer's language, and completing the task takes only active
keys of that list (a field error otherwise)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from api.identity.models import User
from tests.api.conftest import Api
from tests.engine import bpmn

LIST = {"ravand:list": "product"}


def _task(api: Api) -> str:
    diagram = bpmn.diagram("interest", "\n".join([
        bpmn.start(), bpmn.user("ask", "Ask what they want", candidateGroups="sales", formRef="interest-form"),
        bpmn.end(), bpmn.chain("start", "ask", "end"),
    ]))
    form = bpmn.form("interest-form",
                     {"type": "select", "key": "product", "label": "Product", "properties": LIST, "validate":
                      {"required": True}},
                     {"type": "group", "path": "more", "components": [
                         {"type": "checklist", "key": "extras", "label": "Extras", "properties": LIST},
                         {"type": "radio", "key": "kind", "label": "Kind", "values": [],
                          "properties": {"ravand:list": "complaint_kind"}}]},
                     {"type": "textfield", "key": "note", "label": "Note"})
    assert api.deploy([("interest.bpmn", diagram), ("interest.form", form)]).status_code == 201, "deploy"
    started = api.call("POST", "/api/v1/process-definitions/key/interest/start", "admin", json={})
    assert started.status_code == 201, started.get_json()
    listed = api.call("GET", "/api/v1/tasks", "employee", query_string={"process_instance": started.get_json()["id"]})
    return listed.get_json()["items"][0]["id"]


def _components(api: Api, task_id: str, who: str) -> list[dict[str, Any]]:
    task = api.call("GET", f"/api/v1/tasks/{task_id}", who)
    assert task.status_code == 200, task.get_json()
    return task.get_json()["form"]["components"]


def test_list_components_are_served_with_the_lists_entries_in_the_viewers_language(api: Api):
    task_id = _task(api)
    english = _components(api, task_id, "employee")
    assert english[0]["values"][:3] == [{"label": "Software", "value": "software"},
                                        {"label": "Hardware", "value": "hardware"},
                                        {"label": "POS terminal", "value": "pos_terminal"}]
    assert english[1]["components"][1]["values"][0] == {"label": "Complaint", "value": "complaint"}
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(update(User).where(User.username == "bob").values(locale="fa"))
        session.commit()
    persian = _components(api, task_id, "employee2")
    assert persian[0]["values"][0] == {"label": "نرم‌افزار", "value": "software"}
    assert persian[1]["components"][0]["values"][2] == {"label": "دستگاه کارت‌خوان", "value": "pos_terminal"}
    assert api.call("PATCH", "/api/v1/lists/product/entries/hardware", "admin",
                    json={"active": False}).status_code == 200
    assert "hardware" not in {v["value"] for v in _components(api, task_id, "employee")[0]["values"]}


def test_completing_takes_only_active_keys_of_the_list(api: Api):
    task_id = _task(api)
    complete = f"/api/v1/tasks/{task_id}/complete"
    assert api.call("POST", f"/api/v1/tasks/{task_id}/claim", "employee").status_code == 200
    label = api.call("POST", complete, "employee", json={"data": {"product": "Software"}})
    assert label.status_code == 422 and set(label.get_json()["errors"]) == {"product"}  # the key, not a label
    nested = api.call("POST", complete, "employee", json={"data": {
        "product": "software", "more": {"extras": ["training", "fax"], "kind": "praise"}}})
    assert nested.status_code == 422 and set(nested.get_json()["errors"]) == {"more.extras", "more.kind"}
    assert api.call("PATCH", "/api/v1/lists/product/entries/training", "admin",
                    json={"active": False}).status_code == 200
    retired = api.call("POST", complete, "employee", json={"data": {"product": "training"}})
    assert retired.status_code == 422 and set(retired.get_json()["errors"]) == {"product"}
    missing = api.call("POST", complete, "employee", json={"data": {"note": "x"}})
    assert missing.status_code == 422 and "product" in missing.get_json()["errors"]  # the form's own rule
    done = api.call("POST", complete, "employee", json={"data": {
        "product": "pos_terminal", "more": {"extras": ["support_plan"], "kind": "suggestion"}}})
    assert done.status_code == 200, done.get_json()
    instance = api.call("GET", "/api/v1/tasks", "employee", query_string={"state": "completed"}).get_json()
    assert instance["total"] == 1
