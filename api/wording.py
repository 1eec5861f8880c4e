"""What the server says to people, in their language: the one catalogue of server-side messages.

Problem bodies (``api.errors.problem``) and field messages are written in English where they are raised (the
engine, the CRM, marshmallow, form checks); this module gives each its stable ``code`` and, for a caller who
reads Persian, a Persian sentence that says what to do. English callers get the English exactly as raised.
The caller's language is the signed-in user's preference, else the request's Accept-Language, else English.

A message already written in both languages ("english / فارسی") gives its Persian half. A field message this
catalogue does not know becomes the general "check this field" sentence (the web app then shows its own
sentence for the field); a problem detail it does not know becomes the sentence for the problem's kind.
Script and deployment errors keep their technical English after a Persian lead sentence: a designer needs the
line and the exception's name."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import g, has_request_context, request

from crm.text import english_half, persian_half

LOCALES = ("en", "fa")
CHECK_FIELD = "این مورد را بررسی کنید."  # the web app's form.check_field in Persian: "use your own sentence"
CHOOSE = "یکی از گزینه‌های فهرست را برگزینید."  # the options are codes: the form lists them by their labels
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def caller_locale() -> str:
    """``fa`` or ``en``: the signed-in user's language, else the best of Accept-Language, else English."""
    if not has_request_context():
        return "en"
    principal = g.get("principal")
    if principal is None and (request.headers.get("Authorization") or request.cookies):
        try:
            from api.guard import current_principal

            principal = current_principal()
        except Exception:  # no valid credentials (this may be the 401 being answered), or no database
            principal = None
    if principal is not None:
        short = (getattr(principal, "locale", "") or "").split("-")[0].lower()
        if short in LOCALES:
            return short
    return request.accept_languages.best_match(LOCALES) or "en"


# -- problem titles: English title → (code, Persian title) ------------------------------------------------------

TITLES: dict[str, tuple[str, str]] = {
    "Not found": ("not_found", "پیدا نشد"),
    "Not Found": ("not_found", "پیدا نشد"),
    "Forbidden": ("forbidden", "اجازهٔ این کار را ندارید"),
    "Unauthorized": ("unauthorized", "ابتدا وارد شوید"),
    "Conflict": ("conflict", "با وضعیت کنونی جور نیست"),
    "Task no longer open": ("task_not_open", "این کار دیگر باز نیست"),
    "Invalid data": ("invalid_data", "برخی داده‌ها درست نیستند"),
    "Invalid value": ("invalid_value", "مقداری پذیرفته نشد"),
    "Invalid request": ("invalid_request", "برخی موارد درست پر نشده‌اند"),
    "Invalid record": ("invalid_record", "برخی موارد درست پر نشده‌اند"),
    "Refused": ("refused", "پذیرفته نشد"),
    "Bad request": ("bad_request", "درخواست نادرست است"),
    "Bad Request": ("bad_request", "درخواست نادرست است"),
    "Invalid deployment": ("invalid_deployment", "استقرار پذیرفته نشد"),
    "Script error": ("script_error", "اسکریپت فرایند خطا داد"),
    "Sandbox violation": ("sandbox_violation", "اسکریپت کاری کرد که مجاز نیست"),
    "Engine error": ("engine_error", "موتور فرایند این درخواست را نپذیرفت"),
    "Too Many Requests": ("rate_limited", "درخواست‌ها بیش از اندازه بود"),
    "Method Not Allowed": ("method_not_allowed", "این کار در این نشانی ممکن نیست"),
    "Request Entity Too Large": ("too_large", "فایل یا داده بیش از اندازه بزرگ است"),
    "Content Too Large": ("too_large", "فایل یا داده بیش از اندازه بزرگ است"),
    "Unsupported Media Type": ("unsupported_media_type", "این نوع داده پذیرفته نیست"),
    "Not Acceptable": ("not_acceptable", "این قالب پاسخ در دسترس نیست"),
    "Gone": ("gone", "دیگر در دسترس نیست"),
    "Precondition Failed": ("precondition_failed", "این مورد در این میان تغییر کرده است"),
    "Precondition Required": ("precondition_required", "نسخهٔ مورد را هم بفرستید"),
    "Unprocessable Entity": ("invalid_request", "برخی موارد درست پر نشده‌اند"),
    "Service Unavailable": ("unavailable", "سامانه لحظه‌ای در دسترس نیست"),
    "Internal Server Error": ("server_error", "خطایی در سامانه رخ داد"),
}

# the sentence for each kind of problem, saying what to do (a detail this catalogue does not know gets it)
ADVICE: dict[str, str] = {
    "not_found": "آنچه خواستید پیدا نشد؛ شاید پاک شده یا نشانی نادرست است. به فهرست برگردید و دوباره بجویید.",
    "forbidden": "نقش شما اجازهٔ این کار را ندارد. اگر باید انجامش دهید، از مدیر سامانه بخواهید.",
    "unauthorized": "نشست شما پایان یافته یا وارد نشده‌اید؛ دوباره وارد شوید.",
    "conflict": "این کار با وضعیت کنونی این مورد ممکن نیست؛ صفحه را تازه کنید و وضعیت را ببینید.",
    "task_not_open": "این کار پیش‌تر انجام یا لغو شده است؛ فهرست کارها را تازه کنید.",
    "invalid_data": "موارد مشخص‌شده را اصلاح کنید و دوباره بفرستید.",
    "invalid_value": "یکی از مقدارها پذیرفته نشد؛ آن را اصلاح کنید و دوباره بفرستید.",
    "invalid_request": "موارد مشخص‌شده را اصلاح کنید و دوباره بفرستید.",
    "invalid_record": "موارد مشخص‌شده را اصلاح کنید و دوباره بفرستید.",
    "refused": "این درخواست با قاعده‌های کار جور نیست و پذیرفته نشد.",
    "bad_request": "درخواست نادرست است؛ صفحه را تازه کنید و دوباره بکوشید.",
    "rate_limited": "درخواست‌ها بیش از اندازه بود؛ یک دقیقه صبر کنید و دوباره بکوشید.",
    "method_not_allowed": "این کار در این نشانی ممکن نیست.",
    "too_large": "فایل یا داده بیش از اندازه بزرگ است؛ آن را کوچک‌تر کنید.",
    "unsupported_media_type": "این نوع داده پذیرفته نیست؛ قالب درست را بفرستید.",
    "not_acceptable": "این قالب پاسخ در دسترس نیست.",
    "gone": "این مورد دیگر در دسترس نیست.",
    "precondition_failed": "این مورد در این میان تغییر کرده است؛ صفحه را تازه کنید و دوباره بکوشید.",
    "precondition_required": "نسخهٔ مورد را هم بفرستید (If-Match).",
    "unavailable": "پایگاه داده مشغول است یا در دسترس نیست؛ چیزی تغییر نکرد. لحظه‌ای بعد دوباره بکوشید.",
    "server_error": "خطایی در سامانه رخ داد و ثبت شد؛ لحظه‌ای بعد دوباره بکوشید.",
}

# the technical detail stays (a designer needs it), after this Persian lead sentence
TECHNICAL: dict[str, str] = {
    "script_error": "اسکریپت یا عبارتی در فرایند خطا داد؛ آن را در ویرایشگر اصلاح کنید. جزئیات فنی:",
    "sandbox_violation": "اسکریپت فرایند کاری کرد که مجاز نیست؛ آن را در ویرایشگر اصلاح کنید. جزئیات فنی:",
    "invalid_deployment": "نمودار پذیرفته نشد؛ مشکل‌های فهرست‌شده را در ویرایشگر اصلاح کنید. جزئیات فنی:",
    "engine_error": "موتور فرایند این درخواست را نپذیرفت. جزئیات فنی:",
}


def _fa(text: str) -> str:
    return text.translate(_FA_DIGITS)


def _isolated(text: str) -> str:
    """Codes and Latin words inside a Persian sentence, kept left to right in their own run."""
    return f"\u2068{text}\u2069"


Rule = tuple[re.Pattern[str], str, Callable[[re.Match[str]], str]]


def _rule(pattern: str, code: str, persian: str | Callable[[re.Match[str]], str]) -> Rule:
    say = persian if callable(persian) else (lambda _m, text=persian: text)
    return re.compile(pattern, re.IGNORECASE), code, say


def _n(group: int, template: str) -> Callable[[re.Match[str]], str]:
    return lambda m: template.format(n=_fa(m.group(group)))


def _range(template: str) -> Callable[[re.Match[str]], str]:
    return lambda m: template.format(a=_fa(m.group(1)), b=_fa(m.group(2)))


# -- problem details: English pattern → (code, Persian) ---------------------------------------------------------

DETAILS: list[Rule] = [
    _rule(r"^sign in first\b", "sign_in_first", "ابتدا وارد شوید؛ نشست شما پایان یافته است."),
    _rule(r"^the token is invalid, expired or revoked$", "token_invalid",
          "کلید دسترسی نامعتبر، منقضی یا باطل شده است؛ دوباره وارد شوید."),
    _rule(r"^the (\w+) role may not do this$", "role_forbidden",
          "نقش شما اجازهٔ این کار را ندارد. اگر باید انجامش دهید، از مدیر سامانه بخواهید."),
    _rule(r"^missing or wrong CSRF token\b", "csrf",
          "این صفحه کهنه شده است؛ صفحه را تازه کنید و دوباره بکوشید."),
    _rule(r"^too many failed sign-in attempts\b", "sign_in_limited",
          "تلاش‌های ناموفق ورود بیش از اندازه بود؛ یک دقیقه صبر کنید و دوباره بکوشید."),
    _rule(r"^too many requests from your address\b", "rate_limited",
          "درخواست‌ها بیش از اندازه بود؛ یک دقیقه صبر کنید و دوباره بکوشید."),
    _rule(r"^some fields are invalid$", "invalid_request", "موارد مشخص‌شده را اصلاح کنید و دوباره بفرستید."),
    _rule(r"^the submitted data is invalid$", "invalid_data", "موارد مشخص‌شده را اصلاح کنید و دوباره بفرستید."),
    _rule(r"^the database is busy or unreachable\b", "unavailable",
          "پایگاه داده مشغول است یا در دسترس نیست؛ چیزی تغییر نکرد. لحظه‌ای بعد دوباره بکوشید."),
    _rule(r"^the database refused one of the values sent\b", "invalid_value",
          "پایگاه داده یکی از مقدارها را نپذیرفت؛ چیزی تغییر نکرد. مقدارها را بررسی کنید."),
    _rule(r"^something went wrong on our side\b", "server_error",
          "خطایی در سامانه رخ داد و ثبت شد؛ لحظه‌ای بعد دوباره بکوشید."),
    _rule(r"^the incident is already resolved$", "incident_resolved",
          "این خطا پیش‌تر برطرف شده است؛ صفحه را تازه کنید."),
    _rule(r"^the failed task is no longer waiting for a retry$", "incident_moved_on",
          "این کار دیگر منتظر تلاش دوباره نیست؛ صفحه را تازه کنید."),
    _rule(r"^no incident (\d+) on this instance$", "not_found", "این خطا در این فرایند پیدا نشد؛ صفحه را تازه کنید."),
    _rule(r"^no ([a-z_ ]+) (\S+)$", "not_found",
          lambda m: f"موردی با شناسهٔ {_isolated(_fa(m.group(2)))} پیدا نشد؛ شاید پاک شده یا شناسه نادرست است."),
]

# -- field messages: English pattern → (code, Persian) ----------------------------------------------------------

FIELDS: list[Rule] = [
    # required
    _rule(r"^(required|this field is required|Missing data for required field|Field may not be null|"
          r"Field is required)\.?$", "required", "این مورد را پر کنید."),
    # text and length
    _rule(r"^(must be text|Not a valid string)\.?$", "text", "این مورد را به صورت متن بنویسید."),
    _rule(r"^at most (\d+) characters$", "max_length", _n(1, "حداکثر {n} نویسه بنویسید.")),
    _rule(r"^Longer than maximum length (\d+)\.$", "max_length", _n(1, "حداکثر {n} نویسه بنویسید.")),
    _rule(r"^Longer than the (\d+) characters allowed\.$", "max_length", _n(1, "حداکثر {n} نویسه بنویسید.")),
    _rule(r"^Must be at most (\d+) characters long\.$", "max_length", _n(1, "حداکثر {n} نویسه بنویسید.")),
    _rule(r"^Shorter than minimum length (\d+)\.$", "min_length", _n(1, "دست‌کم {n} نویسه بنویسید.")),
    _rule(r"^Must be at least (\d+) characters long\.$", "min_length", _n(1, "دست‌کم {n} نویسه بنویسید.")),
    _rule(r"^Length must be between (\d+) and (\d+)\.$", "length", _range("میان {a} تا {b} نویسه بنویسید.")),
    _rule(r"^Length must be (\d+)\.$", "length", _n(1, "دقیقاً {n} نویسه بنویسید.")),
    _rule(r"^Must match the pattern (.+)\.$", "pattern", "این مورد با قالب خواسته‌شده جور نیست."),
    _rule(r"^String does not match expected pattern\.$", "pattern", "این مورد با قالب خواسته‌شده جور نیست."),
    _rule(r"^Contains characters that cannot be stored\b.*$", "bad_characters",
          "نویسه‌هایی دارد که نمی‌توان نگه داشت؛ آن‌ها را پاک کنید."),
    # choices
    _rule(r"^(must be one of|one of):? (.+)$", "choice", CHOOSE),
    _rule(r"^Not one of the allowed values\.$", "choice", CHOOSE),
    _rule(r"^(must be true or false|Not a valid boolean)\.?$", "boolean", "بله یا خیر را برگزینید."),
    _rule(r"^this field cannot be changed here$", "read_only", "این مورد را اینجا نمی‌توان تغییر داد."),
    _rule(r"^Unknown field\.$", "unknown_field", "این مورد شناخته نیست و پذیرفته نشد."),
    # numbers
    _rule(r"^(not a whole number|not a number|Not a valid integer|Must be a whole number)\.?$", "integer",
          "یک عدد صحیح با رقم بنویسید."),
    _rule(r"^Not a valid number\.$", "number", "یک عدد با رقم بنویسید."),
    _rule(r"^must be between (-?\d+) and (-?\d+)$", "range", _range("عددی میان {a} و {b} بنویسید.")),
    _rule(r"^Must be greater than or equal to (-?[\d.]+) and less than or equal to (-?[\d.]+)\.$", "range",
          _range("عددی میان {a} و {b} بنویسید.")),
    _rule(r"^Must be greater than or equal to (-?[\d.]+)\.$", "min", _n(1, "عددی برابر یا بیشتر از {n} بنویسید.")),
    _rule(r"^Must be less than or equal to (-?[\d.]+)\.$", "max", _n(1, "عددی برابر یا کمتر از {n} بنویسید.")),
    _rule(r"^at least (\d+)$", "min", _n(1, "دست‌کم {n}.")),
    _rule(r"^Must have at most (\d+) decimal digit\(s\)\.$", "decimals",
          _n(1, "حداکثر {n} رقم پس از ممیز بنویسید.")),
    _rule(r"^Must be a multiple of ([\d.]+)\.$", "multiple", _n(1, "مضربی از {n} بنویسید.")),
    _rule(r"^(Number out of range|too large)\.?$", "too_large", "این عدد بیش از اندازه بزرگ است."),
    # amounts (crm.money)
    _rule(r"^not an amount$", "amount", "مبلغ را با رقم بنویسید، مانند ۱٬۲۵۰٬۰۰۰."),
    _rule(r"^write the amount in digits\b.*$", "amount", "مبلغ را با رقم بنویسید، مانند ۱٬۲۵۰٬۰۰۰ ریال."),
    _rule(r"^an amount is never negative$", "amount_negative", "مبلغ نمی‌تواند منفی باشد."),
    _rule(r"^rials have no fractions$", "amount_fraction", "ریال اعشار ندارد؛ مبلغ را بی‌ممیز بنویسید."),
    _rule(r"^an amount is below ([\d,]+) rials$", "amount_too_large",
          lambda m: f"مبلغ باید کمتر از {_fa(m.group(1).replace(',', '٬'))} ریال باشد."),
    _rule(r"^unknown unit '?(.+?)'?: write rials or tomans\b.*$", "amount_unit",
          lambda m: f"واحد «{m.group(1)}» شناخته نیست؛ مبلغ را به ریال یا تومان بنویسید، مانند ۲۵۰٬۰۰۰ تومان."),
    # telephones (crm.phones)
    _rule(r"^too short: write the area code\b.*$", "phone_short",
          "شماره کوتاه است؛ کد شهر را هم بنویسید (مانند ۰۲۱ ...) یا همهٔ شمارهٔ همراه را (۰۹...)."),
    _rule(r"^not an Iranian number\b.*$", "phone_iran",
          "شمارهٔ ایرانی ۱۱ رقم است و با ۰ آغاز می‌شود؛ شمارهٔ کشورهای دیگر را با + و کد کشور بنویسید."),
    _rule(r"^a telephone number holds only digits\b.*$", "phone_characters",
          "شمارهٔ تلفن فقط رقم، فاصله، خط تیره و پرانتز دارد."),
    _rule(r"^an Iranian number has 10 digits after \+98\b.*$", "phone_iran",
          "شمارهٔ ایرانی پس از ‎+98‎ ده رقم دارد (مانند ‎+98 912 123 4567‎)."),
    _rule(r"^an international number has a country code\b.*$", "phone_international",
          "شمارهٔ بین‌المللی کد کشور دارد و روی هم ۸ تا ۱۵ رقم است."),
    _rule(r"^not a mobile number\b.*$", "mobile", "شمارهٔ همراه نیست؛ شمارهٔ همراه ایرانی با ۰۹ آغاز می‌شود."),
    _rule(r"^Not a valid international phone number\b.*$", "phone_international",
          "شمارهٔ تلفن را با کد کشور بنویسید (مانند ‎+989121234567‎)."),
    # e-mail, dates, lists
    _rule(r"^(is not an email address|Not a valid email address)\.?$", "email",
          "نشانی ایمیل درست نیست؛ مانند name@example.com بنویسید."),
    _rule(r"^must be a date \(YYYY-MM-DD\)$", "date", "تاریخ را به شکل سال-ماه-روز بنویسید، مانند 2026-12-07."),
    _rule(r"^(must be a date|Not a valid date)\b.*$", "date", "یک تاریخ درست بنویسید."),
    _rule(r"^Not a valid time\b.*$", "time", "یک ساعت درست بنویسید، مانند ۰۹:۳۰."),
    _rule(r"^Not a valid (date and time|datetime)\b.*$", "datetime", "تاریخ و ساعت درست بنویسید."),
    _rule(r"^Not a valid list\.$", "list", "فهرستی از مقدارها بفرستید."),
    _rule(r"^a list of words, or words separated by commas$", "words", "چند واژه بنویسید و با ویرگول جدا کنید."),
    _rule(r"^at most 50 interests of at most 80 characters$", "interests",
          "حداکثر ۵۰ علاقه‌مندی بنویسید، هر کدام حداکثر ۸۰ نویسه."),
    _rule(r"^(Invalid input type|Not a valid mapping type|Invalid value)\.$", "invalid", CHECK_FIELD),
]


def _match(rules: list[Rule], message: str) -> tuple[str, str] | None:
    for pattern, code, say in rules:
        found = pattern.match(message.strip())
        if found:
            return code, say(found)
    return None


def field_code(message: str) -> str:
    """The stable code of one field message (``invalid`` when the catalogue does not know it)."""
    known = _match(FIELDS, english_half(message))
    return known[0] if known else "invalid"


def field_message(message: str, locale: str) -> str:
    """One field message in ``locale``: English as raised, Persian from the catalogue. A message the CRM wrote
    in both languages ("english / فارسی") stays whole: the pages pick their half, and read the English half
    to tell a generic "required" from a reason of the field's own."""
    if locale != "fa" or english_half(message) != message:
        return message
    known = _match(FIELDS, message)
    if known:
        return known[1]
    return persian_half(message) or CHECK_FIELD


def field_messages(errors: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """``{"field": [messages]}`` with each message in ``locale`` (the field names stay as they are)."""
    shown: dict[str, Any] = {}
    for name, sent in errors.items():
        if isinstance(sent, list):
            shown[name] = [field_message(m, locale) if isinstance(m, str) else m for m in sent]
        elif isinstance(sent, str):
            shown[name] = field_message(sent, locale)
        elif isinstance(sent, Mapping):
            shown[name] = field_messages(sent, locale)
        else:
            shown[name] = sent
    return shown


def field_codes(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{"field": [codes]}`` beside ``errors``: what a client may match instead of the sentence."""
    return {name: [field_code(m) for m in (sent if isinstance(sent, list) else [sent]) if isinstance(m, str)]
            for name, sent in errors.items() if isinstance(sent, (list, str))}


def title_code(title: str, status: int) -> str:
    known = TITLES.get(title)
    if known:
        return known[0]
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
            422: "invalid_request", 429: "rate_limited", 503: "unavailable"}.get(status, f"http_{status}")


def problem_text(status: int, title: str, detail: str | None, locale: str) -> tuple[str, str | None, str, str | None]:
    """(title, detail, code, detail_code) for the caller: as given in English; in Persian from the catalogue."""
    code = title_code(title, status)
    detail_known = _match(DETAILS, detail) if detail else None
    detail_code = detail_known[0] if detail_known else None
    if locale != "fa":
        return title, detail, code, detail_code
    persian_title = TITLES.get(title, (code, ""))[1] or ADVICE.get(code, "").split("؛")[0] or "درخواست پذیرفته نشد"
    if not detail:
        return persian_title, None, code, None
    if code in TECHNICAL:
        return persian_title, f"{TECHNICAL[code]} {detail}", code, detail_code
    if detail_known:
        return persian_title, detail_known[1], code, detail_code
    return persian_title, persian_half(detail) or ADVICE.get(code) or persian_title, code, detail_code
