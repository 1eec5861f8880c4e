"""How the outbox reaches people: e-mail over SMTP and SMS over an HTTP gateway.

A sender delivers one message or raises ``SendFailed``; the outbox (``crm.notify``) decides about retries.
``crm.sender_settings.senders_from`` builds the senders the settings configure; a channel without one keeps
its messages in the outbox."""

from __future__ import annotations

import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, Protocol
from urllib.parse import urlsplit

from crm.clock import utcnow
from crm.errors import CrmError, InvalidRecord
from crm.models import Notification

DEFAULT_SMS_TEMPLATE = '{"to": "{recipient}", "text": "{body}"}'
SMS_PLACEHOLDERS = ("recipient", "body", "subject", "template", "id")
PLACEHOLDER = re.compile(r"\{(" + "|".join(SMS_PLACEHOLDERS) + r")\}")


class SendFailed(CrmError):
    """The message did not go out this time (the server refused it, or could not be reached)."""


class SendRefused(SendFailed):
    """The message can never go out as it is (a number the panel does not serve, a text it refuses): the
    outbox marks it failed at once instead of trying again."""


@dataclass(frozen=True)
class Receipt:
    """What a panel answered for a message it took: its id there, the cost in rials when it says, and the
    delivery state it reported at once (``crm.sms_panels.DELIVERY``)."""

    provider: str
    ref: str
    cost_rial: int | None = None
    delivery: str | None = None


class Sender(Protocol):
    def send(self, message: Notification) -> Receipt | None:
        """Deliver ``message`` (a panel answers with its ``Receipt``) or raise ``SendFailed``."""


class SmtpSender:
    """E-mail through an SMTP server (STARTTLS and login when configured), one connection per message."""

    def __init__(self, host: str, port: int, sender: str, user: str | None = None, password: str | None = None,
                 starttls: bool = True, timeout: float = 10) -> None:
        if "@" not in parseaddr(sender)[1]:
            raise InvalidRecord("the e-mail sender address is not valid", {"smtp_from": ["an e-mail address"]})
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def _email(self, message: Notification) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = format_datetime(utcnow())
        email["Message-ID"] = make_msgid(f"notification-{message.id}", parseaddr(self.sender)[1].split("@")[-1])
        email.set_content(message.body)
        return email

    def send(self, message: Notification) -> None:
        try:
            email = self._email(message)
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(email)
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            raise SendFailed(f"SMTP {self.host}:{self.port}: {exc}") from exc


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # a 3xx is an answer like any other non-2xx: the message did not go out


def _fill(value: Any, values: dict[str, str]) -> Any:
    """Put the message's values into every ``{placeholder}`` of the JSON template's strings (in one pass: a
    body that itself says ``{subject}`` stays as written)."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: values[match[1]], value)
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


class HttpSmsSender:
    """SMS through an HTTP gateway: POSTs a JSON body made from ``template`` (JSON text or a mapping whose
    strings may hold {recipient}, {body}, {subject}, {template} and {id}); any answer but 2xx is a failure."""

    def __init__(self, endpoint: str, template: str | dict[str, Any] = DEFAULT_SMS_TEMPLATE,
                 token: str | None = None, timeout: float = 10) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise InvalidRecord("the SMS endpoint is not an http(s) URL", {"sms_endpoint": ["an http(s) URL"]})
        try:
            self.template = json.loads(template) if isinstance(template, str) else dict(template)
        except (ValueError, TypeError) as exc:
            raise InvalidRecord("the SMS template is not JSON", {"sms_template": [str(exc)]}) from exc
        if not isinstance(self.template, dict):
            raise InvalidRecord("the SMS template is not a JSON object", {"sms_template": ["a JSON object"]})
        self.endpoint, self.token, self.timeout = endpoint, token, timeout
        self._opener = urllib.request.build_opener(NoRedirects)

    def payload(self, message: Notification) -> Any:
        values = {"recipient": message.recipient, "body": message.body, "subject": message.subject or "",
                  "template": message.template or "", "id": str(message.id)}
        return _fill(self.template, values)

    def send(self, message: Notification) -> None:
        data = json.dumps(self.payload(message), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.endpoint, data, headers, method="POST")  # noqa: S310 (http(s) only)
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise SendFailed(f"the SMS gateway answered {exc.code}{': ' + detail if detail else ''}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SendFailed(f"the SMS gateway could not be reached: {exc}") from exc
        if not 200 <= status < 300:
            raise SendFailed(f"the SMS gateway answered {status}")
