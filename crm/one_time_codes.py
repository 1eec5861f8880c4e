"""One-time codes: what a customer on a signed link types to show they hold the mobile number on record before
the link acts for them (a quote's acceptance).

A code is 6 digits, sent by SMS; only its HMAC (under the caller's key, with the code's row id and purpose) is
kept. It lasts ``CODE_MINUTES`` and allows ``MAX_ATTEMPTS`` tries; a record gets a new code at most every
``CODE_GAP`` and ``MAX_CODES_PER_HOUR`` an hour, and a number no more messages than the outbox's daily cap. Each
code sent, mistyped and used is journaled (``crm.one_time_code.*``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import notify
from crm.clock import as_utc, utcnow
from crm.errors import InvalidRecord, Rejected
from crm.models import OneTimeCode
from crm.text import ascii_digits
from crm.unit import Ctx

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
CODE_GAP = timedelta(seconds=60)


class TooManyCodes(Rejected):
    """Codes asked for too often; ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _hash(key: str, purpose: str, code_id: int, code: str) -> str:
    return hmac.new(key.encode(), f"{purpose}-code|{code_id}|{code}".encode(), hashlib.sha256).hexdigest()


def _throttle(session: Session, purpose: str, subject_id: int) -> None:
    now = utcnow()
    recent = list(session.scalars(select(OneTimeCode.created_at).where(
        OneTimeCode.purpose == purpose, OneTimeCode.subject_id == subject_id,
        OneTimeCode.created_at >= now - timedelta(hours=1)).order_by(OneTimeCode.created_at.desc())))
    if recent and now - as_utc(recent[0]) < CODE_GAP:
        wait = int((CODE_GAP - (now - as_utc(recent[0]))).total_seconds()) + 1
        raise TooManyCodes("a code was sent a moment ago; wait a minute / کدی همین حالا فرستاده شد؛ یک دقیقه "
                           "صبر کنید", wait)
    if len(recent) >= MAX_CODES_PER_HOUR:
        raise TooManyCodes("too many codes in the last hour; try later / در این ساعت کد بسیار خواسته شده؛ "
                           "بعداً بکوشید", 3600)


def send_code(ctx: Ctx, key: str, purpose: str, subject_id: int, *, mobile: str, template: str,
              params: Mapping[str, Any], customer_id: int, locale: str, ip: str | None,
              daily_limit: int | None = None) -> OneTimeCode:
    """A new code for the record, sent by SMS to ``mobile`` with ``template`` (given ``code`` and ``minutes``
    beside ``params``); refused (``TooManyCodes``) when asked for too often."""
    _throttle(ctx.session, purpose, subject_id)
    if daily_limit is not None and notify.over_daily_limit(ctx.session, "sms", mobile, daily_limit):
        raise TooManyCodes("this mobile number has had as many messages as it may today; try again tomorrow / "
                           "امروز پیام بیشتری به این شماره فرستاده نمی‌شود", 3600)
    now = utcnow()
    row = OneTimeCode(purpose=purpose, subject_id=subject_id, mobile=mobile, code_hash="-", created_at=now,
                      expires_at=now + timedelta(minutes=CODE_MINUTES), attempts=0, used_at=None,
                      ip=(ip or "")[:64] or None)
    ctx.session.add(row)
    ctx.session.flush()
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash = _hash(key, purpose, row.id, code)
    notify.queue(ctx, channel="sms", recipient=mobile, template=template, locale=locale, customer_id=customer_id,
                 daily_limit=daily_limit, params={**params, "code": code, "minutes": CODE_MINUTES})
    ctx.record("crm.one_time_code.sent", purpose=purpose, subject_id=subject_id, code_id=row.id, mobile=mobile,
               ip=row.ip)
    return row


def use_code(ctx: Ctx, key: str, purpose: str, subject_id: int, code: object) -> OneTimeCode:
    """The customer's code: right → used up and returned; wrong → one attempt counted (the caller commits it)
    and ``InvalidRecord`` naming ``code``. An expired or exhausted code must be asked for again."""
    text = ascii_digits(str(code or "")).strip()
    if len(text) != 6 or not text.isdigit():
        raise InvalidRecord("the code has 6 digits", {"code": ["6 digits / ۶ رقم"]})
    row = ctx.session.scalars(select(OneTimeCode).where(
        OneTimeCode.purpose == purpose, OneTimeCode.subject_id == subject_id, OneTimeCode.used_at.is_(None))
        .order_by(OneTimeCode.id.desc()).limit(1).with_for_update()).first()
    if row is None:
        raise InvalidRecord("ask for a code first", {"code": ["ask for a code first / ابتدا کد را درخواست کنید"]})
    if as_utc(row.expires_at) <= utcnow() or row.attempts >= MAX_ATTEMPTS:
        raise InvalidRecord("the code has expired", {"code": ["expired: ask for a new code / منقضی شده؛ "
                                                              "کد تازه بخواهید"]})
    if not hmac.compare_digest(row.code_hash, _hash(key, purpose, row.id, text)):
        row.attempts += 1
        ctx.record("crm.one_time_code.wrong", purpose=purpose, subject_id=subject_id, code_id=row.id,
                   attempts=row.attempts)
        left = MAX_ATTEMPTS - row.attempts
        raise InvalidRecord("wrong code", {"code": [f"wrong code; {left} tries left / کد نادرست است؛ "
                                                    f"{left} بار دیگر"]})
    row.used_at = utcnow()
    ctx.record("crm.one_time_code.used", purpose=purpose, subject_id=subject_id, code_id=row.id)
    return row
