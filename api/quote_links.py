"""The quote links from the composition root: the key (derived from the app's secret), the public address and
time zone the settings give, for the staff routes (``POST /quotes/{id}/link``), the customer's routes
(``api.resources.crm.quote_links``) and the ``quote_approval`` process (``quote_settings``)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from api.keys import derived_key
from config import Settings
from crm import quote_links
from crm.models import Quote
from crm.notify import daily_cap
from crm.unit import Ctx
from processes.notices import DEFAULT_PUBLIC_URL

LINK_PURPOSE = quote_links.LINK_PURPOSE


def public_base(settings: Settings) -> str:
    return str(settings.public_url or DEFAULT_PUBLIC_URL)


def quote_key(settings: Settings) -> str:
    """The key that signs quote links (derived from the app's secret, never the secret itself)."""
    return derived_key(settings, "quote links")


def quote_settings(settings: Settings) -> dict[str, Any]:
    """What the ``quote_approval`` process reads from ``call.settings`` to send the customer's link; without a
    secret (PostgreSQL and no ``secret_key``) no key: sending then stops with an incident that names it."""
    found: dict[str, Any] = {"quote_link_zone": settings.timezone}
    with contextlib.suppress(RuntimeError):
        found["quote_link_secret"] = quote_key(settings)
    return found


def link_expiry(settings: Settings, quote: Quote) -> datetime:
    return quote_links.link_expiry(quote, settings.timezone)


def quote_url(settings: Settings, quote: Quote) -> str:
    return quote_links.quote_url(quote_key(settings), public_base(settings), quote, settings.timezone)


def send_quote_link(ctx: Ctx, settings: Settings, service_settings: Any, quote: Quote) -> int:
    return quote_links.send_quote_link(ctx, quote, key=quote_key(settings), base=public_base(settings),
                                       zone=settings.timezone, daily_cap=daily_cap(service_settings))
