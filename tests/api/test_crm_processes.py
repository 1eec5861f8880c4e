"""The CRM routes that hand a record to its process: validated first (422, nothing started), then the
record and its process instance in one transaction; the tasks appear in the right people's lists."""

from __future__ import annotations

import pytest

import processes
from api.resources.crm import contracts as contract_routes
from crm.documents import render_pdf
from crm.models import Contract
from tests.api.conftest import Api

LEAD = {"person_name": "علي رضايي", "mobile": "0912 345 6789", "source": "phone", "product": "software",
        "region": "tehran", "estimated_revenue": "۲٬۰۰۰٬۰۰۰٬۰۰۰", "need": "high", "timeline": "now"}


@pytest.fixture
def api(api: Api) -> Api:
    assert api.deploy(processes.bundle()).status_code == 201
    return api


def _mine(api: Api, who: str) -> list[dict]:
    return api.call("GET", "/api/v1/tasks?candidate=me", who).get_json()["items"]


def test_lead_starts_its_qualification(api: Api):
    bad = api.call("POST", "/api/v1/leads", "employee", json={**LEAD, "mobile": "12"})
    assert bad.status_code == 422 and "mobile" in bad.get_json()["errors"]
    assert api.call("GET", "/api/v1/process-instances", "designer").get_json()["total"] == 0
    created = api.call("POST", "/api/v1/leads", "employee", json=LEAD)
    assert created.status_code == 201, created.get_json()
    lead = created.get_json()
    assert lead["person_name"] == "علی رضایی" and lead["process_instance_id"]
    assert lead["estimated_revenue"] == 2_000_000_000
    [task] = _mine(api, "employee")  # alice is in sales
    assert task["element_id"] == "call" and task["business_key"] == f"lead-{lead['id']}"
    assert _mine(api, "outsider") == []  # carol (support-1) does not see it
    assert api.call("POST", "/api/v1/leads", "auditor", json=LEAD).status_code == 403


def test_complaint_and_contract_start_their_processes(api: Api):
    complaint = api.call("POST", "/api/v1/complaints", "employee", json={
        "contact_name": "Mina", "contact_email": "mina@example.com", "category": "delivery", "severity": "low",
        "description": "late"})
    assert complaint.status_code == 201, complaint.get_json()
    body = complaint.get_json()
    assert body["tracking_code"].startswith("RC-") and body["status"] == "in_progress" and body["sla_due"]
    assert [t["element_id"] for t in _mine(api, "outsider")] == ["tier1"]  # carol is support-1
    customer = api.call("POST", "/api/v1/customers", "employee", json={"kind": "company", "company_name": "Acme",
                                                                        "email": "buy@acme.example"}).get_json()
    contract = api.call("POST", "/api/v1/contracts", "employee", json={
        "customer_id": customer["customer"]["id"], "title": "Support", "amount": 5_000_000, "terms": "standard"})
    assert contract.status_code == 201, contract.get_json()
    drafts = api.call("GET", "/api/v1/tasks?assignee=me", "employee").get_json()["items"]
    assert [t["element_id"] for t in drafts] == ["edit"]  # the drafter drafts


def test_referral_refused_with_reason_or_started(api: Api):
    referrer = api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "person", "person_name": "Nasrin", "mobile": "09121110000"}).get_json()["customer"]
    self_referral = api.call("POST", "/api/v1/referrals", "employee", json={
        "code": referrer["referral_code"], "referred_name": "Nasrin B", "referred_mobile": "09121110000"})
    assert self_referral.status_code == 422 and "themselves" in self_referral.get_json()["detail"]
    referral = api.call("POST", "/api/v1/referrals", "employee", json={
        "code": referrer["referral_code"], "referred_name": "Omid", "referred_mobile": "09351110000"})
    assert referral.status_code == 201, referral.get_json()
    assert referral.get_json()["status"] == "lead"  # its lead_qualification instance runs
    [call] = api.call("GET", "/api/v1/tasks?process_key=lead_qualification", "designer").get_json()["items"]
    assert call["element_id"] == "call" and call["candidate_groups"] == ["sales-regions"]


def _work(api: Api, who: str, element: str, data: dict) -> None:
    [task] = [t for t in api.call("GET", "/api/v1/tasks?unassigned=false", "designer").get_json()["items"]
              if t["element_id"] == element]
    if task["assignee"] is None:
        assert api.call("POST", f"/api/v1/tasks/{task['id']}/claim", who).status_code == 200
    done = api.call("POST", f"/api/v1/tasks/{task['id']}/complete", who, json={"data": data})
    assert done.status_code == 200, done.get_json()


def _approved_contract_with_document(api: Api) -> int:
    customer = api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "شرکت آلفا", "mobile": "09121234000"}).get_json()["customer"]
    terms = {"title": "قرارداد نگهداری", "amount": 7_000_000, "terms": "پرداخت ماهانه", "standard_terms": True}
    contract = api.call("POST", "/api/v1/contracts", "employee", json={"customer_id": customer["id"], **terms})
    contract_id = contract.get_json()["id"]
    assert api.call("GET", f"/api/v1/contracts/{contract_id}/document.pdf", "employee").status_code == 404
    _work(api, "employee", "edit", terms)
    _work(api, "admin", "approve_manager", {"decision": "approve"})
    assert api.call("GET", f"/api/v1/contracts/{contract_id}", "employee").get_json()["status"] == "sent"
    html = api.call("GET", f"/api/v1/contracts/{contract_id}/document", "employee")
    assert html.status_code == 200 and 'dir="rtl"' in html.get_data(as_text=True)
    pdf = api.call("GET", f"/api/v1/contracts/{contract_id}/document.pdf", "auditor")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    return contract_id


def test_approved_contract_document_as_html_and_pdf(api: Api):
    _approved_contract_with_document(api)


def test_a_contract_pdf_is_rendered_once_for_each_revision_of_its_document(api: Api, monkeypatch):
    rendered: list[str] = []

    def counting(html: str) -> bytes:  # the real renderer, counted
        rendered.append(html)
        return render_pdf(html)

    monkeypatch.setattr(contract_routes, "render_pdf", counting)
    contract_id = _approved_contract_with_document(api)
    first = api.call("GET", f"/api/v1/contracts/{contract_id}/document.pdf", "employee")
    again = api.call("GET", f"/api/v1/contracts/{contract_id}/document.pdf", "admin")
    assert first.status_code == again.status_code == 200 and first.data == again.data and len(rendered) == 1
    with api.app.extensions["ravand"].sessions() as session:  # a new revision of the document
        contract = session.get(Contract, contract_id)
        contract.document_html = contract.document_html.replace("</body>", "<p>rev 2</p></body>")
        session.commit()
    changed = api.call("GET", f"/api/v1/contracts/{contract_id}/document.pdf", "employee")
    assert changed.status_code == 200 and changed.data != first.data and len(rendered) == 2
    assert api.call("GET", f"/api/v1/contracts/{contract_id}/document.pdf", "employee").data == changed.data
    assert len(rendered) == 2
