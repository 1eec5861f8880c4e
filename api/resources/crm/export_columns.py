"""The columns of each record list's export: the ones its web list shows, with their headers and words in
English and Persian. A column reads a record (and what the export looked up for its batch: customer names,
the managed lists' labels) and says what kind of value it is, so the file writers format it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Value = Callable[[Any, "Lookups"], Any]

# the words the lists show for a record's fixed values: {prefix: {value: (en, fa)}}
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "complaint.status": {"received": ("Received", "دریافت شد"), "in_progress": ("Being handled", "در حال رسیدگی"),
                         "escalated": ("Escalated", "ارجاع به سطح بالاتر"),
                         "waiting_customer": ("Waiting for the customer", "در انتظار پاسخ مشتری"),
                         "resolved": ("Resolved", "حل شد"), "closed": ("Closed", "بسته شد")},
    "complaint.severity": {"low": ("Low", "کم"), "medium": ("Medium", "متوسط"), "high": ("High", "زیاد"),
                           "critical": ("Critical", "بحرانی")},
    "lead.status": {"new": ("New", "جدید"), "qualifying": ("Being qualified", "در حال ارزیابی"),
                    "qualified": ("Qualified", "واجد شرایط"), "disqualified": ("Disqualified", "رد شده"),
                    "nurture": ("Call again later", "پیگیری بعدی")},
    "customer.kind": {"person": ("Person", "حقیقی"), "company": ("Company", "حقوقی")},
    "customer.status": {"potential": ("Potential", "بالقوه"), "actual": ("Actual", "بالفعل")},
    "opportunity.stage": {"prospecting": ("Prospecting", "شناسایی"), "qualification": ("Qualification", "ارزیابی"),
                          "proposal": ("Proposal", "پیشنهاد"), "negotiation": ("Negotiation", "مذاکره"),
                          "won": ("Won", "برنده"), "lost": ("Lost", "از دست رفته")},
    "opportunity.kind": {"new": ("New sale", "فروش جدید"), "upsell": ("Upsell", "فروش بیشتر"),
                         "renewal": ("Renewal", "تمدید")},
    "contract.status": {"draft": ("Draft", "پیش‌نویس"), "changes_requested": ("Changes requested", "نیازمند اصلاح"),
                        "in_approval": ("In approval", "در حال تأیید"), "approved": ("Approved", "تأیید شده"),
                        "rejected": ("Rejected", "رد شده"), "sent": ("Sent", "ارسال شده"),
                        "signed": ("Signed", "امضا شده"), "expired": ("Expired", "منقضی")},
    "contract.level": {"manager": ("Sales manager", "مدیر فروش"), "finance": ("Finance", "مالی"),
                       "legal": ("Legal", "حقوقی"), "ceo": ("CEO", "مدیرعامل")},
    "referral.status": {"pending": ("Pending", "در انتظار"), "lead": ("Being qualified", "در حال ارزیابی"),
                        "purchased": ("Purchased", "خرید کرد"), "rewarded": ("Rewarded", "پاداش داده شد"),
                        "expired": ("Expired", "منقضی"), "declined": ("Declined", "ردشده")},
    "referral.reward_kind": {"points": ("points", "امتیاز"), "discount": ("% discount", "٪ تخفیف")},
    "purchase.channel": {"store": ("Store", "فروشگاه"), "online": ("Online", "آنلاین"),
                         "phone": ("Telephone", "تلفنی"), "agent": ("Agent", "نماینده")},
    "purchase.paid": {"yes": ("On time", "به‌موقع"), "no": ("Late", "با تأخیر")},
    "customer.tier": {"bronze": ("Bronze", "برنزی"), "silver": ("Silver", "نقره‌ای"), "gold": ("Gold", "طلایی"),
                      "platinum": ("Platinum", "پلاتینی")},
}


@dataclass
class Lookups:
    """What an export looked up once for a batch of records, and the reader's language."""

    locale: str
    labels: dict[str, dict[str, str]]  # managed list → key → label
    names: dict[int, str]  # customer id → name

    def word(self, prefix: str, value: str | None) -> str:
        if not value:
            return ""
        en, fa = WORDS.get(prefix, {}).get(value, (value, value))
        return fa if self.locale == "fa" else en

    def label(self, list_name: str, key: str | None) -> str:
        return self.labels.get(list_name, {}).get(key, key) if key else ""


@dataclass(frozen=True)
class Column:
    en: str
    fa: str
    value: Value
    kind: str = "text"  # text, number, decimal, amount, date (a day), moment (a date and time)

    def header(self, locale: str) -> str:
        return self.fa if locale == "fa" else self.en


def _person_or_company(record: Any, _: Lookups) -> str:
    if getattr(record, "company_name", None) and getattr(record, "person_name", None):
        if getattr(record, "kind", "company") == "person":
            return record.person_name
        return f"{record.company_name} · {record.person_name}"
    return record.company_name or record.person_name or ""


def _word(prefix: str, attr: str) -> Value:
    return lambda record, look: look.word(prefix, _get(record, attr))


def _label(list_name: str, attr: str) -> Value:
    return lambda record, look: look.label(list_name, getattr(record, attr))


def _get(record: Any, attr: str) -> Any:
    """A field of a record, or of a row the list answers with (a dict)."""
    return record.get(attr) if isinstance(record, dict) else getattr(record, attr)


def _attr(attr: str) -> Value:
    return lambda record, _look: _get(record, attr)


def _customer(record: Any, look: Lookups) -> str:
    return look.names.get(record.customer_id, "") if record.customer_id else ""


def _complainant(record: Any, look: Lookups) -> str:
    return record.contact_name or _customer(record, look)


def _levels(row: dict[str, Any], look: Lookups) -> str:
    return ("، " if look.locale == "fa" else ", ").join(look.word("contract.level", level) for level in
                                                       row.get("waiting_for") or ())


def _reward(row: dict[str, Any], look: Lookups) -> str:
    if not row.get("reward_value"):
        return ""
    return f"{row['reward_value']} {look.word('referral.reward_kind', row.get('reward_kind'))}"


CREATED = ("Entered", "ثبت‌شده در")
COLUMNS: dict[str, tuple[Column, ...]] = {
    "customers": (
        Column("Name", "نام", _person_or_company), Column("Kind", "نوع", _word("customer.kind", "kind")),
        Column("Mobile", "همراه", lambda c, _: c.mobile or c.phone), Column("Email", "رایانامه", _attr("email")),
        Column("Status", "وضعیت", _word("customer.status", "status")),
        Column("Region", "منطقه", _label("province", "region")),
        Column("Customer since", "مشتری از", _attr("created_at"), "date"),
    ),
    "leads": (
        Column("Name", "نام", _person_or_company), Column("Mobile", "همراه", lambda r, _: r.mobile or r.phone),
        Column("Source", "منبع", _label("lead_source", "source")),
        Column("Product of interest", "کالای مورد نظر", _label("product", "product")),
        Column("Province", "استان", _label("province", "region")),
        Column("Score", "امتیاز", _attr("score"), "number"), Column("Grade", "رتبه", _attr("grade")),
        Column("Status", "وضعیت", _word("lead.status", "status")),
        Column("Sales group", "گروه فروش", lambda lead, look: look.label(GROUPS, lead.sales_group)),
        Column(*CREATED, _attr("created_at"), "date"),
    ),
    "opportunities": (
        Column("Title", "عنوان", _attr("title")), Column("Customer", "مشتری", _customer),
        Column("Stage", "مرحله", _word("opportunity.stage", "stage")),
        Column("Kind", "نوع", _word("opportunity.kind", "kind")),
        Column("Amount (rials)", "مبلغ (ریال)", _attr("amount"), "amount"),
        Column("Probability (%)", "احتمال (٪)", _attr("probability"), "number"),
        Column("Expected close", "بستن پیش‌بینی‌شده", _attr("expected_close"), "date"),
        Column("Owner", "مسئول", _attr("owner")),
    ),
    "complaints": (
        Column("Tracking code", "کد پیگیری", _attr("tracking_code")),
        Column("Complainant", "شاکی", _complainant),
        Column("Kind", "گونه", _label("complaint_kind", "kind")),
        Column("Subject", "موضوع", _label("complaint_category", "category")),
        Column("Severity", "شدت", _word("complaint.severity", "severity")),
        Column("Tier", "سطح", _attr("tier"), "number"),
        Column("Status", "وضعیت", _word("complaint.status", "status")),
        Column("Handled by", "رسیدگی‌کننده", lambda c, look: c.assignee or look.label(GROUPS, c.team)),
        Column("Answer due", "مهلت پاسخ", _attr("sla_due"), "moment"),
        Column("Received", "دریافت", _attr("created_at"), "date"),
    ),
    "contracts": (
        Column("No.", "شماره", _attr("id"), "number"), Column("Title", "عنوان", _attr("title")),
        Column("Customer", "مشتری", _attr("customer_name")),
        Column("Amount (rials)", "مبلغ (ریال)", _attr("amount"), "amount"),
        Column("Discount (%)", "تخفیف (٪)", _attr("discount_percent"), "number"),
        Column("Status", "وضعیت", _word("contract.status", "status")),
        Column("Awaiting", "در انتظار", _levels), Column("Created", "ایجاد", _attr("created_at"), "date"),
    ),
    "purchases": (
        Column("Date", "تاریخ", _attr("purchased_at"), "date"), Column("Customer", "مشتری", _customer),
        Column("Amount (rials)", "مبلغ (ریال)", _attr("amount"), "amount"),
        Column("Product", "کالا یا خدمت", _label("product", "product")),
        Column("Channel", "کانال", _word("purchase.channel", "channel")),
        Column("Payment", "پرداخت", lambda p, look: look.word("purchase.paid", "yes" if p.paid_on_time else "no")),
        Column("Reference", "شمارهٔ مرجع", _attr("reference")),
    ),
    "loyalty": (
        Column("Customer", "مشتری", _customer), Column("Tier", "سطح", _word("customer.tier", "tier")),
        Column("Points", "امتیاز", _attr("points"), "number"), Column("Score", "رتبه", _attr("score"), "decimal"),
        Column("Estimated lifetime value (rials)", "ارزش تخمینی طول عمر (ریال)", _attr("lifetime_value"), "amount"),
        Column("Ranked", "رتبه‌بندی", _attr("ranked_at"), "date"),
    ),
    "referrals": (
        Column("No.", "شماره", _attr("id"), "number"),
        Column("Referred person", "فرد معرفی‌شده", _attr("referred_name")),
        Column("Contact", "راه تماس", lambda r, _: r.get("referred_mobile") or r.get("referred_email")),
        Column("Referred by", "معرف", _attr("referrer_name")),
        Column("Status", "وضعیت", _word("referral.status", "status")), Column("Reward", "پاداش", _reward),
        Column("Created", "ایجاد", _attr("created_at"), "date"),
    ),
}

# the groups' labels (a lead's sales group, a complaint's team) sit beside the managed lists' under this name
GROUPS = "group"

# the managed lists whose labels each export shows
LABELLED: dict[str, tuple[str, ...]] = {
    "customers": ("province",), "leads": ("lead_source", "product", "province"), "opportunities": (),
    "complaints": ("complaint_kind", "complaint_category"), "contracts": (), "referrals": (), "purchases": ("product",),
    "loyalty": (),
}

__all__ = ["COLUMNS", "GROUPS", "LABELLED", "WORDS", "Column", "Lookups"]
