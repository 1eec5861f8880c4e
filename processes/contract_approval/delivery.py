"""Service tasks of ``contract_approval`` after approval: the document (seller's legal details and VAT from
the settings), sending it with a signed link (or a task to deliver it by hand when nothing reaches the
customer), reminders, the signature (the sale recorded) and the expiry (the drafter told)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from crm import contracts
from crm.clock import utcnow
from crm.contract_signing import link_token
from crm.customers import get_customer
from crm.documents import SELLER_FIELDS, render_contract_html
from crm.models import Contract, Customer
from crm.unit import Ctx
from engine.runtime.services import ServiceCall
from processes.common import ctx_of, need
from processes.notices import public_url, tell_customer, tell_staff

DEFAULT_SIGN_DAYS = 14
DEFAULT_VAT_PERCENT = 10


def vat_percent(call: ServiceCall) -> int:
    return settings_vat_percent(call.settings)


def settings_vat_percent(settings: Mapping[str, Any]) -> int:
    """The VAT rate contracts are sent with (the ``vat_percent`` setting, else the default)."""
    value = settings.get("vat_percent")
    return DEFAULT_VAT_PERCENT if value is None else int(value)


def seller(call: ServiceCall) -> dict[str, str]:
    return {name: str(call.settings.get(f"seller_{name}") or "") for name in SELLER_FIELDS}


def _contract(ctx: Ctx, variables: dict[str, Any]) -> Contract:
    return contracts.get_contract(ctx.session, int(need(variables, "contract_id")))


def contract_link(call: ServiceCall, contract: Contract, locale: str) -> str:
    """The customer's signed link to this revision, valid ``contract_link_days`` (default: the offer's days)."""
    secret = call.settings.get("contract_link_secret")
    if not secret:
        raise RuntimeError("the setting contract_link_secret is missing: links to contracts cannot be signed")
    days = int(call.settings.get("contract_link_days") or call.settings.get("contract_sign_days") or DEFAULT_SIGN_DAYS)
    expires = min(contract.expires_at, utcnow() + timedelta(days=days)) if contract.expires_at else \
        utcnow() + timedelta(days=days)
    token = link_token(str(secret), contract.id, contract.revision, expires)
    return public_url(call, f"/portal/contracts/{token}?lang={locale}")


def render(variables: dict[str, Any], call: ServiceCall) -> None:
    """Approved: the document in the customer's language (right to left for Persian) is attached."""
    ctx = ctx_of(call)
    contract = contracts.approve(ctx, int(need(variables, "contract_id")))
    customer = get_customer(ctx.session, contract.customer_id)
    html = render_contract_html(contract, customer, locale=customer.locale or "fa", seller=seller(call),
                                vat_percent=vat_percent(call), timezone=str(call.settings.get("timezone")
                                                                            or "Asia/Tehran"))
    contracts.attach_document(ctx, contract.id, html)


def _customer_vars(customer: Customer) -> dict[str, Any]:
    return {"customer_name": customer.company_name or customer.person_name,
            "customer_phone": customer.phone or customer.mobile}


def send(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Sent for signature with the VAT rate fixed; the offer stands ``contract_sign_days`` (setting, default 14)
    days. ``sent_by`` is the channel that reaches the customer, or None: the drafter then delivers it by hand."""
    ctx = ctx_of(call)
    days = int(call.settings.get("contract_sign_days") or DEFAULT_SIGN_DAYS)
    contract = contracts.mark_sent(ctx, int(need(variables, "contract_id")),
                                   expires_at=utcnow() + timedelta(days=days), vat_percent=vat_percent(call))
    customer = get_customer(ctx.session, contract.customer_id)
    channel, link = _tell(ctx, call, contract, customer, "contract_sent")
    call.record("contract.sent", {"contract_id": contract.id, "channel": channel})
    return {"expires_at": contract.expires_at.isoformat(), "sent_by": channel, "contract_link": link,
            **_customer_vars(customer)}


def _tell(ctx: Ctx, call: ServiceCall, contract: Contract, customer: Customer, template: str
          ) -> tuple[str | None, str]:
    locale = customer.locale or "fa"
    link = contract_link(call, contract, locale)
    tz_day = contract.expires_at.date() if contract.expires_at else None
    channel = tell_customer(ctx, call, customer, template=template, params={
        "contract_title": contract.title, "contract_url": link, "expires": tz_day or "-",
        "payable": contracts.payable(contract)})
    return channel, link


def remind(variables: dict[str, Any], call: ServiceCall) -> None:
    ctx = ctx_of(call)
    contract = _contract(ctx, variables)
    if contract.status == "sent":
        _tell(ctx, call, contract, get_customer(ctx.session, contract.customer_id), "contract_reminder")


def signed(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Signed now: by the customer's one-time code (``signed_via`` ``code``, with the mobile number and address)
    or by an e-signature provider's callback; journaled as the signature. The sale is recorded."""
    via = "code" if variables.get("signed_via") == "code" else "integration"
    contract = contracts.mark_signed(ctx_of(call), int(need(variables, "contract_id")),
                                     mobile=variables.get("signer") if via == "code" else None,
                                     ip=variables.get("signed_ip"), via=via)
    said = {k: variables[k] for k in ("signer", "signed_at", "signed_ip") if variables.get(k) is not None}
    call.record("contract.signature", {"contract_id": contract.id, "revision": contract.revision, "via": via,
                                       "at": contract.signed_at.isoformat(), "purchase_id": contract.purchase_id,
                                       **said})
    return {"purchase_id": contract.purchase_id}


def expire(variables: dict[str, Any], call: ServiceCall) -> None:
    """The offer lapsed: recorded, and the drafter told (besides the follow-up task)."""
    ctx = ctx_of(call)
    contract = contracts.mark_expired(ctx, int(need(variables, "contract_id")))
    drafter = variables.get("drafter") or contract.created_by
    tell_staff(call, ctx, [drafter] if drafter else [], template="contract_offer_expired", params={
        "contract_title": contract.title, "customer": variables.get("customer_name") or "",
        "expires": contract.expires_at or "-"})


HANDLERS = {"contractRender": render, "contractSend": send, "contractRemind": remind, "contractSigned": signed,
            "contractExpire": expire}
