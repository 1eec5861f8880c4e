"""A user task marked as a call or a meeting (``ravand:activity``) logs its activity on the record its process
serves when it is completed, with the notes of the form field ``ravand:activityNotes`` names; a wrong value is
refused at deployment. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from engine.store.models import ProcessInstance
from tests.api.conftest import Api

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="d" targetNamespace="urn:ravand:test">
  <process id="follow_up" name="Follow up" isExecutable="true" camunda:candidateStarterGroups="sales">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <userTask id="call" name="Call the customer" camunda:candidateGroups="sales">
      <extensionElements><camunda:properties>
        <camunda:property name="ravand:activity" value="{kind}"/>
        <camunda:property name="ravand:activityNotes" value="call_notes"/>
        <camunda:property name="name:fa" value="تماس با مشتری"/>
      </camunda:properties></extensionElements>
    </userTask>
    <sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"""


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    return answer.get_json()


def test_a_call_task_logs_its_call_on_the_record_its_process_serves(api: Api):
    ok(api.deploy([("follow_up.bpmn", BPMN.replace("{kind}", "call").encode())]), 201)
    customer = ok(api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "پارس", "mobile": "09121112233"}), 201)["customer"]["id"]
    started = ok(api.call("POST", "/api/v1/process-definitions/key/follow_up/start", "employee", json={}), 201)
    ravand = api.app.extensions["ravand"]
    with ravand.sessions() as session:  # as a CRM process names the record it serves (engine.records)
        session.execute(update(ProcessInstance).where(ProcessInstance.id == started["id"]).values(
            record_type="customer", record_id=str(customer)))
        session.commit()
    [task] = ok(api.call("GET", "/api/v1/tasks", "admin", query_string={"process_instance": started["id"]}))["items"]
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/claim", "employee"))
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "employee",
                json={"data": {"call_notes": "قرار جلسه برای هفتهٔ بعد"}}))
    [activity] = ok(api.call("GET", f"/api/v1/records/customer/{customer}/activities", "employee"))["items"]
    assert (activity["kind"], activity["owner"], activity["subject"], activity["notes"], activity["source"]) == (
        "call", "alice", "Call the customer", "قرار جلسه برای هفتهٔ بعد", "task")
    assert activity["done_at"] is not None

    # a process serving no record logs nothing
    other = ok(api.call("POST", "/api/v1/process-definitions/key/follow_up/start", "employee", json={}), 201)
    [task] = ok(api.call("GET", "/api/v1/tasks", "admin", query_string={"process_instance": other["id"]}))["items"]
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/claim", "employee"))
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "employee", json={"data": {}}))
    assert len(ok(api.call("GET", f"/api/v1/records/customer/{customer}/activities", "employee"))["items"]) == 1


def test_a_wrong_activity_kind_is_refused_at_deployment(api: Api):
    refused = api.deploy([("follow_up.bpmn", BPMN.replace("{kind}", "lunch").encode())])
    assert refused.status_code == 422
    assert "ravand:activity is call or meeting" in refused.get_data(as_text=True)
