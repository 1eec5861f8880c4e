"""Segments and campaigns over HTTP on each database: who may write them, a segment's preview, a campaign sent
to a segment and queued by the sending job, an e-mail's opt-out link opened on the portal, a reply with the
keyword forwarded by the SMS panel, and the campaign's report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.campaign_sending import queue_campaigns
from api.outbox import dispatch_outbox
from crm.models import Notification
from tests.api.conftest import Api, make_api
from tests.conftest import Database
from tests.sms_panel_servers import kavenegar


@pytest.fixture
def shop(db: Database, tmp_path: Any) -> Api:
    db.engine.dispose()
    # no quiet hours: the test sends at whatever hour it runs (they are crm.campaigns' tests' to check)
    return make_api(db.url, tmp_path, sms_inbound_token="inbound-secret-1234", public_url="https://crm.example",
                    notify_quiet_hours="")


def customer(api: Api, name: str, mobile: str, email: str | None = None, locale: str = "fa",
             region: str = "Tehran") -> int:
    body = {"kind": "person", "person_name": name, "mobile": mobile, "region": region, "locale": locale,
            **({"email": email} if email else {})}
    answer = api.call("POST", "/api/v1/customers", "employee", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["customer"]["id"]


def test_segments_are_written_by_admins_managers_and_marketing_and_read_by_others(shop: Api) -> None:
    customer(shop, "سارا احمدی", "09121110001")
    customer(shop, "لیلا تبریزی", "09141110004", region="East Azerbaijan")
    body = {"name": "تهرانی‌ها", "rules": {"regions": ["Tehran"], "has": "mobile"}}
    answer = shop.call("POST", "/api/v1/segments", "employee", json=body)
    assert answer.status_code == 403 and "marketing" in answer.get_json()["detail"]
    created = shop.call("POST", "/api/v1/segments", "admin", json=body)
    assert created.status_code == 201 and created.get_json()["members"] == 1
    segment_id = created.get_json()["id"]
    assert shop.call("POST", "/api/v1/segments", "admin", json=body).status_code == 409
    preview = shop.call("POST", "/api/v1/segments/preview", "employee", json={"rules": {"tiers": ["gold"]}})
    assert preview.status_code == 200 and preview.get_json()["members"] == 0
    bad = shop.call("POST", "/api/v1/segments/preview", "employee", json={"rules": {"min_clv": "many"}})
    assert bad.status_code == 422 and "min_clv" in bad.get_json()["errors"]
    members = shop.call("GET", f"/api/v1/segments/{segment_id}", "auditor").get_json()
    assert members["members"] == 1 and members["sample"][0]["name"] == "سارا احمدی"
    assert members["sample"][0]["tier"] == "bronze"
    assert shop.call("GET", "/api/v1/segments", "designer").status_code == 403
    assert [s["name"] for s in shop.call("GET", "/api/v1/segments", "employee").get_json()] == ["تهرانی‌ها"]


def test_a_campaign_goes_to_its_segment_through_the_panel_and_reports_its_return(shop: Api) -> None:
    sara = customer(shop, "سارا احمدی", "09121110001")
    john = customer(shop, "John Carter", "09121110003", "john@example.com", locale="en")
    segment = shop.call("POST", "/api/v1/segments", "admin", json={"name": "all", "rules": {"has": "mobile"}})
    draft = shop.call("POST", "/api/v1/campaigns", "admin", json={
        "name": "یلدا", "channel": "sms", "segment_id": segment.get_json()["id"],
        "body_fa": "{name} عزیز، یلدا مبارک!", "body_en": "Dear {name}, happy Yalda!", "rate_per_minute": 600})
    assert draft.status_code == 201, draft.get_json()
    campaign = draft.get_json()
    assert campaign["state"] == "draft" and campaign["report"]["members_now"] == 2
    assert campaign["sms_parts"] == {"fa": 1, "en": 1} and campaign["segment_name"] == "all"
    changed = shop.call("PATCH", f"/api/v1/campaigns/{campaign['id']}", "admin", json={"rate_per_minute": 0})
    assert changed.status_code == 422 and "rate_per_minute" in changed.get_json()["errors"]
    assert shop.call("POST", f"/api/v1/campaigns/{campaign['id']}/send", "employee").status_code == 403

    with kavenegar() as (panel, url):
        assert shop.call("PATCH", "/api/v1/settings", json={
            "sms_provider": "kavenegar", "sms_token": panel.key, "sms_endpoint": url}).status_code == 200
        sent = shop.call("POST", f"/api/v1/campaigns/{campaign['id']}/send", "admin")
        assert sent.status_code == 200 and sent.get_json()["state"] == "sending"
        assert shop.call("PATCH", f"/api/v1/campaigns/{campaign['id']}", "admin",
                         json={"name": "late"}).status_code == 409
        ravand = shop.app.extensions["ravand"]
        assert queue_campaigns(ravand) == 2
        with ravand.sessions() as session:  # the second is due a tenth of a second after the first (600 a minute)
            first, second = sorted(session.scalars(select(Notification.next_attempt_at).where(
                Notification.campaign_id == campaign["id"])))
        assert second - first == timedelta(seconds=0.1)
        assert dispatch_outbox(ravand, now=first).sent == 1  # read at the first's due time, however slow the run
        assert dispatch_outbox(ravand, now=second).sent == 1
        assert sorted(s.receptor for s in panel.sent) == ["09121110001", "09121110003"]
        assert {s.text.splitlines()[-1] for s in panel.sent} == {"لغو۱۱", "Stop: reply 11"}

    reply = shop.call("POST", "/api/v1/sms/inbound/inbound-secret-1234", None,
                      data={"from": "09121110003", "message": "لغو ۱۱", "to": "10004346", "messageid": "77"})
    assert reply.status_code == 200 and reply.get_json() == {"opted_out": True}
    for n in range(25):  # a busy campaign's replies all come from the panel's one address: never limited
        answer = shop.call("POST", "/api/v1/sms/inbound/inbound-secret-1234", None,
                           data={"from": f"0912555{n:04d}", "message": "ممنون"})
        assert answer.status_code == 200, n
    wrong = [shop.call("POST", "/api/v1/sms/inbound/wrong", None, data={"from": "0912", "message": "11"}).status_code
             for _ in range(11)]
    assert wrong == [404] * 10 + [429]  # guessing the secret is
    bought = shop.call("POST", f"/api/v1/customers/{sara}/purchases", "employee", json={"amount": 12_000_000})
    assert bought.status_code == 201, bought.get_json()
    report = shop.call("GET", f"/api/v1/campaigns/{campaign['id']}", "auditor").get_json()
    assert report["state"] == "sent" and report["queued"] == 2
    numbers = report["report"]
    assert (numbers["sent"], numbers["opt_outs"], numbers["purchases"], numbers["revenue"]) == (2, 1, 1, 12_000_000)
    assert numbers["cost"] > 0 and numbers["return_ratio"] > 0
    assert john  # the English customer read English and opted out by replying


def test_an_email_campaigns_opt_out_link_opens_on_the_portal(shop: Api) -> None:
    customer(shop, "John Carter", "09121110003", "john@example.com", locale="en")
    segment = shop.call("POST", "/api/v1/segments", "admin", json={"name": "mail", "rules": {"has": "email"}})
    campaign = shop.call("POST", "/api/v1/campaigns", "admin", json={
        "name": "news", "channel": "email", "segment_id": segment.get_json()["id"], "subject": "Winter news",
        "body_fa": "سلام {name}", "body_en": "Hello {name}"}).get_json()
    shop.call("POST", f"/api/v1/campaigns/{campaign['id']}/send", "admin")
    queue_campaigns(shop.app.extensions["ravand"])
    [message] = shop.call("GET", "/api/v1/notifications?channel=email", "auditor").get_json()["items"]
    assert message["body"].startswith("Hello John Carter")
    link = message["body"].rsplit(" ", 1)[1]
    assert link.startswith("https://crm.example/portal/opt-out/")
    token = link.rsplit("/", 1)[1]
    page = shop.call("GET", f"/portal/opt-out/{token}?lang=en", None)
    assert page.status_code == 200 and 'data-page="optout"' in page.get_data(as_text=True)
    shown = shop.call("GET", f"/api/v1/portal/opt-out/{token}", None).get_json()
    assert shown == {"channel": "email", "address": "j…@example.com", "opted_out": False}
    assert shop.call("POST", f"/api/v1/portal/opt-out/{token}", None).get_json()["opted_out"] is True
    assert shop.call("GET", f"/api/v1/portal/opt-out/{token[:-2]}xx", None).status_code == 404
    again = shop.call("POST", "/api/v1/campaigns", "admin", json={
        "name": "more news", "channel": "email", "segment_id": segment.get_json()["id"], "subject": "More",
        "body_fa": "سلام", "body_en": "Hi"}).get_json()
    shop.call("POST", f"/api/v1/campaigns/{again['id']}/send", "admin")
    queue_campaigns(shop.app.extensions["ravand"])
    assert shop.call("GET", f"/api/v1/campaigns/{again['id']}", "admin").get_json()["skipped"] == 1
