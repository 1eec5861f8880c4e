"""The customer's link to a quote: ``crm.signed_links`` under the quote-link key, valid to the end of the
quote's last valid day in the company's time zone, sent by SMS and e-mail to the customer's mobile number and
address on record (template ``quote_sent``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from crm import notify, quotes, signed_links
from crm.customers import get_customer
from crm.models import Quote
from crm.unit import Ctx

LINK_PURPOSE = "quote-link"
Channel = Literal["sms", "email"]


def link_expiry(quote: Quote, zone: str) -> datetime:
    """The end of the quote's last valid day, in ``zone``."""
    return datetime.combine(quote.valid_until + timedelta(days=1), time(), tzinfo=ZoneInfo(zone))


def quote_url(key: str, base: str, quote: Quote, zone: str) -> str:
    """The portal page of the quote under ``base`` (the public address), signed with ``key``."""
    token = signed_links.sign(key, LINK_PURPOSE, quote.id, link_expiry(quote, zone))
    return f"{base.rstrip('/')}/portal/quotes/{token}"


def send_quote_link(ctx: Ctx, quote: Quote, *, key: str, base: str, zone: str, daily_cap: int) -> int:
    """Queue the link by SMS and e-mail to the customer's mobile number and address on record; how many
    messages were queued (none without either, or past the daily cap)."""
    customer = get_customer(ctx.session, quote.customer_id)
    figures = quotes.totals(quote, quotes.lines_of(ctx.session, quote.id))
    params = {"name": customer.person_name or customer.company_name or "", "quote_id": quote.id,
              "payable": figures.payable, "valid_until": quote.valid_until,
              "quote_url": quote_url(key, base, quote, zone)}
    channels: tuple[tuple[Channel, str | None], ...] = (("sms", customer.mobile), ("email", customer.email))
    return sum(1 for channel, address in channels if address and notify.queue(
        ctx, channel=channel, recipient=address, template="quote_sent", locale=customer.locale or "fa",
        customer_id=customer.id, daily_limit=daily_cap, params=params))
