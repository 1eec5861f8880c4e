"""The customer's signature without an account: a signed, expiring link to the contract, and a one-time code.

A link carries ``<contract id>.<revision>.<expiry (unix seconds)>.<HMAC-SHA256 of those, hex>`` under the
application's secret: it opens that revision of that contract until it expires, and nothing else. To accept,
the customer asks for a 6-digit code, sent by SMS to the customer's mobile number on record; only the code's
HMAC is kept, it lasts ``CODE_MINUTES`` and allows ``MAX_ATTEMPTS`` tries, and a contract gets at most
``MAX_CODES_PER_HOUR`` codes an hour."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import notify
from crm.clock import as_utc, utcnow
from crm.contracts import get_contract, payable
from crm.customers import get_customer
from crm.errors import CrmError, InvalidRecord, RecordConflict, Rejected
from crm.models import Contract, ContractCode
from crm.text import ascii_digits
from crm.unit import Ctx

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
CODE_GAP = timedelta(seconds=60)  # between two codes for one contract


class LinkRefused(CrmError):
    """A link that opens nothing: ``reason`` is ``invalid``, ``expired``, ``outdated`` (another revision) or
    ``closed`` (the offer is no longer open: expired, withdrawn)."""

    def __init__(self, reason: str, message: str, contract: Contract | None = None) -> None:
        super().__init__(message)
        self.reason, self.contract = reason, contract


class TooManyCodes(Rejected):
    """Codes asked for too often; ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _mac(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def link_token(secret: str, contract_id: int, revision: int, expires_at: datetime) -> str:
    body = f"{contract_id}.{revision}.{int(as_utc(expires_at).timestamp())}"
    return f"{body}.{_mac(secret, 'contract-link|' + body)[:32]}"


@dataclass(frozen=True)
class Link:
    contract_id: int
    revision: int
    expires_at: datetime


def read_link(secret: str, token: str, now: datetime | None = None) -> Link:
    """The link's contract, revision and expiry, if the signature holds and it has not expired."""
    parts = (token or "").split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]) or len(parts[0]) > 10 or len(parts[2]) > 12:
        raise LinkRefused("invalid", "this link is not valid")
    body = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _mac(secret, "contract-link|" + body)[:32]):
        raise LinkRefused("invalid", "this link is not valid")
    link = Link(int(parts[0]), int(parts[1]), datetime.fromtimestamp(int(parts[2]), tz=utcnow().tzinfo))
    if link.expires_at <= (now or utcnow()):
        raise LinkRefused("expired", "this link has expired")
    return link


def open_contract(session: Session, secret: str, token: str) -> Contract:
    """The contract a link opens: the revision it was sent for, still offered or already signed."""
    link = read_link(secret, token)
    try:
        contract = get_contract(session, link.contract_id)
    except CrmError as exc:
        raise LinkRefused("invalid", "this link is not valid") from exc
    if contract.revision != link.revision:
        raise LinkRefused("outdated", "this contract has been revised since the link was sent", contract)
    if contract.status not in ("sent", "signed"):
        raise LinkRefused("closed", f"this offer is {contract.status}", contract)
    return contract


def _hash(secret: str, code_id: int, code: str) -> str:
    return _mac(secret, f"contract-code|{code_id}|{code}")


def _check_offer(contract: Contract, now: datetime) -> None:
    if contract.status != "sent":
        raise RecordConflict(f"the contract is {contract.status}; it cannot be signed now")
    if contract.expires_at is not None and now >= contract.expires_at:
        raise RecordConflict("the offer has expired / مهلت این پیشنهاد گذشته است")


def _throttle(session: Session, contract_id: int, now: datetime) -> None:
    recent = list(session.scalars(select(ContractCode.created_at).where(
        ContractCode.contract_id == contract_id, ContractCode.created_at >= now - timedelta(hours=1))
        .order_by(ContractCode.created_at.desc())))
    if recent and now - recent[0] < CODE_GAP:
        raise TooManyCodes("a code was sent a moment ago; wait a minute", int((CODE_GAP - (now - recent[0]))
                                                                             .total_seconds()) + 1)
    if len(recent) >= MAX_CODES_PER_HOUR:
        raise TooManyCodes("too many codes in the last hour; try later", 3600)


def send_code(ctx: Ctx, secret: str, contract: Contract, *, ip: str | None, daily_limit: int | None = None
              ) -> ContractCode:
    """A new one-time code for the contract's current revision, sent by SMS to the customer's mobile."""
    now = utcnow()
    _check_offer(contract, now)
    customer = get_customer(ctx.session, contract.customer_id)
    if not customer.mobile:
        raise RecordConflict("no mobile number is on record; ask the seller to sign on paper")
    _throttle(ctx.session, contract.id, now)
    if daily_limit is not None and notify.over_daily_limit(ctx.session, "sms", customer.mobile, daily_limit):
        raise TooManyCodes("this mobile number has had as many messages as it may today; try again tomorrow", 3600)
    code = f"{secrets.randbelow(10**6):06d}"
    row = _add_code(ctx, contract, customer.mobile, now, ip)
    row.code_hash = _hash(secret, row.id, code)
    locale = customer.locale or "fa"
    notify.queue(ctx, channel="sms", recipient=customer.mobile, template="contract_code", locale=locale,
                 customer_id=customer.id, daily_limit=daily_limit, params={
                     "code": code, "minutes": CODE_MINUTES, "contract_title": contract.title,
                     "payable": payable(contract)})
    ctx.session.flush()
    return row


def _add_code(ctx: Ctx, contract: Contract, mobile: str, now: datetime, ip: str | None) -> ContractCode:
    row = ContractCode(contract_id=contract.id, revision=contract.revision, mobile=mobile, code_hash="-",
                       created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES), attempts=0,
                       used_at=None, ip=(ip or "")[:64] or None)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.record("crm.contract_code.sent", contract_id=contract.id, code_id=row.id, mobile=mobile, ip=row.ip)
    return row


def check_code(ctx: Ctx, secret: str, contract: Contract, code: object) -> ContractCode:
    """The customer's code: right → the code is used up and returned; wrong → one attempt counted
    (the caller commits it) and InvalidRecord. An expired or exhausted code must be asked for again."""
    now = utcnow()
    _check_offer(contract, now)
    text = ascii_digits(str(code or "")).strip()
    if len(text) != 6 or not text.isdigit():
        raise InvalidRecord("the code has 6 digits", {"code": ["6 digits / ۶ رقم"]})
    row = ctx.session.scalars(select(ContractCode).where(
        ContractCode.contract_id == contract.id, ContractCode.used_at.is_(None))
        .order_by(ContractCode.id.desc()).limit(1)).first()
    if row is None or row.revision != contract.revision:
        raise InvalidRecord("ask for a code first", {"code": ["ask for a code first / ابتدا کد را درخواست کنید"]})
    if as_utc(row.expires_at) <= now or row.attempts >= MAX_ATTEMPTS:
        raise InvalidRecord("the code has expired", {"code": ["expired: ask for a new code / منقضی شده؛ "
                                                              "کد تازه بخواهید"]})
    if not hmac.compare_digest(row.code_hash, _hash(secret, row.id, text)):
        row.attempts += 1
        ctx.record("crm.contract_code.wrong", contract_id=contract.id, code_id=row.id, attempts=row.attempts)
        left = MAX_ATTEMPTS - row.attempts
        raise InvalidRecord("wrong code", {"code": [f"wrong code; {left} tries left / کد نادرست است"]})
    row.used_at = now
    ctx.record("crm.contract_code.used", contract_id=contract.id, code_id=row.id)
    return row


def codes_sent(session: Session, contract_id: int) -> int:
    return session.scalar(select(func.count()).where(ContractCode.contract_id == contract_id)) or 0
