"""Links a customer opens without an account: ``<id>.<expiry (unix seconds)>.<HMAC-SHA256, hex>`` under a key
of one purpose, so a link made for one thing opens nothing else. Reading one checks the signature in constant
time before anything else; unreadable, forged and expired links are told apart only as ``invalid`` and
``expired``."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from crm.clock import as_utc, utcnow
from crm.errors import CrmError


class LinkRefused(CrmError):
    """``reason``: ``invalid`` (unreadable or forged) or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"this link is {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Link:
    record_id: int
    expires_at: datetime


def _mac(key: str, purpose: str, body: str) -> str:
    return hmac.new(key.encode(), f"{purpose}|{body}".encode(), hashlib.sha256).hexdigest()[:32]


def sign(key: str, purpose: str, record_id: int, expires_at: datetime) -> str:
    body = f"{record_id}.{int(as_utc(expires_at).timestamp())}"
    return f"{body}.{_mac(key, purpose, body)}"


def read(key: str, purpose: str, token: str, now: datetime | None = None) -> Link:
    """The record and expiry a link of ``purpose`` carries, if its signature holds and it has not expired."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 12 for p in parts[:2]):
        raise LinkRefused("invalid")
    if not hmac.compare_digest(parts[2], _mac(key, purpose, f"{parts[0]}.{parts[1]}")):
        raise LinkRefused("invalid")
    link = Link(int(parts[0]), datetime.fromtimestamp(int(parts[1]), tz=UTC))
    if link.expires_at <= (now or utcnow()):
        raise LinkRefused("expired")
    return link
