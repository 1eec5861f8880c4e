"""The demo's referrals on every path of referral_rewards: rewarded with points, rewarded with a discount
voucher (one spent on a later purchase, one not yet), declined by the manager's review with the reason,
refused at intake (a self-referral from the portal, an unknown code), one waiting for its lead's call and one
waiting for the first purchase; and loyalty points spent."""

from __future__ import annotations

from typing import Any

from api.intake import purchase_recorded
from crm import loyalty, referral_attempts
from crm.models import Customer, Referral, Voucher
from crm.purchases import record_purchase
from processes import records

CALLERS = ("sara", "reza")


def refer(demo: Any, referrer: str, name: str, mobile: str, channel: str = "staff", **extra: Any) -> Any:
    """As ``POST /referrals`` (or the portal) does: the attempt recorded, and the referral's process started
    when it is accepted; the referral or the refusal."""
    code = demo.run(lambda s: s.get(Customer, demo.customers[referrer]).referral_code)
    actor = "sara" if channel == "staff" else "portal"

    def run(session: Any) -> Any:
        from api.composition import ravand_ctx

        body = {"code": code, "referred_name": name, "referred_mobile": mobile, **extra}
        outcome = referral_attempts.refer_or_refuse(ravand_ctx(session, actor), body, channel=channel)
        if isinstance(outcome, Referral):
            instance = demo.engine.start(session, "referral_rewards", f"referral-{outcome.id}",
                                         {"referral_id": outcome.id}, actor,
                                         record=records.referral_record(session, outcome))
            return instance.id
        return outcome
    return demo.run(run)


def qualify(demo: Any, instance_id: str, title: str, amount: int) -> int:
    """The referred person's lead is called and qualified: the new customer's id."""
    lead = demo.variables(instance_id)["lead_instance_id"]
    who = demo.offered_to(lead, "call", *CALLERS)
    demo.work(lead, "call", who, {"outcome": "qualified", "opportunity_title": title, "amount": amount})
    return int(demo.variables(lead)["customer_id"])


def buy(demo: Any, customer_id: int, amount: int, voucher: str | None = None) -> None:
    """As ``POST /customers/{id}/purchases`` does: the purchase, and the referral waiting for it told."""
    def run(session: Any) -> None:
        from api.composition import ravand_ctx

        bought = record_purchase(ravand_ctx(session, "sara"), customer_id, amount=amount, channel="store",
                                 voucher_code=voucher)
        purchase_recorded(demo.ravand, session, customer_id, bought.id, bought.amount, "sara")
    demo.run(run)


def stories(demo: Any) -> None:
    for referrer, name, mobile, days, amount, review in (
            ("labkhand", "کاوه صادقی", "09129998877", 110, 30_000_000, None),
            ("nouri", "مینا شکوهی", "09172223344", 75, 45_000_000, "approve"),
            ("pars", "شرکت نوآوران سبز", "09122223344", 95, 650_000_000, "approve"),
            ("caspian", "Parsa Shipping", "09123332211", 40, 520_000_000, "approve"),
            ("sepahan", "رضا رضوانی", "09134445566", 28, 60_000_000, "decline")):
        with demo.at(days, "10:00"):
            instance_id = refer(demo, referrer, name, mobile)
        with demo.at(days - 2, "11:30"):
            customer_id = qualify(demo, instance_id, "خرید اول" if referrer != "caspian" else "First order",
                                  amount)
        with demo.at(days - 9, "12:00"):
            buy(demo, customer_id, amount)
        if review:
            with demo.at(days - 10, "10:00"):
                why = "همان خانواده و همان نشانی معرف" if review == "decline" else None
                demo.work(instance_id, "approve_reward", "omid", {"reward_decision": review, "reward_comment": why})
    _spend(demo)
    _refused_and_waiting(demo)


def _spend(demo: Any) -> None:
    """The voucher of the first approved referral is spent on a purchase; points are spent at the counter."""
    pars = demo.customers["pars"]
    code = demo.run(lambda s: s.query(Voucher.code).filter(Voucher.customer_id == pars).order_by(Voucher.id).first())
    with demo.at(60, "13:00"):
        buy(demo, pars, 120_000_000, voucher=code[0])
    with demo.at(50, "17:00"):
        demo.records("sara", lambda ctx: loyalty.redeem(ctx, demo.customers["nouri"], 1500,
                                                        "هدیهٔ کارت خرید در فروشگاه"))


def _refused_and_waiting(demo: Any) -> None:
    with demo.at(15, "20:10"):  # refused at intake, the attempt recorded
        refer(demo, "nouri", "فاطمه نوری", "09187654321", channel="portal")
    with demo.at(9, "10:00"):
        instance_id = refer(demo, "tabriz", "Arman Textiles", "09147778899", note="call after 5 pm")
    with demo.at(8, "11:00"):
        qualify(demo, instance_id, "Dyeing line software", 300_000_000)  # now waiting for the first purchase
    with demo.at(1, "10:00"):
        refer(demo, "labkhand", "دکتر سامان ملکی", "09153334455", note="دندان‌پزشک همکار در مشهد")
