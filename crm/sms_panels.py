"""SMS through the panels Iranian businesses use, each over its documented HTTP API: Kavenegar (کاوه‌نگار,
REST v1) and SMS.ir (REST v1). A panel sends one message and answers with a ``Receipt`` (its id for the
message, the cost, the state it reported at once); ``delivery(refs)`` asks it later how those messages fared.

Each state a panel reports is read as one of ``DELIVERY``: ``queued`` (the panel holds it), ``at_operator``
(handed to the mobile operator, no report yet), ``delivered`` (on the phone), ``undelivered`` (the operator
could not deliver it), ``blocked`` (the recipient or the operator blocks the line), ``failed`` (the panel could
not send it). ``FINAL`` states are never asked about again.

Numbers are stored in E.164; both panels take an Iranian mobile as ``09…``. The API key is a secret: it
never appears in an error message (Kavenegar carries it in the URL path)."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from crm.errors import InvalidRecord
from crm.models import Notification
from crm.senders import NoRedirects, Receipt, SendFailed, SendRefused

DELIVERY = ("queued", "at_operator", "delivered", "undelivered", "blocked", "failed")
FINAL = frozenset({"delivered", "undelivered", "blocked", "failed"})
PROVIDERS = ("kavenegar", "smsir")


def local_number(e164: str) -> str:
    """``+989121234567`` → ``09121234567`` (an Iranian number as both panels take it); another country's
    number as ``00`` and its digits."""
    if e164.startswith("+98"):
        return "0" + e164[3:]
    return "00" + e164.lstrip("+")


def _base(url: str, default: str) -> str:
    text = (url or default).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise InvalidRecord("the SMS panel's address is not an http(s) URL", {"sms_endpoint": ["an http(s) URL"]})
    return text


class _Http:
    """One request to a panel, its JSON answer read whatever the HTTP status (both panels explain a refusal in
    the body); ``where`` names the panel in errors instead of the URL (which may hold the key)."""

    def __init__(self, where: str, timeout: float) -> None:
        self.where, self.timeout = where, timeout
        self._opener = urllib.request.build_opener(NoRedirects)

    def call(self, request: urllib.request.Request) -> tuple[int, Any]:
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                status, raw = answer.status, answer.read(1_000_000)
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read(100_000)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SendFailed(f"{self.where} could not be reached: {reason}") from None
        try:
            return status, json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            return status, None


# -- Kavenegar ------------------------------------------------------------------------------------

# the message states of Kavenegar's send and status methods
KAVENEGAR_STATES = {1: "queued", 2: "queued", 4: "at_operator", 5: "at_operator", 6: "failed", 10: "delivered",
                    11: "undelivered", 13: "failed", 14: "blocked"}
# refusals that no retry will change: the receptor is not valid, the text is empty or too long or holds
# characters the panel does not take, a test account may only send to its owner
KAVENEGAR_FINAL_REFUSALS = frozenset({411, 413, 422, 501})
KAVENEGAR_STATUS_BATCH = 500  # message ids one status call may ask about


class KavenegarSender:
    """Kavenegar's REST API: ``POST {base}/v1/{key}/sms/send.json`` with ``receptor``, ``message``, ``sender``
    (the line) and ``localid`` (the outbox's id, so that a message sent again after a lost answer is not
    sent twice); the answer's ``return.status`` is 200 when it was taken, its entry holds ``messageid``,
    ``status`` and ``cost`` (rials). ``sms/status.json`` reports on up to 500 message ids at once."""

    name = "kavenegar"
    DEFAULT_URL = "https://api.kavenegar.com"
    report_batch = KAVENEGAR_STATUS_BATCH  # messages asked about per round: one request

    def __init__(self, api_key: str, line: str = "", base_url: str = "", timeout: float = 10) -> None:
        if not api_key:
            raise InvalidRecord("Kavenegar needs its API key", {"sms_token": ["the panel's API key"]})
        self.api_key, self.line = api_key, line
        self.base = _base(base_url, self.DEFAULT_URL)
        self._http = _Http("Kavenegar", timeout)

    def _url(self, method: str) -> str:
        return f"{self.base}/v1/{quote(self.api_key, safe='')}/sms/{method}.json"

    def _post(self, method: str, fields: Mapping[str, str]) -> list[dict[str, Any]]:
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked in __init__)
            self._url(method), urlencode(fields).encode(), {"Accept": "application/json"}, method="POST")
        http_status, body = self._http.call(request)
        answer = body.get("return") if isinstance(body, dict) else None
        if not isinstance(answer, dict):
            raise SendFailed(f"Kavenegar answered {http_status} without its usual body")
        status, text = answer.get("status"), str(answer.get("message") or "")
        if status != 200:
            error = SendRefused if status in KAVENEGAR_FINAL_REFUSALS else SendFailed
            raise error(f"Kavenegar refused it ({status}): {text}".rstrip(": "))
        entries = body.get("entries")
        return entries if isinstance(entries, list) else []

    def send(self, message: Notification) -> Receipt:
        fields = {"receptor": local_number(message.recipient), "message": message.body,
                  "localid": str(message.id)}
        if self.line:
            fields["sender"] = self.line
        entries = self._post("send", fields)
        if not entries or "messageid" not in entries[0]:
            raise SendFailed("Kavenegar took the message but named no message id")
        entry = entries[0]
        cost = entry.get("cost")
        return Receipt(self.name, str(entry["messageid"]), int(cost) if isinstance(cost, int | float) else None,
                       KAVENEGAR_STATES.get(entry.get("status")))

    def delivery(self, refs: Sequence[str]) -> dict[str, str]:
        """The state of each message id Kavenegar reports on (an id it does not know is left out)."""
        states: dict[str, str] = {}
        for start in range(0, len(refs), KAVENEGAR_STATUS_BATCH):
            chunk = refs[start:start + KAVENEGAR_STATUS_BATCH]
            for entry in self._post("status", {"messageid": ",".join(chunk)}):
                state = KAVENEGAR_STATES.get(entry.get("status"))
                if state and entry.get("messageid") is not None:
                    states[str(entry["messageid"])] = state
        return states


# -- SMS.ir ---------------------------------------------------------------------------------------

# the deliveryState of SMS.ir's message report
SMSIR_STATES = {1: "delivered", 2: "undelivered", 3: "at_operator", 4: "failed", 5: "at_operator", 6: "failed",
                7: "blocked"}


class SmsIrSender:
    """SMS.ir's REST API v1: ``POST {base}/v1/send/bulk`` with the ``X-API-KEY`` header and a JSON body of
    ``lineNumber``, ``messageText``, ``mobiles`` and ``sendDateTime`` (null: now); ``status`` 1 means taken,
    ``data`` holds ``packId``, ``messageIds`` and ``cost`` (in credits, one per SMS part: priced with
    ``part_price_rial``). ``GET {base}/v1/send/{messageId}`` reports one message's ``deliveryState``.
    SMS.ir serves Iranian mobiles only."""

    name = "smsir"
    DEFAULT_URL = "https://api.sms.ir"
    report_batch = 50  # messages asked about per round: one request each

    def __init__(self, api_key: str, line: str, base_url: str = "", part_price_rial: int = 0,
                 timeout: float = 10) -> None:
        errors = {}
        if not api_key:
            errors["sms_token"] = ["the panel's API key"]
        if not str(line).isdigit():
            errors["sms_line"] = ["the line number messages are sent from, e.g. 30007732000000"]
        if errors:
            raise InvalidRecord("SMS.ir needs its API key and line number", errors)
        self.api_key, self.line, self.part_price_rial = api_key, int(line), part_price_rial
        self.base = _base(base_url, self.DEFAULT_URL)
        self._http = _Http("SMS.ir", timeout)

    def _call(self, path: str, payload: Any | None = None) -> Any:
        headers = {"X-API-KEY": self.api_key, "Accept": "application/json"}
        data = None
        if payload is not None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked in __init__)
            f"{self.base}/v1/{path}", data, headers, method="POST" if data is not None else "GET")
        http_status, body = self._http.call(request)
        if not isinstance(body, dict) or "status" not in body:
            raise SendFailed(f"SMS.ir answered {http_status} without its usual body")
        if body["status"] != 1:
            raise SendFailed(f"SMS.ir refused it ({body['status']}): {body.get('message') or ''}".rstrip(": "))
        return body.get("data")

    def send(self, message: Notification) -> Receipt:
        if not message.recipient.startswith("+989"):
            raise SendRefused("SMS.ir sends to Iranian mobile numbers only")
        data = self._call("send/bulk", {"lineNumber": self.line, "messageText": message.body,
                                        "mobiles": [local_number(message.recipient)], "sendDateTime": None})
        ids = data.get("messageIds") if isinstance(data, dict) else None
        if not ids:
            raise SendFailed("SMS.ir took the message but named no message id")
        credits = data.get("cost")
        cost = (math.ceil(credits * self.part_price_rial)
                if isinstance(credits, int | float) and self.part_price_rial else None)
        return Receipt(self.name, str(ids[0]), cost, "queued")

    def delivery(self, refs: Sequence[str]) -> dict[str, str]:
        """The state of each message SMS.ir has a delivery report for (one request per message, as its API
        asks; a message still without a report is left out)."""
        states: dict[str, str] = {}
        for ref in refs:
            data = self._call(f"send/{quote(ref, safe='')}")
            state = SMSIR_STATES.get(data.get("deliveryState")) if isinstance(data, dict) else None
            if state:
                states[ref] = state
        return states


def panel_from(settings: Any) -> KavenegarSender | SmsIrSender | None:
    """The panel ``sms_provider`` names, built from ``sms_token`` (its API key), ``sms_line`` and
    ``sms_endpoint`` (another address than the panel's own, e.g. a proxy); None for the generic gateway."""
    provider = getattr(settings, "sms_provider", "")
    if provider == "kavenegar":
        return KavenegarSender(settings.sms_token, settings.sms_line, settings.sms_endpoint)
    if provider == "smsir":
        return SmsIrSender(settings.sms_token, settings.sms_line, settings.sms_endpoint,
                           part_price_rial=settings.sms_part_price_rial)
    if provider:
        raise InvalidRecord(f"unknown SMS panel {provider!r}", {"sms_provider": [f"one of: {', '.join(PROVIDERS)}"]})
    return None
