"""The CRM record routes (leads, opportunities, complaints, contracts, referrals) over HTTP on both
databases: who may read and write, lists with filters and pages, the record-level actions, problems
for bad input, and the journal of every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from api.composition import ravand_ctx
from crm import complaints, contracts, leads, referrals
from crm.customers import create_customer
from tests.api.conftest import Api

V1 = "/api/v1"
PROBLEM = "application/problem+json"
ROLES = ("admin", "designer", "employee", "auditor")
WRITERS = {"admin", "employee"}


def _records(api: Api) -> dict[str, Any]:
    """One record of each kind, made through the CRM as a process would, committed."""
    with api.app.extensions["ravand"].sessions() as session:
        ctx = ravand_ctx(session, "root")
        customer, _ = create_customer(ctx, {"person_name": "مریم رضایی", "mobile": "09121110000"})
        lead = leads.capture_lead(ctx, {"person_name": "علي كريمي", "mobile": "09121234567", "source": "web_form"})
        other = leads.capture_lead(ctx, {"company_name": "Pars", "email": "info@pars.example", "source": "campaign"})
        leads.set_score(ctx, other.id, score=70, grade="B", sales_group="sales")
        _, opportunity = leads.qualify(ctx, other.id, title="Pars ERP", amount=40_000_000)
        complaint = complaints.file_complaint(ctx, {"customer_id": customer.id, "category": "billing",
                                                    "severity": "high", "channel": "phone",
                                                    "description": "charged twice"})
        contract = contracts.draft(ctx, {"customer_id": customer.id, "title": "Support", "amount": 9_000_000})
        signed = contracts.draft(ctx, {"customer_id": customer.id, "title": "Old", "amount": 1})
        contracts.submit(ctx, signed.id)
        contracts.decide(ravand_ctx(session, "mina"), signed.id, level="manager", decision="approve")  # four eyes
        contracts.approve(ctx, signed.id)
        contracts.attach_document(ctx, signed.id, "<h1>Old</h1><script>alert(1)</script>")
        referral = referrals.refer(ctx, code=customer.referral_code, referred_name="Reza",
                                   referred_mobile="09125550000")
        session.commit()
        return {"customer": customer.id, "lead": lead.id, "other": other.id, "opportunity": opportunity.id,
                "complaint": complaint.id, "contract": contract.id, "signed": signed.id, "referral": referral.id}


@pytest.fixture
def world(api: Api) -> dict[str, Any]:
    return {"api": api, **_records(api)}


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:500])
    return answer.get_json()


def problem(answer: Any, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:500])
    assert answer.content_type == PROBLEM
    return answer.get_json()


READS = ["/leads", "/leads/{lead}", "/opportunities", "/opportunities/{opportunity}", "/complaints",
         "/complaints/{complaint}", "/complaints/{complaint}/updates", "/contracts", "/contracts/{contract}",
         "/contracts/{contract}/revisions", "/contracts/{contract}/decisions", "/contracts/{signed}/document",
         "/referrals", "/referrals/{referral}"]
WRITES = [("PATCH", "/leads/{lead}", {"region": "Tehran"}, 200),
          ("PATCH", "/opportunities/{opportunity}", {"title": "Pars ERP 1405"}, 200),
          ("POST", "/opportunities/{opportunity}/stage", {"stage": "proposal"}, 200),
          ("PATCH", "/complaints/{complaint}", {"category": "service"}, 200),
          ("POST", "/complaints/{complaint}/updates", {"text": "called back"}, 201),
          ("PATCH", "/contracts/{contract}", {"title": "Support 1404"}, 200)]


def test_roles(world):
    api: Api = world["api"]
    for template in READS:
        path = V1 + template.format(**world)
        for role in ROLES:
            assert api.call("GET", path, role).status_code == 200, (path, role)
        problem(api.call("GET", path, None), 401)
    for method, template, body, status in WRITES:
        path = V1 + template.format(**world)
        for role in ROLES:
            expected = status if role in WRITERS else 403
            answer = api.call(method, path, role, json=body)
            assert answer.status_code == expected, (method, path, role, answer.get_json())
        problem(api.call(method, path, None, json=body), 401)


def test_leads(world):
    api: Api = world["api"]
    page = ok(api.call("GET", V1 + "/leads?limit=1", "auditor"))
    assert (page["total"], page["limit"], len(page["items"])) == (2, 1, 1)
    found = ok(api.call("GET", V1 + "/leads?q=علی%20کریمی", "employee"))["items"]
    assert [lead["id"] for lead in found] == [world["lead"]]
    assert ok(api.call("GET", V1 + "/leads?status=qualified&source=campaign"))["items"][0]["id"] == world["other"]
    problem(api.call("GET", V1 + "/leads?status=won"), 422)
    problem(api.call("GET", V1 + "/leads/999999"), 404)
    changed = ok(api.call("PATCH", f"{V1}/leads/{world['lead']}", "employee",
                          json={"estimated_revenue": "۵٬۰۰۰٬۰۰۰", "need": "high"}))
    assert (changed["estimated_revenue"], changed["need"], changed["updated_by"]) == (5_000_000, "high", "alice")
    bad = problem(api.call("PATCH", f"{V1}/leads/{world['lead']}", json={"mobile": "12", "estimated_revenue": []}),
                  422)
    assert "estimated_revenue" in bad["errors"]
    assert "mobile" in problem(api.call("PATCH", f"{V1}/leads/{world['lead']}", json={"mobile": "12"}), 422)["errors"]
    problem(api.call("PATCH", f"{V1}/leads/{world['lead']}", json={"status": "qualified"}), 422)
    problem(api.call("PATCH", f"{V1}/leads/{world['other']}", json={"region": "Shiraz"}), 409)  # qualified
    entry = _journal(api, "crm.lead.changed", "alice")
    assert entry["data"]["changes"]["estimated_revenue"] == [0, 5_000_000]


def _journal(api: Api, kind: str, actor: str) -> dict:
    entries = ok(api.call("GET", f"{V1}/journal?kind={kind}&actor={actor}&limit=500", "auditor"))["items"]
    assert entries, (kind, actor)
    return entries[-1]


def test_opportunities(world):
    api: Api = world["api"]
    path = f"{V1}/opportunities/{world['opportunity']}"
    assert ok(api.call("GET", V1 + "/opportunities?stage=qualification"))["total"] == 1
    assert ok(api.call("GET", V1 + "/opportunities?stage=won"))["total"] == 0
    moved = ok(api.call("POST", path + "/stage", "employee", json={"stage": "negotiation", "probability": 70}))
    assert (moved["stage"], moved["probability"]) == ("negotiation", 70)
    problem(api.call("POST", path + "/stage", json={"stage": "party"}), 422)
    problem(api.call("POST", path + "/stage", json={"stage": "won", "probability": 101}), 422)
    ok(api.call("POST", path + "/stage", json={"stage": "won"}))
    detail = ok(api.call("GET", path, "auditor"))
    assert [v["stage"] for v in detail["visits"]] == ["qualification", "negotiation", "won"]
    assert detail["closed_at"] is not None and datetime.fromisoformat(detail["closed_at"]).tzinfo is not None
    problem(api.call("POST", path + "/stage", json={"stage": "lost"}), 409)
    problem(api.call("PATCH", path, json={"amount": 5}), 409)
    problem(api.call("POST", f"{V1}/opportunities/999999/stage", json={"stage": "lost"}), 404)
    entry = _journal(api, "crm.opportunity.changed", "alice")
    assert entry["data"]["changes"]["stage"] == ["qualification", "negotiation"]


def test_complaints(world):
    api: Api = world["api"]
    path = f"{V1}/complaints/{world['complaint']}"
    note = ok(api.call("POST", path + "/updates", "employee", json={"text": "customer is angry"}), 201)
    assert (note["public"], note["author"]) == (False, "alice")
    ok(api.call("POST", path + "/updates", "employee", json={"text": "We refunded you.", "public": True}), 201)
    problem(api.call("POST", path + "/updates", json={"text": ""}), 422)
    detail = ok(api.call("GET", path, "auditor"))
    assert [u["public"] for u in detail["updates"]] == [False, True] and detail["tracking_code"].startswith("RC-")
    assert ok(api.call("GET", V1 + "/complaints?severity=high&category=billing"))["total"] == 1
    assert ok(api.call("GET", f"{V1}/complaints?customer_id={world['customer']}"))["total"] == 1
    ok(api.call("PATCH", path, json={"category": "service"}))
    problem(api.call("PATCH", path, json={"customer_id": 999999}), 404)
    problem(api.call("PATCH", path, json={"status": "closed"}), 422)
    problem(api.call("GET", f"{V1}/complaints/999999/updates"), 404)


def test_contracts(world):
    api: Api = world["api"]
    path = f"{V1}/contracts/{world['contract']}"
    revised = ok(api.call("PATCH", path, "employee", json={"amount": "۸٬۵۰۰٬۰۰۰", "discount_percent": 5}))
    assert (revised["revision"], revised["amount"], revised["has_document"]) == (2, 8_500_000, False)
    revisions = ok(api.call("GET", path + "/revisions", "auditor"))
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[1]["by"] == "alice" and revisions[1]["changes"]["amount"] == [9_000_000, 8_500_000]
    problem(api.call("PATCH", path, json={"standard_terms": False}), 422)
    problem(api.call("GET", path + "/document"), 404)
    signed = f"{V1}/contracts/{world['signed']}"
    problem(api.call("PATCH", signed, json={"amount": 2}), 409)
    decisions = ok(api.call("GET", signed + "/decisions", "designer"))
    assert [(d["level"], d["decision"], d["round"]) for d in decisions] == [("manager", "approve", 1)]
    document = api.call("GET", signed + "/document", "auditor")
    assert document.status_code == 200 and document.content_type.startswith("text/html")
    assert "<h1>Old</h1>" in document.get_data(as_text=True)
    policy = document.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy  # its script never runs
    assert ok(api.call("GET", V1 + "/contracts?status=approved"))["items"][0]["has_document"] is True


def test_referrals(world):
    api: Api = world["api"]
    page = ok(api.call("GET", f"{V1}/referrals?status=pending&referrer_id={world['customer']}", "auditor"))
    assert page["total"] == 1 and page["items"][0]["referred_mobile"] == "+989125550000"
    assert ok(api.call("GET", f"{V1}/referrals/{world['referral']}"))["status"] == "pending"
    problem(api.call("GET", f"{V1}/referrals/999999"), 404)
    problem(api.call("GET", f"{V1}/referrals?status=maybe"), 422)


def test_bad_input_is_never_a_server_error(world):
    api: Api = world["api"]
    for method, path, body in (("PATCH", f"/leads/{world['lead']}", {"estimated_revenue": "x" * 100}),
                               ("PATCH", f"/leads/{world['lead']}", {"budget_confirmed": "maybe"}),
                               ("PATCH", f"/opportunities/{world['opportunity']}", {"expected_close": "tomorrow"}),
                               ("PATCH", f"/opportunities/{world['opportunity']}", {"amount": True}),
                               ("PATCH", f"/contracts/{world['contract']}", {"discount_percent": "۱۵۰"}),
                               ("POST", f"/complaints/{world['complaint']}/updates", {"public": "perhaps"}),
                               ("GET", "/leads?limit=0", None), ("GET", "/leads?q=" + "x" * 300, None)):
        answer = api.call(method, V1 + path, json=body)
        assert answer.status_code == 422 and answer.content_type == PROBLEM, (path, body, answer.get_json())
    huge = 10**40  # more than any id column holds
    for path in (f"/leads/{huge}", f"/opportunities/{huge}", f"/complaints/{huge}/updates",
                 f"/contracts/{huge}/document", f"/referrals/{huge}"):
        problem(api.call("GET", V1 + path), 404)
    problem(api.call("POST", f"{V1}/opportunities/{huge}/stage", json={"stage": "won"}), 404)
    stamp = ok(api.call("GET", f"{V1}/leads/{world['lead']}"))["created_at"]
    assert datetime.fromisoformat(stamp).tzinfo is not None
