"""contract_approval, path by path on the real engine (one transaction a step, Persian and English): the levels
the DMN table asks for, the four-eyes rule, a round ended by the first rejection or request for changes, the
CEO after the others, late approvers reminded then escalated, the document and the signed link, delivery by
hand, the customer's signature as a sale, an e-signature callback, reminders and the expiry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import select

from crm import contracts
from crm.customers import create_customer
from crm.errors import RecordConflict
from crm.models import Contract, Customer, Notification, Purchase
from crm.opportunities import get_opportunity, open_opportunity
from engine.store.models import HumanTask
from engine.views import Actor
from processes.notices import StaffMember
from tests.conftest import Database
from tests.processes.conftest import PEOPLE, Flow

TERMS = "پرداخت در سه قسط؛ تحویل ظرف ۳۰ روز."
OMID = Actor("omid", frozenset({"support-2", "managers", "ceo"}))
STAFF = {"mina": ("managers",), "omid": ("managers", "ceo"), "nima": ("finance", "legal"), "sara": ("sales",),
         "reza": ("sales", "managers")}


def directory(_session: Any, wanted: Iterable[str]) -> list[StaffMember]:
    names: list[str] = []
    for entry in wanted:
        group = entry.removeprefix("group:")
        found = [u for u, groups in STAFF.items() if group in groups] if entry.startswith("group:") else [entry]
        names += [n for n in found if n not in names]
    return [StaffMember(n, n.title(), "fa", email=f"{n}@ravand.example") for n in names]


SETTINGS = {"locale": "fa", "contract_link_secret": "k" * 64, "seller_name": "شرکت روند افزار",
            "seller_national_id": "10101234567", "seller_economic_code": "411111111111", "vat_percent": 10,
            "public_url": "https://crm.example", "staff_directory": directory}


@pytest.fixture
def flow(crm_db: Database) -> Flow:
    return Flow(crm_db, settings=dict(SETTINGS))


def _customer(flow: Flow, **fields: Any) -> Customer:
    values = {"kind": "company", "company_name": "شرکت نمونه", "person_name": "رضا احمدی", "mobile": "09121112233",
              **fields}
    return flow.write(lambda ctx: create_customer(ctx, values))[0]


def _start(flow: Flow, actor: str = "sara", customer: Customer | None = None, **terms: Any) -> tuple[str, int]:
    flow.deploy("contract_approval")
    customer = customer or _customer(flow)
    started = flow.start("contract_approval", {"customer_id": customer.id, "title": "پشتیبانی سالانه",
                                               "amount": 900_000_000, "terms": TERMS, **terms}, actor=actor)
    return started.id, flow.instance(started.id).variables["contract_id"]


def _draft(flow: Flow, instance_id: str, who: str = "sara", **terms: Any) -> None:
    flow.work(instance_id, "edit", who, {"title": "پشتیبانی سالانه", "amount": 950_000_000, "terms": TERMS,
                                         "standard_terms": True, "discount_percent": 5, **terms})


def _contract(flow: Flow, contract_id: int) -> Contract:
    return flow.records(lambda s: s.get(Contract, contract_id))


def _as(flow: Flow, instance_id: str, element: str, actor: Actor, data: dict[str, Any]) -> Any:
    task = flow.open_task(instance_id, element)
    if task.assignee != actor.name:
        flow(lambda s: flow.engine.claim(s, task.id, actor))
    return flow(lambda s: flow.engine.complete(s, task.id, data, actor))


def _sms(flow: Flow, template: str) -> list[Notification]:
    return flow.records(lambda s: list(s.scalars(select(Notification).where(Notification.template == template)
                                                 .order_by(Notification.id))))


def test_small_contract_is_approved_sent_with_a_signed_link_and_signed_as_a_sale(flow: Flow) -> None:
    customer = _customer(flow)
    opportunity = flow.write(lambda ctx: open_opportunity(ctx, customer_id=customer.id, title="پشتیبانی",
                                                          amount=950_000_000))
    instance_id, contract_id = _start(flow, customer=customer, opportunity_id=opportunity.id)
    assert flow.open_task(instance_id, "edit").assignee == "sara"
    _draft(flow, instance_id, start_date="۱۴۰۵/۰۲/۰۱", end_date="1406-01-31",
           instalments="1405-02-01 500000000\n1405-05-01 545225000")
    assert flow.open_elements(instance_id) == ["approve_manager"]
    variables = flow.instance(instance_id).variables
    assert (variables["net_amount"], variables["vat_amount"], variables["payable_amount"]) == \
        (902_500_000, 90_250_000, 992_750_000)
    assert variables["instalments_text"].splitlines()[0] == \
        "۱۴۰۵/۰۲/۰۱: ۵۰۰٬۰۰۰٬۰۰۰ ریال / 2026-04-21: 500,000,000 rials"  # each approver reads their half
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve", "comment": "موافقم"})
    contract = _contract(flow, contract_id)
    assert contract.status == "sent" and contract.vat_percent == 10 and 'dir="rtl"' in contract.document_html
    assert "شرکت روند افزار" in contract.document_html and "۴۱۱۱۱۱۱۱۱۱۱۱" in contract.document_html
    assert "۰۹۱۲ ۱۱۱ ۲۲۳۳" in contract.document_html and "۱ اردیبهشت ۱۴۰۵" in contract.document_html
    assert flow.records(lambda s: contracts.decisions(s, contract_id))[0].comment == "موافقم"
    sent = _sms(flow, "contract_sent")[0]
    assert sent.recipient == "+989121112233" and "۹۹٬۲۷۵٬۰۰۰ تومان" in sent.body
    assert f"https://crm.example/portal/contracts/{contract_id}.2." in sent.body and "?lang=fa" in sent.body
    flow(lambda s: flow.engine.correlate(s, "contract_signed", correlation={"contract_id": contract_id},
                                         variables={"signer": "+989121112233", "signed_ip": "192.0.2.7",
                                                    "signed_via": "code"}, actor="customer"))
    assert flow.instance(instance_id).state == "completed"
    contract = _contract(flow, contract_id)
    assert (contract.status, contract.signed_mobile, contract.signed_ip, contract.signed_via) == \
        ("signed", "+989121112233", "192.0.2.7", "code")
    purchase = flow.records(lambda s: s.get(Purchase, contract.purchase_id))
    assert purchase.amount == 992_750_000 and purchase.reference == f"contract-{contract_id}"
    assert flow.records(lambda s: s.get(Customer, customer.id)).status == "actual"
    won = flow.records(lambda s: get_opportunity(s, opportunity.id))
    assert (won.stage, won.contract_id, won.purchase_id) == ("won", contract_id, contract.purchase_id)
    signature = flow.journal("contract.signature", instance_id)[0].data
    assert signature["signer"] == "+989121112233" and signature["signed_ip"] == "192.0.2.7"


def test_nobody_approves_their_own_draft_and_one_person_decides_one_level_a_round(flow: Flow) -> None:
    reza = PEOPLE["reza"]
    instance_id, contract_id = _start(flow, actor="reza", amount=20_000_000_000, standard_terms=False)
    reza_as_manager = Actor("reza", reza.groups | {"managers"})
    _draft(flow, instance_id, who="reza", amount=20_000_000_000, standard_terms=False, custom_terms=TERMS)
    assert flow.open_elements(instance_id) == ["approve_finance", "approve_legal", "approve_manager"]
    task = flow.open_task(instance_id, "approve_manager")
    with pytest.raises(RecordConflict, match="drafted or last revised"):
        flow(lambda s: flow.engine.claim(s, task.id, reza_as_manager))
    with pytest.raises(RecordConflict):
        flow(lambda s: flow.engine.complete(s, task.id, {"decision": "approve"}, reza_as_manager))
    assert flow.open_task(instance_id, "approve_manager").state == "ready"
    flow.work(instance_id, "approve_finance", "nima", {"decision": "approve"})
    legal = flow.open_task(instance_id, "approve_legal")
    with pytest.raises(RecordConflict, match="one level a round"):
        flow(lambda s: flow.engine.claim(s, legal.id, PEOPLE["nima"]))
    assert flow.open_task(instance_id, "approve_legal").assignee is None
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    _as(flow, instance_id, "approve_legal", Actor("leila", frozenset({"legal"})), {"decision": "approve"})
    assert _contract(flow, contract_id).status == "sent"
    assert {d.by for d in flow.records(lambda s: contracts.decisions(s, contract_id))} == {"nima", "mina", "leila"}


def test_a_rejection_ends_the_round_at_once_and_withdraws_the_open_decisions(flow: Flow) -> None:
    instance_id, contract_id = _start(flow, amount=20_000_000_000)
    _draft(flow, instance_id, amount=20_000_000_000, standard_terms=False, custom_terms=TERMS)
    flow.work(instance_id, "approve_manager", "mina", {"decision": "reject", "reason": "not our business"})
    assert flow.open_elements(instance_id) == []
    assert flow.instance(instance_id).state == "completed"
    assert _contract(flow, contract_id).status == "rejected"
    withdrawn = flow.journal("contract.decisions_withdrawn", instance_id)[0].data
    assert withdrawn["levels"] == ["finance", "legal"] and withdrawn["outcome"] == "rejected"
    with flow.db.sessions() as s:
        cancelled = s.scalars(select(HumanTask.element_id).where(HumanTask.process_instance_id == instance_id,
                                                                 HumanTask.state == "cancelled")).all()
    assert sorted(cancelled) == ["approve_finance", "approve_legal"]


def test_changes_go_back_to_the_drafter_and_the_next_round_shows_what_changed(flow: Flow) -> None:
    instance_id, contract_id = _start(flow, amount=20_000_000_000)
    _draft(flow, instance_id, amount=20_000_000_000, discount_percent=18)
    flow.work(instance_id, "approve_finance", "nima", {"decision": "changes", "reason": "تخفیف حداکثر ۱۰٪"})
    assert flow.open_elements(instance_id) == ["edit"]
    assert "تخفیف حداکثر ۱۰٪" in flow.instance(instance_id).variables["changes_comment"]
    assert _contract(flow, contract_id).status == "changes_requested"
    _draft(flow, instance_id, amount=20_000_000_000, discount_percent=10)
    variables = flow.instance(instance_id).variables
    assert variables["revision_changes"] == "تخفیف: ۱۸ ← ۱۰ / Discount: 18 → 10" and variables["round"] == 2
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    round_two = flow.records(lambda s: contracts.round_decisions(s, contracts.get_contract(s, contract_id)))
    assert [(d.level, d.by, d.decision) for d in round_two] == [("manager", "mina", "approve")]
    flow.work(instance_id, "approve_finance", "nima", {"decision": "approve"})
    assert _contract(flow, contract_id).status == "sent" and _contract(flow, contract_id).rounds == 2


def test_the_ceo_decides_after_the_others_above_the_discount_limit(flow: Flow) -> None:
    instance_id, contract_id = _start(flow)
    _draft(flow, instance_id, discount_percent=25)
    assert flow.open_elements(instance_id) == ["approve_finance", "approve_manager"]
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    flow.work(instance_id, "approve_finance", "nima", {"decision": "approve"})
    assert flow.open_elements(instance_id) == ["approve_ceo"]
    assert "finance (nima): approve" in flow.instance(instance_id).variables["round_decisions"]
    _as(flow, instance_id, "approve_ceo", OMID, {"decision": "approve", "comment": "ok"})
    assert _contract(flow, contract_id).status == "sent"


def test_late_approvers_are_reminded_then_escalated_to_the_managers(flow: Flow) -> None:
    instance_id, _ = _start(flow, amount=20_000_000_000)
    _draft(flow, instance_id, amount=20_000_000_000)
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    assert flow.later(instance_id, days=4) >= 1
    late = flow.journal("contract.approval_late", instance_id)[0].data
    assert late["levels"] == ["finance"] and late["told"] == ["nima"]
    flow.later(instance_id, days=8)
    escalated = flow.journal("contract.approval_escalated", instance_id)[0].data
    assert escalated["levels"] == ["finance"] and set(escalated["told"]) == {"mina", "omid", "reza"}
    notice = _sms(flow, "contract_approval_escalated")[0]
    assert "مالی" in notice.body and "۲٬۰۹۰٬۰۰۰٬۰۰۰ تومان" in notice.body
    assert "finance" not in notice.body  # the level in words, in the reader's language
    assert flow.open_elements(instance_id) == ["approve_finance"]


def test_a_draft_that_does_not_hold_comes_back_with_the_problem(flow: Flow) -> None:
    instance_id, _ = _start(flow)
    _draft(flow, instance_id, start_date="1405-13-40")
    assert flow.open_elements(instance_id) == ["edit"]
    problem = flow.instance(instance_id).variables["draft_problem"]
    assert problem.startswith("آغاز: ") and "start_date" not in problem and "Jalali" not in problem, problem
    assert flow.instance(instance_id).state == "running"
    _draft(flow, instance_id, start_date="1405-01-15", end_date="1405-01-01")
    problem = flow.instance(instance_id).variables["draft_problem"]
    assert problem.startswith("پایان: ") and "end_date" not in problem, problem  # the drafter reads Persian
    _draft(flow, instance_id, start_date="1405-01-15", end_date="1405-12-29")
    assert flow.open_elements(instance_id) == ["approve_manager"]
    assert flow.instance(instance_id).variables["period"] == "2026-04-04 – 2027-03-20"


def test_a_customer_no_channel_reaches_gets_it_by_hand_and_the_expiry_tells_the_drafter(flow: Flow) -> None:
    landline = _customer(flow, mobile=None, phone="02188881234", company_name="شرکت تلفن ثابت")
    instance_id, contract_id = _start(flow, customer=landline)
    _draft(flow, instance_id)
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    task = flow.open_task(instance_id, "deliver_by_hand")
    assert task.assignee == "sara"
    variables = flow.instance(instance_id).variables
    assert variables["sent_by"] is None and variables["contract_link"].startswith("https://crm.example/portal/")
    assert variables["customer_phone"] == "+982188881234"
    flow.work(instance_id, "deliver_by_hand", "sara", {"delivery_note": "printed and handed over"})
    flow.later(instance_id, days=15)
    assert _contract(flow, contract_id).status == "expired"
    assert flow.open_task(instance_id, "follow_up").assignee == "sara"
    told = {n.recipient for n in _sms(flow, "contract_offer_expired")}
    assert told and told <= {"sara", "sara@ravand.example"}  # the drafter (in-app and/or by mail), nobody else
    flow.work(instance_id, "follow_up", "sara", {"follow_up_note": "will call next month"})
    assert flow.instance(instance_id).state == "completed"


def test_english_customer_reminders_and_an_e_signature_callback_with_the_id_as_text(flow: Flow) -> None:
    english = _customer(flow, company_name="Acme Ltd", person_name="John Smith", locale="en")
    instance_id, contract_id = _start(flow, customer=english)
    _draft(flow, instance_id)
    flow.work(instance_id, "approve_manager", "mina", {"decision": "approve"})
    assert 'dir="ltr"' in _contract(flow, contract_id).document_html
    assert "992,750,000" in _sms(flow, "contract_sent")[0].body
    assert flow.later(instance_id, days=3, minutes=1) == 1
    reminder = _sms(flow, "contract_reminder")[0]
    assert "?lang=en" in reminder.body and "awaits your signature until" in reminder.body
    flow(lambda s: flow.engine.correlate(s, "contract_signed", correlation={"contract_id": str(contract_id)},
                                         variables={"signer": "provider:4711", "signed_at": "2026-12-01T10:00:00Z"}))
    contract = _contract(flow, contract_id)
    assert contract.status == "signed" and contract.signed_via == "integration" and contract.signed_mobile is None
