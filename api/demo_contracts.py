"""The demo's contracts on every path of contract_approval: approved and signed by the customer's one-time
code (the renewal it was drafted for won), signed through an e-signature provider, changes asked by finance
then approved in a second round and signed, rejected, one sent and waiting for the customer's code, one
waiting for finance and legal (the late approvers reminded), one to deliver by hand to a customer with a
landline only, and one still being drafted."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from api.demo_sales import close_day
from api.intake import start_contract
from crm import contract_signing, opportunities
from crm.funnel import funnel_of
from crm.models import Contract, Notification
from crm.text import ascii_digits
from engine.clock import utcnow

TERMS = "پرداخت در سه قسط؛ پشتیبانی دوازده ماهه؛ تحویل ظرف ۳۰ روز."
CUSTOM = "پرداخت ۴۰٪ پیش از نصب و باقی در شش قسط ماهانه؛ جریمهٔ تأخیر تحویل روزانه ۰٫۱٪ مبلغ قرارداد."
CUSTOMER = "customer"


def _draft(title: str, amount: int, *, discount: int = 0, standard: bool = True, **extra: Any) -> dict[str, Any]:
    terms = {"terms": TERMS} if standard else {"custom_terms": CUSTOM}
    return {"title": title, "amount": amount, "discount_percent": discount, "standard_terms": standard, **terms,
            **extra}


def _start(demo: Any, customer: str, draft: dict[str, Any], **extra: Any) -> tuple[int, str]:
    data = {"customer_id": demo.customers[customer], "title": draft["title"], "amount": draft["amount"],
            "terms": TERMS, **extra}
    contract, instance_id = demo.intake(start_contract, data, "sara")
    return contract.id, instance_id


def approved(demo: Any, customer: str, draft: dict[str, Any], days: float, **extra: Any) -> tuple[int, str]:
    """Drafted by sara, approved by the sales manager (reza) a day later: sent with its link."""
    with demo.at(days, "09:30"):
        contract_id, instance_id = _start(demo, customer, draft, **extra)
        demo.work(instance_id, "edit", "sara", draft)
    with demo.at(days - 1, "11:00"):
        demo.work(instance_id, "approve_manager", "reza", {"decision": "approve", "comment": "با شرایط موافقم"})
    return contract_id, instance_id


def send_code(demo: Any, contract_id: int) -> str:
    """The customer opens the link and asks for a code; the code the SMS carried."""
    secret = demo.engine.ctx.settings["contract_link_secret"]

    def send(session: Any) -> str:
        from api.composition import ravand_ctx

        contract = session.get(Contract, contract_id)
        contract_signing.send_code(ravand_ctx(session, CUSTOMER), secret, contract, ip="192.0.2.10")
        sms = session.query(Notification).filter(Notification.template == "contract_code") \
            .order_by(Notification.id.desc()).first()
        return re.findall(r"(?<!\d)\d{6}(?!\d)", ascii_digits(sms.body))[0]
    return demo.run(send)


def sign_by_code(demo: Any, contract_id: int) -> None:
    """As the portal's accept does: the code checked, the signature sent to the waiting process."""
    code, secret = send_code(demo, contract_id), demo.engine.ctx.settings["contract_link_secret"]

    def accept(session: Any) -> None:
        from api.composition import ravand_ctx

        contract = session.get(Contract, contract_id)
        row = contract_signing.check_code(ravand_ctx(session, CUSTOMER), secret, contract, code)
        demo.engine.correlate(session, "contract_signed", correlation={"contract_id": contract_id}, actor=CUSTOMER,
                              waiting_only=True, variables={"signer": row.mobile, "signed_ip": "192.0.2.10",
                                                            "signed_via": "code", "signed_at": utcnow().isoformat()})
    demo.run(accept)


def stories(demo: Any) -> None:
    _signed(demo)
    _changes_then_signed(demo)
    with demo.at(70, "10:00"):
        contract_id, rejected = _start(demo, "hosseini", _draft("نگهداری دستگاه‌ها", 90_000_000))
        demo.work(rejected, "edit", "sara", _draft("نگهداری دستگاه‌ها", 90_000_000, discount=15))
    with demo.at(69, "12:00"):
        demo.work(rejected, "approve_manager", "reza", {"decision": "reject",
                                                         "reason": "تخفیف ۱۵٪ برای این مبلغ پذیرفتنی نیست"})
    contract_id, _ = approved(demo, "tabriz", _draft("Label printing licence", 420_000_000), 3)
    with demo.at(1, "18:30"):  # the customer opened the link and asked for a code, but has not entered it
        send_code(demo, contract_id)
    _at_finance_and_legal(demo)
    approved(demo, "bahman", _draft("ابزار دقیق کارگاه", 260_000_000), 2)  # no SMS or e-mail: by hand
    with demo.at(0.1, "09:00"):  # still being drafted
        _start(demo, "nouri", _draft("کارت‌خوان فروشگاه دوم", 60_000_000))


def _signed(demo: Any) -> None:
    """A renewal won by its contract, signed by code; an English customer's signed by e-signature."""
    funnel = funnel_of(demo.ravand.settings.funnel_stages)
    with demo.at(124, "10:00"):
        renewal = demo.records("sara", lambda ctx: opportunities.create_opportunity(ctx, {
            "customer_id": demo.customers["sepahan"], "kind": "renewal", "title": "تمدید پشتیبانی فروشگاه‌ها",
            "amount": 1_800_000_000, "stage": "negotiation", "expected_close": close_day(20)},
            today=date.today(), funnel=funnel).id)
    draft = _draft("قرارداد پشتیبانی سالانه", 1_800_000_000, discount=5)
    contract_id, _ = approved(demo, "sepahan", draft, 121, opportunity_id=renewal)
    with demo.at(118, "19:40"):
        sign_by_code(demo, contract_id)
    contract_id, _ = approved(demo, "caspian", _draft("Fleet tracking licence", 950_000_000), 58)
    with demo.at(55, "15:00"):
        demo.correlate("contract_signed", {"contract_id": contract_id}, actor="webhooks",
                       variables={"signer": "esign:CSP-20931", "signed_at": utcnow().isoformat()})


def _changes_then_signed(demo: Any) -> None:
    """Finance asks for a smaller discount; the second round shows what changed and is approved."""
    first = _draft("سامانه انبار و توزیع", 12_000_000_000, discount=18)
    with demo.at(90, "09:00"):
        contract_id, instance_id = _start(demo, "alborz", first)
        demo.work(instance_id, "edit", "sara", first)
    with demo.at(89, "10:00"):
        demo.work(instance_id, "approve_finance", "nima", {"decision": "changes", "reason": "تخفیف حداکثر ۱۰٪"})
    with demo.at(88, "09:30"):
        demo.work(instance_id, "edit", "sara", {**first, "discount_percent": 10})
    with demo.at(87, "11:00"):
        demo.work(instance_id, "approve_manager", "omid", {"decision": "approve"})
        demo.work(instance_id, "approve_finance", "nima", {"decision": "approve", "comment": "با تخفیف ۱۰٪ موافقم"})
    with demo.at(84, "17:00"):
        sign_by_code(demo, contract_id)


def _at_finance_and_legal(demo: Any) -> None:
    """Large, discounted and on its own terms: the manager approved; finance and legal are late (reminded)."""
    draft = _draft("راه‌اندازی سامانه در ۴۰ شعبه", 25_000_000_000, discount=12, standard=False,
                   start_date=close_day(20), end_date=close_day(385))
    with demo.at(5, "10:00"):
        _, instance_id = _start(demo, "pars", draft)
        demo.work(instance_id, "edit", "sara", draft)
    with demo.at(4, "12:00"):
        demo.work(instance_id, "approve_manager", "reza", {"decision": "approve"})
    with demo.at(2, "10:00"):
        demo.fire(instance_id, "approvers_late")
