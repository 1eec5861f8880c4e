"""Sandbox layer 2: the script worker process (``python -m engine.sandbox.worker MEMORY_MB``).

It limits its own address space (RLIMIT_AS) and CPU time (RLIMIT_CPU backstop), then reads one
JSON request per line on stdin and answers with one JSON line on its original stdout:

    request:  {"source": str, "context": {...}, "limits": {...}, "mode": "exec" | "eval"}
    answer:   {"ok": true, "result": {...}}          (a script: all its variables afterwards)
              {"ok": true, "value": ...}             (an expression: its value)
              {"ok": false, "violation": bool, "detail": str, "line": int | null, "recycle": bool}

Scripts and expressions run under layer 1 as well (``sandbox_runtime``).
"""

from __future__ import annotations

import functools
import os
import resource
import sys
from typing import Any, BinaryIO

from engine.errors import SandboxViolation, ScriptError
from engine.sandbox import codec
from engine.sandbox.compiler import Compiled, compile_checked
from engine.sandbox.limits import Limits, rss_bytes
from engine.sandbox.runner import evaluate, run_script, use_calendar


def limit_memory(memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb > 0:
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def limit_cpu(timeout_s: float) -> None:
    """Backstop: the kernel stops this process if one script burns far more CPU than allowed."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + 2 * timeout_s + 2)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


@functools.lru_cache(maxsize=256)
def _compile(source: str, mode: str = "exec") -> Compiled:
    return compile_checked(source, mode)


def _failure(err: ScriptError, recycle: bool = False) -> dict[str, Any]:
    violation = isinstance(err, SandboxViolation)
    return {"ok": False, "violation": violation, "detail": err.detail, "line": err.line, "recycle": recycle}


def _encode_result(result: dict[str, Any]) -> dict[str, Any]:
    try:
        return codec.encode(result)
    except codec.UnsupportedValue as err:
        raise ScriptError(
            f"variable '{err.path}' holds a value of type {err.type_name}, which cannot be stored "
            "(use numbers, text, booleans, None, lists, dicts, date, datetime or timedelta)"
        ) from None
    except RecursionError:
        raise ScriptError("the script's variables are nested too deeply to be stored") from None


def _encode_value(value: Any) -> Any:
    try:
        return codec.encode(value)
    except codec.UnsupportedValue as err:
        where = f" (at {err.path})" if err.path else ""
        raise ScriptError(
            f"the expression's value{where} is of type {err.type_name}, which cannot be used here "
            "(use numbers, text, booleans, None, lists, dicts, date, datetime or timedelta)"
        ) from None
    except RecursionError:
        raise ScriptError("the expression's value is nested too deeply") from None


def handle(line: bytes) -> dict[str, Any]:
    """Run one request and return its answer; never raises."""
    kind = "script"
    try:
        request = codec.loads(line)
        kind = "expression" if isinstance(request, dict) and request.get("mode") == "eval" else "script"
        limits = Limits(**request["limits"])
        use_calendar(request.get("calendar"))  # working_time() counts on the server's configured calendar
        limit_cpu(limits.timeout_s)
        if kind == "expression":
            value = evaluate(_compile(request["source"], "eval"), request["context"], limits)
            return {"ok": True, "value": _encode_value(value), "recycle": False}
        result = run_script(_compile(request["source"]), request["context"], limits)
        return {"ok": True, "result": _encode_result(result), "recycle": False}
    except ScriptError as err:
        return _failure(err)
    except MemoryError:
        return _failure(SandboxViolation(f"{kind} ran out of memory"), recycle=True)
    except (ValueError, KeyError, TypeError):
        return _failure(ScriptError("malformed request to the script worker"), recycle=True)
    except Exception:  # never let the worker die on an unforeseen error
        return _failure(ScriptError("internal error in the script worker"), recycle=True)


def _grown_too_much() -> bool:
    """Recycle a worker that kept half its memory limit resident (e.g. after a MemoryError).

    (``ru_maxrss`` is no use here: Linux carries the parent's peak across fork and exec.)
    """
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    rss = rss_bytes()
    return limit != resource.RLIM_INFINITY and (rss is None or rss > limit // 2)


def _to_line(answer: dict[str, Any]) -> bytes:
    try:
        return codec.to_line(answer)
    except (ValueError, MemoryError, RecursionError):  # e.g. an integer too long to write as JSON
        failure = ScriptError("the script's variables cannot be stored (a number is too large?)")
        return codec.to_line(_failure(failure, recycle=True))


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    answers.write(b'{"ready":true}\n')
    answers.flush()
    for line in requests:
        answer = handle(line)
        answer["recycle"] = answer["recycle"] or _grown_too_much()
        data = _to_line(answer)
        recycle = answer["recycle"] or (answer["ok"] and not data.startswith(b'{"ok":true'))
        del answer
        answers.write(data)
        answers.flush()
        if recycle:
            break


def main(argv: list[str]) -> int:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray output must not corrupt the protocol
    sys.stdout = sys.stderr
    limit_memory(int(argv[0]) if argv else 0)
    serve(sys.stdin.buffer, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
