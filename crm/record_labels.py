"""What people call the CRM's records, their fields and their states, in Persian and English (as the web app's
pages name them): for record cards and for a record's history."""

from __future__ import annotations

from typing import Any

Label = dict[str, str]


def _l(fa: str, en: str) -> Label:
    return {"fa": fa, "en": en}


RECORDS: dict[str, Label] = {
    "customer": _l("مشتری", "Customer"), "lead": _l("سرنخ", "Lead"), "opportunity": _l("فرصت فروش", "Opportunity"),
    "complaint": _l("شکایت", "Complaint"), "contract": _l("قرارداد", "Contract"), "referral": _l("معرفی", "Referral"),
    "contact": _l("مخاطب", "Contact"), "loyalty_account": _l("حساب وفاداری", "Loyalty account"),
    "complaint_update": _l("یادداشت شکایت", "Complaint note"), "complaint_handling": _l("رسیدگی", "Handling"),
    "lead_call": _l("تماس ارزیابی", "Qualification call"),
    "contract_revision": _l("نسخهٔ قرارداد", "Contract revision"),
    "contract_decision": _l("تصمیم تأیید", "Approval decision"), "stage_visit": _l("مرحلهٔ فرصت", "Stage stay"),
    "voucher": _l("کوپن", "Voucher"), "purchase": _l("خرید", "Purchase"),
    "contract_code": _l("کد یک‌بار مصرف", "One-time code"), "one_time_code": _l("کد یک‌بار مصرف", "One-time code"),
    "opportunity_stage": _l("مرحلهٔ فرصت", "Stage stay"), "notification": _l("پیام به مشتری", "Message"),
    "referral_attempt": _l("ثبت معرفی", "Referral attempt"), "loyalty_entry": _l("ردیف امتیاز", "Points entry"),
    "activity": _l("فعالیت", "Activity"),
    "loyalty_rule": _l("قاعدهٔ امتیاز", "Points rule"), "loyalty_tier": _l("سطح باشگاه", "Club tier"),
    "loyalty_reward": _l("جایزهٔ باشگاه", "Club reward"), "loyalty_redemption": _l("دریافت جایزه", "Reward taken"),
    "quote": _l("پیش‌فاکتور", "Quote"), "quote_line": _l("ردیف پیش‌فاکتور", "Quote line"),
    "product": _l("کالا", "Product"), "price_list": _l("فهرست قیمت", "Price list"),
    "price_list_item": _l("قیمت در فهرست", "Price list entry"), "invoice": _l("فاکتور", "Invoice"),
    "payment": _l("پرداخت", "Payment"), "campaign": _l("کارزار", "Campaign"), "segment": _l("بخش مشتریان", "Segment"),
    "opt_out": _l("انصراف از پیام‌های تبلیغاتی", "Opt-out"), "sales_target": _l("هدف فروش", "Sales target"),
    "pipeline_stage": _l("مرحلهٔ قیف فروش", "Pipeline stage"), "list_entry": _l("گزینهٔ فهرست", "List entry"),
    "access_rule": _l("قاعدهٔ دسترسی", "Access rule"), "saved_filter": _l("فیلتر ذخیره‌شده", "Saved filter"),
    "team": _l("تیم", "Team"), "branch": _l("شعبه", "Branch"),
}

# one label per field name, the same on every record that has it
FIELDS: dict[str, Label] = {
    "person_name": _l("نام شخص", "Person's name"), "company_name": _l("شرکت", "Company"),
    "name": _l("نام", "Name"), "phone": _l("تلفن", "Telephone"), "mobile": _l("همراه", "Mobile"),
    "email": _l("رایانامه", "E-mail"), "address": _l("نشانی", "Address"), "industry": _l("صنعت", "Industry"),
    "region": _l("استان", "Province"), "channel": _l("کانال", "Channel"), "status": _l("وضعیت", "Status"),
    "segment": _l("بخش", "Segment"), "owner": _l("مسئول", "Owner"), "kind": _l("نوع", "Kind"),
    "team_key": _l("تیم", "Team"), "branch_key": _l("شعبه", "Branch"),  # record access (crm.access)
    "locale": _l("زبان", "Language"), "national_id": _l("شناسه ملی", "National ID"),
    "economic_code": _l("کد اقتصادی", "Economic code"), "postal_code": _l("کد پستی", "Postal code"),
    "interests": _l("علاقه‌مندی‌ها", "Interests"), "customer_id": _l("مشتری", "Customer"),
    "source": _l("منبع", "Source"), "product": _l("کالای مورد نظر", "Product of interest"),
    "estimated_revenue": _l("درآمد تخمینی", "Estimated revenue"),
    "budget_confirmed": _l("بودجه تأیید شده", "Budget confirmed"),
    "authority": _l("با تصمیم‌گیرنده در تماس", "Talking to the decision maker"), "need": _l("میزان نیاز", "Need"),
    "timeline": _l("زمان خرید", "Buying timeline"), "score": _l("امتیاز", "Score"), "grade": _l("رتبه", "Grade"),
    "sales_group": _l("گروه فروش", "Sales group"), "disqualify_reason": _l("دلیل رد", "Reason disqualified"),
    "disqualify_comment": _l("توضیح رد", "Comment"), "recontact_at": _l("تماس دوباره در", "Call back on"),
    "title": _l("عنوان", "Title"), "stage": _l("مرحله", "Stage"), "amount": _l("مبلغ", "Amount"),
    "probability": _l("احتمال", "Probability"), "expected_close": _l("بستن پیش‌بینی‌شده", "Expected close"),
    "loss_reason": _l("دلیل از دست رفتن", "Reason lost"), "loss_comment": _l("توضیح", "Comment"),
    "contract_id": _l("قرارداد", "Contract"), "purchase_id": _l("خرید", "Purchase"), "lead_id": _l("سرنخ", "Lead"),
    "provider": _l("پنل پیامک", "SMS panel"), "provider_ref": _l("شناسه در پنل", "Id at the panel"),
    "cost_rial": _l("هزینه (ریال)", "Cost (rials)"), "delivery": _l("گزارش تحویل", "Delivery report"),
    "delivery_at": _l("آخرین پرسش از پنل", "Panel last asked"),
    "tracking_code": _l("کد پیگیری", "Tracking code"), "contact_name": _l("شاکی", "Complainant"),
    "contact_mobile": _l("همراه شاکی", "Complainant's mobile"),
    "contact_email": _l("رایانامهٔ شاکی", "Complainant's e-mail"),
    "category": _l("دسته", "Category"), "severity": _l("شدت", "Severity"), "description": _l("شرح", "Description"),
    "tier": _l("سطح", "Tier"), "team": _l("تیم", "Team"), "assignee": _l("رسیدگی‌کننده", "Handled by"),
    "sla_due": _l("مهلت پاسخ", "Answer due"), "breaches": _l("مهلت‌های ازدست‌رفته", "Deadlines missed"),
    "resolution": _l("اقدام انجام‌شده", "What was done"),
    "public_resolution": _l("پاسخ به مشتری", "Answer to the customer"),
    "satisfaction": _l("رضایت", "Satisfaction"), "reopened": _l("بازگشایی", "Reopened"),
    "discount_percent": _l("تخفیف", "Discount"), "vat_percent": _l("مالیات بر ارزش افزوده", "VAT"),
    "terms": _l("شرایط", "Terms"), "standard_terms": _l("شرایط استاندارد", "Standard terms"),
    "rounds": _l("دور تأیید", "Approval round"), "revision": _l("نسخه", "Revision"),
    "start_date": _l("آغاز", "Starts"), "end_date": _l("پایان", "Ends"), "instalments": _l("اقساط", "Instalments"),
    "sent_at": _l("ارسال", "Sent"), "signed_at": _l("امضا", "Signed"), "expires_at": _l("انقضا", "Expires"),
    "document_html": _l("متن قرارداد", "Contract document"), "referrer_id": _l("معرفی‌کننده", "Referrer"),
    "referred_name": _l("معرفی‌شده", "Referred"), "referred_mobile": _l("همراه معرفی‌شده", "Referred's mobile"),
    "referred_email": _l("رایانامهٔ معرفی‌شده", "Referred's e-mail"), "reward_kind": _l("نوع پاداش", "Reward kind"),
    "reward_value": _l("پاداش", "Reward"), "reject_reason": _l("دلیل", "Reason"), "note": _l("یادداشت", "Note"),
    "code": _l("کد معرفی", "Referral code"), "points": _l("امتیاز", "Points"), "closed_at": _l("بسته شد", "Closed"),
    "resolved_at": _l("حل شد", "Resolved"), "referral_code": _l("کد معرفی", "Referral code"),
    "process_instance_id": _l("نمونهٔ فرایند", "Process instance"),
    "lifetime_value": _l("ارزش طول عمر", "Lifetime value"),
    "payable": _l("قابل پرداخت", "Payable"), "vat": _l("مالیات", "VAT"), "discount": _l("تخفیف", "Discount"),
    "level": _l("سطح تأیید", "Approval level"), "changes": _l("تغییرات از دور پیش", "Changes since the last round"),
    "open_items": _l("کارهای باز", "Open items"), "phones": _l("تلفن‌ها", "Telephones"),
    "referrer": _l("معرفی‌کننده", "Referrer"),
    "reward": _l("پاداش", "Reward"), "why": _l("چرایی امتیاز", "Why this score"),
    "customer": _l("مشتری", "Customer"), "contact": _l("شاکی", "Complainant"),
    "open_opportunities": _l("فرصت‌های باز", "Open opportunities"),
    "open_complaints": _l("شکایت‌های باز", "Open complaints"),
    "open_leads": _l("سرنخ‌های باز", "Open leads"), "open_contracts": _l("قراردادهای در جریان", "Contracts under way"),
    # the fields of a record's own rows (calls, decisions, revisions, handlings, attempts, messages, purchases)
    "at": _l("زمان", "When"), "by": _l("توسط", "By"), "user": _l("کاربر", "User"), "author": _l("نویسنده", "Author"),
    "action": _l("اقدام", "Action"), "outcome": _l("نتیجه", "Outcome"), "decision": _l("تصمیم", "Decision"),
    "comment": _l("توضیح", "Comment"), "notes": _l("یادداشت", "Notes"), "reason": _l("دلیل", "Reason"),
    "text": _l("متن", "Text"), "public": _l("دیدنی برای مشتری", "Shown to the customer"),
    "number": _l("شماره", "Number"), "round": _l("دور", "Round"), "detail": _l("جزئیات", "Detail"),
    "complaint_id": _l("شکایت", "Complaint"), "opportunity_id": _l("فرصت فروش", "Opportunity"),
    "referral_id": _l("معرفی", "Referral"), "voucher_id": _l("کوپن", "Voucher"),
    "referred_customer_id": _l("مشتری معرفی‌شده", "Referred customer"),
    "working_seconds": _l("زمان کاری (ثانیه)", "Working time (seconds)"),
    "satisfaction_comment": _l("نظر مشتری", "Customer's comment"),
    "recontact_by": _l("تماس دوباره با", "Called again by"),
    "signer": _l("امضاکننده", "Signer"), "signed_via": _l("روش امضا", "Signed by"), "via": _l("روش", "Via"),
    "signed_mobile": _l("همراه امضاکننده", "Signer's mobile"), "signed_ip": _l("نشانی IP امضا", "Signing IP"),
    "ip": _l("نشانی IP", "IP address"), "entered_at": _l("ورود به مرحله", "Entered"),
    "remaining": _l("مانده", "Left"), "rials_per_point": _l("ریال برای هر امتیاز", "Rials per point"),
    "multiplier": _l("ضریب (درصد)", "Multiplier (percent)"), "starts_on": _l("از", "From"),
    "ends_on": _l("تا", "Until"), "active": _l("فعال", "Active"), "earn_percent": _l("درصد امتیاز", "Points percent"),
    "points_months": _l("اعتبار امتیاز (ماه)", "Points last (months)"),
    "perks_fa": _l("مزایا (فارسی)", "Perks (Persian)"),
    "perks_en": _l("مزایا (انگلیسی)", "Perks (English)"), "stock": _l("موجودی", "Stock"),
    "reward_id": _l("جایزه", "Reward"), "state": _l("وضعیت", "State"), "campaign_id": _l("کارزار", "Campaign"),
    "purchased_at": _l("زمان خرید", "Purchased"), "paid_on_time": _l("پرداخت به‌موقع", "Paid on time"),
    "reference": _l("شمارهٔ مرجع", "Reference"), "value": _l("مقدار", "Value"),
    "purchase_total": _l("جمع خرید", "Purchase total"), "qualified_at": _l("ارزیابی شد", "Qualified"),
    "rewarded_at": _l("پاداش داده شد", "Rewarded"), "declined_at": _l("رد شد", "Declined"),
    "recipient": _l("گیرنده", "Recipient"), "subject": _l("موضوع", "Subject"), "body": _l("متن پیام", "Message"),
    "template": _l("الگو", "Template"), "attempts": _l("تلاش‌ها", "Attempts"),
    "next_attempt_at": _l("تلاش بعدی", "Next attempt"),
    # activities
    "record_type": _l("نوع پرونده", "Record type"), "record_id": _l("شمارهٔ پرونده", "Record number"),
    "direction": _l("سوی تماس", "Direction"), "duration_minutes": _l("مدت (دقیقه)", "Minutes"),
    "attendees": _l("شرکت‌کنندگان", "Attendees"), "place": _l("مکان", "Place"), "due_at": _l("سررسید", "Due"),
    "remind_at": _l("یادآوری در", "Reminder at"), "reminded_at": _l("یادآوری شد", "Reminded"),
    "done_at": _l("انجام شد", "Done"), "source_id": _l("شمارهٔ منبع", "Source number"),
    # products, prices, quotes, invoices and payments
    "name_fa": _l("نام فارسی", "Persian name"), "name_en": _l("نام انگلیسی", "English name"),
    "unit": _l("واحد", "Unit"), "price": _l("قیمت", "Price"), "taxable": _l("مشمول مالیات", "Subject to VAT"),
    "segment_key": _l("بخش مشتریان", "Customer segment"), "valid_from": _l("معتبر از", "Valid from"),
    "valid_until": _l("معتبر تا", "Valid until"), "price_list_id": _l("فهرست قیمت", "Price list"),
    "quote_id": _l("پیش‌فاکتور", "Quote"), "position": _l("ردیف", "Position"), "product_id": _l("کالا", "Product"),
    "quantity_milli": _l("تعداد (هزارم)", "Quantity (thousandths)"), "unit_price": _l("بهای واحد", "Unit price"),
    "decided_at": _l("تصمیم گرفته شد", "Decided"), "review_note": _l("یادداشت بررسی", "Review note"),
    "invoice_id": _l("فاکتور", "Invoice"), "issued_on": _l("روز صدور", "Issued on"), "due_on": _l("سررسید", "Due on"),
    "paid": _l("پرداخت‌شده", "Paid"), "paid_on": _l("روز پرداخت", "Paid on"), "method": _l("روش پرداخت", "Method"),
    # campaigns, segments, opt-outs and targets
    "segment_id": _l("بخش مشتریان", "Segment"), "body_fa": _l("متن فارسی", "Persian text"),
    "body_en": _l("متن انگلیسی", "English text"), "start_at": _l("آغاز فرستادن", "Sending starts"),
    "rate_per_minute": _l("پیام در دقیقه", "Messages a minute"),
    "attribution_days": _l("روزهایی که خرید به حساب کارزار است", "Days a purchase counts"),
    "cursor": _l("پیشرفت فرستادن", "Sending progress"), "queued": _l("در صف گذاشته", "Queued"),
    "skipped": _l("کنار گذاشته", "Skipped"), "started_at": _l("آغاز شد", "Started"),
    "finished_at": _l("پایان یافت", "Finished"), "rules": _l("قاعده‌ها", "Rules"), "how": _l("چگونه", "How"),
    "first_day": _l("از روز", "First day"), "last_day": _l("تا روز", "Last day"),
    # the club, codes, notices and the rest
    "voucher_kind": _l("نوع کوپن", "Voucher kind"), "voucher_value": _l("مقدار کوپن", "Voucher value"),
    "valid_days": _l("اعتبار (روز)", "Valid for (days)"), "entry_id": _l("ردیف امتیاز", "Points entry"),
    "settled_at": _l("تحویل شد", "Handed over"), "settled_by": _l("تحویل‌دهنده", "Handed over by"),
    "redeemed_at": _l("زمان استفاده", "Redeemed"), "ranked_at": _l("رتبه‌بندی شد", "Ranked"),
    "rank": _l("رتبه", "Rank"), "used_at": _l("به کار رفت", "Used"), "purpose": _l("کاربرد", "Purpose"),
    "subject_id": _l("شمارهٔ موضوع", "Subject number"),
    "last_error": _l("آخرین خطا", "Last error"), "link": _l("پیوند", "Link"), "read_at": _l("خوانده شد", "Read"),
    "left_at": _l("خروج از مرحله", "Left"), "role": _l("نقش", "Role"), "duplicate_of": _l("تکرارِ", "Duplicate of"),
    "list_name": _l("فهرست", "List"), "key": _l("کلید", "Key"), "label_fa": _l("برچسب فارسی", "Persian label"),
    "label_en": _l("برچسب انگلیسی", "English label"), "parent_key": _l("زیرمجموعهٔ", "Under"),
    "managers": _l("مدیران", "Managers"), "subject_kind": _l("دربارهٔ", "Applies to"),
    "read_scope": _l("دیدن", "May read"), "edit_scope": _l("تغییر دادن", "May change"),
    "query": _l("جست‌وجو", "Search"), "shared": _l("برای همه", "Shared"),
}

# fields a history does not show: bookkeeping, derived search keys, the rendered document
HIDDEN = frozenset({"id", "name_key", "title_key", "created_at", "created_by", "updated_at", "updated_by",
                    "score_parts", "stage_entered_at", "paused_at", "sla_left_seconds", "handling_seconds",
                    "document_html", "process_instance_id", "code_hash",
                    "changes"})  # a revision's diff: the contract's own row beside it shows each change in words

STATUSES: dict[str, dict[str, Label]] = {
    "lead": {"new": _l("جدید", "New"), "qualifying": _l("در حال ارزیابی", "Being qualified"),
             "qualified": _l("واجد شرایط", "Qualified"), "disqualified": _l("رد شده", "Disqualified"),
             "nurture": _l("پیگیری بعدی", "Call again later")},
    "complaint": {"received": _l("دریافت شد", "Received"), "in_progress": _l("در حال رسیدگی", "Being handled"),
                  "escalated": _l("ارجاع به سطح بالاتر", "Escalated"),
                  "waiting_customer": _l("در انتظار پاسخ مشتری", "Waiting for the customer"),
                  "resolved": _l("حل شد", "Resolved"), "closed": _l("بسته شد", "Closed")},
    "contract": {"draft": _l("پیش‌نویس", "Draft"), "changes_requested": _l("نیازمند اصلاح", "Changes requested"),
                 "in_approval": _l("در حال تأیید", "In approval"), "approved": _l("تأیید شده", "Approved"),
                 "rejected": _l("رد شده", "Rejected"),
                 "sent": _l("ارسال شده", "Sent"), "signed": _l("امضا شده", "Signed"),
                 "expired": _l("منقضی", "Expired")},
    "referral": {"pending": _l("در انتظار", "Pending"), "lead": _l("در حال ارزیابی", "Being qualified"),
                 "purchased": _l("خرید کرد", "Purchased"), "rewarded": _l("پاداش داده شد", "Rewarded"),
                 "declined": _l("رد شد", "Declined"), "expired": _l("منقضی", "Expired")},
    "customer": {"potential": _l("بالقوه", "Potential"), "actual": _l("بالفعل", "Actual")},
    "opportunity": {"prospecting": _l("شناسایی", "Prospecting"), "qualification": _l("ارزیابی", "Qualification"),
                    "proposal": _l("پیشنهاد", "Proposal"), "negotiation": _l("مذاکره", "Negotiation"),
                    "won": _l("برنده", "Won"), "lost": _l("از دست رفته", "Lost")},
    "notification": {"pending": _l("در صف", "Queued"), "sent": _l("فرستاده شد", "Sent"),
                     "failed": _l("ناموفق", "Failed"), "kept": _l("نگه داشته شد", "Kept")},
}
STATUSES["opportunity_stage"] = STATUSES["opportunity"]  # a stay's stage is one of the deal's stages

# the words of other fields' fixed values, by (record type, field); "*" for every record type
VALUES: dict[tuple[str, str], dict[str, Label]] = {
    ("lead", "need"): {"low": _l("کم", "Low"), "medium": _l("متوسط", "Medium"), "high": _l("زیاد", "High")},
    ("lead", "timeline"): {"now": _l("اکنون", "Now"), "quarter": _l("همین فصل", "This quarter"),
                           "year": _l("امسال", "This year"), "unknown": _l("نامعلوم", "Unknown")},
    ("customer", "kind"): {"person": _l("حقیقی", "Person"), "company": _l("حقوقی", "Company")},
    ("opportunity", "kind"): {"new": _l("فروش جدید", "New sale"), "upsell": _l("فروش بیشتر", "Upsell"),
                              "renewal": _l("تمدید", "Renewal")},
    ("*", "tier"): {"bronze": _l("برنزی", "Bronze"), "silver": _l("نقره‌ای", "Silver"), "gold": _l("طلایی", "Gold"),
                    "platinum": _l("پلاتینی", "Platinum")},
    ("complaint", "severity"): {"low": _l("کم", "Low"), "medium": _l("متوسط", "Medium"), "high": _l("زیاد", "High"),
                                "critical": _l("بحرانی", "Critical")},
    ("lead_call", "need"): {"low": _l("کم", "Low"), "medium": _l("متوسط", "Medium"), "high": _l("زیاد", "High")},
    ("lead_call", "timeline"): {"now": _l("اکنون", "Now"), "quarter": _l("همین فصل", "This quarter"),
                                "year": _l("امسال", "This year"), "unknown": _l("نامعلوم", "Unknown")},
    ("lead_call", "outcome"): {"qualified": _l("واجد شرایط", "Qualified"), "disqualified": _l("رد شد", "Disqualified"),
                               "nurture": _l("تماس دوباره بعداً", "Call again later")},
    ("contract_decision", "decision"): {"approve": _l("تأیید", "Approve"), "reject": _l("رد", "Reject"),
                                        "changes": _l("نیازمند اصلاح", "Changes asked")},
    ("contract", "outcome"): {"approve": _l("تأیید", "Approved"), "reject": _l("رد", "Rejected"),
                              "changes": _l("نیازمند اصلاح", "Changes asked")},
    ("*", "signed_via"): {"code": _l("کد یک‌بار مصرف", "One-time code"),
                          "integration": _l("امضای الکترونیکی", "E-signature provider")},
    ("*", "via"): {"code": _l("کد یک‌بار مصرف", "One-time code"),
                   "integration": _l("امضای الکترونیکی", "E-signature provider")},
    ("complaint_handling", "action"): {
        "claimed": _l("برداشته شد", "Claimed"), "escalated": _l("ارجاع شد", "Escalated"),
        "handed_over": _l("واگذار شد", "Handed over"), "reopened": _l("بازگشایی شد", "Reopened"),
        "resolved": _l("حل شد", "Resolved"), "resumed": _l("از سر گرفته شد", "Resumed"),
        "waiting": _l("در انتظار مشتری", "Waiting for the customer")},
    ("purchase", "channel"): {"store": _l("فروشگاه", "Store"), "online": _l("آنلاین", "Online"),
                              "phone": _l("تلفنی", "Phone"), "agent": _l("نماینده", "Agent")},
    ("complaint", "channel"): {"phone": _l("تلفن", "Phone"), "email": _l("ایمیل", "E-mail"),
                               "api": _l("سامانهٔ دیگر", "Another system"), "message": _l("پیام", "Message"),
                               "portal": _l("درگاه مشتریان", "Customer portal")},
    ("referral_attempt", "channel"): {"staff": _l("کارمند", "Staff"), "portal": _l("درگاه مشتری", "Customer portal"),
                                      "message": _l("پیام", "Message")},
    ("referral_attempt", "outcome"): {"accepted": _l("پذیرفته", "Accepted"), "refused": _l("نپذیرفته", "Refused")},
    ("referral_attempt", "reason"): {"self_referral": _l("معرفی خود", "Self-referral")},
    ("referral", "reward_kind"): {"points": _l("امتیاز", "Points"), "discount": _l("کوپن تخفیف", "Discount voucher")},
    ("voucher", "kind"): {"percent": _l("درصدی", "Percent"), "amount": _l("مبلغی", "Amount")},
    ("notification", "channel"): {"sms": _l("پیامک", "SMS"), "email": _l("رایانامه", "E-mail"),
                                  "app": _l("درون برنامه", "In the app")},
    ("contract", "channel"): {"sms": _l("پیامک", "SMS"), "email": _l("رایانامه", "E-mail")},
    ("*", "locale"): {"fa": _l("فارسی", "Persian"), "en": _l("انگلیسی", "English")},
    # the message templates (crm/templates/messages/*.toml) by what they tell
    ("notification", "delivery"): {
        "queued": _l("در صف پنل", "At the panel"), "at_operator": _l("نزد اپراتور", "With the operator"),
        "delivered": _l("رسید", "Delivered"), "undelivered": _l("نرسید", "Not delivered"),
        "blocked": _l("مسدود", "Blocked"), "failed": _l("ناموفق", "Failed")},
    ("notification", "provider"): {"kavenegar": _l("کاوه‌نگار", "Kavenegar"),
                                   "smsir": _l("اس‌ام‌اس‌دات‌آی‌آر (SMS.ir)", "SMS.ir")},
    ("notification", "template"): {
        "complaint_received": _l("شکایت دریافت شد", "Complaint received"),
        "complaint_escalated": _l("شکایت ارجاع شد", "Complaint escalated"),
        "complaint_resolved": _l("شکایت حل شد", "Complaint resolved"),
        "survey_request": _l("درخواست نظرسنجی", "Survey request"),
        "contract_sent": _l("ارسال قرارداد", "Contract sent"),
        "contract_reminder": _l("یادآوری قرارداد", "Contract reminder"),
        "contract_code": _l("کد امضای قرارداد", "Contract signing code"),
        "contract_approval_late": _l("تأخیر در تأیید قرارداد", "Contract approval late"),
        "contract_approval_escalated": _l("ارجاع تأیید قرارداد", "Contract approval escalated"),
        "contract_offer_expired": _l("پایان مهلت پیشنهاد قرارداد", "Contract offer expired"),
        "referral_rewarded": _l("پاداش معرفی", "Referral rewarded"),
        "referral_voucher": _l("کوپن معرفی", "Referral voucher"),
        "referral_declined": _l("رد معرفی", "Referral declined"),
        "lead_recontact": _l("تماس دوباره با سرنخ", "Call the lead again"),
        "task_overdue": _l("کار دیرکرده", "Task overdue"),
        "complaint_escalated_customer": _l("ارجاع شکایت (به مشتری)", "Complaint escalated (to the customer)"),
        "complaint_waiting": _l("شکایت در انتظار مشتری", "Complaint waiting for the customer"),
        "complaint_handed_over": _l("واگذاری شکایت", "Complaint handed over"),
        "complaint_sla_warning": _l("هشدار مهلت شکایت", "Complaint deadline warning"),
        "task_assigned": _l("کار به شما سپرده شد", "Task assigned to you"),
        "message_undelivered": _l("پیام نرسید", "Message not delivered"),
        "activity_reminder": _l("یادآوری فعالیت", "Activity reminder"),
        "mentioned": _l("نام شما در یادداشت یک کار", "Mentioned in a task comment"),
        "task_due_soon": _l("موعد کار نزدیک است", "Task due soon"),
        "loyalty_club_link": _l("پیوند باشگاه مشتریان", "Club link"),
        "quote_sent": _l("ارسال پیش‌فاکتور", "Quote sent"),
        "quote_returned": _l("بازگشت پیش‌فاکتور", "Quote sent back"),
        "quote_code": _l("کد پذیرش پیش‌فاکتور", "Quote acceptance code"),
        "mentioned_record": _l("نام شما در یادداشت یک پرونده", "Mentioned in a record's note"),
    },
    ("loyalty_entry", "kind"): {"earn": _l("خرید", "Purchase"), "credit": _l("افزوده", "Credited"),
                                "debit": _l("کاسته", "Taken"), "redeem": _l("جایزه", "Reward"),
                                "expire": _l("منقضی", "Lapsed"), "refund": _l("برگشت جایزه", "Reward returned")},
    ("loyalty_redemption", "state"): {"issued": _l("صادر شد", "Issued"),
                                      "requested": _l("در انتظار تحویل", "To hand over"),
                                      "delivered": _l("تحویل شد", "Delivered"), "cancelled": _l("لغو شد", "Cancelled")},
    ("activity", "kind"): {"call": _l("تماس", "Call"), "meeting": _l("جلسه", "Meeting"),
                           "note": _l("یادداشت", "Note"), "todo": _l("کار برای انجام", "To-do")},
    ("activity", "direction"): {"outbound": _l("خروجی", "Outbound"), "inbound": _l("ورودی", "Inbound")},
    ("activity", "outcome"): {"reached": _l("صحبت شد", "Reached"), "no_answer": _l("پاسخ نداد", "No answer"),
                              "busy": _l("مشغول بود", "Busy"), "voicemail": _l("پیام صوتی", "Voicemail"),
                              "wrong_number": _l("شمارهٔ نادرست", "Wrong number")},
    ("activity", "source"): {"lead_call": _l("تماس ارزیابی سرنخ", "Lead qualification call")},
    ("activity", "record_type"): {name: RECORDS[name] for name in
                                  ("customer", "lead", "opportunity", "complaint", "contract")},
    ("campaign", "state"): {"draft": _l("پیش‌نویس", "Draft"), "sending": _l("در حال فرستادن", "Sending"),
                            "sent": _l("فرستاده شد", "Sent"), "cancelled": _l("لغو شد", "Cancelled")},
    ("*", "channel"): {"sms": _l("پیامک", "SMS"), "email": _l("رایانامه", "E-mail")},
    ("quote", "state"): {"draft": _l("پیش‌نویس", "Draft"), "pending": _l("در انتظار تأیید", "Awaiting approval"),
                         "sent": _l("فرستاده شد", "Sent"), "accepted": _l("پذیرفته شد", "Accepted"),
                         "rejected": _l("رد شد", "Rejected")},
    ("opt_out", "how"): {"keyword": _l("با واژهٔ لغو در پاسخ پیامک", "By the opt-out word in a reply"),
                         "link": _l("با پیوند درون پیام", "By the link in a message"),
                         "staff": _l("به یکی از کارکنان گفت", "Told a member of staff")},
    ("*", "unit"): {"piece": _l("عدد", "Piece"), "hour": _l("ساعت", "Hour"), "day": _l("روز", "Day"),
                    "month": _l("ماه", "Month"), "year": _l("سال", "Year"), "licence": _l("مجوز", "Licence"),
                    "service": _l("خدمت", "Service")},
    ("loyalty_rule", "kind"): {"earn": _l("امتیازدهی", "Earning"), "bonus": _l("امتیاز ویژه", "Bonus")},
    ("loyalty_reward", "kind"): {"voucher": _l("کد تخفیف", "Voucher"), "gift": _l("هدیه", "Gift")},
    ("loyalty_reward", "voucher_kind"): {"percent": _l("درصدی", "A percentage"),
                                         "amount": _l("مبلغی به ریال", "An amount in rials")},
    ("loyalty_redemption", "channel"): {"portal": _l("درگاه مشتریان", "On the portal"),
                                        "staff": _l("کارکنان", "By staff")},
    ("loyalty_account", "reason"): {"ranking": _l("رتبه‌بندی مشتریان", "Customer ranking")},
    ("payment", "method"): {"cash": _l("نقد", "Cash"), "card": _l("کارت", "Card"),
                            "transfer": _l("انتقال بانکی", "Transfer"), "cheque": _l("چک", "Cheque")},
}
KIND_WORDS = VALUES[("activity", "kind")]

ACTIONS: dict[str, Label] = {
    "created": _l("ایجاد شد", "created"), "changed": _l("تغییر کرد", "changed"), "removed": _l("حذف شد", "removed"),
    "answered_by_link": _l("مشتری از پیوند پاسخ داد", "answered by the customer's link"),
    "sent": _l("فرستاده شد", "sent"), "used": _l("به کار رفت", "used"), "wrong": _l("نادرست وارد شد", "entered wrong"),
    "signature": _l("امضا", "signature"), "refused": _l("نپذیرفته شد", "refused"),
    "approval_late": _l("یادآوری به تأییدکنندگان دیرکرده", "late approvers reminded"),
    "approval_escalated": _l("دیرکرد تأیید به مدیران گزارش شد", "late approval escalated to the managers"),
    "decisions_withdrawn": _l("تصمیم‌های این دور پس گرفته شد", "this round's decisions withdrawn"),
    "purchase_refused": _l("خرید برای پاداش پذیرفته نشد", "purchase not counted for the reward"),
    "deleted": _l("حذف شد", "deleted"), "queued": _l("در صف فرستادن گذاشته شد", "queued for sending"),
    "items": _l("قیمت‌هایش تغییر کرد", "prices changed"), "lines": _l("ردیف‌هایش تغییر کرد", "lines changed"),
}


def field_label(name: str) -> Label:
    """The field's label; its name in both languages when it has none."""
    return FIELDS.get(name) or {"fa": name, "en": name}


def record_label(name: str) -> Label:
    return RECORDS.get(name) or {"fa": name, "en": name.replace("_", " ")}


def value_label(record_type: str, field: str, value: Any) -> Label | None:
    """The words of a fixed value of a field (a state, a need, a tier), or None."""
    if not isinstance(value, str):
        return None
    if field in ("status", "stage"):
        return status_label(record_type, value)
    table = VALUES.get((record_type, field)) or VALUES.get(("*", field)) or {}
    return table.get(value)


def status_label(record_type: str, value: Any) -> Label | None:
    """The state's words, or None when the value is not a known state of that record."""
    return STATUSES.get(record_type, {}).get(value) if isinstance(value, str) else None
