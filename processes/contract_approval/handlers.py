"""Service tasks of ``contract_approval``: the draft, the rounds of parallel approval, the document,
the signature or the expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crm import contracts
from crm.clock import utcnow
from crm.customers import get_customer
from crm.documents import render_contract_html
from crm.models import Contract
from crm.money import format_amount
from crm.unit import Ctx
from engine.services import HandlerRegistry, ServiceCall
from processes.common import ctx_of, need
from processes.notices import public_url, tell_customer

DEFAULT_SIGN_DAYS = 14
DECIDING = {"record_manager": "manager", "record_finance": "finance", "record_legal": "legal"}


def _contract(ctx: Ctx, variables: dict[str, Any]) -> Contract:
    return contracts.get_contract(ctx.session, int(need(variables, "contract_id")))


def _terms(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in contracts.TERMS}


def open_draft(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A new draft from what the drafter gave (or the contract the API opened); the form shows its terms."""
    ctx = ctx_of(call)
    if variables.get("contract_id"):
        contract = _contract(ctx, variables)
    else:
        contract = contracts.draft(ctx, {"standard_terms": True, "discount_percent": 0, **{
            k: variables[k] for k in ("customer_id", *contracts.TERMS) if k in variables}})
    if contract.process_instance_id is None:
        ctx.change(contract, "contract", {"process_instance_id": call.instance_id})
    return {"contract_id": contract.id, "customer_id": contract.customer_id, **_terms(contract)}


def submit(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The drafter's terms become a revision (if they changed), then a new round of approval."""
    ctx = ctx_of(call)
    contract = _contract(ctx, variables)
    contracts.revise(ctx, contract.id, {k: variables[k] for k in contracts.TERMS if k in variables})
    contracts.submit(ctx, contract.id)
    return {**_terms(contract), "round": contract.rounds, "changes_comment": None}


def record_decision(variables: dict[str, Any], call: ServiceCall) -> None:
    """One level's decision in this round; the level is the task's element (``record_<level>``)."""
    level = DECIDING.get(call.element_id) or call.element_id.removeprefix("record_")
    contracts.decide(ctx_of(call), int(need(variables, "contract_id")), level=level,
                     decision=need(variables, "decision"), comment=variables.get("comment"))


def weigh(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A rejection wins; then a request for changes (its comments go back to the drafter); else approved."""
    ctx = ctx_of(call)
    contract = _contract(ctx, variables)
    round_ = [d for d in contracts.decisions(ctx.session, contract.id) if d.round == contract.rounds]
    kinds = {d.decision for d in round_}
    outcome = "rejected" if "reject" in kinds else "changes" if "changes" in kinds else "approved"
    comments = "\n".join(f"{d.level} ({d.by}): {d.comment}" for d in round_ if d.comment)
    return {"contract_outcome": outcome, "changes_comment": comments or None,
            "decision": None, "comment": None}


def send_back(variables: dict[str, Any], call: ServiceCall) -> None:
    contracts.request_changes(ctx_of(call), int(need(variables, "contract_id")))


def reject(variables: dict[str, Any], call: ServiceCall) -> None:
    contracts.reject(ctx_of(call), int(need(variables, "contract_id")))


def render(variables: dict[str, Any], call: ServiceCall) -> None:
    """Approved: the document in the customer's language (right to left for Persian) is attached."""
    ctx = ctx_of(call)
    contract = contracts.approve(ctx, int(need(variables, "contract_id")))
    customer = get_customer(ctx.session, contract.customer_id)
    contracts.attach_document(ctx, contract.id, render_contract_html(contract, customer,
                                                                     locale=customer.locale or "fa"))


def send(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Sent for signature; the offer stands ``contract_sign_days`` (setting, default 14) days."""
    ctx = ctx_of(call)
    days = int(call.settings.get("contract_sign_days") or DEFAULT_SIGN_DAYS)
    contract = contracts.mark_sent(ctx, int(need(variables, "contract_id")),
                                   expires_at=utcnow() + timedelta(days=days))
    _tell(ctx, call, contract, "contract_sent")
    return {"expires_at": contract.expires_at.isoformat()}


def _tell(ctx: Ctx, call: ServiceCall, contract: Contract, template: str) -> None:
    customer = get_customer(ctx.session, contract.customer_id)
    locale = customer.locale or "fa"
    tell_customer(ctx, call, customer, template=template, params={
        "contract_title": contract.title, "amount": format_amount(contract.amount, "rial", locale),
        "expires": contract.expires_at.date().isoformat() if contract.expires_at else "-",
        "contract_url": public_url(call, f"/api/v1/contracts/{contract.id}/document")})


def remind(variables: dict[str, Any], call: ServiceCall) -> None:
    ctx = ctx_of(call)
    _tell(ctx, call, _contract(ctx, variables), "contract_reminder")


def signed(variables: dict[str, Any], call: ServiceCall) -> None:
    """Signed now; what the e-signature provider said about it (``signer``, ``signed_at``, the only
    variables ``contract_signed`` may carry) goes to the journal beside it."""
    contract = contracts.mark_signed(ctx_of(call), int(need(variables, "contract_id")))
    said = {k: variables[k] for k in ("signer", "signed_at") if variables.get(k) is not None}
    if said:
        call.record("contract.signature", {"contract_id": contract.id, **said})


def expire(variables: dict[str, Any], call: ServiceCall) -> None:
    contracts.mark_expired(ctx_of(call), int(need(variables, "contract_id")))


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"contractDraft": open_draft, "contractSubmit": submit, "contractDecision": record_decision,
                          "contractOutcome": weigh, "contractChanges": send_back, "contractReject": reject,
                          "contractRender": render, "contractSend": send, "contractRemind": remind,
                          "contractSigned": signed, "contractExpire": expire}.items():
        registry.register(name, handler)
