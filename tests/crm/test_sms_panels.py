"""SMS through Kavenegar and SMS.ir, each against a local server that speaks the panel's documented HTTP API
(``tests.sms_panel_servers``), on each database: what is sent, what it cost, refusals that are retried and
those that are not, and delivery reports asked for and kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from config import load_settings
from crm import notify, sms_delivery
from crm.clock import utcnow
from crm.errors import InvalidRecord
from crm.models import Notification
from crm.sender_settings import senders_from
from crm.sms_panels import KavenegarSender, SmsIrSender, local_number, panel_from
from crm.unit import Ctx
from tests.conftest import Database
from tests.crm import messages_params
from tests.sms_panel_servers import PART_PRICE_RIAL, kavenegar, parts, smsir

PARAMS = messages_params.REALISTIC


@pytest.fixture
def events() -> list[tuple[str, dict[str, Any]]]:
    return []


@pytest.fixture
def ctx(crm_db: Database, events: list[tuple[str, dict[str, Any]]]) -> Iterator[Ctx]:
    with crm_db.sessions() as session:
        yield Ctx(session, "tester", lambda kind, data: events.append((kind, data)))


def queue(ctx: Ctx, recipient: str = "+989121234567", template: str = "referral_rewarded",
          locale: str = "fa") -> Notification:
    message = notify.queue(ctx, channel="sms", recipient=recipient, template=template,
                           params=PARAMS[locale][template], locale=locale)
    assert message is not None
    return message


def later(seconds: int = 1) -> Any:
    return utcnow() + timedelta(seconds=seconds)


# -- Kavenegar ------------------------------------------------------------------------------------

def test_kavenegar_sends_with_its_fields_and_keeps_the_id_and_cost(ctx: Ctx) -> None:
    with kavenegar() as (panel, url):
        message = queue(ctx)
        sender = KavenegarSender(panel.key, panel.line, url, timeout=5)
        assert notify.dispatch(ctx, {"sms": sender}).sent == 1
        [request] = panel.requests
        assert request["path"] == f"/v1/{panel.key}/sms/send.json"
        assert request["fields"] == {"receptor": "09121234567", "message": message.body, "sender": "10004346",
                                     "localid": str(message.id)}
        [sent] = panel.sent
        assert message.status == "sent" and message.provider == "kavenegar" and message.provider_ref == str(sent.id)
        assert message.cost_rial == parts(message.body) * PART_PRICE_RIAL and message.delivery == "queued"


def test_kavenegar_does_not_send_twice_when_an_answer_was_lost(ctx: Ctx) -> None:
    with kavenegar() as (panel, url):
        message = queue(ctx)
        sender = KavenegarSender(panel.key, panel.line, url, timeout=5)
        first, again = sender.send(message), sender.send(message)  # the outbox sends again after a lost commit
        assert first.ref == again.ref and len(panel.sent) == 1 and len(panel.requests) == 2


def test_kavenegar_refusals_are_retried_unless_no_retry_can_help(ctx: Ctx) -> None:
    with kavenegar() as (panel, url):
        wrong_key = KavenegarSender("not-the-key", panel.line, url, timeout=5)
        message = queue(ctx)
        report = notify.dispatch(ctx, {"sms": wrong_key})
        assert report.retrying == 1 and message.status == "pending"
        assert "Kavenegar refused it (403)" in message.last_error and "not-the-key" not in message.last_error

        sender = KavenegarSender(panel.key, panel.line, url, timeout=5)
        panel.credit = 10
        notify.dispatch(ctx, {"sms": sender}, now=later(120))
        assert message.status == "pending" and "(418)" in message.last_error  # credit may be topped up

        foreign = queue(ctx, recipient="+4915112345678", locale="en", template="task_overdue")
        report = notify.dispatch(ctx, {"sms": sender}, now=later(600))
        assert foreign.status == "failed" and foreign.attempts == 1 and "(411)" in foreign.last_error
        assert foreign.id in report.failed_ids

        panel.fail_next = 1
        panel.credit = 10_000_000
        notify.dispatch(ctx, {"sms": sender}, now=later(1200))
        assert message.status == "pending" and "(500)" in message.last_error
        notify.dispatch(ctx, {"sms": sender}, now=later(3600))
        assert message.status == "sent" and message.provider_ref


def test_kavenegar_delivery_reports_are_asked_for_and_kept(ctx: Ctx, events: list[Any]) -> None:
    with kavenegar() as (panel, url):
        sender = KavenegarSender(panel.key, panel.line, url, timeout=5)
        delivered, lost, waiting = queue(ctx), queue(ctx, "+989351112233"), queue(ctx, "+989191112233")
        notify.dispatch(ctx, {"sms": sender})
        panel.set_state(delivered.provider_ref, 10)
        panel.set_state(lost.provider_ref, 11)
        panel.set_state(waiting.provider_ref, 4)
        now = utcnow()
        refs = sms_delivery.awaiting(ctx.session, "kavenegar", now)
        assert sorted(refs) == sorted(m.provider_ref for m in (delivered, lost, waiting))
        states = sender.delivery(refs)
        assert panel.requests[-1]["fields"] == {"messageid": ",".join(refs)}
        assert sms_delivery.record(ctx, "kavenegar", refs, states, now) == 3
        assert (delivered.delivery, lost.delivery, waiting.delivery) == ("delivered", "undelivered", "at_operator")
        changes = [data for kind, data in events
                   if kind == "crm.notification.changed" and "delivery" in data["changes"]]
        assert {c["id"] for c in changes} >= {delivered.id, lost.id, waiting.id}
        assert sms_delivery.awaiting(ctx.session, "kavenegar", now) == [waiting.provider_ref]  # finals are done
        assert sms_delivery.awaiting(ctx.session, "kavenegar", now + timedelta(days=4)) == []  # too old to ask
        assert sender.delivery(["999"]) == {}  # an id the panel does not know (its status 100) tells nothing


# -- SMS.ir ---------------------------------------------------------------------------------------

def test_smsir_sends_json_with_its_key_header_and_prices_the_credits(ctx: Ctx) -> None:
    with smsir() as (panel, url):
        message = queue(ctx)
        sender = SmsIrSender(panel.key, panel.line, url, part_price_rial=1_300, timeout=5)
        assert notify.dispatch(ctx, {"sms": sender}).sent == 1
        [request] = panel.requests
        assert request["method"] == "POST" and request["path"] == "/v1/send/bulk"
        assert request["headers"]["x-api-key"] == panel.key
        assert request["json"] == {"lineNumber": 30007732000000, "messageText": message.body,
                                   "mobiles": ["09121234567"], "sendDateTime": None}
        [sent] = panel.sent
        assert message.provider == "smsir" and message.provider_ref == str(sent.id)
        assert message.cost_rial == parts(message.body) * 1_300 and message.delivery == "queued"


def test_smsir_refusals_and_delivery_reports(ctx: Ctx) -> None:
    with smsir() as (panel, url):
        wrong = SmsIrSender("wrong", panel.line, url, timeout=5)
        message = queue(ctx)
        notify.dispatch(ctx, {"sms": wrong})
        assert message.status == "pending" and "SMS.ir refused it (10)" in message.last_error
        sender = SmsIrSender(panel.key, panel.line, url, timeout=5)
        foreign = queue(ctx, recipient="+4915112345678", locale="en", template="task_overdue")
        asked = len(panel.requests)
        notify.dispatch(ctx, {"sms": sender}, now=later(120))
        assert foreign.status == "failed" and "Iranian mobile numbers only" in foreign.last_error
        assert len(panel.requests) == asked + 1  # only the other message went to the panel
        assert message.status == "sent" and message.cost_rial is None  # no part price set: the cost is unknown

        now = utcnow()
        refs = sms_delivery.awaiting(ctx.session, "smsir", now)
        assert sender.delivery(refs) == {}  # no report yet
        assert sms_delivery.record(ctx, "smsir", refs, {}, now) == 0 and message.delivery == "queued"
        panel.set_state(message.provider_ref, 1)
        assert sms_delivery.record(ctx, "smsir", refs, sender.delivery(refs), now) == 1
        assert message.delivery == "delivered"


# -- configuration --------------------------------------------------------------------------------

def test_the_panel_comes_from_the_settings() -> None:
    def settings(**env: str) -> Any:
        return load_settings(environ={f"RAVAND_{k.upper()}": v for k, v in env.items()})

    assert panel_from(settings()) is None
    chosen = senders_from(settings(sms_provider="kavenegar", sms_token="k", sms_line="2000500666"))
    assert isinstance(chosen["sms"], KavenegarSender) and chosen["sms"].base == "https://api.kavenegar.com"
    chosen = senders_from(settings(sms_provider="smsir", sms_token="k", sms_line="30007732000000",
                                   sms_endpoint="https://proxy.example/smsir/", sms_part_price_rial="1200"))
    assert isinstance(chosen["sms"], SmsIrSender) and chosen["sms"].base == "https://proxy.example/smsir"
    assert chosen["sms"].part_price_rial == 1200
    for env, field in ((dict(sms_provider="kavenegar"), "sms_token"),
                       (dict(sms_provider="smsir", sms_token="k"), "sms_line"),
                       (dict(sms_provider="magfa"), "sms_provider"),
                       (dict(sms_provider="kavenegar", sms_token="k", sms_endpoint="ftp://x"), "sms_endpoint")):
        with pytest.raises(InvalidRecord) as caught:
            senders_from(settings(**env))
        assert field in caught.value.field_errors, env


def test_numbers_are_written_as_the_panels_take_them() -> None:
    assert local_number("+989121234567") == "09121234567"
    assert local_number("+4915112345678") == "004915112345678"
