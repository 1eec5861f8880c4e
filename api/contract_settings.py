"""What the contract process reads from ``call.settings``: the seller's legal details, the VAT rate, the offer's
and the link's lifetimes, and the key that signs the customer's links (derived from the app's secret)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from typing import Any

from api.keys import app_secret
from config import Settings

NAMES = ("seller_name", "seller_national_id", "seller_economic_code", "seller_registration_number",
         "seller_address", "seller_phone", "vat_percent", "contract_sign_days", "contract_link_days")


def link_key(secret: str) -> str:
    """The key of contract links: the app's secret is never used as is, only this derivation of it."""
    return hmac.new(secret.encode(), b"ravand contract links", hashlib.sha256).hexdigest()


def contract_settings(settings: Settings) -> dict[str, Any]:
    """The contract settings; without a secret (PostgreSQL and no ``secret_key``) no link key: sending a
    contract then stops with an incident that names the missing setting."""
    found: dict[str, Any] = {name: getattr(settings, name) for name in NAMES}
    with contextlib.suppress(RuntimeError):
        found["contract_link_secret"] = link_key(app_secret(settings))
    return found
