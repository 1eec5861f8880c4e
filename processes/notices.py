"""Telling people: a message to a customer (SMS to a mobile, else e-mail) or an employee, through
the outbox, in the customer's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm import notify
from crm.models import Customer
from crm.unit import Ctx
from engine.services import ServiceCall

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def public_url(call: ServiceCall, path: str) -> str:
    """An address the customer can open (the ``public_url`` setting, else the embedded server)."""
    return str(call.settings.get("public_url") or DEFAULT_PUBLIC_URL).rstrip("/") + path


def tell(ctx: Ctx, call: ServiceCall, *, template: str, params: Mapping[str, Any], mobile: str | None = None,
         email: str | None = None, locale: str = "fa", customer_id: int | None = None) -> str | None:
    """Queue ``template`` for whoever can be reached (SMS first); the channel used, or None. Customer
    messages stop at ``notify_daily_per_recipient`` (a setting) per address in 24 hours."""
    setting = call.settings.get("notify_daily_per_recipient")
    cap = notify.DAILY_PER_RECIPIENT if setting is None else int(setting)
    for channel, address in (("sms", mobile), ("email", email)):
        if address:
            notify.queue(ctx, channel=channel, recipient=address, template=template, params=params,
                         locale=locale, customer_id=customer_id, process_instance_id=call.instance_id,
                         daily_limit=cap)
            return channel
    return None


def tell_customer(ctx: Ctx, call: ServiceCall, customer: Customer, *, template: str,
                  params: Mapping[str, Any]) -> str | None:
    name = customer.person_name or customer.company_name or ""
    return tell(ctx, call, template=template, params={"name": name, **params}, mobile=customer.mobile,
                email=customer.email, locale=customer.locale or "fa", customer_id=customer.id)
