"""Local servers that speak two Iranian SMS panels' documented HTTP APIs, since the real services cannot be
reached from here: Kavenegar's REST v1 (``/v1/{API-KEY}/sms/send.json`` and ``status.json``, form fields in,
``{"return": {...}, "entries": [...]}`` out) and SMS.ir's REST v1 (``POST /v1/send/bulk`` and
``GET /v1/send/{messageId}`` with the ``X-API-KEY`` header, ``{"status", "message", "data"}`` out). They
check what those APIs check that Ravand's adapters rely on (the key, the receptor, the line, a repeated
``localid``), keep every message, and let a test set a message's delivery state."""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

IRANIAN_MOBILE = re.compile(r"(0|0098|\+98)?9\d{9}")
PART_PRICE_RIAL = 1_150  # what one Persian SMS part costs on the test panel


def parts(text: str) -> int:
    """SMS parts of a text: 70 characters in one UCS-2 part, 67 each when split (GSM texts: 160 and 153)."""
    ucs2 = any(ord(ch) > 127 for ch in text)
    single, each = (70, 67) if ucs2 else (160, 153)
    return 1 if len(text) <= single else -(-len(text) // each)


@dataclass
class Sent:
    id: int
    receptor: str
    text: str
    line: str
    cost: int
    state: int | None
    localid: str | None = None


@dataclass
class Panel:
    key: str
    line: str
    sent: list[Sent] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    credit: int = 10_000_000
    fail_next: int = 0  # the next requests answer 500 (the panel is down)
    gate: threading.Event | None = None  # when set, a request waits for it (a slow panel) and says it came
    arrived: threading.Event = field(default_factory=threading.Event)
    answered: threading.Event = field(default_factory=threading.Event)  # a request has had its answer
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(8_792_343))

    def find(self, message_id: int) -> Sent | None:
        return next((s for s in self.sent if s.id == message_id), None)

    def set_state(self, message_id: str | int, state: int | None) -> None:
        found = self.find(int(message_id))
        assert found is not None, message_id
        found.state = state


class _Server(ThreadingHTTPServer):
    panel: Panel

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:
        return None

    def _answer(self, status: int, body: Any) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)
        self.server.panel.answered.set()

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


# -- Kavenegar ------------------------------------------------------------------------------------

class _Kavenegar(_Handler):
    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        self._handle(self._body())

    def _fail(self, status: int, message: str) -> None:
        self._answer(status, {"return": {"status": status, "message": message}, "entries": None})

    def _handle(self, body: bytes) -> None:
        panel = self.server.panel
        panel.arrived.set()
        if panel.gate is not None:
            panel.gate.wait(30)
        parts_ = urlsplit(self.path)
        fields = {k: v[-1] for k, v in parse_qs(parts_.query).items()}
        fields.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()})
        panel.requests.append({"path": unquote(parts_.path), "fields": fields, "headers": self._headers()})
        if panel.fail_next:
            panel.fail_next -= 1
            self._fail(500, "خطای داخلی سرور")
            return
        match = re.fullmatch(r"/v1/([^/]+)/sms/(send|status)\.json", unquote(parts_.path))
        if not match:
            self._fail(404, "متد مورد نظر پیدا نشد")
        elif match[1] != panel.key:
            self._fail(403, "کد شناسائی API-Key معتبر نمی‌باشد")
        elif match[2] == "send":
            self._send(panel, fields)
        else:
            self._status(panel, fields)

    @staticmethod
    def _entry(sent: Sent) -> dict[str, Any]:
        texts = {1: "در صف ارسال", 4: "ارسال به مخابرات", 10: "رسیده به گیرنده", 11: "نرسیده به گیرنده"}
        return {"messageid": sent.id, "message": sent.text, "status": sent.state,
                "statustext": texts.get(sent.state or 0, ""), "sender": sent.line, "receptor": sent.receptor,
                "date": 1_765_000_000, "cost": sent.cost}

    def _send(self, panel: Panel, fields: dict[str, str]) -> None:
        receptor, text = fields.get("receptor", ""), fields.get("message", "")
        if not receptor or not text:
            self._fail(400, "پارامترها ناقص هستند")
            return
        if not IRANIAN_MOBILE.fullmatch(receptor):
            self._fail(411, "گیرنده پیام معتبر نمی‌باشد")
            return
        localid = fields.get("localid")
        earlier = next((s for s in panel.sent if localid and s.localid == localid), None)
        if earlier:  # the same local id again: the message is not sent a second time
            self._answer(200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [self._entry(earlier)]})
            return
        cost = parts(text) * PART_PRICE_RIAL
        if cost > panel.credit:
            self._fail(418, "اعتبار حساب شما کافی نیست")
            return
        panel.credit -= cost
        sent = Sent(next(panel.ids), receptor, text, fields.get("sender", panel.line), cost, 1, localid)
        panel.sent.append(sent)
        self._answer(200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [self._entry(sent)]})

    def _status(self, panel: Panel, fields: dict[str, str]) -> None:
        entries = []
        for raw in fields.get("messageid", "").split(","):
            sent = panel.find(int(raw)) if raw.strip().isdigit() else None
            entries.append({"messageid": int(raw) if raw.strip().isdigit() else raw,
                            "status": sent.state if sent else 100,
                            "statustext": "" if sent else "شناسه پیامک نامعتبر است"})
        self._answer(200, {"return": {"status": 200, "message": "تایید شد"}, "entries": entries})


# -- SMS.ir ---------------------------------------------------------------------------------------

class _SmsIr(_Handler):
    def do_GET(self) -> None:
        self._handle(None)

    def do_POST(self) -> None:
        try:
            self._handle(json.loads(self._body() or b"null"))
        except ValueError:
            self._answer(400, {"status": 0, "message": "درخواست نامعتبر است", "data": None})

    def _handle(self, body: Any) -> None:
        panel = self.server.panel
        path = urlsplit(self.path).path
        panel.requests.append({"path": path, "json": body, "headers": self._headers(), "method": self.command})
        if panel.fail_next:
            panel.fail_next -= 1
            self._answer(500, {"status": 0, "message": "خطای داخلی سرور", "data": None})
            return
        if self.headers.get("X-API-KEY") != panel.key:
            self._answer(401, {"status": 10, "message": "کلید وب سرویس نامعتبر است", "data": None})
            return
        report = re.fullmatch(r"/v1/send/(\d+)", path)
        if self.command == "POST" and path == "/v1/send/bulk":
            self._send(panel, body if isinstance(body, dict) else {})
        elif self.command == "GET" and report:
            self._report(panel, int(report[1]))
        else:
            self._answer(404, {"status": 0, "message": "آدرس نامعتبر است", "data": None})

    def _send(self, panel: Panel, body: dict[str, Any]) -> None:
        mobiles, text = body.get("mobiles") or [], body.get("messageText") or ""
        if str(body.get("lineNumber")) != panel.line:
            self._answer(400, {"status": 0, "message": "شماره خط نامعتبر است", "data": None})
            return
        if not text or not mobiles or not all(isinstance(m, str) and IRANIAN_MOBILE.fullmatch(m) for m in mobiles):
            self._answer(400, {"status": 0, "message": "شماره موبایل یا متن پیام نامعتبر است", "data": None})
            return
        ids = []
        for mobile in mobiles:
            sent = Sent(next(panel.ids), mobile, text, panel.line, parts(text), None)
            panel.sent.append(sent)
            ids.append(sent.id)
        self._answer(200, {"status": 1, "message": "موفق", "data": {
            "packId": "5a7b6c0e-33f2-4c43-9a0e-0b3d1d8e7f21", "messageIds": ids,
            "cost": float(parts(text) * len(mobiles))}})

    def _report(self, panel: Panel, message_id: int) -> None:
        sent = panel.find(message_id)
        if sent is None:
            self._answer(200, {"status": 1, "message": "موفق", "data": None})
            return
        self._answer(200, {"status": 1, "message": "موفق", "data": {
            "messageId": sent.id, "mobile": sent.receptor, "messageText": sent.text, "sendDateTime": 1_765_000_000,
            "lineNumber": int(sent.line), "cost": float(sent.cost), "deliveryState": sent.state,
            "deliveryDateTime": 1_765_000_060 if sent.state == 1 else None}})


@contextmanager
def _serving(handler: type[_Handler], panel: Panel) -> Iterator[tuple[Panel, str]]:
    server = _Server(("127.0.0.1", 0), handler)
    server.panel = panel
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield panel, server.url
    finally:
        server.shutdown()
        server.server_close()


def kavenegar(key: str = "6B4D-TEST-KEY", line: str = "10004346") -> Any:
    """A Kavenegar panel on loopback: ``with kavenegar() as (panel, url): ...``."""
    return _serving(_Kavenegar, Panel(key, line))


def smsir(key: str = "smsir-test-key", line: str = "30007732000000") -> Any:
    """An SMS.ir panel on loopback: ``with smsir() as (panel, url): ...``."""
    return _serving(_SmsIr, Panel(key, line))
