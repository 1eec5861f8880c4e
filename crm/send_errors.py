"""Why a message did not go out, in the reader's words. The outbox keeps the sentence its sender raised
(``Notification.last_error``, English, with the server's own detail); ``error_words`` says it in Persian for a
Persian reader, by what kind of failure it is, and gives English readers the sentence as it was kept. The
technical sentence stays for whoever asks (the web app shows it in the Persian sentence's tooltip)."""

from __future__ import annotations

import re
from collections.abc import Callable

from crm.text import persian_digits

Label = dict[str, str]
_CHANNELS = {"sms": "پیامک", "email": "ایمیل", "app": "اعلان درون‌برنامه"}
_PANELS = {"kavenegar": "کاوه‌نگار", "sms.ir": "اس‌ام‌اس‌دات‌آی‌آر", "the sms gateway": "درگاه پیامک"}


def _panel(name: str) -> str:
    return _PANELS.get(name.strip().lower(), "پنل پیامک")


# (what the sender wrote, how to say it in Persian): crm.notify, crm.senders and crm.sms_panels write these
_KNOWN: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"no (\w+) sender is configured"),
     lambda m: f"برای {_CHANNELS.get(m[1], m[1])} فرستنده‌ای تنظیم نشده است؛ پیام در صندوق نگه داشته شد"),
    (re.compile(r"SMTP \S+: "), lambda m: "سرور ایمیل در دسترس نبود یا پیام را نپذیرفت"),
    (re.compile(r"(.+?) could not be reached\b"), lambda m: f"{_panel(m[1])} در دسترس نبود"),
    (re.compile(r"(.+?) answered (\d+) without its usual body"),
     lambda m: f"{_panel(m[1])} با کد {persian_digits(m[2])} پاسخی نامعمول داد"),
    (re.compile(r"(.+?) answered (\d+)"),
     lambda m: f"{_panel(m[1])} با کد {persian_digits(m[2])} پاسخ داد و پیام را نگرفت"),
    (re.compile(r"(.+?) refused it \((\w+)\)"),
     lambda m: f"{_panel(m[1])} پیام را نپذیرفت (کد {persian_digits(m[2])})"),
    (re.compile(r"(.+?) took the message but named no message id"),
     lambda m: f"{_panel(m[1])} پیام را گرفت اما شناسه‌ای برای آن نداد"),
    (re.compile(r"(.+?) sends to Iranian mobile numbers only"),
     lambda m: f"{_panel(m[1])} فقط به شماره‌های همراه ایران پیامک می‌فرستد"),
]
UNKNOWN_FA = "فرستادن پیام با خطایی پیش‌بینی‌نشده روبه‌رو شد"


def error_words(text: str | None) -> Label | None:
    """{fa, en} for a kept ``last_error`` (None for none): ``en`` is the sentence as kept, ``fa`` what it means."""
    if not text:
        return None
    for pattern, said in _KNOWN:
        found = pattern.match(text)
        if found:
            return {"fa": said(found), "en": text}
    return {"fa": UNKNOWN_FA, "en": text}
