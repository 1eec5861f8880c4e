"""The outbox: templates in both languages, and the whole life of a message against a real SMTP server
(aiosmtpd) and a real HTTP server (http.server), on each database."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from config import load_settings
from crm import notify
from crm.clock import utcnow
from crm.errors import InvalidRecord
from crm.models import Notification
from crm.notify import HttpSmsSender, SmtpSender
from crm.unit import Ctx
from tests.conftest import Database
from tests.crm import messages_params

PARAMS = messages_params.REALISTIC["en"]


@dataclass
class Outbox:
    ctx: Ctx
    events: list[tuple[str, dict[str, Any]]]

    def queue(self, channel: str = "email", recipient: str = "sara@example.com", template: str = "complaint_received",
              locale: str = "fa", **extra: Any) -> Notification:
        return notify.queue(self.ctx, channel=channel, recipient=recipient, template=template,
                            params=PARAMS[template], locale=locale, **extra)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]


@pytest.fixture
def outbox(crm_db: Database) -> Iterator[Outbox]:
    events: list[tuple[str, dict[str, Any]]] = []
    with crm_db.sessions() as session:
        yield Outbox(Ctx(session, "tester", lambda kind, data: events.append((kind, data))), events)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """An SMTP handler that keeps what it receives, or refuses the next ``refuse`` messages."""

    received: list[Any] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 mailbox busy, try again later"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


class Gateway(ThreadingHTTPServer):
    """An SMS gateway: records each POST and answers with the next status in ``answers`` (then 200)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.requests: list[tuple[dict[str, str], Any]] = []
        self.answers: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/send"


class GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((dict(self.headers), json.loads(body)))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}' if status < 300 else b'{"error": "quota exceeded"}')

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def mailer(port: int, **options: Any) -> SmtpSender:
    return SmtpSender("127.0.0.1", port, "Ravand <crm@example.com>", starttls=options.pop("starttls", False),
                      timeout=5, **options)


# -- templates ------------------------------------------------------------------------------------

def test_every_template_exists_in_both_languages_with_the_same_parameters() -> None:
    english, persian = notify.templates("en"), notify.templates("fa")
    assert set(english) == set(persian) == set(PARAMS)
    for name, params in PARAMS.items():
        for locale in ("en", "fa"):
            subject, body = notify.render(name, params, locale)
            assert subject and body and "{" not in subject + body, (name, locale)
            assert "\n" not in subject


def test_persian_messages_use_persian_digits_and_jalali_dates() -> None:
    subject, body = notify.render("complaint_sla_warning", PARAMS["complaint_sla_warning"], "fa", zone="Asia/Tehran")
    assert "سطح ۲" in subject + body and "۲ آذر ۱۴۰۵، ساعت ۱۴:۰۰" in body and "RC-7KQ2M9XH4C" in body
    _, english = notify.render("contract_sent", PARAMS["contract_sent"], "en")
    assert "9,840,000,000 rials" in english
    _, persian = notify.render("contract_sent", PARAMS["contract_sent"], "fa-IR")
    assert "۹۸۴٬۰۰۰٬۰۰۰ تومان" in persian and "آماده امضای شماست" in persian


def test_a_missing_parameter_is_a_clear_error() -> None:
    with pytest.raises(InvalidRecord) as caught:
        notify.render("complaint_received", {"name": "Sara"}, "en")
    assert "tracking_code" in caught.value.message and "portal_url" in caught.value.message
    assert set(caught.value.field_errors) == {"params.tracking_code", "params.portal_url"}


@pytest.mark.parametrize(("change", "field"), [
    ({"template": "nope"}, "template"), ({"locale": "de"}, "locale"), ({"channel": "fax"}, "channel"),
    ({"recipient": "not-an-address"}, "recipient"), ({"channel": "sms", "recipient": "call me"}, "recipient"),
])
def test_bad_messages_are_refused(change: dict[str, str], field: str) -> None:
    arguments = {"channel": "email", "recipient": "sara@example.com", "template": "complaint_received",
                 "params": PARAMS["complaint_received"], "locale": "en", **change}
    with pytest.raises(InvalidRecord) as caught:
        notify.queue(Ctx(None, "tester"), **arguments)  # refused before the database is touched
    assert field in caught.value.field_errors


def test_queue_renders_in_the_recipients_language_and_journals(outbox: Outbox) -> None:
    message = outbox.queue(customer_id=7, process_instance_id="pi-1")
    assert message.status == "pending" and message.attempts == 0 and message.template == "complaint_received"
    assert message.subject == "شکایت شما دریافت شد (RC-7KQ2M9XH4C)"
    assert "کد پیگیری شما RC-7KQ2M9XH4C است" in message.body and PARAMS["complaint_received"]["portal_url"] \
        in message.body
    assert (message.customer_id, message.process_instance_id) == (7, "pi-1")
    assert outbox.kinds() == ["crm.notification.created"]
    sms = outbox.queue("sms", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "complaint_received", "en")
    assert sms.recipient == "09121234567" and sms.subject is None and sms.body.startswith("We received")
    assert PARAMS["complaint_received"]["name"] not in sms.body  # a portal filer's name never reaches it


# -- the outbox over SMTP -------------------------------------------------------------------------

def test_email_goes_out_through_a_real_smtp_server(outbox: Outbox, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    message = outbox.queue()
    report = notify.dispatch(outbox.ctx, {"email": mailer(port)})
    assert (report.sent, report.retrying, report.failed, report.kept) == (1, 0, 0, 0)
    assert message.status == "sent" and message.attempts == 1 and message.sent_at is not None
    [envelope] = mailbox.received
    assert envelope.rcpt_tos == ["sara@example.com"] and envelope.mail_from == "crm@example.com"
    email = message_from_bytes(envelope.original_content, policy=policy.default)
    assert email["Subject"] == message.subject and email["Message-ID"].endswith("@example.com>")
    assert "کد پیگیری شما RC-7KQ2M9XH4C است" in email.get_content()
    assert outbox.events[-1][1]["changes"]["status"] == ["pending", "sent"]
    assert notify.dispatch(outbox.ctx, {"email": mailer(port)}).sent == 0  # nothing is sent twice


def test_failures_back_off_then_fail_after_max_attempts(outbox: Outbox, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.refuse = 10
    message = outbox.queue()
    senders = {"email": mailer(port)}
    now = utcnow() + timedelta(seconds=1)
    report = notify.dispatch(outbox.ctx, senders, now=now, max_attempts=3)
    assert report.retrying == 1 and message.status == "pending" and message.attempts == 1
    assert "451" in message.last_error and message.next_attempt_at == now + timedelta(minutes=1)
    assert notify.dispatch(outbox.ctx, senders, now=now + timedelta(seconds=59), max_attempts=3).retrying == 0
    later = now + timedelta(minutes=1)
    assert notify.dispatch(outbox.ctx, senders, now=later, max_attempts=3).retrying == 1
    assert message.attempts == 2 and message.next_attempt_at == later + timedelta(minutes=2)
    report = notify.dispatch(outbox.ctx, senders, now=later + timedelta(minutes=2), max_attempts=3)
    assert report.failed == 1 and message.status == "failed" and message.attempts == 3
    assert message.next_attempt_at is None and not mailbox.received
    assert notify.dispatch(outbox.ctx, senders, now=later + timedelta(days=1)).failed == 0
    changes = [data["changes"] for kind, data in outbox.events if kind == "crm.notification.changed"]
    assert [c["attempts"] for c in changes] == [[0, 1], [1, 2], [2, 3]] and changes[-1]["status"] == ["pending",
                                                                                                      "failed"]


def test_a_retry_that_succeeds(outbox: Outbox, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.refuse = 1
    message = outbox.queue(locale="en")
    now = utcnow() + timedelta(seconds=1)
    assert notify.dispatch(outbox.ctx, {"email": mailer(port)}, now=now).retrying == 1
    assert notify.dispatch(outbox.ctx, {"email": mailer(port)}, now=now + timedelta(minutes=1)).sent == 1
    assert message.status == "sent" and message.attempts == 2 and len(mailbox.received) == 1


def test_backoff_doubles_up_to_a_cap() -> None:
    with pytest.raises(InvalidRecord) as caught:
        notify.dispatch(Ctx(None, "tester"), {}, max_attempts=0)
    assert set(caught.value.field_errors) == {"max_attempts"}
    assert [notify.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert notify.backoff(30) == timedelta(hours=6)


def test_smtp_problems_are_send_failures(outbox: Outbox, smtp: tuple[Mailbox, int]) -> None:
    _, port = smtp
    message = outbox.queue()
    notify.dispatch(outbox.ctx, {"email": mailer(port, starttls=True)})  # the test server offers no STARTTLS
    assert message.attempts == 1 and "STARTTLS" in message.last_error
    closed = free_port()
    other = outbox.queue(locale="en")
    notify.dispatch(outbox.ctx, {"email": mailer(closed)}, now=utcnow() + timedelta(seconds=1))
    assert other.attempts == 1 and other.status == "pending" and f"127.0.0.1:{closed}" in other.last_error


# -- the outbox over HTTP (SMS) -------------------------------------------------------------------

def test_sms_goes_out_through_a_real_http_gateway(outbox: Outbox, gateway: Gateway) -> None:
    message = outbox.queue("sms", "+989121234567", "referral_rewarded")
    template = '{"to": "{recipient}", "text": "{body}", "meta": {"kind": "{template}", "ids": ["{id}"]}}'
    sender = HttpSmsSender(gateway.url, template, token="s3cret", timeout=5)
    assert notify.dispatch(outbox.ctx, {"sms": sender}).sent == 1
    [(headers, payload)] = gateway.requests
    assert payload == {"to": "+989121234567", "text": message.body,
                       "meta": {"kind": "referral_rewarded", "ids": [str(message.id)]}}
    assert "۱٬۵۰۰ امتیاز" in payload["text"]
    literal = Notification(id=0, channel="sms", recipient="+989121234567", subject="S", template="t",
                           body="we wrote {subject} and {recipient} literally")
    assert sender.payload(literal)["text"] == literal.body  # filled in one pass
    assert headers["Authorization"] == "Bearer s3cret" and headers["Content-Type"].startswith("application/json")
    assert message.status == "sent"


@pytest.mark.parametrize("status", [500, 429, 302])
def test_a_gateway_that_does_not_answer_2xx_is_a_failure(outbox: Outbox, gateway: Gateway, status: int) -> None:
    gateway.answers = [status]
    message = outbox.queue("sms", "+989121234567", "task_overdue", "en")
    report = notify.dispatch(outbox.ctx, {"sms": HttpSmsSender(gateway.url, timeout=5)})
    assert report.retrying == 1 and message.status == "pending" and str(status) in message.last_error
    assert len(gateway.requests) == 1  # a redirect is not followed


def test_sms_sender_refuses_bad_settings() -> None:
    with pytest.raises(InvalidRecord) as caught:
        HttpSmsSender("ftp://gateway.example/send")
    assert "sms_endpoint" in caught.value.field_errors
    for bad in ("{not json", '["a list"]'):
        with pytest.raises(InvalidRecord) as caught:
            HttpSmsSender("https://gateway.example/send", bad)
        assert "sms_template" in caught.value.field_errors


# -- nothing configured ---------------------------------------------------------------------------

def test_without_a_sender_messages_are_kept_and_logged(outbox: Outbox, gateway: Gateway,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    message = outbox.queue("sms", "+989121234567", "lead_recontact", "en")
    with caplog.at_level(logging.WARNING, logger="ravand.outbox"):
        report = notify.dispatch(outbox.ctx, notify.senders_from(load_settings(environ={})))
    assert report.kept == 1 and message.status == "kept" and message.attempts == 0
    assert message.last_error == "no sms sender is configured"
    assert "stays in the outbox" in caplog.text
    assert notify.dispatch(outbox.ctx, {"sms": HttpSmsSender(gateway.url)}).sent == 0  # kept is not pending
    assert notify.release_kept(outbox.ctx, channel="sms") == 1 and message.status == "pending"
    assert notify.dispatch(outbox.ctx, {"sms": HttpSmsSender(gateway.url)},
                           now=utcnow() + timedelta(seconds=1)).sent == 1


def test_senders_come_from_the_settings(tmp_path: Any) -> None:
    assert notify.senders_from(load_settings(environ={})) == {}
    settings = load_settings(environ={"RAVAND_SMTP_HOST": "mail.example", "RAVAND_SMTP_FROM": "crm@example.com",
                                      "RAVAND_SMTP_PASSWORD": "pw", "RAVAND_SMTP_USER": "crm",
                                      "RAVAND_SMS_ENDPOINT": "https://sms.example/send", "RAVAND_SMS_TOKEN": "t"})
    senders = notify.senders_from(settings)
    assert isinstance(senders["email"], SmtpSender) and senders["email"].password == "pw"
    assert isinstance(senders["sms"], HttpSmsSender) and senders["sms"].token == "t"
    assert "pw" not in repr(settings) and settings.smtp_port == 587 and settings.notify_max_attempts == 5
    config = tmp_path / "ravand.toml"
    config.write_text('[ravand]\nsmtp_host = "mail.example"\nsmtp_password = "in the file"\n')
    with pytest.raises(ValueError, match="smtp_password may only be set in the environment"):
        load_settings(config, environ={})
    config.write_text('[ravand]\nsmtp_host = "mail.example"\nsmtp_port = "2525"\nnotify_max_attempts = 3\n')
    loaded = load_settings(config, environ={})
    assert (loaded.smtp_host, loaded.smtp_port, loaded.notify_max_attempts) == ("mail.example", 2525, 3)


def test_dispatch_takes_due_messages_oldest_first_in_batches(outbox: Outbox, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    messages = [outbox.queue(recipient=f"p{n}@example.com", locale="en") for n in range(3)]
    outbox.ctx.change(messages[0], "notification", {"next_attempt_at": datetime(2999, 1, 1, tzinfo=UTC)})
    report = notify.dispatch(outbox.ctx, {"email": mailer(port)}, now=utcnow() + timedelta(seconds=1), batch=1)
    assert report.sent == 1 and messages[1].status == "sent" and messages[2].status == "pending"
    items, total = notify.list_notifications(outbox.ctx.session, status="pending")
    assert total == 2 and [m.id for m in items] == [messages[2].id, messages[0].id]
    assert notify.list_notifications(outbox.ctx.session, channel="sms")[1] == 0
    assert [e.rcpt_tos for e in mailbox.received] == [["p1@example.com"]]


def test_an_sms_queued_at_night_waits_for_the_morning(outbox: Outbox, gateway: Gateway) -> None:
    night = datetime(2026, 11, 23, 20, 48, tzinfo=UTC)  # 00:18 in Tehran
    timing = notify.Timing(quiet_hours="21:00-08:00", zone="Asia/Tehran", now=night)
    morning = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)  # 08:00 in Tehran
    sms = notify.queue(outbox.ctx, channel="sms", recipient="+989121234567", template="complaint_received",
                       params=PARAMS["complaint_received"], timing=timing)
    staff = notify.queue(outbox.ctx, channel="sms", recipient="+989121234568", template="task_overdue",
                         params=PARAMS["task_overdue"], timing=timing)
    email = notify.queue(outbox.ctx, channel="email", recipient="sara@example.com", template="complaint_received",
                         params=PARAMS["complaint_received"], timing=timing)
    assert sms.status == "pending" and sms.next_attempt_at == morning
    assert staff.next_attempt_at == morning  # an employee's phone is quiet at night too (the inbox has it)
    assert email.next_attempt_at == night  # e-mail is not held
    senders = {"sms": HttpSmsSender(gateway.url, notify.DEFAULT_SMS_TEMPLATE, timeout=5)}
    notify.dispatch(outbox.ctx, senders, now=night + timedelta(hours=1))
    assert sms.status == "pending" and staff.status == "pending"
    notify.dispatch(outbox.ctx, senders, now=morning)
    assert sms.status == "sent" and staff.status == "sent"
