"""The demo's complaints, suggestions and criticism on every path of complaint_escalation: resolved at tier 1
with a public answer, escalated by choice, escalated because the SLA passed (once, and twice up to the
managers), waiting for the customer (and answered from the portal), a low survey score with its follow-up,
from customers and from people who are not customers yet (Persian and English), one filed in the portal and
linked to the customer with that mobile. Each story is a list of steps, each on its day and hour."""

from __future__ import annotations

from typing import Any

from api.intake import start_complaint, survey_answered
from crm import complaint_work, complaints

PORTAL = "portal"


def resolve(text: str, answer: str | None = None) -> dict[str, Any]:
    return {"outcome": "resolve", "resolution": text, "public_update": answer}


def escalate(reason: str) -> dict[str, Any]:
    return {"outcome": "escalate", "escalation_reason": reason}


def ask(question: str) -> dict[str, Any]:
    return {"outcome": "wait", "question": question}


FIXED = resolve("نسخهٔ ۳٫۲ نصب شد و گزارش دوباره ساخته شد.", "مشکل گزارش ماهانه برطرف شد. از صبر شما سپاسگزاریم.")
# (customer key or None, filed: (days ago, hh:mm), the complaint, steps: (days ago, hh:mm, step, ...))
STORIES: list[tuple[str | None, tuple[float, str], dict[str, Any], list[tuple[Any, ...]]]] = [
    ("pars", (160, "10:00"), {"category": "product", "severity": "high", "channel": "phone",
                              "description": "گزارش‌گیری ماهانه خطا می‌دهد."},
     [(160, "14:30", "work", "tier1", "maryam", FIXED), (159, "11:00", "survey", 5, "عالی بود")]),
    ("hosseini", (132, "09:20"), {"category": "service", "severity": "low", "channel": "phone",
                                  "description": "پاسخ‌گویی تلفنی کند است."},
     [(131, "12:00", "work", "tier1", "maryam", resolve("ساعت کاری پشتیبانی تلفنی بیشتر شد.",
                                                        "از این هفته پشتیبانی تلفنی تا ساعت ۱۸ پاسخ می‌دهد.")),
      (130, "18:00", "survey", 4, None)]),
    ("alborz", (104, "11:10"), {"category": "billing", "severity": "medium", "channel": "api",
                                "description": "فاکتور اسفند دو بار صادر شده است."},
     [(104, "13:00", "work", "tier1", "maryam", escalate("ابطال فاکتور با واحد مالی است")),
      (103, "10:30", "work", "tier2", "nima", resolve("فاکتور تکراری باطل و مبلغ برگشت داده شد.",
                                                      "فاکتور تکراری باطل شد و مبلغ به حساب شما برگشت.")),
      (102, "09:00", "survey", 5, "ممنون از پیگیری")]),
    ("caspian", (76, "09:00"), {"category": "delivery", "severity": "high", "channel": "email",
                                "description": "The GPS units for our trucks arrived a week late."},
     [(76, "09:30", "claim", "tier1", "john"),
      (76, "11:00", "comment", "tier1", "john", "Asked the courier for the delivery log; no answer yet."),
      (76, "12:00", "fire", "tier1_warning"), (75, "09:00", "fire", "tier1_breached"),
      (74, "16:00", "work", "tier2", "omid", resolve("Courier changed; a credit note was issued.",
                                                     "We changed couriers and credited your account for the delay.")),
      (73, "10:00", "survey", 3, "Fine, but it took too long")]),
    ("nouri", (47, "10:40"), {"kind": "suggestion", "category": "service", "severity": "low", "channel": "portal",
                              "description": "پیشنهاد می‌کنم پیگیری سفارش با پیامک هم ممکن باشد."},
     [(45, "11:00", "work", "tier1", "maryam", resolve("به فهرست امکانات سه‌ماههٔ بعد اضافه شد.",
                                                       "پیشنهاد شما ثبت شد و در نسخهٔ بعدی اضافه می‌شود."))]),
    ("tabriz", (38, "14:00"), {"category": "product", "severity": "medium", "channel": "email",
                               "description": "The label printer driver does not install on Windows 11."},
     [(38, "15:00", "work", "tier1", "john", ask("Which printer model and driver version do you have?")),
      (37, "09:30", "reply", "Zebra ZD421, driver 10.2"),
      (37, "11:00", "work", "tier1", "john", resolve("Sent driver 10.4 which supports Windows 11.",
                                                     "Please install driver 10.4 from the link we e-mailed.")),
      (36, "10:00", "survey", 5, "Works now, thanks")]),
    ("labkhand", (22, "09:10"), {"category": "delivery", "severity": "medium", "channel": "phone",
                                 "description": "کارت‌خوان دوم هنوز تحویل نشده است."},
     [(22, "13:00", "work", "tier1", "maryam", resolve("ارسال پیگیری شد.", "کارت‌خوان فردا تحویل می‌شود.")),
      (20, "10:00", "survey", 1, "دو هفته است منتظرم و کسی پاسخ نمی‌دهد"),
      (19, "11:00", "work", "follow_up", "elham", {"follow_up": "reopen",
                                                   "follow_up_note": "تحویل انجام نشده بود؛ دوباره باز شد"}),
      (19, "15:00", "work", "tier1", "maryam", resolve("دستگاه با پیک ویژه تحویل شد.", "دستگاه امروز تحویل شد.")),
      (18, "10:00", "survey", 4, None)]),
    ("sepahan", (8, "10:00"), {"category": "service", "severity": "medium", "channel": "phone",
                               "description": "نصاب در روز تعیین‌شده نیامد."},
     [(8, "14:00", "work", "tier1", "maryam", resolve("نوبت نصب دوباره گذاشته شد.", "نصب برای شنبه هماهنگ شد.")),
      (7, "09:00", "survey", 2, "هماهنگی ضعیف بود")]),  # the follow-up waits for the team lead
    ("hosseini", (5, "16:00"), {"kind": "criticism", "category": "service", "severity": "low", "channel": "phone",
                                "description": "برخورد کارشناس فروش در تماس آخر مناسب نبود."}, []),
    ("alborz", (3, "10:00"), {"category": "product", "severity": "high", "channel": "phone",
                              "description": "نرم‌افزار انبار پس از به‌روزرسانی باز نمی‌شود."},
     [(3, "10:30", "work", "tier1", "maryam", escalate("نیاز به بررسی پایگاه داده دارد؛ از توان سطح یک خارج است"))]),
    ("pars", (3, "08:30"), {"category": "delivery", "severity": "critical", "channel": "phone",
                            "description": "سرور ارسالی آسیب دیده به دست ما رسید."},
     [(3, "08:45", "claim", "tier1", "maryam"),
      (3, "09:30", "comment", "tier1", "maryam", "با انبار تماس گرفتم؛ منتظر عکس‌های بسته‌بندی هستم."),
      (3, "10:00", "fire", "tier1_warning"), (3, "11:30", "fire", "tier1_breached"),
      (2, "09:00", "fire", "tier2_breached")]),  # overdue twice: with the managers now
    (None, (2, "11:00"), {"contact_name": "Reza Tehrani", "contact_email": "reza.t@example.com",
                          "category": "delivery", "severity": "high", "channel": "portal",
                          "description": "The order arrived damaged and nobody answers the phone."},
     [(2, "12:30", "fire", "tier1_warning"), (1, "09:00", "fire", "tier1_breached")]),
    (None, (1, "12:00"), {"contact_name": "نرگس پاکزاد", "contact_mobile": "09190001122", "category": "billing",
                          "severity": "medium", "channel": "phone", "description": "مبلغ کسرشده با فاکتور نمی‌خواند."},
     [(1, "13:00", "work", "tier1", "maryam", ask("لطفاً تصویر رسید بانکی را در صفحهٔ پیگیری بفرستید."))]),
    (None, (0.2, "09:00"), {"contact_name": "فاطمه نوری", "contact_mobile": "۰۹۱۸ ۷۶۵ ۴۳۲۱", "category": "product",
                            "severity": "medium", "channel": "portal",
                            "description": "کارت‌خوان هر چند تراکنش یک بار قطع می‌شود."}, []),
]


def stories(demo: Any) -> None:
    for customer, (days, clock), data, steps in STORIES:
        filed = {**data, "customer_id": demo.customers[customer]} if customer else data
        actor = PORTAL if data["channel"] == "portal" else "maryam"
        with demo.at(days, clock):
            complaint, instance_id = demo.intake(start_complaint, filed, actor)
        for step in steps:
            with demo.at(step[0], step[1]):
                _step(demo, instance_id, complaint.tracking_code, *step[2:])


def _step(demo: Any, instance_id: str, code: str, action: str, *args: Any) -> None:
    if action == "work":
        demo.work(instance_id, *args)
    elif action == "claim":
        demo.claim(instance_id, *args)
    elif action == "comment":
        demo.comment(instance_id, *args)
    elif action == "fire":
        demo.fire(instance_id, args[0])
    elif action == "survey":
        def answer(session: Any) -> None:
            complaints.answer_survey(_portal(demo, session), code, args[0], args[1])
            survey_answered(demo.ravand, session, code, PORTAL)
        demo.run(answer)
    elif action == "reply":
        demo.run(lambda s: complaint_work.customer_reply(_portal(demo, s), code, args[0]))
        demo.correlate("complaint_customer_replied", {"tracking_code": code}, actor=PORTAL)


def _portal(demo: Any, session: Any) -> Any:
    from api.composition import ravand_ctx

    return ravand_ctx(session, PORTAL)
