"""Confinement for the Python that process designers write in diagrams.

Layer 1 (expressions and scripts): ``sandbox_ast`` refuses unsafe syntax at compile time and
rewrites risky operations into size-checked helpers (``sandbox_helpers``) plus loop/call
budget ticks (``sandbox_limits``); ``sandbox_runtime`` runs the result with a short allow-list
of builtins.

Layer 2 (unless its limits say ``isolate=False``): scripts run in a warm worker process
(``pool`` / ``worker``) limited by RLIMIT_AS and RLIMIT_CPU and killed on a wall-clock timeout; values
cross the process boundary as JSON (``codec``).

Expressions (gateway conditions, timers, due dates, assignments, DMN cells, multi-instance) are
evaluated very often. One inside the fast subset of ``sandbox_fast`` (names, constants,
comparisons, boolean logic, arithmetic on bounded numbers, a few linear builtins; cost linear in
the size of its variables) runs in-process. Any other expression, and a fast one whose operands
turn out too large at run time, runs in the worker pool like a script, under the expression time
limit (``expression_timeout_s``) and the memory limit; with ``isolate=False`` it runs in-process
under layer 1's budget.

A ``Sandbox`` object holds the limits and the worker pool: the composition root builds one from the settings
(with the server's working calendar, which ``working_time()`` in a worker counts on) and gives it to the
``Engine``, whose script engine runs every script and expression through it. Code that names no sandbox (an
engine built without one, tests, benchmarks) uses ``DEFAULT``. Compiling is the same for every sandbox and
cached.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from engine.errors import SandboxViolation, ScriptError
from engine.sandbox import codec
from engine.sandbox import runner as runtime
from engine.sandbox.compiler import Compiled, compile_checked
from engine.sandbox.fast import Escalate
from engine.sandbox.limits import Limits
from engine.sandbox.pool import WorkerPool

__all__ = ["DEFAULT", "Expression", "Sandbox", "Script", "compile_expression", "compile_script"]

_CACHE_SIZE = 2048


class _Checked:
    """Code that passed the checks, compiled; where it runs is a ``Sandbox``'s to say."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Compiled) -> None:
        self._compiled = compiled

    @property
    def source(self) -> str:
        return self._compiled.source


class Expression(_Checked):
    """A checked expression: ``evaluate`` takes the fast path when it can, else the sandbox's workers."""

    __slots__ = ()

    @property
    def fast(self) -> bool:
        """True if this expression may run on the in-process fast path."""
        return self._compiled.fast is not None

    def evaluate(self, context: Mapping[str, Any], sandbox: Sandbox | None = None) -> Any:
        """The value in ``context``, on the fast path when it can, else in ``sandbox`` (``DEFAULT``)."""
        fast = self._compiled.fast
        if fast is not None:
            try:
                return fast.evaluate(context)
            except Escalate:
                pass
            except Exception as err:
                raise runtime.translate_error(err, "expression") from runtime.cause_of(err)
        return self.evaluate_slow(context, sandbox)

    def evaluate_slow(self, context: Mapping[str, Any], sandbox: Sandbox | None = None) -> Any:
        """The full sandbox: its worker pool, or in-process with ``isolate=False``."""
        return (sandbox or DEFAULT).evaluate_compiled(self._compiled, context)


class Script(_Checked):
    """A checked script; ``execute`` returns all variables as they are after the script ran."""

    __slots__ = ()

    def execute(self, context: dict, sandbox: Sandbox | None = None) -> dict:
        """Run in ``sandbox`` (``DEFAULT``); all variables as they are after the script ran."""
        return (sandbox or DEFAULT).run_compiled(self._compiled, context)


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


class Sandbox:
    """Where the Python of diagrams runs: its limits and, when it isolates, its pool of worker processes
    (started when first needed, replaced when the limits change, never shared across a fork)."""

    def __init__(self, limits: Limits | None = None, *, calendar: Callable[[], Any] = lambda: None) -> None:
        self._limits = limits or Limits()
        self._calendar = calendar
        self._lock = threading.Lock()
        self._pool: WorkerPool | None = None

    @property
    def limits(self) -> Limits:
        return self._limits

    def configure(self, *, timeout_s: float = 2.0, memory_mb: int = 256, max_iterations: int = 1_000_000,
                  workers: int = 2, isolate: bool = True, expression_timeout_s: float = 0.5) -> None:
        """Set the limits for every later script and expression; running workers are replaced."""
        if timeout_s <= 0 or expression_timeout_s <= 0 or memory_mb < 64 or max_iterations < 1 or workers < 1:
            raise ValueError("need timeout_s > 0, expression_timeout_s > 0, memory_mb >= 64, max_iterations >= 1 "
                             "and workers >= 1")
        limits = Limits(float(timeout_s), int(memory_mb), int(max_iterations), int(workers), bool(isolate),
                        float(expression_timeout_s))
        with self._lock:
            old, self._pool, self._limits = self._pool, None, limits
        if old is not None:
            old.shutdown()

    def shutdown(self) -> None:
        """Stop the worker processes (they start again when another script runs)."""
        with self._lock:
            old, self._pool = self._pool, None
            atexit.unregister(self.shutdown)
        if old is not None:
            old.shutdown()

    def run_compiled(self, compiled: Compiled, context: dict) -> dict:
        limits = self._limits
        if not limits.isolate:
            return runtime.run_script(compiled, context, limits)
        hidden = {k: v for k, v in context.items() if runtime.is_hidden(k)}
        visible = {k: v for k, v in context.items() if not runtime.is_hidden(k)}
        answer = self._workers(limits).run(compiled.source, _encode(visible, "script"))
        result = _result_of(answer, "result")
        result.update(hidden)
        return result

    def evaluate_compiled(self, compiled: Compiled, context: Mapping[str, Any]) -> Any:
        limits = self._limits
        if not limits.isolate:
            return runtime.evaluate(compiled, context, limits.for_expressions())
        used = {name: context[name] for name in compiled.names if name in context}  # only these cross over
        answer = self._workers(limits).run(compiled.source, _encode(used, "expression"), mode="eval")
        return _result_of(answer, "value")

    def _workers(self, limits: Limits) -> WorkerPool:
        with self._lock:
            if self._pool is None or self._pool.pid != os.getpid():
                self._pool = WorkerPool(replace(limits, isolate=True), self._calendar)
                atexit.unregister(self.shutdown)  # once, however often the pool is replaced
                atexit.register(self.shutdown)  # only a sandbox with workers to stop is kept until exit
            return self._pool


DEFAULT = Sandbox()


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
