"""The customer 360's engine side: no stored value can make it fail, and employees see only the tasks
and instances they may see. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.api.conftest import Api
from tests.conftest import Database
from tests.engine import bpmn

V1 = "/api/v1"
START = V1 + "/process-definitions/key/{}/start"

FINANCE = bpmn.diagram("finance_approval", "\n".join([
    bpmn.start(), bpmn.user("approve", "Approve (finance)", candidateGroups="finance"), bpmn.end(),
    bpmn.chain("start", "approve", "end"),
]))
SALES = bpmn.diagram("sales_call", "\n".join([
    bpmn.start(), bpmn.user("call", "Call the customer", candidateGroups="sales"), bpmn.end(),
    bpmn.chain("start", "call", "end"),
]))
# what an instance stored before the checks could hold, as the database holds it (JSON text)
POISON = {
    "sqlite": [
        '{"customer_id": CID, "x": NaN}',
        '{"customer_id": CID, "x": Infinity}',
        '{"customer_id": CID, "x": ' + "[" * 2001 + "]" * 2001 + "}",
        '{"customer_id": CID, "x": "a\\u0000b"}',
        '{"customer_id": CID, "x": "\\ud800"}',
        '{"customer_id": CID, "x": ',  # not even JSON
    ],
    "postgres": [
        '{"customer_id": CID, "x": "a\\u0000b"}',  # stored by the json type; ->> fails on it
        '{"customer_id": CID, "x": ' + "[" * 2001 + "]" * 2001 + "}",
    ],
}


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:400])
    return answer.get_json()


def customer(api: Api, name: str) -> int:
    return ok(api.call("POST", f"{V1}/customers", "employee", json={"person_name": name}), 201)["customer"]["id"]


def view(api: Api, cid: int, who: str) -> dict[str, Any]:
    answer = api.call("GET", f"{V1}/customers/{cid}/360", who)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:400]
    return json.loads(answer.get_data(as_text=True), parse_constant=_no_constant)


def _no_constant(name: str) -> None:
    raise AssertionError(f"the API wrote {name}")


def store_variables(api: Api, dialect: str, instance_id: str, raw: str) -> None:
    """Write the variables' JSON text straight into the row, as an older version could have stored it."""
    value = "CAST(:v AS json)" if dialect == "postgres" else ":v"
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(text(f"UPDATE process_instance SET variables = {value} WHERE id = :id"),
                        {"v": raw, "id": instance_id})
        session.commit()


def test_stored_values_that_no_json_function_reads_do_not_break_the_360(api: Api, db: Database):
    ok(api.deploy([("sales.bpmn", SALES)]), 201)
    cid, other = customer(api, "Reza"), customer(api, "Mina")
    linked = ok(api.call("POST", START.format("sales_call"), "admin", json={"variables": {"customer_id": cid}}), 201)
    by_key = ok(api.call("POST", START.format("sales_call"), "admin", json={"business_key": f"customer-{cid}"}), 201)
    poisoned = []
    for raw in POISON[db.dialect]:
        started = ok(api.call("POST", START.format("sales_call"), "admin", json={"variables": {"customer_id": cid}}),
                     201)
        store_variables(api, db.dialect, started["id"], raw.replace("CID", str(cid)))
        poisoned.append(started["id"])
    for who in ("admin", "auditor", "employee", "outsider"):
        assert view(api, other, who)["instances"] == []
        seen = view(api, cid, who)
        if who in {"admin", "auditor"}:
            ids = {i["id"] for i in seen["instances"]}
            assert {linked["id"], by_key["id"]} <= ids
            assert ids <= {linked["id"], by_key["id"], *poisoned}  # a row that parses in Python still links
    # the old query, run as it was, fails on these rows: the test would catch its return
    with api.app.extensions["ravand"].sessions() as session, pytest.raises(DBAPIError):
        extract = ("json_extract(variables, '$.customer_id')" if db.dialect == "sqlite"
                   else "variables ->> 'customer_id'")
        session.execute(text(f"SELECT id FROM process_instance WHERE state = 'running' AND {extract} = '{cid}'")).all()


def test_links_by_variable_need_the_customers_own_id(api: Api, db: Database):
    """``customer_id`` 42 does not link customer 4 or 420, nor does a nested ``customer_id`` or a text
    that merely contains it."""
    ok(api.deploy([("sales.bpmn", SALES)]), 201)
    ids = [customer(api, f"c{i}") for i in range(3)]
    cid = ids[1]
    start = START.format("sales_call")
    own = ok(api.call("POST", start, "admin", json={"variables": {"customer_id": cid}}), 201)
    as_text = ok(api.call("POST", start, "admin", json={"variables": {"customer_id": str(cid)}}), 201)
    decoys = [{"customer_id": cid * 10}, {"nested": {"customer_id": cid}}, {"note": f'"customer_id": {cid},'},
              {"customer_id": True}, {"customer_id": [cid]}]
    for variables in decoys:
        ok(api.call("POST", start, "admin", json={"variables": variables}), 201)
    assert {i["id"] for i in view(api, cid, "admin")["instances"]} == {own["id"], as_text["id"]}


def test_employees_see_only_their_tasks_and_no_instances(api: Api):
    """A sales employee's 360 does not list the finance approval task nor any instance; an admin's and an
    auditor's list both; a support employee sees neither task."""
    ok(api.deploy([("finance.bpmn", FINANCE), ("sales.bpmn", SALES)]), 201)
    cid = customer(api, "Sara")
    key = {"business_key": f"customer-{cid}"}
    finance = ok(api.call("POST", START.format("finance_approval"), "admin", json=key), 201)
    sales = ok(api.call("POST", START.format("sales_call"), "admin", json={"variables": {"customer_id": cid}}), 201)
    every = {finance["id"], sales["id"]}
    for who in ("admin", "auditor", "designer"):
        seen = view(api, cid, who)
        assert {t["process_instance_id"] for t in seen["open_tasks"]} == every, who
        assert {i["id"] for i in seen["instances"]} == every, who
    alice = view(api, cid, "employee")  # sales
    assert [t["name"] for t in alice["open_tasks"]] == ["Call the customer"]
    assert alice["instances"] == []
    carol = view(api, cid, "outsider")  # support-1
    assert carol["open_tasks"] == [] and carol["instances"] == []
    # what the 360 shows an employee agrees with the task routes
    for task in alice["open_tasks"]:
        assert api.call("GET", f"{V1}/tasks/{task['id']}", "employee").status_code == 200
    finance_task = view(api, cid, "admin")["open_tasks"]
    hidden = next(t for t in finance_task if t["process_instance_id"] == finance["id"])
    assert api.call("GET", f"{V1}/tasks/{hidden['id']}", "employee").status_code == 404


def test_a_task_assigned_to_an_employee_outside_its_groups_shows_in_their_360(api: Api):
    ok(api.deploy([("finance.bpmn", FINANCE)]), 201)
    cid = customer(api, "Omid")
    ok(api.call("POST", START.format("finance_approval"), "admin", json={"business_key": f"customer-{cid}"}), 201)
    assert view(api, cid, "outsider")["open_tasks"] == []
    task = view(api, cid, "admin")["open_tasks"][0]
    ok(api.call("POST", f"{V1}/tasks/{task['id']}/assign", "admin", json={"user": "carol", "override": True}))
    assert [t["id"] for t in view(api, cid, "outsider")["open_tasks"]] == [task["id"]]
