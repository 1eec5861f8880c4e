"""The demo's activities and targets: the calls, meetings and notes of the salespeople and support agents on the
demo's customers over the months, and what lies ahead of them (to-dos and calls, one overdue, some with a
reminder), so that My day and the record pages show a working week (the qualification calls log their own);
and each salesperson's target for this Jalali month and the last one, for the dashboards' Targets card."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime

from crm.activities import log_activity
from crm.clock import utcnow
from crm.targets import set_target

# (days ago, who, customer, the activity)
PAST: tuple[tuple[int, str, str, dict[str, Any]], ...] = (
    (170, "sara", "pars", {"kind": "meeting", "subject": "معرفی نرم‌افزار به مدیران پارس افزار",
                           "attendees": ["علی کریمی", "سارا احمدی"], "place": "دفتر پارس افزار", "duration_minutes": 90,
                           "notes": "به ماژول انبار علاقه داشتند؛ پیش‌فاکتور خواستند."}),
    (160, "sara", "pars", {"kind": "call", "direction": "outbound", "outcome": "reached", "duration_minutes": 12,
                           "notes": "پیش‌فاکتور را دریافت کرده‌اند و تا آخر هفته پاسخ می‌دهند."}),
    (120, "sara", "sepahan", {"kind": "call", "direction": "outbound", "outcome": "no_answer"}),
    (119, "sara", "sepahan", {"kind": "call", "direction": "outbound", "outcome": "reached", "duration_minutes": 8,
                              "notes": "برای جلسهٔ نمایش در اصفهان هماهنگ شد."}),
    (100, "john", "caspian", {"kind": "meeting", "subject": "Quarterly review with Caspian Logistics",
                              "attendees": ["Sam Rahimi", "John Carter"], "place": "Online", "duration_minutes": 45,
                              "notes": "They want the tracking add-on next quarter."}),
    (60, "maryam", "hosseini", {"kind": "call", "direction": "inbound", "outcome": "reached", "duration_minutes": 6,
                                "notes": "دربارهٔ گارانتی دستگاه پرسید؛ راهنمایی شد."}),
    (30, "john", "tabriz", {"kind": "note", "notes": "Leyla prefers e-mail over calls before noon."}),
    (7, "sara", "alborz", {"kind": "call", "direction": "outbound", "outcome": "busy"}),
    (2, "sara", "labkhand", {"kind": "note", "notes": "دکتر اکبری برای تمدید قرارداد سالانه آماده است."}),
)

# (hours from now, who, customer, the activity): one overdue, the rest ahead, some with a reminder
AHEAD: tuple[tuple[float, str, str, dict[str, Any]], ...] = (
    (-20, "sara", "alborz", {"kind": "call", "subject": "تماس دوباره با صنایع غذایی البرز", "done": False}),
    (3, "sara", "labkhand", {"kind": "todo", "subject": "ارسال پیش‌نویس تمدید قرارداد"}),
    (26, "sara", "pars", {"kind": "meeting", "subject": "جلسهٔ بررسی نیازهای سال آینده", "place": "دفتر پارس افزار",
                          "attendees": ["علی کریمی"]}),
    (5, "john", "tabriz", {"kind": "todo", "subject": "Send the price list to Tabriz Textiles"}),
    (50, "maryam", "nouri", {"kind": "call", "subject": "پیگیری رضایت خانم نوری از تعمیر"}),
)


def stories(demo: Any) -> None:
    for days, who, customer, data in PAST:
        with demo.at(days, "11:00"):
            demo.records(who, lambda ctx, c=demo.customers[customer], d=data: log_activity(ctx, "customer", c, d))
    now = utcnow()
    for hours, who, customer, data in AHEAD:
        due = now + timedelta(hours=hours)
        ahead = {**data, "due_at": due.isoformat()}
        if hours > 2:
            ahead["remind_at"] = (due - timedelta(hours=1)).isoformat()
        demo.records(who, lambda ctx, c=demo.customers[customer], d=ahead: log_activity(ctx, "customer", c, d))


# rials each salesperson is to win in a month
MONTHLY_TARGETS = {"sara": 3_000_000_000, "reza": 2_000_000_000, "john": 1_500_000_000}


def _month(year: int, month: int) -> tuple[str, str]:
    first = jdatetime.date(year, month, 1)
    following = jdatetime.date(year + (month == 12), month % 12 + 1, 1)
    return first.togregorian().isoformat(), (following - jdatetime.timedelta(days=1)).togregorian().isoformat()


def targets(demo: Any) -> None:
    today = jdatetime.date.fromgregorian(date=utcnow().astimezone(ZoneInfo("Asia/Tehran")).date())
    last = (today.year - (today.month == 1), (today.month - 2) % 12 + 1)
    for year, month in (last, (today.year, today.month)):
        first_day, last_day = _month(year, month)
        for who, amount in MONTHLY_TARGETS.items():
            demo.records("reza", lambda ctx, w=who, a=amount, f=first_day, t=last_day: set_target(
                ctx, {"owner": w, "first_day": f, "last_day": t, "amount": a}, users=MONTHLY_TARGETS, teams=()))
