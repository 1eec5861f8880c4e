"""What each CRM diagram lets the outside do: which messages an integration may send (and with what),
which are internal (sent by Ravand's own handlers and routes only), and whom each process's start is
offered to. Internal deliveries follow the same payload declarations."""

from __future__ import annotations

import pytest
from lxml import etree

import processes
from engine.definitions.declarations import Caller, admits, may_start
from engine.definitions.dialect import BPMN_NS, process_elements, q
from engine.errors import InvalidData
from tests.processes.conftest import Flow
from tests.processes.test_referral_rewards import _qualify_lead, _refer, _referrer

INTEGRATION = Caller("webhooks", "integration")


def _elements(key: str) -> dict[str, dict]:
    [(_, content)] = [f for f in processes.files(key) if f[0].endswith(".bpmn")]
    [process] = etree.fromstring(content).iter(q(BPMN_NS, "process"))
    return process_elements(process)


def _catches(key: str) -> dict[str, dict]:
    return {meta["event"]: meta for meta in _elements(key).values() if meta.get("catches") == "message"}


# message → (an integration may send it, the variables its payload may set)
DECLARED = {
    "contract_approval": {"contract_signed": (True, {"signed_at", "signer", "signed_ip", "signed_via"})},
    "lead_qualification": {"lead_received": (True, {
        "person_name", "company_name", "phone", "mobile", "email", "source", "product", "region",
        "estimated_revenue", "budget_confirmed", "authority", "need", "timeline"}),
        "lead_corrected": (False, set())},
    "complaint_escalation": {
        "complaint_received": (True, {"customer_id", "contact_name", "contact_mobile", "contact_email", "kind",
                                      "category", "severity", "channel", "description"}),
        "survey_answered": (False, set()), "complaint_changed": (False, set()),
        "complaint_customer_replied": (False, set()), "complaint_reopen_requested": (False, set())},
    "referral_rewards": {
        "referral_received": (True, {"code", "referred_name", "referred_mobile", "referred_email"}),
        "referral_lead_qualified": (False, {"referred_customer_id"}),
        "referral_lead_lost": (False, {"lost_reason"}),
        "referral_purchase": (False, {"purchase_id", "purchase_amount"})},
    "customer_ranking": {},
    "quote_approval": {},
}


@pytest.mark.parametrize("key", processes.KEYS)
def test_who_may_send_each_message_and_what_it_may_set(key: str):
    catches = _catches(key)
    assert {name: (admits(meta.get("senders"), INTEGRATION), set(meta["variables"]))
            for name, meta in catches.items()} == DECLARED[key]
    for meta in catches.values():  # an id the handlers trust is never a payload's to set
        assert not {"contract_id", "lead_id", "referral_id", "complaint_id"} & set(meta["variables"])


STARTERS = {  # who, among the demo users' groups, may start each process over the API
    "lead_qualification": {"sales"}, "contract_approval": {"sales"}, "referral_rewards": {"sales"},
    "complaint_escalation": {"support-1", "support-2"}, "customer_ranking": set(), "quote_approval": set(),
}


@pytest.mark.parametrize("key", processes.KEYS)
def test_whom_each_start_is_offered_to(key: str):
    elements = _elements(key)
    groups = {"sales", "sales-enterprise", "sales-regions", "managers", "support-1", "support-2", "finance", "legal"}
    assert {g for g in groups if may_start(elements, key, Caller("someone", "employee", frozenset({g})))} \
        == STARTERS[key]
    assert may_start(elements, key, Caller("root", "admin"))
    assert not may_start(elements, key, Caller("audrey", "auditor", frozenset(groups)))


def test_an_internal_delivery_with_an_undeclared_variable_is_refused(flow: Flow):
    instance_id = _refer(flow, _referrer(flow))
    customer_id = _qualify_lead(flow, instance_id)
    with pytest.raises(InvalidData, match="may set purchase_amount, purchase_id; refused: reward_value"):
        flow(lambda s: flow.engine.correlate(s, "referral_purchase", correlation={"referred_customer_id": customer_id},
                                             variables={"purchase_amount": 10**12, "reward_value": 10**9}))
    assert flow.instance(instance_id).active_elements == ["await_purchase", "purchase_deadline"]
    with pytest.raises(InvalidData, match="correlated by: referred_customer_id"):
        flow(lambda s: flow.engine.correlate(s, "referral_purchase", correlation={"referred_customer_id": customer_id},
                                             variables={"referred_customer_id": 1}))


def _pay(label: str) -> bytes:
    from tests.engine import bpmn

    message = ('<bpmn:message id="m_paid" name="paid"><bpmn:extensionElements><camunda:properties>'
               '<camunda:property name="ravand:variables" value="amount"/></camunda:properties>'
               '</bpmn:extensionElements></bpmn:message>')
    body = bpmn.start() + '<bpmn:receiveTask id="wait_paid" messageRef="m_paid"/>' + bpmn.end() \
        + bpmn.chain("start", "wait_paid", "end")
    return bpmn.diagram("pay", body, extra=message, name=label)


def test_an_instance_of_a_version_deployed_before_declarations_follows_the_latest(flow: Flow):
    """Upgrading: a version stored before Ravand read declarations has none in its element metadata;
    its waiting instances are held to the newest version's declarations, not refused everything."""
    from engine.facade import Engine
    from engine.runtime.services import HandlerRegistry
    from engine.store.models import ProcessDefinition

    flow(lambda s: flow.engine.deploy(s, [("pay.bpmn", _pay("Pay"))], "designer"))
    old = flow.start("pay", {}, business_key="OLD")

    def forget_declarations(session):
        row = session.query(ProcessDefinition).filter_by(key="pay").one()
        row.elements = {k: {f: v for f, v in m.items() if f not in {"catches", "event", "variables", "senders"}}
                        for k, m in row.elements.items() if m.get("type") != "process"}

    flow(forget_declarations)
    flow.engine = Engine(processes.register(HandlerRegistry()), settings={"locale": "fa"})
    with pytest.raises(InvalidData):  # alone, the stripped version declares nothing
        flow(lambda s: flow.engine.correlate(s, "paid", "OLD", variables={"amount": 5}))
    flow(lambda s: flow.engine.deploy(s, [("pay.bpmn", _pay("Pay v2"))], "designer"))
    with pytest.raises(InvalidData):
        flow(lambda s: flow.engine.correlate(s, "paid", "OLD", variables={"amount": 5, "other": 1}))
    flow(lambda s: flow.engine.correlate(s, "paid", "OLD", variables={"amount": 5}))
    done = flow.instance(old.id)
    assert done.state == "completed" and done.variables["amount"] == 5
