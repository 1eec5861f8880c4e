"""Service tasks of ``contract_approval``: the draft, the rounds of approval (the four-eyes guard, the first
rejection or request for changes ending the round, late approvers reminded then escalated); the document,
the delivery and the signature are in ``delivery``."""

from __future__ import annotations

from datetime import date
from typing import Any

from crm import contracts
from crm.contract_terms import figures
from crm.customers import get_customer
from crm.errors import InvalidRecord
from crm.jalali import jalali
from crm.models import Contract
from crm.money import format_number
from crm.record_cards import levels_in_words
from crm.record_labels import field_label
from crm.text import in_language, persian_digits
from crm.unit import Ctx
from engine.runtime.services import HandlerRegistry, ServiceCall
from processes.common import ctx_of, need
from processes.contract_approval import delivery
from processes.notices import tell_staff

ESCALATE_TO = "group:managers"
GROUPS = {"manager": "managers", "finance": "finance", "legal": "legal", "ceo": "ceo"}


def _contract(ctx: Ctx, variables: dict[str, Any]) -> Contract:
    return contracts.get_contract(ctx.session, int(need(variables, "contract_id")))


def _terms(contract: Contract) -> dict[str, Any]:
    values = {name: getattr(contract, name) for name in contracts.TERMS}
    values["start_date"] = contract.start_date.isoformat() if contract.start_date else None
    values["end_date"] = contract.end_date.isoformat() if contract.end_date else None
    values["instalments"] = "\n".join(f"{i['due']} {i['amount']}" for i in contract.instalments or []) or None
    values["custom_terms"] = None if contract.standard_terms else contract.terms
    return values


def open_draft(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A new draft from what the drafter gave (or the contract the API opened); the form shows its terms."""
    ctx = ctx_of(call)
    if variables.get("contract_id"):
        contract = _contract(ctx, variables)
    else:
        contract = contracts.draft(ctx, {"standard_terms": True, "discount_percent": 0, **{
            k: variables[k] for k in ("customer_id", "opportunity_id", *contracts.TERMS) if k in variables}})
    if contract.process_instance_id is None:
        ctx.change(contract, "contract", {"process_instance_id": call.instance_id})
    customer = get_customer(ctx.session, contract.customer_id)
    return {"contract_id": contract.id, "customer_id": contract.customer_id, "drafter": variables.get("drafter")
            or contract.created_by or call.actor, "customer_name": customer.company_name or customer.person_name,
            "submitted_revision": 0, **_terms(contract)}


def _given_terms(variables: dict[str, Any]) -> dict[str, Any]:
    given = {k: variables[k] for k in contracts.TERMS if k in variables}
    if variables.get("standard_terms") is False:
        given["terms"] = variables.get("custom_terms") or ""
    return given


def _reader_locale(call: ServiceCall) -> str:
    """The language of whoever completed the step (the drafter, who reads the problem): English unless known."""
    directory = call.settings.get("staff_directory")
    found = directory(call.session, [call.actor]) if directory and call.actor else []
    return found[0].locale if found else "en"


def _problem(exc: InvalidRecord, locale: str) -> str:
    """What must be fixed, a line per field in the drafter's language: the field's label, then the reason."""
    joined = "؛ " if locale == "fa" else "; "
    lines = [f"{field_label(field)[locale]}: {joined.join(in_language(m, locale) for m in messages)}"
             for field, messages in exc.field_errors.items()]
    return "\n".join(lines) or in_language(exc.message, locale)


def _changes_since(ctx: Ctx, contract: Contract, since: int) -> str | None:
    """The fields revised after revision ``since`` (the one last submitted): ``field: before → after``."""
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for revision in contracts.revisions(ctx.session, contract.id):
        if revision.number > since and since > 0:
            for field, (before, after) in revision.changes.items():
                first.setdefault(field, before)
                last[field] = after
    lines = [_change_line(field, first[field], last[field]) for field in last if first[field] != last[field]]
    return "\n".join(lines) or None


def _value_in(value: Any, locale: str) -> str:
    """A revised value as its reader writes it: amounts grouped, days in their calendar, instalments as days
    and amounts, in Persian digits for Persian."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("بله" if value else "خیر") if locale == "fa" else ("yes" if value else "no")
    if isinstance(value, int):
        return format_number(value, locale)
    if isinstance(value, list):
        return ("؛ " if locale == "fa" else "; ").join(
            f"{_value_in(i.get('due'), locale)}: {_value_in(i.get('amount'), locale)}" if isinstance(i, dict)
            else _value_in(i, locale) for i in value)
    if isinstance(value, str) and locale == "fa":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        shamsi = jalali(day)
        return persian_digits(f"{shamsi.year}/{shamsi.month:02d}/{shamsi.day:02d}")
    return str(value)


def _instalments_text(contract: Contract) -> str | None:
    """The instalments for approvers, a line each in both languages: "۱۴۰۵/۱۱/۰۱: ۳۰٬۰۰۰٬۰۰۰ ریال / 2027-01-21:
    30,000,000 rials" (each reader's form shows their half)."""
    return "\n".join(f"{_value_in(i['due'], 'fa')}: {_value_in(i['amount'], 'fa')} ریال / "
                     f"{_value_in(i['due'], 'en')}: {_value_in(i['amount'], 'en')} rials"
                     for i in contract.instalments or []) or None


def _change_line(field: str, before: Any, after: Any) -> str:
    """One revised field in both languages, "label: before ← after / Label: before → after": each reader's task
    form shows their half (api.form_lists.shown_data)."""
    label = field_label(field)
    persian = f"{label['fa']}: {_value_in(before, 'fa')} ← {_value_in(after, 'fa')}"
    return f"{persian} / {label['en']}: {_value_in(before, 'en')} → {_value_in(after, 'en')}"


def submit(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The drafter's terms become a revision (if they changed), then a new round of approval. Terms that do not
    hold (a date that does not exist, terms missing off the standard terms) send the draft back with the
    problem, never fail the instance."""
    ctx = ctx_of(call)
    contract = _contract(ctx, variables)
    try:
        contracts.revise(ctx, contract.id, _given_terms(variables))  # refuses before it changes anything
    except InvalidRecord as exc:
        return {"draft_problem": _problem(exc, _reader_locale(call))}
    contracts.submit(ctx, contract.id)
    numbers = figures(contract.amount, contract.discount_percent, delivery.vat_percent(call))
    return {**_terms(contract), "round": contract.rounds, "changes_comment": None, "draft_problem": None,
            "revision_changes": _changes_since(ctx, contract, int(variables.get("submitted_revision") or 0)),
            "submitted_revision": contract.revision,
            "net_amount": numbers.net, "vat_amount": numbers.vat, "payable_amount": numbers.payable,
            "period": " – ".join(d.isoformat() for d in (contract.start_date, contract.end_date) if d) or None,
            "instalments_text": _instalments_text(contract)}


def _level(element_id: str) -> str:
    return element_id.split("_", 1)[1]


def guard_approver(variables: dict[str, Any], call: ServiceCall) -> None:
    """Four eyes, before anyone claims, is given or completes an approval: not the drafter or last reviser,
    and one level a round per person (a RecordConflict otherwise: 409, the level stays open)."""
    contracts.check_decider(call.session, int(need(variables, "contract_id")), _level(call.element_id), call.actor)


def _round_text(ctx: Ctx, contract: Contract) -> str:
    return "\n".join(f"{d.level} ({d.by}): {d.decision}" + (f" — {d.comment}" if d.comment else "")
                     for d in contracts.round_decisions(ctx.session, contract))


def record_decision(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """One level's decision in this round (the level is the element's ``record_<level>``), its comment kept:
    the reason given to reject or ask for changes, or the optional comment of an approval."""
    ctx = ctx_of(call)
    decision = need(variables, "decision")
    comment = variables.get("comment") if decision == "approve" else variables.get("reason")
    contract = _contract(ctx, variables)
    contracts.decide(ctx, contract.id, level=_level(call.element_id), decision=decision, comment=comment)
    return {"round_decisions": _round_text(ctx, contract)}


def round_so_far(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The decisions of the parallel levels, for the level that decides after them."""
    ctx = ctx_of(call)
    return {"round_decisions": _round_text(ctx, _contract(ctx, variables)) or None}


def weigh(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A rejection wins; then a request for changes (its comments go back to the drafter); else approved. The
    levels that had not decided when the round stopped are journaled as withdrawn."""
    ctx = ctx_of(call)
    contract = _contract(ctx, variables)
    round_ = contracts.round_decisions(ctx.session, contract)
    kinds = {d.decision for d in round_}
    outcome = "rejected" if "reject" in kinds else "changes" if "changes" in kinds else "approved"
    withdrawn = sorted(set(variables.get("levels") or ()) - {d.level for d in round_})
    if outcome != "approved" and withdrawn:
        call.record("contract.decisions_withdrawn", {"contract_id": contract.id, "round": contract.rounds,
                                                     "levels": withdrawn, "outcome": outcome})
    comments = "\n".join(f"{d.level} ({d.by}): {d.comment}" for d in round_ if d.comment)
    return {"contract_outcome": outcome, "changes_comment": comments or None, "decision": None, "comment": None,
            "reason": None}


def send_back(variables: dict[str, Any], call: ServiceCall) -> None:
    contracts.request_changes(ctx_of(call), int(need(variables, "contract_id")))


def reject(variables: dict[str, Any], call: ServiceCall) -> None:
    contracts.reject(ctx_of(call), int(need(variables, "contract_id")))


def _late_levels(ctx: Ctx, contract: Contract, variables: dict[str, Any]) -> list[str]:
    decided = {d.level for d in contracts.round_decisions(ctx.session, contract)}
    return [level for level in dict.fromkeys(variables.get("levels") or ()) if level not in decided]


def _tell_late(variables: dict[str, Any], call: ServiceCall, template: str, escalate: bool) -> None:
    ctx = ctx_of(call)
    contract = _contract(ctx, variables)
    late = _late_levels(ctx, contract, variables)
    if contract.status != "in_approval" or not late:
        return
    recipients = [ESCALATE_TO] if escalate else [f"group:{GROUPS.get(level, level)}" for level in late]
    told = tell_staff(call, ctx, recipients, template=template, params={
        "contract_title": contract.title, "levels": levels_in_words(late),
        "customer": variables.get("customer_name") or "",
        "payable": int(variables.get("payable_amount") or contract.amount)})
    call.record("contract.approval_escalated" if escalate else "contract.approval_late",
                {"contract_id": contract.id, "round": contract.rounds, "levels": late, "told": told})


def approvers_late(variables: dict[str, Any], call: ServiceCall) -> None:
    """A working day past the round's start: the groups of the levels still open are reminded."""
    _tell_late(variables, call, "contract_approval_late", escalate=False)


def approvers_overdue(variables: dict[str, Any], call: ServiceCall) -> None:
    """Past the due date: the managers are told which levels are overdue."""
    _tell_late(variables, call, "contract_approval_escalated", escalate=True)


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"contractDraft": open_draft, "contractSubmit": submit, "contractDecision": record_decision,
                          "contractRoundSoFar": round_so_far,
                          "contractApprover": guard_approver, "contractOutcome": weigh,
                          "contractChanges": send_back, "contractReject": reject,
                          "contractApproversLate": approvers_late, "contractApproversOverdue": approvers_overdue,
                          **delivery.HANDLERS}.items():
        registry.register(name, handler)
