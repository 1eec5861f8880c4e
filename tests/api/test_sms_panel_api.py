"""An administrator chooses an SMS panel on the Settings screen; the outbox then sends through it, and its
delivery reports reach the outbox the auditors read (against a local Kavenegar that speaks its documented
API, on each database)."""

from __future__ import annotations

import threading
from typing import Any

from api.composition import ravand_ctx
from api.outbox import dispatch_outbox
from crm import notify
from engine.store.transactions import transaction
from tests.api.conftest import Api
from tests.crm import messages_params
from tests.sms_panel_servers import kavenegar


def _queue(api: Api, recipient: str = "+989121234567") -> int:
    ravand = api.app.extensions["ravand"]

    def add(session: Any) -> int:
        params = messages_params.REALISTIC["fa"]["referral_rewarded"]
        message = notify.queue(ravand_ctx(session, "tester"), channel="sms", recipient=recipient,
                               template="referral_rewarded", params=params)
        return message.id

    return transaction(ravand.sessions, add)


def test_a_panel_needs_its_key_and_line_and_says_so_in_both_languages(api: Api) -> None:
    answer = api.call("PATCH", "/api/v1/settings", json={"sms_provider": "smsir", "sms_token": "k"})
    assert answer.status_code == 422
    [reason] = answer.get_json()["errors"]["sms_line"]
    assert "line number" in reason and "فرستنده" in reason
    answer = api.call("PATCH", "/api/v1/settings", json={"sms_provider": "magfa"})
    assert answer.status_code == 422 and "یکی از گزینه‌ها" in answer.get_json()["errors"]["sms_provider"][0]
    assert api.call("GET", "/api/v1/settings").get_json()["sms"]["sms_provider"] == ""  # nothing was stored


def test_messages_go_through_the_chosen_panel_and_their_delivery_is_reported(api: Api) -> None:
    with kavenegar() as (panel, url):
        answer = api.call("PATCH", "/api/v1/settings", json={
            "sms_provider": "kavenegar", "sms_token": panel.key, "sms_line": "۱۰۰۰۴۳۴۶", "sms_endpoint": url})
        assert answer.status_code == 200, answer.get_json()
        shown = answer.get_json()["sms"]
        assert shown["sms_provider"] == "kavenegar" and shown["sms_line"] == "10004346"
        assert shown["sms_token"] == {"set": True}
        first, second = _queue(api), _queue(api, "+989351112233")
        assert api.call("POST", "/api/v1/notifications/dispatch", "admin").get_json()["sent"] == 2
        assert [s.receptor for s in panel.sent] == ["09121234567", "09351112233"]
        panel.set_state(panel.sent[0].id, 10)
        for role in ("employee", "auditor", "designer"):
            assert api.call("POST", "/api/v1/notifications/deliveries", role).status_code == 403
        assert api.call("POST", "/api/v1/notifications/deliveries", "admin").get_json() == {"changed": 1}
        outbox = api.call("GET", "/api/v1/notifications?channel=sms", "auditor").get_json()["items"]
        by_id = {m["id"]: m for m in outbox}
        assert by_id[first]["delivery"] == "delivered" and by_id[first]["provider"] == "kavenegar"
        assert by_id[first]["provider_ref"] == str(panel.sent[0].id) and by_id[first]["cost_rial"] > 0
        assert by_id[second]["delivery"] == "queued"
        delivered = api.call("GET", "/api/v1/notifications?delivery=delivered", "auditor").get_json()
        assert [m["id"] for m in delivered["items"]] == [first]
        panel.fail_next = 1
        answer = api.call("POST", "/api/v1/notifications/deliveries", "admin")
        assert answer.status_code == 502 and "Kavenegar" in answer.get_json()["detail"]
        assert panel.key not in answer.get_data(as_text=True)


def test_the_write_lock_is_free_while_the_panel_takes_its_time(api: Api) -> None:
    """The outbox claims its messages, sends them with no transaction open, then records the outcome: another
    command commits while the panel has not answered yet."""
    with kavenegar() as (panel, url):
        assert api.call("PATCH", "/api/v1/settings", json={
            "sms_provider": "kavenegar", "sms_token": panel.key, "sms_endpoint": url}).status_code == 200
        first = _queue(api)
        panel.gate = threading.Event()
        ravand = api.app.extensions["ravand"]
        sending = threading.Thread(target=lambda: reports.append(dispatch_outbox(ravand)))
        reports: list[Any] = []
        sending.start()
        try:
            assert panel.arrived.wait(10)
            second = _queue(api, "+989351112233")  # a write while the panel holds the first message
            assert not panel.answered.is_set()  # it did not wait for the panel's answer
        finally:
            panel.gate.set()
            sending.join(10)
        assert reports[0].sent == 1 and second > first
        outbox = {m["id"]: m for m in api.call("GET", "/api/v1/notifications", "auditor").get_json()["items"]}
        assert outbox[first]["status"] == "sent" and outbox[second]["status"] == "pending"
