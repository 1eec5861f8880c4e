"""The loyalty club over HTTP on each database: who may change the rules, tiers and catalogue; a purchase that
earns by the rules; the member's club link asked for on the portal (the same answer for an unknown number),
their statement opened from it and a reward taken there; a gift settled by a manager; lapsed points written
off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from api.context import ravand
from crm.clock import utcnow
from crm.models import LoyaltyEntry, Notification
from tests.api.conftest import Api, make_api
from tests.conftest import Database

V1 = "/api/v1"


@pytest.fixture
def club(db: Database, tmp_path: Any) -> Api:
    db.engine.dispose()
    return make_api(db.url, tmp_path, public_url="https://crm.example", notify_quiet_hours="")


def _read(api: Api, fn: Any) -> Any:
    with api.app.app_context(), ravand().sessions() as session:
        return fn(session)


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _customer(api: Api, name: str, mobile: str, locale: str = "fa") -> int:
    body = {"kind": "person", "person_name": name, "mobile": mobile, "locale": locale}
    return _ok(api.call("POST", f"{V1}/customers", "employee", json=body), 201)["customer"]["id"]


def _link_sent_to(api: Api, mobile: str) -> str | None:
    body = _read(api, lambda s: s.scalars(select(Notification.body).where(
        Notification.template == "loyalty_club_link", Notification.recipient == mobile)
        .order_by(Notification.id.desc())).first())
    return None if body is None else body.split("/portal/club/")[1].split()[0]


def test_rules_tiers_and_catalogue_are_changed_by_admins_managers_and_marketing(club: Api) -> None:
    rule = {"kind": "earn", "name": "هر خرید", "rials_per_point": 100_000}
    refused = club.call("POST", f"{V1}/loyalty/rules", "employee", json=rule)
    assert refused.status_code == 403 and "marketing" in refused.get_json()["detail"]
    created = _ok(club.call("POST", f"{V1}/loyalty/rules", "admin", json=rule), 201)
    bad = club.call("POST", f"{V1}/loyalty/rules", "admin", json={"kind": "bonus", "name": "x", "multiplier": 50},
                    headers={"Accept-Language": "fa"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"multiplier"}
    assert [r["name"] for r in _ok(club.call("GET", f"{V1}/loyalty/rules", "auditor"))] == ["هر خرید"]
    stopped = _ok(club.call("PATCH", f"{V1}/loyalty/rules/{created['id']}", "admin", json={"active": False}))
    assert stopped["active"] is False and stopped["rials_per_point"] == 100_000
    tiers = _ok(club.call("GET", f"{V1}/loyalty/tiers", "employee"))
    assert [t["tier"] for t in tiers] == ["bronze", "silver", "gold", "platinum"]
    assert club.call("PATCH", f"{V1}/loyalty/tiers/gold", "employee", json={"earn_percent": 200}).status_code == 403
    gold = _ok(club.call("PATCH", f"{V1}/loyalty/tiers/gold", "admin", json={"earn_percent": 200}))
    assert gold["earn_percent"] == 200
    assert club.call("PATCH", f"{V1}/loyalty/tiers/diamond", "admin", json={"earn_percent": 200}).status_code == 404
    reward = {"name_fa": "ماگ", "name_en": "Mug", "points": 50, "kind": "gift", "stock": 2}
    assert club.call("POST", f"{V1}/loyalty/rewards", "employee", json=reward).status_code == 403
    made = _ok(club.call("POST", f"{V1}/loyalty/rewards", "admin", json=reward), 201)
    assert _ok(club.call("PATCH", f"{V1}/loyalty/rewards/{made['id']}", "admin", json={"stock": 5}))["stock"] == 5
    assert [r["name_en"] for r in _ok(club.call("GET", f"{V1}/loyalty/rewards", "employee"))] == ["Mug"]


def test_a_member_earns_opens_the_club_from_the_portal_and_takes_rewards(club: Api) -> None:
    sara = _customer(club, "سارا احمدی", "09121110001")
    _ok(club.call("POST", f"{V1}/loyalty/rules", "admin",
                  json={"kind": "earn", "name": "هر خرید", "rials_per_point": 100_000}), 201)
    coupon = _ok(club.call("POST", f"{V1}/loyalty/rewards", "admin", json={
        "name_fa": "۱۰٪ تخفیف", "name_en": "10% off", "points": 100, "kind": "voucher", "voucher_kind": "percent",
        "voucher_value": 10, "valid_days": 60}), 201)
    mug = _ok(club.call("POST", f"{V1}/loyalty/rewards", "admin", json={
        "name_fa": "ماگ", "name_en": "Mug", "points": 50, "kind": "gift", "stock": 1}), 201)
    _ok(club.call("POST", f"{V1}/customers/{sara}/purchases", "employee", json={"amount": "۱۸٬۰۰۰٬۰۰۰"}), 201)

    # the portal: the same answer for a known and an unknown number; only the known one gets a link
    for mobile in ("0912 111 0001", "09129999999"):
        assert _ok(club.call("POST", f"{V1}/portal/club/link", None, json={"mobile": mobile}), 202) == {
            "status": "sent_if_known"}
    assert _link_sent_to(club, "+989129999999") is None
    token = _link_sent_to(club, "+989121110001")
    bad = club.call("POST", f"{V1}/portal/club/link", None, json={"mobile": "12"})
    assert bad.status_code == 422 and "mobile" in bad.get_json()["errors"]

    statement = _ok(club.call("GET", f"{V1}/portal/club/{token}", None))
    assert (statement["name"], statement["points"], statement["tier"]) == ("سارا احمدی", 180, "bronze")
    assert statement["referral_code"] and statement["next_tier"] == "silver"
    assert statement["entries"][0]["kind"] == "earn" and statement["entries"][0]["points"] == 180
    assert {r["name_en"]: r["affordable"] for r in statement["rewards"]} == {"Mug": True, "10% off": True}

    taken = _ok(club.call("POST", f"{V1}/portal/club/{token}/rewards/{coupon['id']}", None), 201)
    assert taken["state"] == "issued" and taken["balance"] == 80 and taken["voucher_code"].startswith("V-")
    short = club.call("POST", f"{V1}/portal/club/{token}/rewards/{coupon['id']}", None,
                      headers={"Accept-Language": "fa"})
    assert short.status_code == 422 and "۱۰۰" in short.get_json()["detail"]
    gift = _ok(club.call("POST", f"{V1}/portal/club/{token}/rewards/{mug['id']}", None), 201)
    assert gift["state"] == "requested" and gift["voucher_code"] is None
    again = _ok(club.call("GET", f"{V1}/customers/{sara}/loyalty/statement", "employee"))
    assert again["points"] == 30 and again["vouchers"][0]["code"] == taken["voucher_code"]
    assert [(r["name_en"], r["state"]) for r in again["redemptions"]] == [("Mug", "requested"), ("10% off", "issued")]
    assert again["entries"][0]["reward_en"] == "Mug"

    # a manager settles the gift; an employee may not
    waiting = _ok(club.call("GET", f"{V1}/loyalty/redemptions?state=requested", "employee"))
    assert [(w["customer_name"], w["id"]) for w in waiting] == [("سارا احمدی", gift["id"])]
    assert club.call("POST", f"{V1}/loyalty/redemptions/{gift['id']}/settle", "employee",
                     json={"state": "delivered"}).status_code == 403
    _ok(club.call("POST", f"{V1}/loyalty/redemptions/{gift['id']}/settle", "admin", json={"state": "delivered"}))
    assert _ok(club.call("GET", f"{V1}/loyalty/redemptions?state=requested", "admin")) == []

    # forged, altered and unknown links open nothing
    forged = token[:-1] + ("1" if token.endswith("0") else "0")  # one symbol of the signature changed
    assert club.call("GET", f"{V1}/portal/club/{forged}", None).status_code == 404
    assert club.call("GET", f"{V1}/portal/club/nonsense", None).status_code == 404
    assert club.call("POST", f"{V1}/portal/club/{token}/rewards/999", None).status_code == 404


def test_staff_send_the_link_and_take_a_reward_for_the_customer(club: Api) -> None:
    sara = _customer(club, "سارا احمدی", "09121110001")
    nobody = _ok(club.call("POST", f"{V1}/customers", "employee", json={"kind": "person", "person_name": "بی‌شماره"}),
                 201)["customer"]["id"]
    sent = _ok(club.call("POST", f"{V1}/customers/{sara}/loyalty/club-link", "employee"), 202)
    assert sent == {"queued": True, "expires_in_days": 7}
    assert _link_sent_to(club, "+989121110001")
    assert club.call("POST", f"{V1}/customers/{nobody}/loyalty/club-link", "employee").status_code == 409
    _ok(club.call("POST", f"{V1}/customers/{sara}/loyalty/adjustments", "admin",
                  json={"points": 70, "reason": "خوش‌آمد"}), 201)
    mug = _ok(club.call("POST", f"{V1}/loyalty/rewards", "admin", json={
        "name_fa": "ماگ", "name_en": "Mug", "points": 50, "kind": "gift"}), 201)
    taken = _ok(club.call("POST", f"{V1}/customers/{sara}/loyalty/rewards/{mug['id']}", "employee"), 201)
    assert (taken["channel"], taken["by"], taken["state"]) == ("staff", "alice", "requested")
    assert club.call("POST", f"{V1}/customers/{sara}/loyalty/rewards/{mug['id']}", "auditor").status_code == 403


def test_lapsed_points_are_written_off_by_the_administrator_or_the_schedule(club: Api) -> None:
    sara = _customer(club, "سارا احمدی", "09121110001")
    _ok(club.call("POST", f"{V1}/customers/{sara}/loyalty/adjustments", "admin", json={"points": 70, "reason": "x"}),
        201)

    def lapse(session: Any) -> None:
        session.execute(update(LoyaltyEntry).values(expires_at=utcnow() - timedelta(hours=1)))
        session.commit()

    _read(club, lapse)
    assert club.call("POST", f"{V1}/loyalty/expire", "employee").status_code == 403
    assert _ok(club.call("POST", f"{V1}/loyalty/expire", "admin")) == {"customers": 1, "points": 70}
    assert _ok(club.call("POST", f"{V1}/loyalty/expire", "admin")) == {"customers": 0, "points": 0}
    statement = _ok(club.call("GET", f"{V1}/customers/{sara}/loyalty/statement", "auditor"))
    assert statement["points"] == 0 and statement["entries"][0]["kind"] == "expire"
