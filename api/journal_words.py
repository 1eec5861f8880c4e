"""The audit journal in words: each entry's kind as people say it ("قرارداد تغییر کرد", "Task completed") and its
data as labelled fields in Persian and English, values in words where they are states, list keys or groups
(the same labels a record's history uses, crm.record_labels). The raw data stays in the entry for auditors."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from api.record_history import Words
from crm.record_labels import ACTIONS, HIDDEN, Label, field_label, record_label
from crm.text import persian_digits

MAX_VALUE = 200  # characters of a value shown in the table; the raw data holds all of it

ENGINE_KINDS: dict[str, Label] = {
    "deployed": {"fa": "استقرار فرایند", "en": "Process deployed"},
    "instance.started": {"fa": "آغاز فرایند", "en": "Process started"},
    "instance.completed": {"fa": "پایان فرایند", "en": "Process completed"},
    "instance.cancelled": {"fa": "لغو فرایند", "en": "Process cancelled"},
    "instance.migrated": {"fa": "انتقال فرایند به نسخهٔ دیگر", "en": "Process moved to another version"},
    "task.created": {"fa": "ایجاد کار", "en": "Task opened"},
    "task.claimed": {"fa": "برداشتن کار", "en": "Task claimed"},
    "task.unclaimed": {"fa": "رها کردن کار", "en": "Task released"},
    "task.assigned": {"fa": "سپردن کار", "en": "Task assigned"},
    "task.delegated": {"fa": "واگذاری کار", "en": "Task delegated"},
    "task.completed": {"fa": "انجام کار", "en": "Task completed"},
    "task.cancelled": {"fa": "لغو کار", "en": "Task cancelled"},
    "task.commented": {"fa": "یادداشت روی کار", "en": "Comment on a task"},
    "task.assignment_failed": {"fa": "ناکامی در سپردن کار", "en": "Task could not be assigned"},
    "variables.changed": {"fa": "تغییر داده‌های فرایند", "en": "Process data changed"},
    "incident.raised": {"fa": "بروز خطا", "en": "Incident raised"},
    "incident.retried": {"fa": "تلاش دوباره پس از خطا", "en": "Incident retried"},
    "incident.resolved": {"fa": "رفع خطا", "en": "Incident resolved"},
    "timer.fired": {"fa": "سررسیدن زمان‌سنج", "en": "Timer fired"},
    "timer.rescheduled": {"fa": "جابه‌جایی زمان‌سنج", "en": "Timer rescheduled"},
    "message.correlated": {"fa": "دریافت پیام", "en": "Message received"},
    "message.buffered": {"fa": "نگه‌داشت پیام", "en": "Message kept"},
    "signal.broadcast": {"fa": "پخش سیگنال", "en": "Signal broadcast"},
    "signal.correlated": {"fa": "دریافت سیگنال", "en": "Signal received"},
    "service.retry_scheduled": {"fa": "زمان‌بندی تلاش دوبارهٔ کار خدماتی", "en": "Service task retry scheduled"},
    "demo.time_moved": {"fa": "جابه‌جایی زمان داده‌های نمایشی", "en": "Demo records moved in time"},
    "crm.ranking.completed": {"fa": "رتبه‌بندی مشتریان انجام شد", "en": "Customers ranked"},
}

# the engine's and the CRM's own data keys (beside the record fields crm.record_labels names)
DATA_FIELDS: dict[str, Label] = {
    "task_id": {"fa": "شناسهٔ کار", "en": "Task id"}, "name": {"fa": "نام", "en": "Name"},
    "assignee": {"fa": "انجام‌دهنده", "en": "Assignee"},
    "candidate_groups": {"fa": "گروه‌های مجاز", "en": "Candidate groups"},
    "candidate_users": {"fa": "کاربران مجاز", "en": "Candidate users"},
    "key": {"fa": "کلید فرایند", "en": "Process key"}, "version": {"fa": "نسخه", "en": "Version"},
    "definition_id": {"fa": "شناسهٔ تعریف", "en": "Definition id"}, "files": {"fa": "پرونده‌ها", "en": "Files"},
    "content_hash": {"fa": "چکیدهٔ محتوا", "en": "Content hash"}, "variables": {"fa": "داده‌ها", "en": "Data"},
    "trigger": {"fa": "آغازگر", "en": "Trigger"}, "set": {"fa": "داده‌های تازه", "en": "Data set"},
    "removed": {"fa": "داده‌های حذف‌شده", "en": "Data removed"}, "data": {"fa": "داده‌های فرم", "en": "Form data"},
    "text": {"fa": "متن", "en": "Text"}, "comment_id": {"fa": "شمارهٔ یادداشت", "en": "Comment number"},
    "due_at": {"fa": "سررسید", "en": "Due"}, "timer_id": {"fa": "شمارهٔ زمان‌سنج", "en": "Timer number"},
    "from": {"fa": "از", "en": "From"}, "to": {"fa": "به", "en": "To"},
    "ran_from": {"fa": "اجرا از", "en": "Ran from"}, "ran_to": {"fa": "اجرا تا", "en": "Ran to"},
    "values": {"fa": "مقدارهای جابه‌جاشده", "en": "Values moved"}, "round": {"fa": "دور", "en": "Round"},
    "levels": {"fa": "سطح‌ها", "en": "Levels"}, "told": {"fa": "آگاه‌شدگان", "en": "Told"},
    "outcome": {"fa": "نتیجه", "en": "Outcome"}, "revision": {"fa": "نسخه", "en": "Revision"},
    "via": {"fa": "روش", "en": "Via"}, "at": {"fa": "زمان", "en": "At"}, "signer": {"fa": "امضاکننده", "en": "Signer"},
    "signed_at": {"fa": "زمان امضا", "en": "Signed at"}, "signed_ip": {"fa": "نشانی IP امضا", "en": "Signing IP"},
    "ip": {"fa": "نشانی IP", "en": "IP address"}, "code_id": {"fa": "شمارهٔ کد", "en": "Code number"},
    "reason": {"fa": "دلیل", "en": "Reason"}, "error": {"fa": "خطا", "en": "Error"},
    "message": {"fa": "پیام", "en": "Message"}, "weights": {"fa": "وزن‌ها", "en": "Weights"},
    "thresholds": {"fa": "آستانه‌ها", "en": "Thresholds"}, "ranked": {"fa": "رتبه‌بندی‌شده", "en": "Ranked"},
    "tier_changes": {"fa": "تغییر سطح‌ها", "en": "Tier changes"}, "tiers": {"fa": "سطح‌ها", "en": "Tiers"},
    "points": {"fa": "امتیاز", "en": "Points"}, "lifetime_value": {"fa": "ارزش کل خریدها", "en": "Lifetime value"},
    "by": {"fa": "به دست", "en": "By"}, "user": {"fa": "کاربر", "en": "User"},
    "author": {"fa": "نویسنده", "en": "Author"},
    "note": {"fa": "یادداشت", "en": "Note"}, "comment": {"fa": "توضیح", "en": "Comment"},
    "decision": {"fa": "تصمیم", "en": "Decision"}, "level": {"fa": "سطح تأیید", "en": "Approval level"},
    "code": {"fa": "کد", "en": "Code"}, "number": {"fa": "شماره", "en": "Number"},
    "terms": {"fa": "شرایط", "en": "Terms"},
    "action": {"fa": "اقدام", "en": "Action"}, "last_error": {"fa": "آخرین خطا", "en": "Last error"},
    "left_at": {"fa": "پایان", "en": "Left"}, "entered_at": {"fa": "آغاز", "en": "Entered"},
    "redeemed_at": {"fa": "زمان استفاده", "en": "Redeemed"}, "discount": {"fa": "تخفیف", "en": "Discount"},
    "purchased_at": {"fa": "زمان خرید", "en": "Purchased"},
    "paid_on_time": {"fa": "پرداخت به‌موقع", "en": "Paid on time"},
    "reference": {"fa": "مرجع", "en": "Reference"}, "value": {"fa": "مقدار", "en": "Value"},
    "expires_at": {"fa": "انقضا", "en": "Expires"}, "mobile": {"fa": "همراه", "en": "Mobile"},
    "referrer_id": {"fa": "معرف", "en": "Referrer"}, "referred_name": {"fa": "نام معرفی‌شده", "en": "Referred name"},
    "referred_mobile": {"fa": "همراه معرفی‌شده", "en": "Referred mobile"},
    "referred_email": {"fa": "رایانامهٔ معرفی‌شده", "en": "Referred e-mail"},
    "referred_customer_id": {"fa": "مشتری معرفی‌شده", "en": "Referred customer"},
    "referral_id": {"fa": "معرفی", "en": "Referral"}, "voucher_id": {"fa": "کوپن", "en": "Voucher"},
    "complaint_id": {"fa": "شکایت", "en": "Complaint"}, "opportunity_id": {"fa": "فرصت فروش", "en": "Opportunity"},
    "working_seconds": {"fa": "زمان کار (ثانیه)", "en": "Working time (s)"},
    "notes": {"fa": "یادداشت‌ها", "en": "Notes"},
    "rejection_reason": {"fa": "دلیل رد", "en": "Reason declined"}, "reward_kind": {"fa": "نوع پاداش", "en": "Reward"},
    "kept": {"fa": "نگه‌داشته", "en": "Kept"},
    "created_by": {"fa": "ثبت‌کننده", "en": "Created by"},
    "updated_by": {"fa": "آخرین ویرایش به دست", "en": "Last changed by"},
    "stage_entered_at": {"fa": "ورود به مرحله", "en": "Entered the stage"}, "record": {"fa": "پرونده", "en": "Record"},
    "accounts_created": {"fa": "حساب‌های تازه", "en": "Accounts opened"},
    "lifetime": {"fa": "ارزش خریدها", "en": "Lifetime value"}, "customers": {"fa": "مشتریان", "en": "Customers"},
    "items": {"fa": "قیمت‌ها", "en": "Prices"}, "lines": {"fa": "ردیف‌ها", "en": "Lines"},
}
SKIP = frozenset({"record", "id", "name_key", "title_key", "score_parts", "document_html"})


def kind_label(kind: str) -> Label:
    """An entry's kind in words: the engine's own kinds, a CRM record's action ("قرارداد تغییر کرد"), else the
    kind itself."""
    if kind in ENGINE_KINDS:
        return ENGINE_KINDS[kind]
    parts = kind.split(".")
    if parts[0] == "crm" and len(parts) > 2:
        parts = parts[1:]
    if len(parts) == 2:
        what, done = record_label(parts[0]), ACTIONS.get(parts[1])
        if done is not None:
            return {"fa": f"{what['fa']} {done['fa']}", "en": f"{what['en']} {done['en']}"}
    return {"fa": kind, "en": kind}


def _label(name: str) -> Label | None:
    found = field_label(name)
    if found["en"] != name:
        return found
    return DATA_FIELDS.get(name)


def _cut(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[:MAX_VALUE - 1] + "…"
    return value


def _field(words: Words, record: str, name: str, value: Any, before: Any = None, changed: bool = False) \
        -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "label": _label(name) or {"fa": name, "en": name},
                           "known": _label(name) is not None, "value": _cut(value)}
    text: dict[str, Label] = {}
    if name in ("candidate_groups", "levels", "told") and isinstance(value, list):
        labels = [(words.group(str(v)) if name == "candidate_groups" else words.person(v) if name == "told"
                   else words.of("contract", "level", v)) or {"fa": str(v), "en": str(v)} for v in value]
        text["value"] = {"fa": "، ".join(x["fa"] for x in labels), "en": ", ".join(x["en"] for x in labels)}
    elif (said := words.of(record, name, value)) is not None:
        text["value"] = said
    if changed:
        out["before"] = _cut(before)
        if (said := words.of(record, name, before)) is not None:
            text["before"] = said
    if text:
        out["text"] = text
    return out


def describe(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries with ``kind_text`` (the kind in both languages) and ``details`` (their data, labelled)."""
    words = Words(session)
    for item in items:
        item["kind_text"] = kind_label(item.get("kind") or "")
        item["actor_text"] = words.person(item.get("actor"))
        data = item.get("data") if isinstance(item.get("data"), dict) else {}
        kind = str(item.get("kind") or "")
        parts = kind.split(".")
        record = data["record"] if isinstance(data.get("record"), str) else (
            parts[1] if parts[0] == "crm" and len(parts) > 2 else parts[0])
        fields: list[dict[str, Any]] = []
        if isinstance(data.get("changes"), dict) and "fields" not in data:
            for name, pair in data["changes"].items():
                if name in HIDDEN - {"process_instance_id"} or not (isinstance(pair, list) and len(pair) == 2):
                    continue
                fields.append(_field(words, record, name, pair[1], pair[0], changed=True))
            rest = {k: v for k, v in data.items() if k != "changes"}
        elif isinstance(data.get("fields"), dict):
            rest = {**data["fields"], **{k: v for k, v in data.items() if k != "fields"}}
        else:
            rest = data
        for name, value in rest.items():
            if name in SKIP or name in ("created_at", "updated_at") or value in (None, "", [], {}):
                continue
            fields.append(_field(words, record, name, value))
        if isinstance(data.get("id"), int | str) and data.get("record"):
            fields.insert(0, {"name": "record", "label": DATA_FIELDS["record"], "known": True,
                              "value": f"{data['record']} #{data['id']}",
                              "text": {"value": {
                                  "fa": f"{record_label(str(data['record']))['fa']} #{persian_digits(data['id'])}",
                                  "en": f"{record_label(str(data['record']))['en']} #{data['id']}"}}})
        _named(item, fields)
        item["details"] = fields
    return items


def _named(item: dict[str, Any], fields: list[dict[str, Any]]) -> None:
    """A created task's name and a deployed process's key read as their names in the reader's language
    (``element_name``, ``process_name`` from api.names); the raw values stay in the entry's data."""
    for position, found in enumerate(fields):
        if found["name"] == "name" and item.get("kind") in ("task.created", "message.correlated") \
                and item.get("element_name"):
            found["text"] = {"value": {"fa": item["element_name"], "en": item["element_name"]}}
        elif found["name"] == "key" and item.get("process_name") and (
                item.get("kind") == "deployed" or str(item.get("kind")).startswith("instance.")):
            fields[position] = {"name": "process", "label": {"fa": "فرایند", "en": "Process"}, "known": True,
                                "value": item["process_name"]}
