"""The demo's opportunities: from qualified leads through the funnel's stages, won (linked to the purchase it
became, the customer actual) and lost with listed reasons, and deals opened for existing customers (an
upsell, a new line). The deal won by a signed contract is in ``demo_contracts``."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.demo_sales import COLD, HOT, close_day, move, new_lead, qualify_call
from crm import opportunities
from crm.funnel import funnel_of
from crm.purchases import record_purchase

LOST = [
    (125, {**HOT, "person_name": "کیوان رستمی", "company_name": "ساختمانی آرمان", "mobile": "09124445566",
           "product": "hardware", "estimated_revenue": 900_000_000}, "سامانه حضور و غیاب", 850_000_000,
     [(110, "proposal"), (95, "lost")], {"reason": "price", "comment": "پیشنهاد رقیب ۲۰٪ ارزان‌تر بود"}),
    (80, {**HOT, "person_name": "Persis Hotels", "company_name": "Persis Hotels", "mobile": "09125557788",
          "email": "it@persis.example", "product": "pos_terminal", "estimated_revenue": 1_200_000_000},
     "POS terminals for 12 hotels", 1_150_000_000, [(60, "proposal"), (50, "negotiation"), (40, "lost")],
     {"reason": "competitor", "comment": "chose the bank's own terminals"}),
    (58, {**HOT, "person_name": "ناصر قاسمی", "company_name": "پخش دارویی ثمین", "mobile": "09126667788",
          "product": "support_plan", "estimated_revenue": 400_000_000}, "قرارداد پشتیبانی", 380_000_000,
     [(30, "lost")], {"reason": "no_decision", "comment": "هیئت‌مدیره تصمیم را به سال بعد موکول کرد"}),
]
OPEN = [
    (20, {**HOT, "person_name": "الهه مرادی", "company_name": "آموزشگاه زبان نوین", "mobile": "09128889900",
          "product": "training", "estimated_revenue": 250_000_000}, "دورهٔ آموزش کارکنان", 240_000_000, []),
    (35, {**COLD, "person_name": "Hamid Azizi", "company_name": "Azizi Motors", "email": "hamid@azizi.example",
          "region": "tehran", "budget_confirmed": True, "estimated_revenue": 600_000_000}, "Dealer management system",
     620_000_000, [(21, "proposal")]),
]


def deals(demo: Any) -> None:
    _won_by_purchase(demo)
    for days, data, title, amount, stages, *details in LOST + OPEN:
        with demo.at(days, "09:40"):
            _, instance_id = new_lead(demo, data)
        with demo.at(days - 1, "13:00"):
            opportunity = qualify_call(demo, instance_id, "sara", title, amount)
        move(demo, opportunity, stages, details=details[0] if details else None)
    _for_customers(demo)


def _won_by_purchase(demo: Any) -> None:
    """A lead from the website qualified, through proposal and negotiation, won by the purchase it became."""
    with demo.at(150, "10:20"):
        _, instance_id = new_lead(demo, HOT)
    with demo.at(149, "11:00"):
        opportunity = qualify_call(demo, instance_id, "sara", "سامانه انبارداری", 3_200_000_000, timeline="now",
                               call_notes="با مدیرعامل و مدیر مالی صحبت شد")
    move(demo, opportunity, [(135, "proposal"), (120, "negotiation")])
    customer = demo.variables(instance_id)["customer_id"]
    with demo.at(112, "09:30"):
        purchase = demo.records("sara", lambda ctx: record_purchase(ctx, customer, amount=3_100_000_000,
                                                                    channel="agent", reference="فاکتور ۱۴۰۲").id)
    move(demo, opportunity, [(112, "won")], details={"purchase_id": purchase})


def _for_customers(demo: Any) -> None:
    """Deals for existing customers without a lead: an upsell at negotiation, a new line at the first stage."""
    funnel = funnel_of(demo.ravand.settings.funnel_stages)
    with demo.at(25, "10:00"):
        upsell = demo.records("sara", lambda ctx: opportunities.create_opportunity(ctx, {
            "customer_id": demo.customers["pars"], "kind": "upsell", "title": "طرح پشتیبانی طلایی",
            "amount": 480_000_000, "stage": "proposal", "expected_close": close_day(30)},
            today=date.today(), funnel=funnel).id)
    move(demo, upsell, [(10, "negotiation")])
    with demo.at(6, "15:00"):
        demo.records("reza", lambda ctx: opportunities.create_opportunity(ctx, {
            "customer_id": demo.customers["alborz"], "kind": "new", "title": "کارت‌خوان برای شعبه‌های جدید",
            "amount": 150_000_000, "stage": funnel.open_stages[0], "expected_close": close_day(60)},
            today=date.today(), funnel=funnel))
