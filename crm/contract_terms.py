"""What a contract says besides its price: its dates (Jalali or Gregorian as typed, stored Gregorian) and its
instalments, and the figures the customer pays (net after the discount, VAT, payable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from crm import dates
from crm.errors import InvalidRecord
from crm.money import parse_amount

MAX_INSTALMENTS = 60


def parse_day(value: Any, field: str) -> date | None:
    """A date typed in either calendar (``1405-02-01``, ``۱۴۰۵/۰۲/۰۱``, ``2026-04-21``); None for blank."""
    return dates.parse_day(value, field=field)


def _instalment_lines(text: str) -> list[dict[str, Any]]:
    """``1405-02-01 300,000,000`` per line (date, then the amount in rials)."""
    found = []
    for line in text.splitlines():
        parts = line.replace("\t", " ").strip().split(None, 1)
        if parts:
            found.append({"due": parts[0], "amount": parts[1] if len(parts) > 1 else ""})
    return found


def parse_instalments(value: Any, field: str = "instalments") -> list[dict[str, Any]]:
    """Instalments as ``[{"due": date, "amount": rials}]`` from a list or from lines of text; [] for none."""
    if value in (None, "", []):
        return []
    items = _instalment_lines(value) if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > MAX_INSTALMENTS:
        raise InvalidRecord(f"{field}: at most {MAX_INSTALMENTS} lines of a date and an amount",
                            {field: [f"at most {MAX_INSTALMENTS} lines: a date and an amount in rials"]})
    result, errors = [], []
    for number, item in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise InvalidRecord("not an instalment", {field: ["a date and an amount"]})
            due = parse_day(item.get("due"), field)
            amount = parse_amount(item.get("amount"), field)
            if due is None or amount <= 0:
                raise InvalidRecord("incomplete", {field: ["a date and an amount above 0"]})
            result.append({"due": due.isoformat(), "amount": amount})
        except InvalidRecord as exc:
            errors.append(f"line {number}: {'; '.join(exc.field_errors.get(field, [exc.message]))}")
    if errors:
        raise InvalidRecord(f"{field}: {errors[0]}", {field: errors})
    return sorted(result, key=lambda i: i["due"])


@dataclass(frozen=True)
class Figures:
    amount: int  # rials, before the discount
    discount_percent: int
    discount: int
    net: int
    vat_percent: int
    vat: int
    payable: int


def figures(amount: int, discount_percent: int | None, vat_percent: int | None) -> Figures:
    """Net = amount less the discount; VAT on the net; payable = net + VAT (rials, rounded half up)."""
    percent = max(0, min(100, discount_percent or 0))
    net = (amount * (100 - percent) + 50) // 100
    vat_rate = max(0, vat_percent or 0)
    vat = (net * vat_rate + 50) // 100
    return Figures(amount, percent, amount - net, net, vat_rate, vat, net + vat)
