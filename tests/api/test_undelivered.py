"""A customer message that fails for good is not "sent": its owner (who started the process, else the
customer's owner) hears of it in their inbox, in their language, with a link to the customer; a message nobody
owns stays failed in the outbox. The SMS panel is a local HTTP server that refuses every message."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from api.composition import build, ravand_ctx
from api.outbox import dispatch_outbox
from crm import notify
from crm.customers import create_customer
from tests.api.conftest import Api
from tests.conftest import Database


class RefusingPanel(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"error": "panel out of credit"}).encode())

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def panel() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingPanel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/send"
    server.shutdown()


def _queue(api: Api, owner: str | None, name: str) -> int:
    with api.app.extensions["ravand"].sessions() as session:
        ctx = ravand_ctx(session, owner or "system")
        customer, _ = create_customer(ctx, {"person_name": name, "mobile": "09121234567", "owner": owner})
        notify.queue(ctx, channel="sms", recipient="+989121234567", template="referral_declined", locale="fa",
                     customer_id=customer.id, params={"name": name, "referred_name": "رضا"})
        session.commit()
        return customer.id


def test_the_owner_hears_of_a_customer_message_that_failed_for_good(api: Api, db: Database, panel: str) -> None:
    customer_id = _queue(api, "alice", "زهرا موسوی")
    _queue(api, None, "Nobody's customer")
    ravand = build(api.app.extensions["ravand"].settings.with_overrides(sms_endpoint=panel, notify_max_attempts=1))
    report = dispatch_outbox(ravand)
    assert (report.failed, len(report.failed_ids)) == (2, 2)
    inbox = api.call("GET", "/api/v1/me/notifications", "employee").get_json()
    assert inbox["total"] == 1
    notice = inbox["items"][0]
    assert notice["template"] == "message_undelivered" and notice["link"] == f"/app/customers/{customer_id}"
    assert "زهرا موسوی" in notice["subject"] and "+989121234567" in notice["body"]
    assert api.call("GET", "/api/v1/me/notifications", "employee2").get_json()["total"] == 0
    assert dispatch_outbox(ravand).failed == 0  # told once: a failed message is not tried, nor told, again
    assert api.call("GET", "/api/v1/me/notifications", "employee").get_json()["total"] == 1
