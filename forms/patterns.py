"""Text helpers: Persian/Arabic digit normalisation, form-js style patterns, email and phone checks.

form-js checks ``validate.pattern`` with JavaScript's ``new RegExp(pattern).test(value)``: a
*search* (the pattern may match anywhere unless the designer anchors it with ``^``/``$``).
We do the same so that the server accepts exactly what the browser accepted.  The pattern is
translated from the JavaScript dialect to Python's where the two differ in ways that matter:
``$`` means the very end of the text (Python's ``$`` also matches before a final newline),
``[^]`` means any character, ``(?<name>...)`` / ``\\k<name>`` are named groups, and ``\\d``,
``\\w``, ``\\b`` are ASCII-only (``re.ASCII``), as in JavaScript without the ``u`` flag.

Patterns are written by designers and run on employees' input, so a backtracking pattern such as
``^(a|aa)+$`` must not hold the server: they run on the ``regex`` module (``re``'s syntax) with a
timeout of ``PATTERN_TIMEOUT_S`` per value, and all the pattern checks of one form submission
share ``PATTERN_BUDGET_S`` (see ``pattern_budget``). A value that cannot be checked in time is
refused with a field error (``PatternTimeout``).
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import regex
from marshmallow import ValidationError

_DIGITS = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic (Persian) ۰-۹
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic ٠-٩
    }
)
_NUMBER_MARKS = str.maketrans({"٫": ".", "٬": None, "\u2212": "-", "\u200e": None, "\u200f": None})

# A local part of printable ASCII specials, a domain of dot-separated labels (letters, digits,
# inner hyphens, at most 63 characters each).  Written for this project; close to what form-js accepts.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
    re.ASCII,
)
# International numbers only (like form-js): "+" or "00", a country code not starting with 0,
# 7 to 15 digits in all (E.164).  Spaces, hyphens and parentheses between digits are tolerated.
_PHONE = re.compile(r"(?:\+|00)[1-9][0-9]{6,14}", re.ASCII)
_PHONE_SEPARATORS = str.maketrans({" ": None, "-": None, "(": None, ")": None, ".": None})
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")

PATTERN_TIMEOUT_S = 0.05  # one value against one pattern
PATTERN_BUDGET_S = 0.25  # all pattern checks of one form submission together
TIMEOUT_MESSAGE = "The value could not be checked against the pattern in time; try a shorter value."
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("pattern_deadline", default=None)


class PatternTimeout(ValidationError):
    """The value could not be checked against its pattern within the time allowed."""

    def __init__(self) -> None:
        super().__init__(TIMEOUT_MESSAGE)


@contextmanager
def pattern_budget(seconds: float = PATTERN_BUDGET_S) -> Iterator[None]:
    """Pattern checks inside share ``seconds`` of matching in all (a form with a list of 1,000
    rows cannot multiply the per-value timeout); checks once it is spent are refused at once."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def normalise_digits(text: str) -> str:
    """Persian ۰-۹ and Arabic-Indic ٠-٩ digits to ASCII 0-9; other characters unchanged."""
    return text.translate(_DIGITS)


def normalise_number_text(text: str) -> str:
    """ASCII digits, '٫' as '.', no Arabic thousands separators or bidi marks, no outer spaces."""
    return normalise_digits(text).translate(_NUMBER_MARKS).strip()


def is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None


def normalise_phone(text: str) -> str | None:
    """The phone number with ASCII digits and no separators, or None if it is not international."""
    compact = normalise_digits(text).strip().translate(_PHONE_SEPARATORS)
    return compact if _PHONE.fullmatch(compact) else None


def compile_js_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a form-js (JavaScript) pattern; raises ValueError if it is not valid."""
    try:
        return regex.compile(_translate(pattern), regex.ASCII | regex.VERSION0)
    except regex.error as exc:
        raise ValueError(str(exc)) from None


def pattern_matches(compiled: regex.Pattern[str], text: str) -> bool:
    """Search semantics, like JavaScript's ``RegExp.prototype.test``; raises PatternTimeout when the
    search runs out of time (per value, and within the current ``pattern_budget``)."""
    timeout = PATTERN_TIMEOUT_S
    deadline = _deadline.get()
    if deadline is not None:
        timeout = min(timeout, deadline - time.monotonic())
        if timeout <= 0:
            raise PatternTimeout
    try:
        return compiled.search(text, timeout=timeout) is not None
    except TimeoutError:
        raise PatternTimeout from None


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            piece = pattern[i : i + 2]
            if piece == "\\k" and pattern[i + 2 : i + 3] == "<" and ">" in pattern[i + 3 :]:
                end = pattern.index(">", i + 3)
                out.append(f"(?P={pattern[i + 3 : end]})")
                i = end + 1
                continue
            out.append(piece)
            i += len(piece)
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif pattern.startswith("[^]", i):
            out.append(r"[\s\S]")
            i += 3
            continue
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "$":
            out.append(r"\Z")
        elif _NAMED_GROUP.match(pattern, i):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)
