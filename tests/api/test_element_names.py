"""Process and task names in the reader's language: a diagram names its process and elements in Persian with
``name:fa`` extension properties; the tasklist, a task, instances, their history, the journal and the
definitions list show the Persian name to a Persian reader and the English one to an English reader, with every
language kept in ``names``. A diagram without Persian names answers in English for everyone."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definitions.dialect import process_elements
from engine.definitions.xmlsafe import parse_xml
from tests.api.conftest import Api
from tests.engine import bpmn

FA_PROCESS, FA_TASK = "بررسی درخواست", "بررسی و تأیید"


def _named(value: str) -> str:
    return (f'<bpmn:extensionElements><camunda:properties><camunda:property name="name:fa" value="{value}"/>'
            f'<camunda:property name="owner" value="sales desk"/></camunda:properties></bpmn:extensionElements>')


def named_diagram(key: str = "named", with_persian: bool = True) -> bytes:
    task = (f'<bpmn:userTask id="review" name="Review the request" camunda:candidateGroups="sales">'
            f'{_named(FA_TASK) if with_persian else ""}</bpmn:userTask>')
    body = "\n".join([(_named(FA_PROCESS) if with_persian else ""), bpmn.start(), task, bpmn.end(),
                      bpmn.chain("start", "review", "end")])
    return bpmn.diagram(key, body, name="Request review", starters="sales")


def _persian(api: Api, who: str = "employee") -> None:
    answer = api.call("PATCH", "/api/v1/auth/me", who, json={"locale": "fa"})
    assert answer.status_code == 200, answer.get_json()


def _start(api: Api, key: str) -> str:
    answer = api.call("POST", f"/api/v1/process-definitions/key/{key}/start", "employee", json={"variables": {}})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _tasks(api: Api, who: str, key: str) -> list[dict[str, Any]]:
    answer = api.call("GET", f"/api/v1/tasks?process_key={key}", who)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["items"]


def test_deploy_keeps_the_names_by_locale() -> None:
    root, problem = parse_xml(named_diagram(), "named.bpmn")
    assert problem is None
    elements = process_elements(next(root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")))
    assert elements["review"]["names"] == {"fa": FA_TASK}
    assert elements["named"]["names"] == {"fa": FA_PROCESS}
    assert "names" not in elements["start"]  # no Persian name: nothing stored, English answers


def test_tasks_in_the_readers_language(api: Api) -> None:
    assert api.deploy([("named.bpmn", named_diagram())]).status_code == 201
    instance = _start(api, "named")
    _persian(api, "employee")
    persian, = _tasks(api, "employee", "named")
    english, = _tasks(api, "employee2", "named")
    assert persian["name"] == FA_TASK and persian["process_name"] == FA_PROCESS
    assert persian["names"] == {"en": "Review the request", "fa": FA_TASK}
    assert persian["title"].startswith(FA_TASK)
    assert english["name"] == "Review the request" and english["process_name"] == "Request review"
    assert english["names"]["fa"] == FA_TASK  # the other language is there for whoever wants it

    detail = api.call("GET", f"/api/v1/tasks/{persian['id']}", "employee").get_json()
    assert (detail["name"], detail["process_name"]) == (FA_TASK, FA_PROCESS)
    claimed = api.call("POST", f"/api/v1/tasks/{persian['id']}/claim", "employee").get_json()
    assert claimed["name"] == FA_TASK

    _persian(api, "admin")
    shown = api.call("GET", f"/api/v1/process-instances/{instance}", "admin").get_json()
    assert shown["process_name"] == FA_PROCESS and shown["process_key"] == "named"
    assert shown["element_names"]["review"] == FA_TASK
    listed = api.call("GET", "/api/v1/process-instances?key=named", "admin").get_json()["items"]
    assert [i["process_name"] for i in listed] == [FA_PROCESS]
    history = api.call("GET", f"/api/v1/process-instances/{instance}/history", "admin").get_json()["items"]
    created = next(e for e in history if e["kind"] == "task.created")
    assert created["element_name"] == FA_TASK and created["process_name"] == FA_PROCESS
    journal = api.call("GET", "/api/v1/journal?kind=deployed", "auditor").get_json()["items"]
    assert journal[-1]["process_name"] == "Request review"  # the auditor reads English
    definitions = api.call("GET", "/api/v1/process-definitions?key=named", "employee").get_json()["items"]
    assert definitions[0]["process_name"] == FA_PROCESS and definitions[0]["name"] == "Request review"


def test_no_persian_names_falls_back_to_english(api: Api) -> None:
    assert api.deploy([("plain.bpmn", named_diagram("plain", with_persian=False))]).status_code == 201
    _start(api, "plain")
    _persian(api, "employee")
    task, = _tasks(api, "employee", "plain")
    assert task["name"] == "Review the request" and task["process_name"] == "Request review"
    assert task["names"] == {"en": "Review the request"}


@pytest.mark.parametrize("who", ["employee"])
def test_an_older_version_borrows_the_names_of_a_later_one(api: Api, who: str) -> None:
    """An instance started before the Persian names were added shows them once a version that has them is
    deployed, where the element's English name is the same."""
    assert api.deploy([("named.bpmn", named_diagram(with_persian=False))]).status_code == 201
    _start(api, "named")
    assert api.deploy([("named.bpmn", named_diagram())]).status_code == 201
    _persian(api, who)
    task, = _tasks(api, who, "named")
    assert task["name"] == FA_TASK and task["process_name"] == FA_PROCESS


def test_staff_notices_name_the_task_in_each_readers_language(api: Api) -> None:
    assert api.deploy([("named.bpmn", named_diagram())]).status_code == 201
    _start(api, "named")
    for name, locale in (("sara@ravand.example", "fa"), ("mona", "en")):
        answer = api.call("POST", "/api/v1/users", "admin", json={
            "username": name, "password": "correct horse battery", "role": "employee", "groups": ["sales"],
            "locale": locale})
        assert answer.status_code == 201, answer.get_json()
    task, = _tasks(api, "admin", "named")
    for name in ("sara@ravand.example", "mona"):
        answer = api.call("POST", f"/api/v1/tasks/{task['id']}/assign", "admin", json={"user": name})
        assert answer.status_code == 200, answer.get_json()
    told = api.call("GET", "/api/v1/notifications?limit=100", "admin").get_json()["items"]
    bodies = {m["recipient"]: m["body"] for m in told if m["template"] == "task_assigned" and m["channel"] == "app"}
    assert FA_TASK in bodies["sara@ravand.example"] and "Review the request" not in bodies["sara@ravand.example"]
    assert "Review the request" in bodies["mona"] and FA_TASK not in bodies["mona"]


def test_groups_name_the_processes_that_use_them_in_the_readers_language(api: Api) -> None:
    files = [("named.bpmn", named_diagram()), ("plain.bpmn", named_diagram("plain", False))]
    assert api.deploy(files).status_code == 201
    _persian(api)
    for who, named in (("employee", FA_PROCESS), ("admin", "Request review")):
        sales = api.call("GET", "/api/v1/groups/sales", who).get_json()
        assert sales["processes"] == ["named", "plain"]
        assert sales["process_names"] == {"named": named, "plain": "Request review"}  # no Persian name: English
        listed = api.call("GET", "/api/v1/groups", who).get_json()["items"]
        assert next(g for g in listed if g["key"] == "sales")["process_names"] == sales["process_names"]
        assert next(g for g in listed if g["key"] == "ceo")["process_names"] == {}
