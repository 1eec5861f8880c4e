"""The customer's link to a quote: signed with a key derived from the app's secret, valid to the end of the
quote's last valid day (Tehran), and sent by SMS and e-mail to the customer's number and address on record
when the quote is sent (``POST /quotes/{id}/send``) or again on request (``POST /quotes/{id}/link``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from api.composition import Ravand
from api.keys import derived_key
from crm import notify, quotes, signed_links
from crm.customers import get_customer
from crm.models import Quote
from crm.unit import Ctx
from processes.notices import DEFAULT_PUBLIC_URL

LINK_PURPOSE = "quote-link"


def quote_key(app: Ravand) -> str:
    """The key that signs quote links (derived from the app's secret, never the secret itself)."""
    return derived_key(app.settings, "quote links")


def link_expiry(app: Ravand, quote: Quote) -> datetime:
    """The end of the quote's last valid day, in the company's time zone."""
    return datetime.combine(quote.valid_until + timedelta(days=1), time(), tzinfo=ZoneInfo(app.settings.timezone))


def quote_url(app: Ravand, quote: Quote) -> str:
    base = str(app.settings.public_url or DEFAULT_PUBLIC_URL).rstrip("/")
    token = signed_links.sign(quote_key(app), LINK_PURPOSE, quote.id, link_expiry(app, quote))
    return f"{base}/portal/quotes/{token}"


def send_quote_link(ctx: Ctx, app: Ravand, quote: Quote) -> int:
    """Queue the link by SMS and e-mail to the customer's mobile number and address on record; how many
    messages were queued (none without either, or past the daily cap)."""
    customer = get_customer(ctx.session, quote.customer_id)
    figures = quotes.totals(quote, quotes.lines_of(ctx.session, quote.id))
    params: dict[str, Any] = {"name": customer.person_name or customer.company_name or "", "quote_id": quote.id,
                              "payable": figures.payable, "valid_until": quote.valid_until,
                              "quote_url": quote_url(app, quote)}
    cap = notify.daily_cap(app.engine.ctx.settings)
    queued = 0
    channels: tuple[tuple[Literal["sms", "email"], str | None], ...] = (("sms", customer.mobile),
                                                                         ("email", customer.email))
    for channel, address in channels:
        if address and notify.queue(ctx, channel=channel, recipient=address, template="quote_sent",
                                    locale=customer.locale or "fa", customer_id=customer.id, daily_limit=cap,
                                    params=params):
            queued += 1
    return queued
