"""Sandbox layer 1: the size-checked helpers that rewritten code calls.

They replace ``**``, ``*``, ``+``, ``<<``, ``%``, ``range``, ``sum``, a few string/list methods,
format specs and unpacking. Each one refuses, *before* the C-level operation runs, a result
that would be too large to build quickly.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from engine.errors import SandboxViolation
from engine.sandbox.limits import active_limits

MAX_STR_LEN = 10_000_000  # characters (or bytes) in one str/bytes value built by one operation
MAX_ITEMS = 1_000_000  # items in one list/tuple built by one operation (nested items included)
MAX_INT_BITS = 100_000  # bits of one integer built by one operation (about 30,000 digits)
MAX_MODPOW_WORK = 2**33  # bits(exponent) * max(bits(modulus), 1024)**2 of one pow(b, e, m): ~0.1 s
_SEQUENCES = (str, bytes, list, tuple)
_SIZED = (str, bytes, list, tuple, dict, set, frozenset, range)
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _show(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() <= 64:
        return str(value)
    if isinstance(value, int):
        return f"<an integer of {value.bit_length():,} bits>"
    if isinstance(value, Decimal):
        return f"<a Decimal of exponent {value.adjusted():,}>" if value.is_finite() else str(value)
    if isinstance(value, str | bytes) and len(value) <= 20:
        return repr(value)
    if isinstance(value, _SEQUENCES):
        return f"<a {type(value).__name__} of length {len(value):,}>"
    return f"<{type(value).__name__}>"


Describe = str | Callable[[], str]  # what is being built; a callable is only called on failure


def _too_large(what: Describe, size: float, unit: str, limit: int) -> SandboxViolation:
    text = what if isinstance(what, str) else what()
    return SandboxViolation(f"result too large: {text} would have about {size:,.0f} {unit} (the limit is {limit:,})")


def _check_length(what: Describe, size: float, kind: type) -> None:
    limit, unit = (MAX_STR_LEN, "characters") if kind in (str, bytes) else (MAX_ITEMS, "items")
    if size > limit:
        raise _too_large(what, size, unit, limit)


def _check_bits(what: Describe, bits: float) -> None:
    if bits > MAX_INT_BITS:
        raise _too_large(what, bits, "bits", MAX_INT_BITS)


def checked_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if type(base) in (int, bool) and type(exp) in (int, bool) and exp > 0 and abs(base) > 1:
        if mod is None:
            _check_bits(lambda: f"{_show(base)}**{_show(exp)}", exp * math.log2(abs(base)))
        else:
            _check_modular_pow(exp, mod)
    return pow(base, exp) if mod is None else pow(base, exp, mod)


def _check_modular_pow(exp: int, mod: Any) -> None:
    """``pow(b, e, m)`` costs about bits(e) * bits(m)**2: bound the modulus and that product."""
    if not isinstance(mod, int):
        return
    mod_bits = abs(mod).bit_length()
    _check_bits(lambda: f"pow(..., {_show(mod)})", mod_bits)
    if exp.bit_length() * max(mod_bits, 1024) ** 2 > MAX_MODPOW_WORK:
        raise SandboxViolation(
            f"pow(..., {_show(exp)}, {_show(mod)}) is too costly: an exponent of {exp.bit_length():,} bits "
            f"with a modulus of {mod_bits:,} bits (the limit is about {MAX_MODPOW_WORK:,} bit operations)"
        )


MAX_ROUND_DIGITS = 10_000  # |ndigits| of round(); round(1, -10**8) would build 10**(10**8)


def checked_round(number: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        return round(number)
    if isinstance(ndigits, int) and not -MAX_ROUND_DIGITS <= ndigits <= MAX_ROUND_DIGITS:
        raise SandboxViolation(
            f"round(..., {_show(ndigits)}): ndigits is out of range (the limit is ±{MAX_ROUND_DIGITS:,})"
        )
    return round(number, ndigits)


MAX_DECIMAL_INT_DIGITS = 30_000  # int() of a Decimal: about MAX_INT_BITS


def checked_int(value: Any = 0, *args: Any, **kwargs: Any) -> Any:
    """``int(x)``; a Decimal such as 1E+999999 would take minutes to convert."""
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_DECIMAL_INT_DIGITS:
        raise _too_large(f"int({_show(value)})", value.adjusted(), "digits", MAX_DECIMAL_INT_DIGITS)
    return int(value, *args, **kwargs)


def _nested_size(value: list | tuple, cap: float) -> int:
    """Items reachable from ``value``, counting shared ones each time (stops once over ``cap``).

    ``[big] * n`` is one small list times n, but printing or comparing it walks n * len(big).
    """
    total, pending = 0, [value]
    while pending and total <= cap:
        current = pending.pop()
        total += len(current)
        items = current.values() if isinstance(current, dict) else current
        pending.extend(item for item in items if isinstance(item, _CONTAINERS) and item)
        total += sum(len(item) // 10 for item in items if isinstance(item, str | bytes) and len(item) > 100)
    return total


def _check_repeat(sequence: Any, times: int) -> None:
    def what() -> str:
        return f"{_show(sequence)} * {_show(times)}"

    _check_length(what, len(sequence) * times, type(sequence))
    if isinstance(sequence, list | tuple) and times > 1:
        _check_length(what, _nested_size(sequence, MAX_ITEMS / times) * times, list)


def checked_mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        _check_bits(lambda: f"{_show(left)} * {_show(right)}", left.bit_length() + right.bit_length())
    elif isinstance(right, int) and isinstance(left, _SEQUENCES):
        _check_repeat(left, right)
    elif isinstance(left, int) and isinstance(right, _SEQUENCES):
        _check_repeat(right, left)
    return left * right


def checked_add(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _check_length(lambda: f"{_show(left)} + {_show(right)}", len(left) + len(right), type(left))
    return left + right


def checked_lshift(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and right > 0:
        _check_bits(lambda: f"{_show(left)} << {_show(right)}", left.bit_length() + right)
    return left << right


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def check_printf_format(fmt: str | bytes) -> None:
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    for match in _PRINTF_FIELD.finditer(text):
        for number in match.groups():
            if number == "*":
                raise SandboxViolation("'*' widths in %-formatting are not allowed")
            if number and (len(number) > 8 or int(number) > MAX_STR_LEN):
                raise _too_large(f"the %-format width {number}", int(number[:12]), "characters", MAX_STR_LEN)


def checked_mod(left: Any, right: Any) -> Any:
    if isinstance(left, str | bytes):
        check_printf_format(left)
    return left % right


_CONVERSIONS = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


def checked_format(value: Any, conversion: int, spec: str) -> str:
    """An f-string field ``{value!conversion:spec}`` whose spec passed a width check."""
    for number in re.findall(r"\d+", spec):
        if len(number) > 8 or int(number) > MAX_STR_LEN:
            raise _too_large(f"the format width {number[:12]}", int(number[:12]), "characters", MAX_STR_LEN)
    convert = _CONVERSIONS.get(conversion)
    return format(convert(value) if convert else value, spec)


def checked_method(obj: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call one of the methods that can build a large value, after checking the result size."""
    if isinstance(obj, type):
        raise SandboxViolation(f"call '{name}' on a value, not on the type '{obj.__name__}'")
    check = _METHOD_CHECKS.get((name, str if isinstance(obj, str | bytes) else type(obj)))
    if check is not None:
        args = check(obj, args, kwargs)
    return getattr(obj, name)(*args, **kwargs)


def _first(args: tuple, kwargs: dict, key: str, default: Any) -> Any:
    return args[0] if args else kwargs.get(key, default)


def _check_width(obj: Any, args: tuple, kwargs: dict) -> tuple:
    width = _first(args, kwargs, "width", 0)
    if isinstance(width, int):
        _check_length(f"padding to width {_show(width)}", width, type(obj))
    return args


def _check_expandtabs(obj: Any, args: tuple, kwargs: dict) -> tuple:
    size = _first(args, kwargs, "tabsize", 8)
    if isinstance(size, int):
        tab = "\t" if isinstance(obj, str) else b"\t"
        _check_length("expandtabs(...)", len(obj) + obj.count(tab) * max(size, 0), type(obj))
    return args


def _check_replace(obj: Any, args: tuple, kwargs: dict) -> tuple:
    if len(args) >= 2 and isinstance(args[0], type(obj)) and isinstance(args[1], type(obj)):
        old, new = args[0], args[1]
        count = args[2] if len(args) > 2 and isinstance(args[2], int) else -1
        hits = obj.count(old) if old else len(obj) + 1
        hits = hits if count < 0 else min(hits, count)
        _check_length("replace(...)", len(obj) + hits * (len(new) - len(old)), type(obj))
    return args


def _check_join(obj: Any, args: tuple, kwargs: dict) -> tuple:
    if len(args) != 1:
        return args
    items = list(args[0])
    _check_length("join(...)", len(items), list)
    size = sum(len(item) for item in items if isinstance(item, str | bytes))
    _check_length("join(...)", size + len(obj) * max(len(items) - 1, 0), type(obj))
    return (items,)


def _check_extend(obj: Any, args: tuple, kwargs: dict) -> tuple:
    if len(args) != 1:
        return args
    items = args[0] if isinstance(args[0], _SIZED) else list(args[0])
    _check_length("extend(...)", len(obj) + len(items), list)
    return (items,)


def _check_to_bytes(obj: Any, args: tuple, kwargs: dict) -> tuple:
    length = _first(args, kwargs, "length", 1)
    if isinstance(length, int):
        _check_length(f"to_bytes({_show(length)})", length, bytes)
    return args


_METHOD_CHECKS = {
    **{(name, str): _check_width for name in ("ljust", "rjust", "center", "zfill")},
    ("expandtabs", str): _check_expandtabs,
    ("replace", str): _check_replace,
    ("join", str): _check_join,
    ("extend", list): _check_extend,
    ("to_bytes", int): _check_to_bytes,
    ("to_bytes", bool): _check_to_bytes,
}


def checked_sized(value: Any) -> Any:
    """Unpacking ``*value`` or assigning it to a slice: refuse values over the size limits."""
    if isinstance(value, _SIZED):
        _check_length(lambda: f"unpacking {_show(value)}", len(value), type(value))
    return value


def checked_range(*args: Any) -> range:
    result = range(*args)
    try:
        size = len(result)
    except OverflowError:
        size = sys.maxsize
    limit = active_limits().max_iterations
    if size > limit:
        shown = ", ".join(_show(a) for a in args)
        raise SandboxViolation(f"range({shown}) is too large: {size:,} items (the limit is {limit:,})")
    return result


def checked_sum(iterable: Iterable, start: Any = 0) -> Any:
    if not isinstance(start, _SEQUENCES):
        return sum(iterable, start)
    total = start
    for item in iterable:
        total = checked_add(total, item)
    return total


def reraise_violation() -> None:
    """First statement of every ``except`` block: sandbox violations cannot be caught by scripts."""
    error = sys.exc_info()[1]
    if isinstance(error, SandboxViolation | MemoryError | RecursionError):
        raise error
