"""Vouchers: a discount a customer may spend once, on a later purchase (or a contract), before it expires.

A voucher is a percent of the amount (``percent``, 1-100) or a sum of rials (``amount``, never more than
the amount it is spent on). Its code (``V-`` and 8 symbols without look-alikes) is read leniently like the
other codes: case, spaces, dashes and Persian digits do not matter. ``redeem`` checks the voucher (it exists,
belongs to the customer, is not spent, has not expired), locks its row so that two purchases racing for it
cannot both spend it, and marks it spent with the discount it gave."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.codes import ALPHABET, read_referral_code, unused
from crm.errors import InvalidRecord, invalid, refuse_fields
from crm.models import Customer, Voucher
from crm.money import check_amount
from crm.unit import Ctx
from crm.validation import fetch

KINDS = ("percent", "amount")
PREFIX = "V-"
CODE_LENGTH = 8
DEFAULT_VALID_DAYS = 180
FIELD = "voucher_code"  # the field a refusal names


def _draw() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def read_code(raw: object) -> str | None:
    """The canonical form of a typed voucher code (``v-7kq2 m9xh`` → ``V-7KQ2M9XH``), or None."""
    symbols = read_referral_code(raw)
    if symbols is None:
        return None
    body = symbols[1:] if symbols.startswith("V") and len(symbols) == CODE_LENGTH + 1 else symbols
    if len(body) != CODE_LENGTH or any(c not in ALPHABET for c in body):
        return None
    return PREFIX + body


def _checked(kind: str, value: int, valid_days: int) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"one of: {', '.join(KINDS)}"]
    high = 100 if kind == "percent" else 10**15
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        errors["value"] = [f"a whole number from 1 to {high}"]
    if isinstance(valid_days, bool) or not isinstance(valid_days, int) or not 1 <= valid_days <= 3650:
        errors["valid_days"] = ["a whole number of days from 1 to 3650"]
    refuse_fields(errors)


def issue(ctx: Ctx, customer_id: int, *, kind: str, value: int, valid_days: int = DEFAULT_VALID_DAYS,
          referral_id: int | None = None) -> Voucher:
    """A new voucher for the customer (journaled), valid for ``valid_days`` days from now."""
    fetch(ctx.session, Customer, customer_id, "customer")
    _checked(kind, value, valid_days)
    voucher = Voucher(code=unused(ctx.session, Voucher.code, _draw), customer_id=customer_id, kind=kind, value=value,
                      expires_at=utcnow() + timedelta(days=valid_days), referral_id=referral_id)
    return ctx.add(voucher, "voucher")


def discount_of(voucher: Voucher, amount: int) -> int:
    """The rials ``voucher`` takes off ``amount`` (rounded down; never more than the amount)."""
    off = amount * voucher.value // 100 if voucher.kind == "percent" else voucher.value
    return max(0, min(off, amount))


def _refused(reason: str) -> InvalidRecord:
    return invalid(FIELD, reason)


def _usable(session: Session, code: object, customer_id: int, *, lock: bool) -> Voucher:
    canonical = read_code(code)
    query = select(Voucher).where(Voucher.code == canonical)
    if lock:  # and read what the lock's last holder committed, not this session's older copy
        query = query.with_for_update().execution_options(populate_existing=True)
    voucher = None if canonical is None else session.scalars(query).first()
    if voucher is None or voucher.customer_id != customer_id:  # another's voucher is as good as none
        raise _refused("no such voucher for this customer / این کد تخفیف برای این مشتری نیست")
    if voucher.redeemed_at is not None:
        raise _refused("this voucher has been used already / این کد تخفیف پیش‌تر استفاده شده است")
    if voucher.expires_at <= utcnow():
        raise _refused("this voucher has expired / مهلت این کد تخفیف گذشته است")
    return voucher


def check(session: Session, code: object, customer_id: int, amount: int) -> tuple[int, Voucher]:
    """What ``redeem`` would give (discount, voucher), without spending the voucher."""
    check_amount(amount)
    voucher = _usable(session, code, customer_id, lock=False)
    return discount_of(voucher, amount), voucher


def redeem(ctx: Ctx, code: object, customer_id: int, amount: int, *,
           purchase_id: int | None = None) -> tuple[int, Voucher]:
    """Spend the voucher ``code`` of customer ``customer_id`` on ``amount`` rials: (the discount, the voucher).
    Refused (``InvalidRecord`` naming ``voucher_code``) if it is unknown, another customer's, spent or expired;
    its row is locked, so of two redemptions racing for it the second sees it spent."""
    check_amount(amount)
    voucher = _usable(ctx.session, code, customer_id, lock=True)
    discount = discount_of(voucher, amount)
    ctx.change(voucher, "voucher", {"redeemed_at": utcnow(), "discount": discount, "purchase_id": purchase_id})
    return discount, voucher


def attach(ctx: Ctx, voucher: Voucher, purchase_id: int) -> None:
    """Name the purchase a redeemed voucher was spent on (once it has an id)."""
    ctx.change(voucher, "voucher", {"purchase_id": purchase_id})


def vouchers_of(session: Session, customer_id: int) -> list[Voucher]:
    """The customer's vouchers, newest first."""
    fetch(session, Customer, customer_id, "customer")
    return list(session.scalars(select(Voucher).where(Voucher.customer_id == customer_id)
                                .order_by(Voucher.id.desc())))
