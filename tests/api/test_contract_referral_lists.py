"""What the contracts and referrals pages read over HTTP: the lists searched (a contract's number however its
digits were typed, either person's name however its letters were typed, a mobile), filtered (status, the
approval level waiting, amount and period in either calendar) and sorted, each row naming its customer or
referrer; one contract with its figures and its process's open tasks; one referral with both people, the
tries at this person and its tasks; bad filters refused with field errors."""

from __future__ import annotations

import processes
from api.context import ravand
from api.identity.service import create_user
from tests.api.conftest import PASSWORD, Api
from tests.api.test_crm_records import V1, ok, problem


def _sign_in(api: Api, name: str, groups: list[str]) -> None:
    with api.app.app_context(), ravand().sessions() as session:
        create_user(session, name, PASSWORD, "employee", groups)
        session.commit()
    api.tokens[name] = ok(api.client.post(V1 + "/auth/token", json={"username": name, "password": PASSWORD}))[
        "access_token"]


def _customer(api: Api, company: str, mobile: str) -> dict:
    return ok(api.call("POST", V1 + "/customers", "employee", json={
        "kind": "company", "company_name": company, "mobile": mobile}), 201)["customer"]


def _work(api: Api, instance_id: str, element: str, who: str, data: dict) -> None:
    items = ok(api.call("GET", f"{V1}/tasks?process_instance={instance_id}", "admin"))["items"]
    task = next(t for t in items if t["element_id"] == element)
    if task["assignee"] is None:
        ok(api.call("POST", f"{V1}/tasks/{task['id']}/claim", who))
    ok(api.call("POST", f"{V1}/tasks/{task['id']}/complete", who, json={"data": data}))


def test_contracts_are_found_filtered_and_sorted_and_one_shows_its_figures(api: Api):
    ok(api.deploy(processes.bundle()), 201)
    _sign_in(api, "reza", ["sales"])
    kaveh = _customer(api, "پارس کاوه", "09121110051")
    arya = _customer(api, "Arya Soft", "09121110052")
    small = ok(api.call("POST", V1 + "/contracts", "reza", json={
        "customer_id": kaveh["id"], "title": "پشتیبانی", "amount": 100_000_000, "discount_percent": 10}), 201)
    large = ok(api.call("POST", V1 + "/contracts", "reza", json={
        "customer_id": arya["id"], "title": "POS terminals", "amount": "۹۰۰٬۰۰۰٬۰۰۰"}), 201)
    _work(api, large["process_instance_id"], "edit", "reza", {"title": "POS terminals", "amount": 900_000_000,
                                                              "discount_percent": 20, "standard_terms": True})

    def found(**query: object) -> list[int]:
        return [c["id"] for c in ok(api.call("GET", V1 + "/contracts", "employee", query_string=query))["items"]]

    listed = ok(api.call("GET", V1 + "/contracts", "employee", query_string={"q": "كاوه"}))  # Arabic kaf
    assert [(c["id"], c["customer_name"]) for c in listed["items"]] == [(small["id"], "پارس کاوه")]
    persian_number = str(large["id"]).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert found(q=f"#{persian_number}") == [large["id"]]
    assert found(q="pos") == [large["id"]]
    assert found(amount_min=500_000_000) == [large["id"]]
    assert found(amount_max=500_000_000) == [small["id"]]
    assert found(sort="amount") == [small["id"], large["id"]]
    assert found(sort="-amount") == [large["id"], small["id"]]
    assert found(status="in_approval") == [large["id"]]
    assert found(level="manager") == [large["id"]]
    assert found(level="finance") == [large["id"]]  # a discount over 15% needs finance too
    assert found(level="ceo") == []
    assert found(created_from="1400/01/01", created_to="2099-01-01") == [large["id"], small["id"]]
    assert found(created_to="1390-01-01") == []
    waiting = ok(api.call("GET", V1 + "/contracts", "employee", query_string={"q": "pos"}))["items"][0]
    assert sorted(waiting["waiting_for"]) == ["finance", "manager"]

    for query, field in (({"sort": "colour"}, "sort"), ({"amount_min": "گران"}, "amount_min"),
                         ({"created_from": "1405-13-40"}, "created_from"), ({"level": "boss"}, "level"),
                         ({"q": "x" * 201}, "q")):
        assert field in problem(api.call("GET", V1 + "/contracts", "employee", query_string=query), 422)["errors"]

    one = ok(api.call("GET", f"{V1}/contracts/{small['id']}", "employee"))
    assert (one["customer_name"], one["net"], one["vat_rate"], one["vat_amount"], one["payable_now"]) == (
        "پارس کاوه", 90_000_000, 10, 9_000_000, 99_000_000)
    assert [t["element_id"] for t in one["tasks"]] == ["edit"]
    assert one["has_document"] is False
    refused = problem(api.call("PATCH", f"{V1}/contracts/{small['id']}", "reza", json={"amount": "گران"}), 422)
    assert "amount" in refused["errors"]
    assert problem(api.call("PATCH", f"{V1}/contracts/{large['id']}", "reza", json={"title": "x"}), 409)


def test_referrals_are_found_by_either_person_and_one_shows_both_people(api: Api):
    ok(api.deploy(processes.bundle()), 201)
    nasrin = _customer(api, "فروشگاه نسرین", "09121110061")
    arya = _customer(api, "Arya Market", "09121110062")
    first = ok(api.call("POST", V1 + "/referrals", "employee", json={
        "code": nasrin["referral_code"], "referred_name": "علی کریمی", "referred_mobile": "09351234567",
        "note": "عصرها تماس بگیرید"}), 201)
    second = ok(api.call("POST", V1 + "/referrals", "employee", json={
        "code": arya["referral_code"], "referred_name": "Sara Ahmadi", "referred_email": "sara@example.com"}), 201)
    refused = problem(api.call("POST", V1 + "/referrals", "employee", json={
        "code": nasrin["referral_code"], "referred_name": "علي كريمي", "referred_mobile": "0935 123 4567"}), 422)
    assert "already" in refused["detail"]
    assert "referred_mobile" in problem(api.call("POST", V1 + "/referrals", "employee", json={
        "code": nasrin["referral_code"], "referred_name": "Reza"}), 422)["errors"]

    def found(**query: object) -> list[int]:
        return [r["id"] for r in ok(api.call("GET", V1 + "/referrals", "employee", query_string=query))["items"]]

    assert found(q="علي كريمي") == [first["id"]]  # Arabic yeh and kaf
    assert found(q="نسرين") == [first["id"]]  # the referrer's name
    assert found(q="۰۹۳۵۱۲۳") == [first["id"]]  # the referred mobile in Persian digits
    assert found(q="0912 111 0062") == [second["id"]]  # the referrer's mobile
    assert found(q="sara") == [second["id"]]
    assert found(sort="referred_name") == [second["id"], first["id"]]
    assert found(referrer_id=arya["id"]) == [second["id"]]
    assert found(created_from="2020-01-01") == [second["id"], first["id"]]
    assert found(created_to="1399/12/29") == []
    row = ok(api.call("GET", V1 + "/referrals", "employee", query_string={"q": "sara"}))["items"][0]
    assert row["referrer_name"] == "Arya Market"
    assert "sort" in problem(api.call("GET", V1 + "/referrals", "employee", query_string={"sort": "x"}), 422)["errors"]

    one = ok(api.call("GET", f"{V1}/referrals/{first['id']}", "employee"))
    assert (one["referrer_name"], one["referrer_mobile"], one["note"]) == (
        "فروشگاه نسرین", "+989121110061", "عصرها تماس بگیرید")
    assert [(a["outcome"], a["reason"]) for a in one["attempts"]] == [
        ("refused", "already_referred"), ("accepted", None)]
    assert one["voucher"] is None
    assert isinstance(one["tasks"], list)
    assert api.call("GET", f"{V1}/referrals/{first['id']}", None).status_code == 401
