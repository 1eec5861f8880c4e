"""Demo records for the embedded default: customers in Persian and English, and every CRM process
at several stages (tasks waiting for each team, escalations, surveys, signatures, rewards). Loaded
once, the first time ``ravand demo`` finds no customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import processes
from api.composition import Ravand, ravand_ctx
from api.demo_users import DEMO_USERS
from crm import complaints, opportunities
from crm.customers import create_customer
from crm.models import Customer
from crm.purchases import record_purchase
from engine.views import Actor

# the demo employees as the engine sees them (their groups are those ensure_demo_users gives them)
PEOPLE = {name: Actor(name, frozenset(groups)) for name, role, groups, *_ in DEMO_USERS if role == "employee"}
CUSTOMERS = [
    {"kind": "company", "company_name": "پارس افزار", "person_name": "علی کریمی", "mobile": "09121234567",
     "email": "karimi@parsafzar.example", "industry": "نرم‌افزار", "region": "tehran", "channel": "referral"},
    {"kind": "company", "company_name": "صنایع غذایی البرز", "person_name": "زهرا موسوی", "phone": "02644556677",
     "mobile": "09125556677", "industry": "مواد غذایی", "region": "alborz", "channel": "exhibition"},
    {"kind": "person", "person_name": "محمد حسینی", "mobile": "09351112233", "region": "isfahan",
     "channel": "walk_in"},
    {"kind": "company", "company_name": "Caspian Logistics", "person_name": "Sam Rahimi",
     "email": "sam@caspian.example", "phone": "+442071234567", "region": "gilan", "channel": "web", "locale": "en"},
    {"kind": "person", "person_name": "فاطمه نوری", "mobile": "09187654321", "region": "fars", "channel": "instagram"},
    {"kind": "company", "company_name": "Tabriz Textiles", "person_name": "Leyla Ahmadi", "mobile": "09141234567",
     "email": "leyla@tabriz-textiles.example", "region": "east-azerbaijan", "channel": "campaign", "locale": "en"},
]
PURCHASES = [(0, 450_000_000, "online", True), (0, 300_000_000, "online", True), (0, 120_000_000, "agent", True),
             (1, 80_000_000, "store", False), (1, 95_000_000, "store", True), (2, 12_000_000, "store", True),
             (3, 640_000_000, "online", True), (5, 30_000_000, "phone", False)]
LEADS = [
    {"person_name": "حسین جعفری", "company_name": "داروسازی مهر", "mobile": "09123334455", "source": "web_form",
     "product": "software", "region": "tehran", "estimated_revenue": 3_000_000_000, "budget_confirmed": True,
     "authority": True, "need": "high", "timeline": "quarter"},
    {"person_name": "Nora Karimi", "email": "nora@example.com", "source": "campaign", "product": "hardware",
     "region": "kerman", "estimated_revenue": 40_000_000, "need": "medium", "timeline": "year"},
    {"person_name": "سعید امینی", "company_name": "فولاد کویر", "mobile": "09131234567", "source": "phone",
     "product": "services", "region": "yazd", "estimated_revenue": 12_000_000_000, "budget_confirmed": True,
     "authority": True, "need": "high", "timeline": "now"},
]


class Demo:
    def __init__(self, ravand: Ravand) -> None:
        self.ravand, self.engine = ravand, ravand.engine

    def run(self, command: Callable[[Session], Any]) -> Any:
        return self.engine.transaction(self.ravand.sessions, command)

    def records(self, actor: str, fn: Callable[[Any], Any]) -> Any:
        return self.run(lambda s: fn(ravand_ctx(s, actor)))

    def start(self, key: str, variables: dict[str, Any], actor: str, business_key: str | None = None) -> Any:
        return self.run(lambda s: self.engine.start(s, key, business_key, variables, actor))

    def work(self, instance_id: str, element: str, who: str, data: dict[str, Any]) -> None:
        actor = PEOPLE[who]
        task = self.run(lambda s: next(view for view in (self.engine.task(s, t, actor).task for t in
                                                         self.engine.open_task_ids(s, instance_id))
                                       if view.element_id == element))
        if task.assignee != actor.name:
            self.run(lambda s: self.engine.claim(s, task.id, actor))
        task_id = task.id
        self.run(lambda s: self.engine.complete(s, task_id, data, actor))

    def expire_timers(self, instance_id: str) -> None:
        from engine.clock import utcnow

        for timer in self.run(lambda s: self.engine.timers(s, instance_id)):
            if not timer.retry:
                self.run(lambda s, t=timer.id: self.engine.reschedule_timer(s, t, utcnow(), "demo"))
                return


def load_demo_data(ravand: Ravand) -> bool:
    """Deploy the processes and fill them with demo records; False if customers already exist."""
    demo = Demo(ravand)
    demo.run(lambda s: ravand.engine.deploy(s, processes.bundle(), "designer"))
    if demo.run(lambda s: s.scalar(select(func.count()).select_from(Customer))):
        return False
    customers = [demo.records("sara", lambda ctx, d=data: create_customer(ctx, d)[0].id) for data in CUSTOMERS]
    for index, amount, channel, on_time in PURCHASES:
        demo.records("sara", lambda ctx, c=customers[index], a=amount, ch=channel, t=on_time:
                     record_purchase(ctx, c, amount=a, channel=ch, paid_on_time=t))
    demo.start("customer_ranking", {}, "admin")
    _leads(demo)
    _complaints(demo, customers)
    _contracts(demo, customers)
    _referrals(demo, customers)
    return True


def _leads(demo: Demo) -> None:
    # the third (large) lead stays waiting for enterprise sales' call
    hot, cold, _ = (demo.start("lead_qualification", lead, "sara").id for lead in LEADS)
    demo.work(hot, "call", "sara", {"outcome": "qualified", "opportunity_title": "سامانه انبارداری",
                                    "amount": 3_200_000_000, "expected_close": "2027-01-15"})
    demo.work(cold, "call", "reza", {"outcome": "nurture", "recontact_days": 30})
    opportunity = demo.run(lambda s: demo.engine.instance(s, hot).variables["opportunity_id"])
    for stage in ("proposal", "negotiation"):
        demo.records("sara", lambda ctx, st=stage: opportunities.move_stage(ctx, opportunity, st))


def _complaints(demo: Demo, customers: list[int]) -> None:
    filed = [
        {"customer_id": customers[0], "category": "product", "severity": "high", "channel": "phone",
         "description": "گزارش‌گیری ماهانه خطا می‌دهد."},
        {"contact_name": "Reza Tehrani", "contact_email": "reza.t@example.com", "category": "delivery",
         "severity": "critical", "channel": "portal", "description": "The order arrived damaged."},
        {"customer_id": customers[1], "category": "billing", "severity": "medium", "channel": "api",
         "description": "فاکتور دو بار صادر شده است."},
        {"customer_id": customers[2], "category": "service", "severity": "low", "channel": "phone",
         "description": "پاسخ‌گویی تلفنی کند است."},
    ]
    # the first stays with tier 1
    _, escalated, answered, closed = (demo.start("complaint_escalation", c, "maryam").id for c in filed)
    demo.expire_timers(escalated)  # the SLA ran out: tier 2 and the team lead
    for instance_id, score in ((answered, None), (closed, 5)):
        demo.work(instance_id, "tier1", "maryam", {"resolution": "اصلاح شد و به مشتری اطلاع داده شد.",
                                                   "public_update": "مشکل برطرف شد."})
        if score:
            code = demo.run(lambda s, i=instance_id: demo.engine.instance(s, i).variables["tracking_code"])
            demo.records("portal", lambda ctx, c=code: complaints.answer_survey(ctx, c, 5, "عالی بود"))
            demo.run(lambda s, c=code: demo.engine.correlate(s, "survey_answered", correlation={"tracking_code": c}))


def _contracts(demo: Demo, customers: list[int]) -> None:
    terms = "پرداخت در سه قسط؛ پشتیبانی دوازده ماهه؛ تحویل ظرف ۳۰ روز."
    base = {"title": "قرارداد پشتیبانی سالانه", "amount": 1_800_000_000, "terms": terms, "standard_terms": True}
    demo.start("contract_approval", {**base, "customer_id": customers[0]}, "sara")  # sara is still drafting it
    review = demo.start("contract_approval", {**base, "customer_id": customers[1], "amount": 25_000_000_000,
                                              "discount_percent": 18, "standard_terms": False}, "sara").id
    sent = demo.start("contract_approval", {**base, "customer_id": customers[3], "title": "Fleet tracking licence"},
                      "sara").id
    demo.work(review, "edit", "sara", {**base, "amount": 25_000_000_000, "discount_percent": 18,
                                       "standard_terms": False})
    demo.work(review, "approve_manager", "reza", {"decision": "approve"})
    demo.work(sent, "edit", "sara", {**base, "title": "Fleet tracking licence"})
    demo.work(sent, "approve_manager", "reza", {"decision": "approve"})


def _referrals(demo: Demo, customers: list[int]) -> None:
    code = demo.run(lambda s: s.get(Customer, customers[0]).referral_code)
    demo.start("referral_rewards", {"code": code, "referred_name": "کاوه صادقی", "referred_mobile": "09129998877"},
               "sara")
