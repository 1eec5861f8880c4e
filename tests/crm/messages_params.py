"""Realistic, long parameters for every message template (long names, long titles, a real-length link), in
each language: what the SMS length and Persian-text tests render."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

BASE = "https://crm.sazeh-gostar.co.ir"  # a public_url of realistic length
CODE = "RC-7KQ2M9XH4C"
DUE = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)  # 14:00 in Tehran


def _params(locale: str) -> dict[str, dict[str, Any]]:
    fa = locale == "fa"
    person = "عبدالرضا میرحسینی‌زاده" if fa else "Abdolreza Mirhosseini-Zadeh"
    other = "شرکت بازرگانی پارس تجارت" if fa else "Pars Tejarat Trading Co."
    title = "پشتیبانی سالانهٔ نرم‌افزار حسابداری" if fa else "Annual accounting software support"
    staff = "مریم حسین‌زاده" if fa else "Maryam Hosseinzadeh"
    portal = f"{BASE}/portal/complaints/{CODE}"
    contract = f"{BASE}/c/Xk39fP2qLm7ZtR4w"
    complaint = {"name": person, "tracking_code": CODE}
    return {
        "complaint_received": {**complaint, "portal_url": portal},
        "complaint_escalated_customer": {**complaint, "portal_url": portal},
        "complaint_waiting": {**complaint, "portal_url": portal},
        "complaint_resolved": {**complaint, "resolution": "مبلغ اضافه بازگردانده شد." if fa else "We refunded it.",
                               "survey_url": portal},
        "survey_request": {**complaint, "survey_url": portal},
        "complaint_escalated": {"name": staff, "tracking_code": CODE, "tier": 2,
                                "category": "صورت‌حساب" if fa else "Billing", "severity": "زیاد" if fa else "high",
                                "reason": "مهلت سطح ۱ گذشت" if fa else "the tier 1 deadline passed"},
        "complaint_handed_over": {"name": staff, "tracking_code": CODE, "tier": 3},
        "complaint_sla_warning": {"name": staff, "tracking_code": CODE, "tier": 2, "due": DUE},
        "contract_sent": {"name": person, "contract_title": title, "payable": 9_840_000_000,
                          "contract_url": contract},
        "contract_reminder": {"name": person, "contract_title": title, "expires": date(2026, 12, 20),
                              "contract_url": contract},
        "contract_code": {"name": person, "contract_title": title, "payable": 9_840_000_000, "code": "482913",
                          "minutes": 10},
        "contract_approval_late": {"recipient": staff, "name": staff, "levels": "مالی" if fa else "finance",
                                   "contract_title": title, "customer": other},
        "contract_approval_escalated": {"recipient": staff, "name": staff, "levels": "مالی" if fa else "finance",
                                        "contract_title": title, "customer": other, "payable": 9_840_000_000},
        "contract_offer_expired": {"recipient": staff, "name": staff, "contract_title": title, "customer": other,
                                   "expires": date(2026, 12, 20)},
        "referral_rewarded": {"name": person, "referred_name": other, "points": 1500},
        "quote_sent": {"name": person, "quote_id": 10_482, "payable": 9_840_000_000, "valid_until": date(2026, 12, 20),
                       "quote_url": f"{BASE}/portal/quotes/10482.1797241600.9f2c4b7e1a3d5c6b8e0f2a4c6e8b0d2f"},
        "quote_returned": {"name": staff, "quote_id": 10_482, "customer": other, "by": staff,
                           "reason": "تخفیف ۲۰٪ بیش از سقف است." if fa else "20% is above our cap; give 12%."},
        "mentioned_record": {"name": staff, "by": staff, "record": other, "record_url": f"{BASE}/app/customers/10482",
                             "text": "لطفاً پیش از جلسهٔ فردا با ایشان تماس بگیرید." if fa else "Please call them before "
                                     "tomorrow's meeting."},
        "quote_code": {"quote_id": 10_482, "payable": 9_840_000_000, "code": "482913", "minutes": 5},
        "loyalty_club_link": {"name": person, "points": 12_480, "expires": date(2026, 12, 14),
                              "club_url": f"{BASE}/portal/club/1024.1797241600.9f2c4b7e1a3d5c6b8e0f2a4c6e8b0d2f"},
        "referral_voucher": {"name": person, "referred_name": other, "percent": 15, "code": "Q8M3ZK2T",
                             "expires": date(2027, 3, 1)},
        "referral_declined": {"name": person, "referred_name": other},
        "lead_recontact": {"name": staff, "lead_name": other, "recontact_at": "2026-11-23T10:30:00+00:00",
                           "contact": "+989121234567"},
        "task_assigned": {"name": staff, "by": "رضا احمدی" if fa else "Reza Ahmadi",
                          "task_name": "تماس برای ارزیابی سرنخ" if fa else "Qualification call",
                          "task_url": f"{BASE}/tasks/3f9c2a7e"},
        "task_overdue": {"name": staff, "task_name": "تماس برای ارزیابی سرنخ" if fa else "Qualification call",
                         "due": DUE, "task_url": f"{BASE}/tasks/3f9c2a7e"},
        "task_due_soon": {"name": staff, "task_name": "تماس برای ارزیابی سرنخ" if fa else "Qualification call",
                          "due": DUE, "task_url": f"{BASE}/tasks/3f9c2a7e"},
        "mentioned": {"name": staff, "by": "رضا احمدی" if fa else "Reza Ahmadi",
                      "task_name": "تماس برای ارزیابی سرنخ" if fa else "Qualification call",
                      "text": "@sara لطفاً پیش از تماس قیمت‌ها را ببین" if fa else "@sara please check the prices first",
                      "task_url": f"{BASE}/tasks/3f9c2a7e"},
        "activity_reminder": {"name": staff, "subject_name": "ارسال پیش‌فاکتور" if fa else "Send the quote",
                              "record": "پارس افزار — ۰۹۱۲ ۱۲۳ ۴۵۶۷" if fa else "Pars Afzar — 0912 123 4567",
                              "due": DUE, "record_url": f"{BASE}/app/customers/1024"},
        "message_undelivered": {"name": staff, "customer": other, "channel": "پیامک" if fa else "SMS",
                                "message": "قرارداد «پشتیبانی سالانه» برای امضا آماده است" if fa
                                else "Your contract is ready to sign", "address": "+989121234567", "attempts": 5,
                                "customer_url": f"{BASE}/app/customers/1024"},
    }


REALISTIC = {"fa": _params("fa"), "en": _params("en")}
