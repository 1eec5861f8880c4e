"""Messages that start or feed a CRM process are checked before they are answered.

``POST /api/v1/messages`` with a name that has a check here runs it inside the request's transaction,
after the sender's permission and the payload's declared variables and before anything is correlated or
started: an invalid lead, complaint or referral is a 422 with field errors (``variables.<field>``) and
nothing starts, never "200 started" followed by a failed instance. A check only reads; the process writes
the record as before. A business refusal (a self-referral, say) is not an invalid payload: the referral
process records it, so its check lets it through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from crm import complaints, leads
from crm.customers import find_customer_by_referral_code
from crm.errors import InvalidRecord, RecordNotFound
from crm.validation import Form
from engine.definitions.declarations import Caller, declared_anywhere, refuse_undeclared, require_sender
from engine.errors import InvalidData
from engine.facade import Engine

MessageCheck = Callable[[Session, Mapping[str, Any]], object]


class MessageChecks:
    """Message name → the check its payload must pass (raising ``InvalidRecord`` to refuse it)."""

    def __init__(self) -> None:
        self._checks: dict[str, MessageCheck] = {}

    def register(self, name: str, check: MessageCheck) -> None:
        self._checks[name] = check

    def __contains__(self, name: object) -> bool:
        return name in self._checks

    def vet(self, session: Session, engine: Engine, name: str, variables: Mapping[str, Any],
            caller: Caller | None) -> None:
        """Refuse the message now if its checked payload is invalid (403 and undeclared names come first)."""
        check = self._checks.get(name)
        if check is None:
            return
        if caller is not None:
            require_sender(session, engine.specs, "message", name, caller)
        refuse_undeclared("message", name, variables, declared_anywhere(session, engine.specs, "message", name))
        try:
            check(session, variables)
        except InvalidRecord as exc:
            errors = {f"variables.{field}": list(messages) for field, messages in exc.field_errors.items()}
            raise InvalidData(errors or {"variables": [exc.message]}, f"{name}: {exc.message}") from None


def check_lead(session: Session, variables: Mapping[str, Any]) -> None:
    leads.check_lead(session, variables)


def check_complaint(session: Session, variables: Mapping[str, Any]) -> None:
    """As the process files it (channel ``message`` unless the payload names one); an unknown customer is a
    field error, not a 404 of the route."""
    try:
        complaints.check_complaint(session, {"channel": "message", **variables})
    except RecordNotFound as exc:
        raise InvalidRecord("the complaint is not valid", {"customer_id": [exc.message]}) from None


def check_referral(session: Session, variables: Mapping[str, Any]) -> None:
    """What ``crm.referrals.refer`` reads first: the code names a customer; the referred person has a name and a
    valid mobile or e-mail. Refusals by the rules (a self-referral, an existing customer) are the process's to
    record, so they pass here."""
    form = Form(variables)
    code = form.text("code", required=True, max_len=64)
    form.text("referred_name", required=True)
    mobile, email = form.phone("referred_mobile", mobile=True), form.email("referred_email")
    if not (mobile or email or "referred_mobile" in form.errors or "referred_email" in form.errors):
        form.fail("referred_mobile", "give the referred person's mobile or email address / "
                                     "موبایل یا ایمیل فرد معرفی‌شده را بنویسید")
    if code and find_customer_by_referral_code(session, code) is None:
        form.fail("code", "no customer has this referral code / هیچ مشتری‌ای این کد معرفی را ندارد")
    form.check("the referral is not valid / معرفی کامل نیست")


def crm_checks() -> MessageChecks:
    """The checks of the messages that start the CRM's processes from outside."""
    checks = MessageChecks()
    checks.register("lead_received", check_lead)
    checks.register("complaint_received", check_complaint)
    checks.register("referral_received", check_referral)
    return checks
