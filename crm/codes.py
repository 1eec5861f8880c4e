"""Codes people read aloud and type: complaint tracking codes and customers' referral codes.

Both are drawn from the operating system's cryptographic source over an alphabet with no look-alikes
(no 0/O, 1/I): a tracking code is the only key to a complaint in the public portal, so it must not be
guessable (10 characters of 32 = 50 bits). Typed codes are read leniently: case, spaces, dashes and
Persian digits do not matter."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.errors import RecordConflict
from crm.text import ascii_digits

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, none that look like another
TRACKING_PREFIX = "RC-"
TRACKING_LENGTH = 10
REFERRAL_LENGTH = 8
_NOT_CODE = re.compile(r"[\s\-_\u200c]")


def _draw(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def tracking_code() -> str:
    """A new complaint tracking code, e.g. ``RC-7KQ2M9XH4C``."""
    return TRACKING_PREFIX + _draw(TRACKING_LENGTH)


def referral_code() -> str:
    """A new referral code for a customer to hand on, e.g. ``Q8M3ZK2T``."""
    return _draw(REFERRAL_LENGTH)


def unused(session: Session, column: Any, draw: Callable[[], str], tries: int = 5) -> str:
    """A code from ``draw`` that no row holds in ``column`` yet; ``RecordConflict`` (try again) if every try
    was taken (with 32^8 or more codes: never in practice)."""
    for _ in range(tries):
        code = draw()
        if session.scalar(select(column).where(column == code).limit(1)) is None:
            return code
    raise RecordConflict(f"could not draw an unused {column.key.replace('_', ' ')}; try again")


def _symbols(raw: object, max_len: int = 64) -> str | None:
    if not isinstance(raw, str) or len(raw) > max_len:
        return None
    return _NOT_CODE.sub("", ascii_digits(raw)).upper()


def read_tracking_code(raw: object) -> str | None:
    """The canonical form of a typed tracking code, or None when it cannot be one."""
    symbols = _symbols(raw)
    if symbols is None:
        return None
    body = symbols[2:] if len(symbols) == TRACKING_LENGTH + 2 and symbols.startswith("RC") else symbols
    if len(body) != TRACKING_LENGTH or any(c not in ALPHABET for c in body):
        return None
    return TRACKING_PREFIX + body


def read_referral_code(raw: object) -> str | None:
    """The canonical form of a typed referral code, or None when it is empty or too long to be one."""
    symbols = _symbols(raw, max_len=32)
    return symbols if symbols and len(symbols) <= 16 else None
