"""Referrals, vouchers and points over HTTP on both databases, as each role: referring (staff and portal)
with every attempt recorded, a purchase that feeds the waiting referral, the declined status, a voucher
redeemed by a purchase, and points spent."""

from __future__ import annotations

from typing import Any

import pytest

import processes
from api.composition import ravand_ctx
from crm import loyalty, vouchers
from tests.api.conftest import Api
from tests.api.test_messages import add_integration, ok, refused

V1 = "/api/v1"
PORTAL = f"{V1}/portal/referrals"


@pytest.fixture
def crm(api: Api) -> Api:
    ok(api.deploy(processes.bundle()), 201)
    add_integration(api)
    return api


def _customer(api: Api, name: str = "نرگس موسوی", mobile: str = "09121110000", **extra: Any) -> dict:
    return ok(api.call("POST", f"{V1}/customers", "employee", json={
        "kind": "person", "person_name": name, "mobile": mobile, **extra}), 201)["customer"]


def _records(api: Api, fn: Any) -> Any:
    with api.app.extensions["ravand"].sessions() as session:
        result = fn(ravand_ctx(session, "tester"))
        session.commit()
        return result


def _portal(api: Api, body: dict, address: str = "10.1.1.1") -> Any:
    return api.call("POST", PORTAL, None, json=body, environ_base={"REMOTE_ADDR": address})


def test_staff_referrals_record_every_attempt(crm: Api):
    referrer = _customer(crm)
    code = referrer["referral_code"]
    self_referral = refused(crm.call("POST", f"{V1}/referrals", "employee", json={
        "code": code, "referred_name": "Someone", "referred_mobile": "09121110000"}), 422)
    assert "themselves" in self_referral["detail"] and "خودش" in self_referral["detail"]
    unknown = refused(crm.call("POST", f"{V1}/referrals", "employee", json={
        "code": "NOSUCHCD", "referred_name": "X", "referred_mobile": "09351110001"}), 422)
    assert list(unknown["errors"]) == ["code"]
    refused(crm.call("POST", f"{V1}/referrals", "auditor", json={"code": code, "referred_name": "X"}), 403)
    created = ok(crm.call("POST", f"{V1}/referrals", "employee", json={
        "code": code, "referred_name": "Omid", "referred_mobile": "09351110000"}), 201)
    assert created["status"] == "lead"
    attempts = ok(crm.call("GET", f"{V1}/referrals/attempts", "auditor"))
    assert attempts["total"] == 3
    assert [(a["outcome"], a["reason"], a["channel"], a["by"]) for a in attempts["items"]] == [
        ("accepted", None, "staff", "alice"), ("refused", "unknown_code", "staff", "alice"),
        ("refused", "self_referral", "staff", "alice")]
    counts = ok(crm.call("GET", f"{V1}/referrals/attempts/counts/{referrer['id']}", "employee"))
    assert (counts["attempts"], counts["accepted"], counts["refused"]) == (2, 1, 1)
    refused(crm.call("GET", f"{V1}/referrals/attempts?reason=maybe", "employee"), 422)
    refused(crm.call("GET", f"{V1}/referrals/attempts/counts/999999", "employee"), 404)
    assert ok(crm.call("GET", f"{V1}/referrals?status=declined", "auditor"))["total"] == 0


def test_portal_referral_without_an_account(crm: Api):
    referrer = _customer(crm, email="me@example.com")
    received = ok(_portal(crm, {"code": referrer["referral_code"].lower(), "name": "Leila Ahmadi",
                                "mobile": "۰۹۳۵ ۲۲۲ ۳۳۴۴", "note": "  بعد از ساعت ۵ تماس بگیرید\n"}), 201)
    assert received == {"status": "received"}
    [referral] = ok(crm.call("GET", f"{V1}/referrals", "auditor"))["items"]
    assert (referral["referred_mobile"], referral["status"], referral["created_by"], referral["note"]) == (
        "+989352223344", "lead", "portal", "بعد از ساعت ۵ تماس بگیرید")
    again = refused(_portal(crm, {"code": referrer["referral_code"], "name": "Leila A", "mobile": "09352223344"}),
                    422)
    assert "already been referred" in again["detail"] and "معرفی شده" in again["detail"]
    assert again["errors"] == {"mobile": [again["detail"]]}  # the portal's page shows it under the mobile
    yourself = refused(_portal(crm, {"code": referrer["referral_code"], "name": "Me", "mobile": "",
                                     "email": "Me@Example.com", "note": ""}), 422)
    assert yourself["errors"] == {"email": [yourself["detail"]]} and "خودش" in yourself["detail"]
    long_note = refused(_portal(crm, {"code": referrer["referral_code"], "name": "Q", "mobile": "09352223346",
                                      "note": "x" * 2001}), 422)
    assert list(long_note["errors"]) == ["note"]
    unknown = refused(_portal(crm, {"code": "ZZZZZZZZ", "name": "X", "mobile": "09352223345"}), 422)
    assert "code" in unknown["errors"] and "ناشناخته" in unknown["detail"]
    missing = refused(_portal(crm, {"code": referrer["referral_code"], "name": "Nobody"}), 422)
    assert list(missing["errors"]) == ["mobile"]
    empty = refused(_portal(crm, {}), 422)
    assert "لازم" in str(empty["errors"])
    portal = [a for a in ok(crm.call("GET", f"{V1}/referrals/attempts", "admin"))["items"] if a["channel"] == "portal"]
    assert [a["reason"] for a in portal] == ["invalid", "unknown_code", "self_referral", "already_referred", None]


def test_portal_referrals_are_rate_limited(crm: Api):
    for _ in range(20):
        assert _portal(crm, {"code": "x"}, "10.7.7.7").status_code == 422
    limited = _portal(crm, {"code": "x"}, "10.7.7.7")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_a_purchase_feeds_the_referral_and_a_voucher_reduces_a_later_one(crm: Api):
    referrer = _customer(crm)
    ok(crm.call("POST", f"{V1}/referrals", "employee", json={
        "code": referrer["referral_code"], "referred_name": "Omid", "referred_mobile": "09351110000"}), 201)
    [task] = ok(crm.call("GET", f"{V1}/tasks?process_key=lead_qualification", "admin"))["items"]
    ok(crm.call("POST", f"{V1}/tasks/{task['id']}/claim", "admin"))  # the call is sales-regions' (nobody here)
    ok(crm.call("POST", f"{V1}/tasks/{task['id']}/complete", "admin", json={"data": {
        "outcome": "qualified", "opportunity_title": "Deal", "amount": 50_000_000}}))
    [referral] = ok(crm.call("GET", f"{V1}/referrals", "auditor"))["items"]
    buyer = referral["referred_customer_id"]
    ok(crm.call("POST", f"{V1}/customers/{buyer}/purchases", "esign", json={"amount": "۲۰٬۰۰۰٬۰۰۰"}), 201)
    rewarded = ok(crm.call("GET", f"{V1}/referrals/{referral['id']}", "auditor"))
    assert (rewarded["status"], rewarded["purchase_total"], rewarded["reward_value"]) == ("rewarded", 20_000_000,
                                                                                          1000)
    voucher = _records(crm, lambda ctx: vouchers.issue(ctx, referrer["id"], kind="percent", value=10).code)
    mine = ok(crm.call("GET", f"{V1}/customers/{referrer['id']}/vouchers", "auditor"))
    assert [v["code"] for v in mine] == [voucher]
    others = refused(crm.call("POST", f"{V1}/customers/{buyer}/purchases", "employee",
                              json={"amount": 1_000_000, "voucher_code": voucher}), 422)
    assert list(others["errors"]) == ["voucher_code"]
    bought = ok(crm.call("POST", f"{V1}/customers/{referrer['id']}/purchases", "employee",
                         json={"amount": 3_000_000, "voucher_code": voucher.lower()}), 201)
    assert (bought["amount"], bought["discount"]) == (2_700_000, 300_000)
    spent = refused(crm.call("POST", f"{V1}/customers/{referrer['id']}/purchases", "employee",
                             json={"amount": 3_000_000, "voucher_code": voucher}), 422)
    assert "used already" in spent["errors"]["voucher_code"][0]


def test_points_are_spent_never_below_zero(crm: Api):
    customer = _customer(crm)
    _records(crm, lambda ctx: loyalty.credit(ctx, customer["id"], 1000, "referral 1"))
    path = f"{V1}/customers/{customer['id']}/loyalty/redemptions"
    spent = ok(crm.call("POST", path, "employee", json={"points": 400, "reason": "فاکتور ۱۲"}), 201)
    assert (spent["entry"]["points"], spent["balance"], spent["entry"]["by"]) == (-400, 600, "alice")
    over = refused(crm.call("POST", path, "employee", json={"points": 601, "reason": "too much"}), 422)
    assert "600" in over["detail"]
    refused(crm.call("POST", path, "employee", json={"points": 0, "reason": "x"}), 422)
    refused(crm.call("POST", path, "employee", json={"points": "5", "reason": "x"}), 422)
    refused(crm.call("POST", path, "auditor", json={"points": 1, "reason": "x"}), 403)
    refused(crm.call("POST", f"{V1}/customers/999999/loyalty/redemptions", "employee",
                     json={"points": 1, "reason": "x"}), 404)
    account = ok(crm.call("GET", f"{V1}/customers/{customer['id']}/loyalty", "auditor"))
    assert account["points"] == 600 and [e["points"] for e in account["ledger"]] == [-400, 1000]
