"""The settings an administrator changes on the Settings screen: the company's legal details, the SMS and
e-mail senders, quiet hours and the working calendar.

Each is checked here (a field error in English and Persian, ``"english / فارسی"``) and kept in ``app_setting``;
a stored value overrides the settings file and the environment. Secrets (the SMS gateway's token, the SMTP
password) are write-only: never returned, only said to be set."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import JSON, String, inspect, select
from sqlalchemy import Engine as Database
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from config import Settings
from crm.dates import parse_day
from crm.errors import InvalidRecord
from crm.phones import normalise_phone
from crm.quiet import parse_quiet_hours, zone_of
from crm.sms_panels import PROVIDERS
from crm.text import ascii_digits
from crm.validation import parse_email
from engine.events import calendar
from engine.store.db import make_read_session_factory
from engine.store.models import Base

log = logging.getLogger("ravand.settings")


class AppSetting(Base):
    __tablename__ = "app_setting"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(150))
    updated_at: Mapped[datetime]


class Invalid(ValueError):
    """A value a setting cannot take; the message is "english / فارسی"."""


def _text(limit: int) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid("must be text / باید متن باشد")
        text = " ".join(value.split())
        if len(text) > limit:
            raise Invalid(f"at most {limit} characters / حداکثر {limit} نویسه")
        return text
    return read


def _digits(low: int, high: int, what_en: str, what_fa: str) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        text = ascii_digits(_text(40)(value)).replace(" ", "").replace("-", "")
        if text and not (text.isdigit() and low <= len(text) <= high):
            size = f"{low}" if low == high else f"{low} to {high}"
            size_fa = f"{low}" if low == high else f"{low} تا {high}"
            raise Invalid(f"{what_en} has {size} digits / {what_fa} {size_fa} رقم است")
        return text
    return read


def _int(low: int, high: int) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        if isinstance(value, str) and ascii_digits(value.strip()).isdigit():
            value = int(ascii_digits(value.strip()))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"a whole number from {low} to {high} / عددی صحیح از {low} تا {high}")
        return value
    return read


def _choice(*values: str) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        text = _text(40)(value)
        if text not in values:
            raise Invalid(f"one of: {', '.join(v or '(none)' for v in values)} / یکی از گزینه‌ها را برگزینید")
        return text
    return read


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false / بله یا خیر")
    return value


def _phone(value: Any) -> str:
    try:
        return normalise_phone(_text(40)(value), "seller_phone") or ""
    except InvalidRecord as exc:
        reason = exc.field_errors.get("seller_phone", [exc.message])[0]
        raise Invalid(f"{reason} / شمارهٔ تلفن درست نیست، مثلاً ۰۲۱۸۸۷۷۶۶۵۵") from None


def _email(value: Any) -> str:
    try:
        return parse_email(_text(255)(value)) or ""
    except ValueError:
        raise Invalid("not an e-mail address, e.g. crm@example.com / نشانی ایمیل درست نیست") from None


def _url(value: Any) -> str:
    text = _text(500)(value)
    parts = urlsplit(text)
    if text and (parts.scheme not in {"http", "https"} or not parts.hostname):
        raise Invalid("an http(s) address, e.g. https://sms.example/send / نشانی باید با http یا https آغاز شود")
    return text


def _host(value: Any) -> str:
    text = _text(255)(value)
    if text and not re.fullmatch(r"[A-Za-z0-9.-]+", text):
        raise Invalid("a host name, e.g. smtp.example.com / نام میزبان درست نیست، مثلاً smtp.example.com")
    return text


def _sms_template(value: Any) -> str:
    text = _text(2000)(value)
    if "{recipient}" not in text or "{body}" not in text:
        raise Invalid("must hold {recipient} and {body} / باید {recipient} و {body} را داشته باشد")
    try:
        json.loads(text.replace("{recipient}", "x").replace("{body}", "x"))
    except ValueError:
        raise Invalid("not JSON once filled in / پس از جایگذاری JSON درستی نیست") from None
    return text


def _quiet(value: Any) -> str:
    text = _text(20)(value)
    try:
        parse_quiet_hours(ascii_digits(text))
    except ValueError as exc:
        raise Invalid(f"{exc} / بازه را به شکل ۲۱:۰۰-۰۸:۰۰ بنویسید") from None
    return ascii_digits(text)


def _zone(value: Any) -> str:
    text = _text(64)(value)
    try:
        zone_of(text)
    except ValueError as exc:
        raise Invalid(f"{exc} / منطقهٔ زمانی شناخته نیست، مثلاً Asia/Tehran") from None
    return text


def _week(value: Any) -> str:
    text = ascii_digits(_text(200)(value))
    try:
        calendar.parse_week(text)
    except ValueError as exc:
        raise Invalid(f"{exc} / هفتهٔ کاری را مانند «شنبه تا چهارشنبه ۰۸:۰۰-۱۶:۰۰، پنج‌شنبه ۰۸:۰۰-۱۲:۰۰» "
                      "(یا sat-wed 08:00-16:00, thu 08:00-12:00) بنویسید") from None
    return text


def _country(value: Any) -> str:
    text = _text(8)(value).upper()
    if text:
        try:
            calendar.make_calendar("UTC", "mon 09:00-10:00", text)
        except (ValueError, NotImplementedError, KeyError):
            raise Invalid(f"no public holidays known for {text!r} (e.g. IR) / "
                          f"تعطیلات رسمی کشور {text} شناخته نیست (مثلاً IR)") from None
    return text


def _holidays(value: Any) -> list[str]:
    items = [part.strip() for part in re.split(r"[,،\n]", value)] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise Invalid("a list of days / فهرستی از روزها")
    days = []
    for item in (i for i in items if i.strip()):
        try:
            day = parse_day(ascii_digits(item), field="work_holidays")
        except InvalidRecord:
            raise Invalid(f"{item!r} is not a day, e.g. 1405-01-03 or 2026-04-01 / "
                          f"«{item}» روز نیست، مثلاً ۱۴۰۵-۰۱-۰۳") from None
        days.append(ascii_digits(item.strip()) if day is not None else "")
    return [d for d in days if d]


@dataclass(frozen=True)
class Spec:
    name: str
    section: str
    read: Callable[[Any], Any]
    secret: bool = False


SPECS = (
    Spec("seller_name", "company", _text(255)),
    Spec("seller_national_id", "company", _digits(11, 11, "a company's national id", "شناسهٔ ملی")),
    Spec("seller_economic_code", "company", _digits(11, 14, "the economic code", "کد اقتصادی")),
    Spec("seller_registration_number", "company", _digits(1, 10, "the registration number", "شمارهٔ ثبت")),
    Spec("seller_address", "company", _text(500)),
    Spec("seller_phone", "company", _phone),
    Spec("sms_provider", "sms", _choice("", *PROVIDERS)),
    Spec("sms_line", "sms", _digits(3, 20, "the line number", "شمارهٔ خط")),
    Spec("sms_part_price_rial", "sms", _int(0, 100_000_000)),
    Spec("sms_endpoint", "sms", _url),
    Spec("sms_template", "sms", _sms_template),
    Spec("sms_token", "sms", _text(500), secret=True),
    Spec("sms_inbound_token", "sms", _text(200), secret=True),
    Spec("smtp_host", "email", _host),
    Spec("smtp_port", "email", _int(1, 65535)),
    Spec("smtp_user", "email", _text(255)),
    Spec("smtp_password", "email", _text(500), secret=True),
    Spec("smtp_from", "email", _email),
    Spec("smtp_starttls", "email", _bool),
    Spec("notify_quiet_hours", "quiet", _quiet),
    Spec("work_zone", "calendar", _zone),
    Spec("work_week", "calendar", _week),
    Spec("work_holidays_country", "calendar", _country),
    Spec("work_holidays", "calendar", _holidays),
)
BY_NAME = {spec.name: spec for spec in SPECS}


def clean(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The values given, each checked and normalised; the field errors of the others."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in body.items():
        spec = BY_NAME.get(name)
        if spec is None:
            errors[name] = ["not a setting this screen changes / این تنظیم از این صفحه تغییر نمی‌کند"]
            continue
        try:
            values[name] = spec.read(value)
        except Invalid as exc:
            errors[name] = [str(exc)]
    return values, errors


def as_setting(name: str, value: Any) -> Any:
    """A stored value as the ``Settings`` field holds it (tuples for lists)."""
    return tuple(value) if isinstance(value, list) else value


def shown(settings: Settings) -> dict[str, Any]:
    """Every setting of the screen by section; a secret only as whether it is set."""
    sections: dict[str, dict[str, Any]] = {}
    for spec in SPECS:
        value = getattr(settings, spec.name)
        if spec.secret:
            value = {"set": bool(value)}
        elif isinstance(value, tuple):
            value = list(value)
        sections.setdefault(spec.section, {})[spec.name] = value
    return sections


def stored(session: Session) -> dict[str, Any]:
    return {row.name: as_setting(row.name, row.value) for row in session.scalars(select(AppSetting))
            if row.name in BY_NAME}


def with_stored(database: Database, settings: Settings) -> Settings:
    """``settings`` with what the Settings screen stored (none before the table is made; none while the
    database cannot be reached: the server's first request reads them, ``api.resources.settings``)."""
    try:
        with make_read_session_factory(database)() as session:  # never waits for the write lock
            if not inspect(session.connection()).has_table("app_setting"):
                return settings
            found = stored(session)
    except SQLAlchemyError as exc:
        log.warning("the stored settings cannot be read yet: %s", exc)
        return settings
    return settings.with_overrides(**found) if found else settings
