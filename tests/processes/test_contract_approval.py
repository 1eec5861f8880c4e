"""contract_approval, path by path: approval levels chosen by the DMN table and decided in parallel,
a round of changes, a rejection, the signature, reminders and the expiry of the offer."""

from __future__ import annotations

from crm import contracts
from crm.customers import create_customer
from crm.models import Contract, Notification
from tests.processes.conftest import Flow

TERMS = "پرداخت در سه قسط؛ تحویل ظرف ۳۰ روز."


def _start(flow: Flow, **terms) -> tuple[str, int]:
    flow.deploy("contract_approval")
    customer, _ = flow.write(lambda ctx: create_customer(ctx, {
        "kind": "company", "company_name": "شرکت نمونه", "person_name": "رضا احمدی", "mobile": "09121112233"}))
    started = flow.start("contract_approval", {"customer_id": customer.id, "title": "پشتیبانی سالانه",
                                               "amount": 900_000_000, "terms": TERMS, **terms}, actor="sara")
    return started.id, flow.instance(started.id).variables["contract_id"]


def _contract(flow: Flow, contract_id: int) -> Contract:
    return flow.records(lambda s: s.get(Contract, contract_id))


def test_small_standard_contract_needs_the_manager_only_and_is_signed(flow: Flow):
    instance_id, contract_id = _start(flow)
    draft = flow.open_task(instance_id, "edit")
    assert draft.assignee == "sara"
    flow.work(instance_id, "edit", "sara", {"title": "پشتیبانی سالانه", "amount": 950_000_000, "terms": TERMS,
                                            "standard_terms": True, "discount_percent": 5})
    assert flow.open_elements(instance_id) == ["approve_manager"]
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    contract = _contract(flow, contract_id)
    assert contract.status == "sent" and contract.document_html and 'dir="rtl"' in contract.document_html
    assert contract.revision == 2 and contract.amount == 950_000_000
    sent = flow.records(lambda s: s.query(Notification).filter_by(template="contract_sent").one())
    assert sent.recipient == "+989121112233"
    flow(lambda s: flow.engine.correlate(s, "contract_signed", correlation={"contract_id": contract_id}))
    assert flow.instance(instance_id).state == "completed"
    assert _contract(flow, contract_id).status == "signed"


def test_large_discounted_custom_contract_goes_to_all_three_levels_with_a_round_of_changes(flow: Flow):
    instance_id, contract_id = _start(flow, amount=20_000_000_000, discount_percent=20, standard_terms=False)
    flow.work(instance_id, "edit", "sara", {"title": "ERP", "amount": 20_000_000_000, "discount_percent": 20,
                                            "standard_terms": False, "terms": TERMS})
    assert flow.open_elements(instance_id) == ["approve_finance", "approve_legal", "approve_manager"]
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    flow.work(instance_id, "approve_finance", "nima", {"decision": "changes", "comment": "discount at most 10%"})
    flow.work(instance_id, "approve_legal", "nima", {"decision": "approve"})
    assert flow.open_elements(instance_id) == ["edit"]
    assert "discount at most 10%" in flow.instance(instance_id).variables["changes_comment"]
    assert _contract(flow, contract_id).status == "changes_requested"
    flow.work(instance_id, "edit", "sara", {"title": "ERP", "amount": 20_000_000_000, "discount_percent": 10,
                                            "standard_terms": False, "terms": TERMS})
    assert flow.open_elements(instance_id) == ["approve_finance", "approve_legal", "approve_manager"]
    for element, who in (("approve_manager", "mina"), ("approve_finance", "nima"), ("approve_legal", "nima")):
        flow.work(instance_id, element, who, {"decision": "approve"})
    contract = _contract(flow, contract_id)
    assert contract.status == "sent" and contract.rounds == 2 and contract.discount_percent == 10
    revisions = flow.records(lambda s: contracts.revisions(s, contract_id))
    assert revisions[-1].changes["discount_percent"] == [20, 10] and revisions[-1].by == "sara"
    assert len(flow.records(lambda s: contracts.decisions(s, contract_id))) == 6


def test_rejected(flow: Flow):
    instance_id, contract_id = _start(flow)
    flow.work(instance_id, "edit", "sara", {"title": "x", "amount": 1000, "terms": TERMS, "standard_terms": True})
    flow.work(instance_id, "approve_manager", "mina", {"decision": "reject", "comment": "not our business"})
    assert flow.instance(instance_id).state == "completed"
    assert _contract(flow, contract_id).status == "rejected"


def test_reminders_then_expiry(flow: Flow):
    instance_id, contract_id = _start(flow)
    flow.work(instance_id, "edit", "sara", {"title": "x", "amount": 1000, "terms": TERMS, "standard_terms": True})
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    assert flow.later(instance_id, days=3, minutes=1) == 1  # the first reminder
    reminders = flow.records(lambda s: s.query(Notification).filter_by(template="contract_reminder").count())
    assert reminders == 1 and flow.instance(instance_id).state == "running"
    flow.later(instance_id, days=15)
    assert flow.instance(instance_id).state == "completed"
    assert _contract(flow, contract_id).status == "expired"
