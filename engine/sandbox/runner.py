"""Sandbox layer 1, execution: the restricted builtins and the in-process runners.

Used directly for expressions and for scripts with ``isolate=False``, and inside the worker
process for scripts with ``isolate=True``.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any

from engine.errors import SandboxViolation, ScriptError
from engine.sandbox import helpers
from engine.sandbox import limits as lim
from engine.sandbox.compiler import FILENAME, HELPER_PREFIX, Compiled, name_allowed

MAX_MESSAGE_CHARS = 500

_SAFE_BUILTIN_NAMES = (
    "abs all any bool chr dict divmod enumerate filter float frozenset int isinstance len list max "
    "min ord reversed round set sorted str tuple "
    "Exception ArithmeticError LookupError ValueError TypeError KeyError IndexError ZeroDivisionError"
)
_REFUSED_BUILTIN_NAMES = (
    "getattr setattr delattr hasattr eval exec open compile type vars dir globals locals input "
    "breakpoint help memoryview object super id iter next aiter anext callable classmethod "
    "staticmethod property bytearray exit quit copyright credits license issubclass format"
)


def _discard(*_args: Any, **_kwargs: Any) -> None:
    """``print`` is accepted and its output discarded."""


def _refused(name: str) -> Callable[..., Any]:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise SandboxViolation(f"'{name}' is not allowed in scripts")

    refuse.__name__ = name
    return refuse


# C code (datetime.strftime/strptime, codec lookup) imports through the builtins of the running
# code. Scripts cannot name ``__import__``; this one serves only those internal imports.
_INTERNAL_IMPORTS = frozenset({"time", "_strptime", "encodings", "locale", "calendar"})


def _internal_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    if level == 0 and (name in _INTERNAL_IMPORTS or name.startswith("encodings.")):
        return builtins.__import__(name, globals, locals, fromlist, level)
    raise SandboxViolation("'import' is not allowed")


_CALENDAR: dict[str, Any] = {"spec": None}


def use_calendar(spec: Mapping[str, Any] | None) -> None:
    """In a script worker: the server's configured working calendar (``engine.events.calendar.spec()``), applied when
    a script first asks for working time."""
    _CALENDAR["spec"] = spec


def _working_time(duration: str, calendar: str | None = None, start: str | None = None) -> str:
    """Business-calendar due dates for timers (see engine.events.calendar)."""
    from engine.events.calendar import use_spec, working_time

    use_spec(_CALENDAR["spec"])
    return working_time(duration, calendar, start)


def _build_builtins() -> dict[str, Any]:
    table: dict[str, Any] = {name: _refused(name) for name in _REFUSED_BUILTIN_NAMES.split()}
    table.update({name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES.split()})
    table.update(
        range=helpers.checked_range,
        pow=helpers.checked_pow,
        round=helpers.checked_round,
        sum=helpers.checked_sum,
        zip=lim.checked_zip,
        map=lim.checked_map,
        print=_discard,
        date=date,
        datetime=datetime,
        timedelta=timedelta,
        working_time=_working_time,
        __import__=_internal_import,
    )
    return table


SAFE_BUILTINS = _build_builtins()
_HELPERS = {
    "pow": helpers.checked_pow,
    "mul": helpers.checked_mul,
    "add": helpers.checked_add,
    "lshift": helpers.checked_lshift,
    "mod": helpers.checked_mod,
    "format": helpers.checked_format,
    "method": helpers.checked_method,
    "sized": helpers.checked_sized,
    "int": helpers.checked_int,
    "reraise": helpers.reraise_violation,
}
STATIC_GLOBALS: dict[str, Any] = {"__builtins__": SAFE_BUILTINS}
STATIC_GLOBALS.update({HELPER_PREFIX + name: helper for name, helper in _HELPERS.items()})
_TICK, _CLOCK = HELPER_PREFIX + "tick", HELPER_PREFIX + "clock"


def _prepare(compiled: Compiled, variables: Mapping[str, Any], limits: lim.Limits,
             kind: str = "script") -> tuple[dict, lim.Budget | None]:
    scope = {**variables, **STATIC_GLOBALS}
    budget = None
    if compiled.needs_budget:
        budget = lim.Budget(limits, kind)
        scope[_TICK], scope[_CLOCK] = budget.tick, budget.clock
    return scope, budget


def evaluate(compiled: Compiled, context: Mapping[str, Any], limits: lim.Limits) -> Any:
    """Evaluate a compiled expression in-process under ``limits`` (an expression's)."""
    scope, budget = _prepare(compiled, context, limits, "expression")
    if budget is None:  # the common, cheap case: no loops and no calls
        try:
            return eval(compiled.code, scope)  # noqa: S307 - checked and rewritten code, restricted builtins
        except Exception as err:
            raise translate_error(err, "expression") from cause_of(err)
    previous = lim.activate(budget)
    try:
        return eval(compiled.code, scope)  # noqa: S307 - checked and rewritten code, restricted builtins
    except Exception as err:
        raise translate_error(err, "expression") from cause_of(err)
    finally:
        lim.activate(previous)


def is_hidden(name: str) -> bool:
    """Names a script can never see or change (internal variables, helpers)."""
    return not name_allowed(name)


def run_script(compiled: Compiled, context: Mapping[str, Any], limits: lim.Limits) -> dict[str, Any]:
    """Execute a compiled script in-process; return all variables afterwards (hidden ones untouched)."""
    hidden = {k: v for k, v in context.items() if k.startswith("_") and k != "_"}
    visible = {k: v for k, v in context.items() if k not in hidden} if hidden else context
    scope, budget = _prepare(compiled, visible, limits)
    previous = lim.activate(budget)
    try:
        exec(compiled.code, scope)  # noqa: S102 - checked and rewritten code, restricted builtins
        result = _variables(scope, context)
    except Exception as err:
        raise translate_error(err) from cause_of(err)
    finally:
        lim.activate(previous)
        scope.clear()  # drop large values now, even while the traceback is alive
    result.update(hidden)
    return result


def _variables(scope: dict[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """The script's variables: no helpers or hidden names, no functions the script defined."""
    return {
        name: value
        for name, value in scope.items()
        if (name == "_" or not name.startswith("_")) and (not callable(value) or context.get(name) is value)
    }


def cause_of(err: BaseException) -> BaseException | None:
    return None if isinstance(err, SandboxViolation | MemoryError | RecursionError) else err


def script_line(tb: TracebackType | None) -> int | None:
    """The line of the script (deepest frame of compiled user code) where an error happened."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 3] + "..."


def translate_error(err: Exception, kind: str = "script") -> ScriptError:
    """Turn anything raised by user code into a ScriptError/SandboxViolation with a line number."""
    line = script_line(err.__traceback__)
    where = f"line {line}: " if line else ""
    if isinstance(err, ScriptError):
        detail = err.detail if err.detail.startswith("line ") else where + err.detail
        return type(err)(detail, line=err.line or line)
    if isinstance(err, MemoryError):
        return SandboxViolation(f"{where}{kind} ran out of memory", line=line)
    if isinstance(err, RecursionError):
        return SandboxViolation(f"{where}recursion too deep", line=line)
    try:
        message = str(err)
    except Exception:  # a message that cannot even be built (e.g. a huge int)
        message = ""
    text = f"{type(err).__name__}: {message}" if message else type(err).__name__
    return ScriptError(_shorten(where + text), line=line)
