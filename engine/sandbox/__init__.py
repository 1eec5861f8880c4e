"""Confinement for the Python that process designers write in diagrams.

Layer 1 (expressions and scripts): ``sandbox_ast`` refuses unsafe syntax at compile time and
rewrites risky operations into size-checked helpers (``sandbox_helpers``) plus loop/call
budget ticks (``sandbox_limits``); ``sandbox_runtime`` runs the result with a short allow-list
of builtins.

Layer 2 (unless ``configure(isolate=False)``): scripts run in a warm worker process
(``sandbox_pool`` / ``sandbox_worker``) limited by RLIMIT_AS and RLIMIT_CPU and killed on a
wall-clock timeout; values cross the process boundary as JSON (``sandbox_codec``).

Expressions (gateway conditions, timers, due dates, assignments, DMN cells, multi-instance) are
evaluated very often. One inside the fast subset of ``sandbox_fast`` (names, constants,
comparisons, boolean logic, arithmetic on bounded numbers, a few linear builtins; cost linear in
the size of its variables) runs in-process. Any other expression, and a fast one whose operands
turn out too large at run time, runs in the worker pool like a script, under the expression time
limit (``expression_timeout_s``) and the memory limit; with ``isolate=False`` it runs in-process
under layer 1's budget.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from engine.errors import SandboxViolation, ScriptError
from engine.sandbox import codec
from engine.sandbox import runner as runtime
from engine.sandbox.compiler import Compiled, compile_checked
from engine.sandbox.fast import Escalate
from engine.sandbox.limits import Limits, current_limits, set_limits
from engine.sandbox.pool import WorkerPool

__all__ = ["Expression", "Script", "compile_expression", "compile_script", "configure", "shutdown"]

_CACHE_SIZE = 2048
_lock = threading.Lock()
_pool: WorkerPool | None = None


class Expression:
    """A checked expression: ``evaluate`` takes the fast path when it can, else the worker pool."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Compiled) -> None:
        self._compiled = compiled

    @property
    def source(self) -> str:
        return self._compiled.source

    @property
    def fast(self) -> bool:
        """True if this expression may run on the in-process fast path."""
        return self._compiled.fast is not None

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        fast = self._compiled.fast
        if fast is not None:
            try:
                return fast.evaluate(context)
            except Escalate:
                pass
            except Exception as err:
                raise runtime.translate_error(err, "expression") from runtime.cause_of(err)
        return self.evaluate_slow(context)

    def evaluate_slow(self, context: Mapping[str, Any]) -> Any:
        """The full sandbox: the worker pool, or in-process with ``isolate=False``."""
        limits = current_limits()
        if not limits.isolate:
            return runtime.evaluate(self._compiled, context, limits.for_expressions())
        return _evaluate_isolated(self._compiled, context, limits)


class Script:
    """A checked script; ``execute`` returns all variables as they are after the script ran."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Compiled) -> None:
        self._compiled = compiled

    @property
    def source(self) -> str:
        return self._compiled.source

    def execute(self, context: dict) -> dict:
        limits = current_limits()
        if not limits.isolate:
            return runtime.run_script(self._compiled, context, limits)
        return _run_isolated(self._compiled.source, context, limits)


def compile_expression(source: str) -> Expression:
    """Check and compile one expression; raises ScriptError (syntax) or SandboxViolation."""
    _require_text(source)
    return _compile_expression(source)


def compile_script(source: str) -> Script:
    """Check and compile a script; raises ScriptError (syntax) or SandboxViolation."""
    _require_text(source)
    return _compile_script(source)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compile_expression(source: str) -> Expression:
    return Expression(compile_checked(source, "eval"))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compile_script(source: str) -> Script:
    return Script(compile_checked(source, "exec"))


def _require_text(source: object) -> None:
    if not isinstance(source, str):
        raise ScriptError(f"a script must be text, not {type(source).__name__}")


def configure(
    *,
    timeout_s: float = 2.0,
    memory_mb: int = 256,
    max_iterations: int = 1_000_000,
    workers: int = 2,
    isolate: bool = True,
    expression_timeout_s: float = 0.5,
) -> None:
    """Set the limits for all later scripts and expressions; running workers are replaced."""
    if timeout_s <= 0 or expression_timeout_s <= 0 or memory_mb < 64 or max_iterations < 1 or workers < 1:
        raise ValueError("need timeout_s > 0, expression_timeout_s > 0, memory_mb >= 64, max_iterations >= 1 "
                         "and workers >= 1")
    limits = Limits(float(timeout_s), int(memory_mb), int(max_iterations), int(workers), bool(isolate),
                    float(expression_timeout_s))
    global _pool
    with _lock:
        old, _pool = _pool, None
        set_limits(limits)
    if old is not None:
        old.shutdown()


def shutdown() -> None:
    """Stop the worker processes (they start again lazily if another script runs)."""
    global _pool
    with _lock:
        old, _pool = _pool, None
    if old is not None:
        old.shutdown()


atexit.register(shutdown)


def _get_pool(limits: Limits) -> WorkerPool:
    global _pool
    with _lock:
        if _pool is None or _pool.pid != os.getpid():  # never share workers across a fork
            _pool = WorkerPool(replace(limits, isolate=True))
        return _pool


def _run_isolated(source: str, context: Mapping[str, Any], limits: Limits) -> dict:
    hidden = {k: v for k, v in context.items() if runtime.is_hidden(k)}
    visible = {k: v for k, v in context.items() if not runtime.is_hidden(k)}
    answer = _get_pool(limits).run(source, _encode(visible, "script"))
    result = _result_of(answer, "result")
    result.update(hidden)
    return result


def _evaluate_isolated(compiled: Compiled, context: Mapping[str, Any], limits: Limits) -> Any:
    """Only the variables the expression names cross to the worker."""
    used = {name: context[name] for name in compiled.names if name in context}
    answer = _get_pool(limits).run(compiled.source, _encode(used, "expression"), mode="eval")
    return _result_of(answer, "value")


def _encode(variables: Mapping[str, Any], kind: str) -> Any:
    try:
        return codec.encode(dict(variables))
    except codec.UnsupportedValue as err:
        raise ScriptError(
            f"variable '{err.path}' cannot be passed to the {kind}: {err.type_name} values are not "
            "supported (use numbers, text, booleans, None, lists, dicts, date, datetime, timedelta "
            "or Decimal)"
        ) from None
    except RecursionError:
        raise ScriptError(f"the process variables are nested too deeply to pass to the {kind}") from None


def _result_of(answer: Any, key: str) -> Any:
    if not isinstance(answer, dict):
        raise ScriptError("malformed answer from the script worker")
    if answer.get("ok") is True and key in answer and (key != "result" or isinstance(answer[key], dict)):
        return answer[key]
    detail, line = answer.get("detail"), answer.get("line")
    if not isinstance(detail, str) or not (line is None or isinstance(line, int)):
        raise ScriptError("malformed answer from the script worker")
    error = SandboxViolation if answer.get("violation") else ScriptError
    raise error(detail, line=line)
