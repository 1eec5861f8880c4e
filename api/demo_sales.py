"""The demo's customers and their purchases over six months, its leads on every path of lead_qualification
(qualified, disqualified for several reasons, nurtured and back with the rep who nurtured it, typed with
Persian labels, corrected and routed again) and its opportunities at every stage, won and lost."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api.intake import start_lead
from crm import leads, opportunities
from crm.customers import create_customer
from crm.funnel import funnel_of
from crm.purchases import record_purchase

# key: (days ago, customer); purchases: (days ago, rials, channel, paid on time)
CUSTOMERS: dict[str, tuple[int, dict[str, Any]]] = {
    "pars": (178, {"kind": "company", "company_name": "پارس افزار", "person_name": "علی کریمی",
                   "mobile": "09121234567", "email": "karimi@parsafzar.example", "industry": "نرم‌افزار",
                   "region": "tehran", "channel": "referral", "address": "تهران، خیابان ولیعصر، پلاک ۱۲"}),
    "sepahan": (170, {"kind": "company", "company_name": "فروشگاه‌های زنجیره‌ای سپاهان", "person_name": "مهدی رضوانی",
                      "mobile": "09131112233", "email": "rezvani@sepahan-shop.example", "industry": "خرده‌فروشی",
                      "region": "isfahan", "channel": "exhibition"}),
    "alborz": (165, {"kind": "company", "company_name": "صنایع غذایی البرز", "person_name": "زهرا موسوی",
                     "phone": "02644556677", "mobile": "09125556677", "industry": "مواد غذایی", "region": "alborz",
                     "channel": "exhibition"}),
    "caspian": (160, {"kind": "company", "company_name": "Caspian Logistics", "person_name": "Sam Rahimi",
                      "email": "sam@caspian.example", "phone": "+442071234567", "region": "gilan", "channel": "web",
                      "locale": "en"}),
    "hosseini": (150, {"kind": "person", "person_name": "محمد حسینی", "mobile": "09351112233", "region": "isfahan",
                       "channel": "walk_in"}),
    "nouri": (130, {"kind": "person", "person_name": "فاطمه نوری", "mobile": "09187654321", "region": "fars",
                    "channel": "instagram"}),
    "tabriz": (110, {"kind": "company", "company_name": "Tabriz Textiles", "person_name": "Leyla Ahmadi",
                     "mobile": "09141234567", "email": "leyla@tabriz-textiles.example", "region": "east_azerbaijan",
                     "channel": "campaign", "locale": "en"}),
    "labkhand": (95, {"kind": "company", "company_name": "کلینیک دندان‌پزشکی لبخند", "person_name": "دکتر نسرین اکبری",
                      "mobile": "09151239876", "email": "info@labkhand.example", "region": "khorasan_razavi",
                      "channel": "phone"}),
    # a landline only: no SMS or e-mail reaches them, so their contract is delivered by hand
    "bahman": (85, {"kind": "company", "company_name": "نجاری بهمن", "person_name": "بهمن شریفی",
                    "phone": "03133445566", "region": "isfahan", "channel": "walk_in"}),
}
PURCHASES: dict[str, list[tuple[int, int, str, bool]]] = {
    "pars": [(176, 90_000_000, "online", True), (150, 120_000_000, "online", True), (128, 60_000_000, "agent", True),
             (101, 150_000_000, "online", True), (77, 45_000_000, "online", True), (52, 110_000_000, "online", True),
             (30, 75_000_000, "online", True), (12, 95_000_000, "online", True)],
    "sepahan": [(d, 70_000_000 + 3_000_000 * i, "online" if i % 3 else "store", True)
                for i, d in enumerate(range(168, 4, -8))],
    "alborz": [(160, 80_000_000, "store", False), (120, 95_000_000, "store", True), (88, 60_000_000, "store", True),
               (45, 70_000_000, "phone", True), (20, 55_000_000, "store", True)],
    "caspian": [(155, 200_000_000, "online", True), (90, 210_000_000, "online", True),
                (25, 190_000_000, "online", True)],
    "hosseini": [(148, 12_000_000, "store", True), (60, 8_500_000, "store", False)],
    "nouri": [(125, 40_000_000, "agent", True), (104, 35_000_000, "agent", True), (83, 42_000_000, "agent", True),
              (62, 38_000_000, "agent", True), (41, 45_000_000, "agent", True), (16, 40_000_000, "agent", True)],
    "tabriz": [(105, 150_000_000, "online", True), (40, 30_000_000, "phone", False)],
    "labkhand": [(93, 25_000_000, "phone", True), (55, 18_000_000, "store", True), (18, 22_000_000, "phone", True)],
}
HOT = {"person_name": "حسین جعفری", "company_name": "داروسازی مهر", "mobile": "09123334455", "source": "web_form",
       "product": "software", "region": "tehran", "estimated_revenue": 3_000_000_000, "budget_confirmed": True,
       "authority": True, "need": "high", "timeline": "quarter"}
COLD = {"person_name": "Nora Karimi", "email": "nora@example.com", "source": "campaign", "product": "hardware",
        "region": "kerman", "estimated_revenue": 40_000_000, "need": "medium", "timeline": "year"}


def customers(demo: Any) -> None:
    """The customers, each created when the story says, with the purchases they made since."""
    for key, (days, data) in CUSTOMERS.items():
        with demo.at(days, "09:30"):
            demo.customers[key] = demo.records("sara", lambda ctx, d=data: create_customer(ctx, d)[0].id)
            for ago, amount, channel, on_time in PURCHASES.get(key, ()):
                when = demo.clock.ago(ago, "12:00")
                demo.records("sara", lambda ctx, c=demo.customers[key], a=amount, ch=channel, t=on_time, w=when:
                             record_purchase(ctx, c, amount=a, channel=ch, paid_on_time=t, purchased_at=w))


def close_day(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def new_lead(demo: Any, data: dict[str, Any], who: str = "sara") -> tuple[int, str]:
    lead, instance_id = demo.intake(start_lead, data, who)
    return lead.id, instance_id


def qualify_call(demo: Any, instance_id: str, who: str, title: str, amount: int, **answers: Any) -> int:
    demo.work(instance_id, "call", who, {"outcome": "qualified", "opportunity_title": title, "amount": amount,
                                         "expected_close": close_day(45), **answers})
    return int(demo.variables(instance_id)["opportunity_id"])


def move(demo: Any, opportunity_id: int, stages: list[tuple[float, str]], who: str = "sara",
          details: dict[str, Any] | None = None) -> None:
    funnel = funnel_of(demo.ravand.settings.funnel_stages)
    for days, stage in stages:
        with demo.at(days, "11:00"):
            extra = details if stage in ("won", "lost") else None
            demo.records(who, lambda ctx, st=stage, d=extra: opportunities.move_stage(ctx, opportunity_id, st,
                                                                                       details=d, funnel=funnel))


def lead_stories(demo: Any) -> None:
    """Disqualified (several reasons), nurtured and back with its rep, Persian labels, corrected."""
    for days, data, reason, comment in (
            (140, {**COLD, "person_name": "کامران فرهادی", "email": None, "mobile": "09371234567", "region": "kerman"},
             "no_budget", "بودجهٔ امسال بسته شده است"),
            (96, {**HOT, "person_name": "Omid Sadri", "company_name": "Sadri & Co", "mobile": "09129871234"},
             "competitor", "signed with a competitor last month"),
            (61, {**COLD, "person_name": "رامین یزدانی", "email": "ramin@example.com", "source": "social"},
             "unreachable", "سه بار تماس؛ پاسخ نداد"),
            (33, {**COLD, "person_name": "سپیده کاظمی", "email": "sepideh@example.com", "product": "training",
                  "source": "exhibition"}, "no_need", None)):
        with demo.at(days, "09:00"):
            _, instance_id = new_lead(demo, data)
        with demo.at(days - 1, "14:00"):
            demo.work(instance_id, "call", "reza" if data["region"] != "tehran" else "sara",
                      {"outcome": "disqualified", "reason": reason, "reason_comment": comment})
    _nurtured(demo)
    with demo.at(2, "10:30"):  # typed with Persian labels: routed to sales exactly like "web_form/software/tehran"
        new_lead(demo, {**HOT, "person_name": "مریم صالحی", "company_name": "بیمارستان آتیه", "mobile": "09127778899",
                     "source": "فرم وب‌سایت", "product": "نرم افزار", "region": "تهران",
                     "estimated_revenue": "۸۰۰٬۰۰۰٬۰۰۰"})
    with demo.at(1, "09:15"):  # a large deal waits for enterprise sales
        new_lead(demo, {**HOT, "person_name": "سعید امینی", "company_name": "فولاد کویر", "mobile": "09131234567",
                     "source": "phone", "product": "services", "region": "yazd", "estimated_revenue": 12_000_000_000,
                     "timeline": "now"})
    with demo.at(1, "11:00"):  # entered as Kerman, corrected to Tehran with a budget: routed again to sales
        lead_id, _ = new_lead(demo, {**COLD, "person_name": "Arash Naderi", "email": "arash@naderi.example"})
    with demo.at(0.9, "12:30"):
        demo.records("reza", lambda ctx: leads.update_lead(ctx, lead_id, {"region": "تهران", "budget_confirmed": True}))
        demo.correlate("lead_corrected", {"lead_id": lead_id}, actor="reza")


def _nurtured(demo: Any) -> None:
    """One lead nurtured and called again by reza, qualified; one back in reza's list now; one still waiting."""
    with demo.at(100, "10:00"):
        _, back = new_lead(demo, COLD)
    with demo.at(99, "15:00"):
        demo.work(back, "call", "reza", {"outcome": "nurture", "recontact_days": 30, "need": "high",
                                         "call_notes": "بعد از نوروز دوباره تماس بگیرید"})
    with demo.at(69, "08:00"):
        demo.fire(back, "wait_recontact")
    with demo.at(68, "10:00"):
        opportunity = qualify_call(demo, back, "reza", "Printers for the Kerman branch", 180_000_000,
                                   budget_confirmed=True)
    move(demo, opportunity, [(50, "proposal"), (34, "negotiation")], who="reza")
    with demo.at(45, "10:00"):
        _, again = new_lead(demo, {**COLD, "person_name": "لیلا جعفری", "email": "leila.j@example.com",
                                "product": "pos_terminal"})
    with demo.at(44, "12:00"):
        demo.work(again, "call", "reza", {"outcome": "nurture", "recontact_days": 40})
    with demo.at(4, "08:00"):  # the day came: the call is back with reza (and overdue by now)
        demo.fire(again, "wait_recontact")
    with demo.at(12, "10:00"):
        _, waiting = new_lead(demo, {**COLD, "person_name": "Daniel Moradi", "email": "daniel@example.com"})
    with demo.at(11, "16:00"):
        demo.work(waiting, "call", "reza", {"outcome": "nurture", "recontact_on": close_day(20),
                                            "call_notes": "budget after the new fiscal year"})

