"""Messages, signals and starts are permissions (the attacks of the security review, through HTTP, on
SQLite and PostgreSQL): a name's ``ravand:senders`` says who may send it, its ``ravand:variables`` what
its payload may set; a process's candidate starters say who may start it; ``initiator`` is the caller."""

from __future__ import annotations

from typing import Any

import pytest

import processes
from tests.api.conftest import PASSWORD, Api
from tests.engine import bpmn

TERMS = {"title": "Support", "amount": 5_000_000, "terms": "standard", "standard_terms": True}


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    return answer.get_json()


def refused(answer: Any, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    assert answer.content_type == "application/problem+json"
    return answer.get_json()


def add_integration(api: Api, name: str = "esign") -> str:
    """An integration user with a long-lived API token (what an e-signature provider is given)."""
    ok(api.call("POST", "/api/v1/users", "admin", json={"username": name, "password": PASSWORD,
                                                        "role": "integration"}), 201)
    access = ok(api.client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD}))["access_token"]
    api.tokens[f"{name}-session"] = access
    token = ok(api.call("POST", "/api/v1/auth/api-tokens", f"{name}-session", json={"name": "callbacks"}), 201)
    assert token["token"].startswith("rvd_")
    api.tokens[name] = token["token"]
    return name


@pytest.fixture
def crm(api: Api) -> Api:
    ok(api.deploy(processes.bundle()), 201)
    add_integration(api)
    return api


def _task(api: Api, instance_id: str, element: str) -> dict:
    items = ok(api.call("GET", f"/api/v1/tasks?process_instance={instance_id}", "admin"))["items"]
    [task] = [t for t in items if t["element_id"] == element]
    return task


def _work(api: Api, instance_id: str, element: str, who: str, data: dict) -> None:
    task = _task(api, instance_id, element)
    if task["assignee"] is None:
        ok(api.call("POST", f"/api/v1/tasks/{task['id']}/claim", who))
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/complete", who, json={"data": data}))


def sent_contract(api: Api, company: str) -> tuple[int, str]:
    """A contract drafted by alice (sales), approved by the manager and sent: awaiting its signature."""
    customer = ok(api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": company, "email": f"{company.lower()}@example.com"}), 201)["customer"]
    contract = ok(api.call("POST", "/api/v1/contracts", "employee", json={"customer_id": customer["id"], **TERMS}), 201)
    instance_id = contract["process_instance_id"]
    _work(api, instance_id, "edit", "employee", TERMS)
    _work(api, instance_id, "approve_manager", "admin", {"decision": "approve"})
    assert _contract(api, contract["id"])["status"] == "sent"
    return contract["id"], instance_id


def _contract(api: Api, contract_id: int) -> dict:
    return ok(api.call("GET", f"/api/v1/contracts/{contract_id}", "admin"))


def _instance(api: Api, instance_id: str) -> dict:
    return ok(api.call("GET", f"/api/v1/process-instances/{instance_id}", "admin"))


def _signed(correlated_to: int, **variables: Any) -> dict:
    return {"name": "contract_signed", "correlation": {"contract_id": correlated_to}, "variables": variables}


def test_an_employee_cannot_forge_contract_signed(crm: Api):
    first, first_instance = sent_contract(crm, "Alpha")
    second, second_instance = sent_contract(crm, "Beta")
    forged = _signed(second, contract_id=first)  # the review's attack: sign the wrong contract
    for who in ("outsider", "employee", "admin", "designer"):  # support desk, sales, and not even the admins
        body = refused(crm.call("POST", "/api/v1/messages", who, json=forged), 403)
        assert "contract_signed" in body["detail"] and "role:integration" in body["detail"]
    assert refused(crm.call("POST", "/api/v1/messages", "auditor", json=forged), 403)
    for contract_id, instance_id in ((first, first_instance), (second, second_instance)):
        assert _contract(crm, contract_id)["status"] == "sent"
        instance = _instance(crm, instance_id)
        assert instance["state"] == "running" and "await_signature" in instance["active_elements"]
        assert instance["variables"]["contract_id"] == contract_id


def test_the_integration_signs_with_the_declared_variables_only(crm: Api):
    first, _ = sent_contract(crm, "Alpha")
    second, second_instance = sent_contract(crm, "Beta")
    overwrite = refused(crm.call("POST", "/api/v1/messages", "esign", json=_signed(second, contract_id=first)), 422)
    assert list(overwrite["errors"]) == ["variables.contract_id"]  # a correlation value is never set by a payload
    extra = refused(crm.call("POST", "/api/v1/messages", "esign",
                             json=_signed(second, signer="Reza", customer_id=1, amount=1)), 422)
    assert sorted(extra["errors"]) == ["variables.amount", "variables.customer_id"]
    assert "signed_at" in extra["detail"] and "signer" in extra["detail"]
    assert _contract(crm, first)["status"] == _contract(crm, second)["status"] == "sent"
    delivered = ok(crm.call("POST", "/api/v1/messages", "esign",
                            json=_signed(second, signer="Reza Ahmadi", signed_at="2025-01-02T10:00:00Z")))
    assert delivered["instance_ids"] == [second_instance]
    assert _contract(crm, second)["status"] == "signed" and _contract(crm, first)["status"] == "sent"
    done = _instance(crm, second_instance)
    assert done["state"] == "completed" and done["variables"]["contract_id"] == second
    assert done["variables"]["signer"] == "Reza Ahmadi"
    journal = ok(crm.call("GET", "/api/v1/journal?kind=contract.signature", "auditor"))["items"]
    assert [(e["actor"], e["data"]["signer"]) for e in journal] == [("esign", "Reza Ahmadi")]


def test_internal_messages_are_refused_over_http(crm: Api):
    for name in ("survey_answered", "referral_purchase", "referral_lead_qualified", "referral_lead_lost"):
        for who in ("esign", "admin", "employee"):
            body = refused(crm.call("POST", "/api/v1/messages", who, json={"name": name}), 403)
            assert "internal" in body["detail"], body
    refused(crm.call("POST", "/api/v1/messages", "esign", json={"name": "no_such_message"}), 404)


def test_the_integration_starts_a_lead_by_message_with_declared_fields(crm: Api):
    lead = {"person_name": "Ali Karimi", "mobile": "09121234567", "source": "web_form", "need": "high"}
    refused(crm.call("POST", "/api/v1/messages", "employee", json={"name": "lead_received", "variables": lead}), 403)
    hijack = refused(crm.call("POST", "/api/v1/messages", "esign",
                              json={"name": "lead_received", "variables": {**lead, "lead_id": 1}}), 422)
    assert list(hijack["errors"]) == ["variables.lead_id"]
    started = ok(crm.call("POST", "/api/v1/messages", "esign",
                          json={"name": "lead_received", "business_key": "web-1", "variables": lead}))
    assert started["started"]
    instance = _instance(crm, started["instance_ids"][0])
    assert instance["business_key"] == "web-1" and instance["variables"]["lead_id"]
    assert instance["started_by"] == "esign"


def test_the_integration_records_purchases_and_reads_nothing_else(crm: Api):
    customer = ok(crm.call("POST", "/api/v1/customers", "employee", json={
        "kind": "person", "person_name": "Sima", "mobile": "09120001111"}), 201)["customer"]
    ok(crm.call("POST", f"/api/v1/customers/{customer['id']}/purchases", "esign", json={"amount": 120_000}), 201)
    refused(crm.call("GET", "/api/v1/customers", "esign"), 403)
    refused(crm.call("GET", "/api/v1/tasks", "esign"), 403)
    assert ok(crm.call("GET", "/api/v1/auth/me", "esign"))["role"] == "integration"


def test_starting_is_offered_to_groups(crm: Api):
    ranking = "/api/v1/process-definitions/key/customer_ranking/start"
    body = refused(crm.call("POST", ranking, "employee", json={}), 403)
    assert "customer_ranking" in body["detail"] and "candidateStarter" in body["detail"]
    refused(crm.call("POST", ranking, "esign", json={}), 403)
    refused(crm.call("POST", ranking, "auditor", json={}), 403)
    ok(crm.call("POST", ranking, "admin", json={}), 201)
    complaint = "/api/v1/process-definitions/key/complaint_escalation/start"
    refused(crm.call("POST", complaint, "employee", json={}), 403)  # alice is in sales, not support
    assert crm.call("POST", complaint, "outsider", json={}).status_code == 201  # carol is support-1
    listed = ok(crm.call("GET", "/api/v1/process-definitions?latest=true", "employee"))["items"]
    assert {d["key"]: d["startable"] for d in listed} == {
        "lead_qualification": True, "contract_approval": True, "referral_rewards": True,
        "complaint_escalation": False, "customer_ranking": False, "quote_approval": False}
    as_admin = ok(crm.call("GET", "/api/v1/process-definitions?latest=true", "admin"))["items"]
    assert all(d["startable"] for d in as_admin)


def test_the_crm_pages_still_start_their_processes_for_the_demo_groups(crm: Api):
    lead = {"person_name": "Ali", "mobile": "09121234567", "source": "phone"}
    assert ok(crm.call("POST", "/api/v1/leads", "employee", json=lead), 201)["process_instance_id"]
    complaint = {"contact_name": "Mina", "contact_email": "mina@example.com", "category": "delivery",
                 "severity": "low", "description": "late"}
    assert ok(crm.call("POST", "/api/v1/complaints", "outsider", json=complaint), 201)["tracking_code"]


def test_a_spoofed_initiator_becomes_the_caller(crm: Api):
    customer = ok(crm.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "Gamma", "email": "gamma@example.com"}), 201)["customer"]
    started = ok(crm.call("POST", "/api/v1/process-definitions/key/contract_approval/start", "employee",
                          json={"variables": {"drafter": "bob", "customer_id": customer["id"], **TERMS}}), 201)
    assert started["variables"]["drafter"] == "alice"
    assert _task(crm, started["id"], "edit")["assignee"] == "alice"
    complaint = ok(crm.call("POST", "/api/v1/process-definitions/key/complaint_escalation/start", "outsider",
                            json={"variables": {"initiator": "root"}}), 201)
    assert complaint["variables"]["initiator"] == "carol"


ALARM = ('<bpmn:signal id="s_alarm" name="alarm"><bpmn:extensionElements><camunda:properties>'
         '<camunda:property name="ravand:senders" value="group:sales, user:carol"/>'
         '<camunda:property name="ravand:variables" value="reason"/></camunda:properties></bpmn:extensionElements>'
         '</bpmn:signal><bpmn:signal id="s_quiet" name="quiet"/>')


def _signal_catch(eid: str, ref: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{eid}"><bpmn:signalEventDefinition signalRef="{ref}"/>'
            f'</bpmn:intermediateCatchEvent>')


def test_signals_are_permissions_too(api: Api):
    body = (bpmn.start() + _signal_catch("wait_alarm", "s_alarm") + _signal_catch("wait_quiet", "s_quiet")
            + bpmn.end() + bpmn.end("end2") + bpmn.chain("start", "wait_alarm", "end")
            + bpmn.flow("start", "wait_quiet") + bpmn.flow("wait_quiet", "end2"))
    ok(api.deploy([("alarm.bpmn", bpmn.diagram("alarm", body, extra=ALARM))]), 201)
    waiting = [ok(api.call("POST", "/api/v1/process-definitions/key/alarm/start", "admin", json={}), 201)["id"]
               for _ in range(2)]
    denied = refused(api.call("POST", "/api/v1/signals", "auditor", json={"name": "alarm"}), 403)
    assert denied["detail"]
    refused(api.call("POST", "/api/v1/signals", "designer", json={"name": "alarm"}), 403)
    internal = refused(api.call("POST", "/api/v1/signals", "employee", json={"name": "quiet"}), 403)
    assert "internal" in internal["detail"]
    refused(api.call("POST", "/api/v1/signals", "employee", json={"name": "nobody-catches-this"}), 404)
    extra = refused(api.call("POST", "/api/v1/signals", "employee",
                             json={"name": "alarm", "variables": {"reason": "fire", "approved": True}}), 422)
    assert list(extra["errors"]) == ["variables.approved"]
    assert all("wait_alarm" in _instance(api, i)["active_elements"] for i in waiting)
    reached = ok(api.call("POST", "/api/v1/signals", "outsider", json={"name": "alarm", "variables": {"reason": "x"}}))
    assert sorted(reached["instance_ids"]) == sorted(waiting)  # carol is named as a user
    for instance_id in waiting:
        instance = _instance(api, instance_id)
        assert "wait_alarm" not in instance["active_elements"] and instance["variables"]["reason"] == "x"


def test_a_message_declared_on_its_catch_event_wins_over_its_message(api: Api):
    message = ('<bpmn:message id="m_paid" name="paid"><bpmn:extensionElements><camunda:properties>'
               '<camunda:property name="ravand:senders" value="role:admin"/></camunda:properties>'
               '</bpmn:extensionElements></bpmn:message>')
    catch = ('<bpmn:receiveTask id="wait_paid" messageRef="m_paid"><bpmn:extensionElements><camunda:properties>'
             '<camunda:property name="ravand:senders" value="group:sales"/>'
             '<camunda:property name="ravand:variables" value="amount"/></camunda:properties>'
             '</bpmn:extensionElements></bpmn:receiveTask>')
    body = bpmn.start() + catch + bpmn.end() + bpmn.chain("start", "wait_paid", "end")
    ok(api.deploy([("pay.bpmn", bpmn.diagram("pay", body, extra=message, starters="sales"))]), 201)
    started = ok(api.call("POST", "/api/v1/process-definitions/key/pay/start", "employee",
                          json={"business_key": "ORDER-3"}), 201)
    refused(api.call("POST", "/api/v1/messages", "admin", json={"name": "paid", "business_key": "ORDER-3"}), 403)
    refused(api.call("POST", "/api/v1/messages", "employee", json={"name": "paid", "business_key": "nope"}), 404)
    answer = ok(api.call("POST", "/api/v1/messages", "employee",
                         json={"name": "paid", "business_key": "ORDER-3", "variables": {"amount": 12}}))
    assert answer["instance_ids"] == [started["id"]]
    done = _instance(api, started["id"])
    assert done["state"] == "completed" and done["variables"]["amount"] == 12


@pytest.mark.parametrize(("value", "says"), [
    ("role:integrations", "unknown role 'integrations'"),
    ("team:sales", "write role:NAME, group:NAME or user:NAME"),
    ("group:", "write role:NAME, group:NAME or user:NAME"),
])
def test_deploy_refuses_a_bad_senders_declaration_with_its_place(sqlite_api: Api, value: str, says: str):
    message = (f'<bpmn:message id="m_paid" name="paid"><bpmn:extensionElements><camunda:properties>\n'
               f'<camunda:property name="ravand:senders" value="{value}"/></camunda:properties>'
               f'</bpmn:extensionElements></bpmn:message>')
    body = bpmn.start() + '<bpmn:receiveTask id="wait" messageRef="m_paid"/>' + bpmn.end() \
        + bpmn.chain("start", "wait", "end")
    files = [("pay.bpmn", bpmn.diagram("pay", body, extra=message))]
    for path in ("/api/v1/deployments", "/api/v1/deployments/validate"):
        import io

        data = {"files": [(io.BytesIO(content), name) for name, content in files]}
        answer = refused(sqlite_api.call("POST", path, "designer", data=data, content_type="multipart/form-data"),
                         422)
        [problem] = answer["problems"]
        assert says in problem["message"]
        assert (problem["file"], problem["element_id"], problem["line"]) == ("pay.bpmn", "m_paid", 4)


def test_deploy_refuses_other_bad_declarations(sqlite_api: Api):
    typo = ('<bpmn:userTask id="review" camunda:candidateGroups="sales"><bpmn:extensionElements><camunda:properties>'
            '<camunda:property name="ravand:senders" value="role:admin"/>'
            '<camunda:property name="ravand:sender" value="role:admin"/></camunda:properties>'
            '</bpmn:extensionElements></bpmn:userTask>')
    message = ('<bpmn:message id="m_paid" name="paid"><bpmn:extensionElements><camunda:properties>'
               '<camunda:property name="ravand:variables" value="amount, not-a-name"/></camunda:properties>'
               '</bpmn:extensionElements></bpmn:message>')
    body = bpmn.start() + typo + bpmn.end() + bpmn.chain("start", "review", "end")
    diagram = bpmn.diagram("pay", body, extra=message, starters="${groups}")
    problems = refused(sqlite_api.deploy([("pay.bpmn", diagram)]), 422)["problems"]
    messages = sorted(p["message"] for p in problems)
    assert len(messages) == 4, messages
    assert any("read only on a message, a signal" in m for m in messages)
    assert any("unknown extension property 'ravand:sender'" in m for m in messages)
    assert any("'not-a-name' in ravand:variables" in m for m in messages)
    assert any("candidateStarterGroups must name the groups" in m for m in messages)


def test_users_add_offers_the_integration_role(tmp_path):
    from click.testing import CliRunner

    from api.cli import main

    config = tmp_path / "ravand.toml"
    config.write_text(f'[ravand]\ndatabase_url = "sqlite:///{tmp_path}/ravand.sqlite"\nscript_isolation = false\n'
                      'scheduler_enabled = false\n')
    run = CliRunner().invoke(main, ["--config", str(config), "users", "add", "webshop", "--role", "integration",
                                    "--password", "long enough pass"], obj={}, env={})
    assert run.exit_code == 0, run.output
    assert "user webshop (integration) created" in run.output


def _instance_count(api: Api) -> int:
    return ok(api.call("GET", "/api/v1/process-instances?limit=1", "admin"))["total"]


@pytest.mark.parametrize(("name", "variables", "fields"), [
    ("lead_received", {"person_name": "Ali Karimi", "mobile": "12", "source": "web_form"}, ["variables.mobile"]),
    ("lead_received", {"mobile": "09121234567", "source": "fax"}, ["variables.person_name", "variables.source"]),
    ("complaint_received", {"contact_name": "Mina", "contact_email": "mina@example.com", "severity": "low",
                            "description": "late"}, ["variables.category"]),
    ("complaint_received", {"customer_id": 999_999, "category": "delivery", "severity": "low",
                            "description": "late"}, ["variables.customer_id"]),
    ("referral_received", {"code": "NO-SUCH-CODE", "referred_name": "Sima", "referred_mobile": "09120001111"},
     ["variables.code"]),
    ("referral_received", {"code": "NO-SUCH-CODE", "referred_name": "Sima"},
     ["variables.code", "variables.referred_mobile"]),
])
def test_an_invalid_payload_starts_nothing(crm: Api, name: str, variables: dict, fields: list[str]):
    before = _instance_count(crm)
    body = refused(crm.call("POST", "/api/v1/messages", "esign", json={"name": name, "variables": variables}), 422)
    assert sorted(set(fields) & set(body["errors"])) == sorted(fields), body
    assert name in body["detail"]
    assert _instance_count(crm) == before
    assert ok(crm.call("GET", "/api/v1/leads", "admin"))["total"] == 0
    assert ok(crm.call("GET", "/api/v1/complaints", "admin"))["total"] == 0


def test_permission_and_declarations_come_before_the_payload_check(crm: Api):
    invalid = {"person_name": "Ali", "mobile": "12", "source": "web_form"}
    refused(crm.call("POST", "/api/v1/messages", "employee", json={"name": "lead_received", "variables": invalid}),
            403)
    body = refused(crm.call("POST", "/api/v1/messages", "esign",
                            json={"name": "lead_received", "variables": {**invalid, "lead_id": 3}}), 422)
    assert list(body["errors"]) == ["variables.lead_id"]


def test_a_valid_complaint_by_message_is_filed(crm: Api):
    started = ok(crm.call("POST", "/api/v1/messages", "esign", json={"name": "complaint_received", "variables": {
        "contact_name": "مینا", "contact_mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "category": "delivery", "severity": "low",
        "description": "دیر رسید"}}))
    assert started["started"]
    instance = _instance(crm, started["instance_ids"][0])
    assert instance["state"] == "running" and instance["variables"]["complaint_id"]


def test_a_correlation_value_of_the_wrong_type_is_a_422_not_a_404(crm: Api):
    contract_id, _ = sent_contract(crm, "Alpha")
    for wrong, kind in ((f"C-{contract_id}", "text"), ("۴x", "text"), ([contract_id], "a list")):
        body = refused(crm.call("POST", "/api/v1/messages", "esign", json={
            "name": "contract_signed", "correlation": {"contract_id": wrong}, "variables": {"signer": "Reza"}}), 422)
        assert body["errors"] == {"correlation.contract_id": [
            f"the instances waiting for this message hold a number here, not {kind}"]}
        assert "contract_id" in body["detail"]
    refused(crm.call("POST", "/api/v1/messages", "esign", json={
        "name": "contract_signed", "correlation": {"contract_id": contract_id + 100},
        "variables": {"signer": "Reza"}}), 404)  # the right type, nobody waiting: still "not found"
    assert _contract(crm, contract_id)["status"] == "sent"


def test_a_referral_the_rules_refuse_still_reaches_its_process_to_be_recorded(crm: Api):
    customer = ok(crm.call("POST", "/api/v1/customers", "employee", json={
        "kind": "person", "person_name": "Reza Ahmadi", "mobile": "09121112233"}), 201)["customer"]
    self_referral = {"code": customer["referral_code"].lower(), "referred_name": "Reza Ahmadi",
                     "referred_mobile": "۰۹۱۲۱۱۱۲۲۳۳"}
    started = ok(crm.call("POST", "/api/v1/messages", "esign", json={"name": "referral_received",
                                                                     "variables": self_referral}))
    assert started["started"]
    instance = _instance(crm, started["instance_ids"][0])
    assert instance["state"] == "completed" and instance["variables"]["refused"]
