"""Why a message stayed in the outbox, in Persian: the sentences the outbox and each sender keep in
``last_error`` (no sender for the channel, an SMTP server that cannot be reached, a panel that refuses the
message, cannot be reached, or serves Iranian numbers only) are each said in Persian without an English word;
English readers get the kept sentence as it is."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest

from crm import notify
from crm.send_errors import UNKNOWN_FA, error_words
from crm.senders import SmtpSender
from crm.sms_panels import KavenegarSender, SmsIrSender
from crm.unit import Ctx
from tests.conftest import Database
from tests.crm import messages_params
from tests.sms_panel_servers import kavenegar, smsir

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def ctx(crm_db: Database) -> Iterator[Ctx]:
    with crm_db.sessions() as session:
        yield Ctx(session, "tester", lambda kind, data: None)


def _failed(ctx: Ctx, senders: dict, channel: str = "sms", recipient: str = "+989121234567") -> str:
    message = notify.queue(ctx, channel=channel, recipient=recipient, template="task_overdue",  # type: ignore[arg-type]
                           params=messages_params.REALISTIC["fa"]["task_overdue"])
    assert message is not None
    notify.dispatch(ctx, senders)
    assert message.last_error
    return message.last_error


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _said(kept: str) -> str:
    words = error_words(kept)
    assert words is not None and words["en"] == kept
    assert not LATIN_WORD.search(words["fa"]), words["fa"]
    return words["fa"]


def test_each_reason_a_message_stayed_is_said_in_persian(ctx: Ctx) -> None:
    assert _said(_failed(ctx, {}, "email", "sam@example.com")) == \
        "برای ایمیل فرستنده‌ای تنظیم نشده است؛ پیام در صندوق نگه داشته شد"
    port = _closed_port()
    mail = SmtpSender("127.0.0.1", port, "Ravand <crm@example.com>", starttls=False, timeout=5)
    assert _said(_failed(ctx, {"email": mail}, "email", "sam@example.com")) == \
        "سرور ایمیل در دسترس نبود یا پیام را نپذیرفت"
    unreachable = KavenegarSender("key", "10004346", f"http://127.0.0.1:{port}", timeout=5)
    assert _said(_failed(ctx, {"sms": unreachable})) == "کاوه‌نگار در دسترس نبود"
    with kavenegar() as (panel, url):
        wrong_key = KavenegarSender("not-the-key", panel.line, url, timeout=5)
        assert _said(_failed(ctx, {"sms": wrong_key})) == "کاوه‌نگار پیام را نپذیرفت (کد ۴۰۳)"
    with smsir() as (panel, url):
        sender = SmsIrSender(panel.key, panel.line, url, timeout=5)
        foreign = _failed(ctx, {"sms": sender}, recipient="+4915112345678")
        assert _said(foreign) == "اس‌ام‌اس‌دات‌آی‌آر فقط به شماره‌های همراه ایران پیامک می‌فرستد"


def test_a_sentence_no_one_foresaw_is_still_persian_and_none_is_none() -> None:
    assert error_words("RuntimeError: the printer is on fire") == {"fa": UNKNOWN_FA,
                                                                   "en": "RuntimeError: the printer is on fire"}
    assert error_words(None) is None and error_words("") is None
