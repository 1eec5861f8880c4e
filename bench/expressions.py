"""Per-expression cost of the sandbox's three ways to evaluate: ``python -m bench.expressions`` from the repo root.

For a few typical conditions (and a loop-bearing one that never takes the fast path), the time of one
evaluation on:

- the fast path (``Expression.evaluate``, in-process, linear subset),
- the old in-process path (``sandbox_runtime.evaluate``: the rewritten code with the budget, as every
  expression ran before the fast path existed),
- the worker pool (``Expression.evaluate_slow`` with isolation on: a round trip to a warm worker).

Ratios are against the old in-process path. The last line printed is JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from engine import sandbox
from engine.sandbox import runner as runtime

N = int(os.environ.get("BENCH_N", "20000"))
POOL_N = int(os.environ.get("BENCH_POOL_N", "500"))
CONTEXT: dict[str, Any] = {
    "amount": 1500, "approved": True, "status": "gold", "levels": ["manager", "legal"], "score": 1,
    "customer": {"tier": "gold", "name": "  Bahar  "}, "items": list(range(20)),
    **{f"v{i}": i for i in range(40)},  # an instance's other variables
}
EXPRESSIONS = [
    "score > 0",
    "amount > 1000 and approved",
    '"legal" in levels',
    "customer['tier'] in ('gold', 'silver') and len(customer['name'].strip()) > 2",
    "amount * 0.1 + 5 >= 100",
    "any(x > 15 for x in items)",  # a comprehension: never on the fast path
]


def per_call(run: Callable[[], Any], n: int) -> float:
    """Median of five timings of ``n`` calls, in seconds per call."""
    for _ in range(min(n, 200)):
        run()
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(n):
            run()
        samples.append((time.perf_counter() - began) / n)
    return statistics.median(samples)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:8.2f} µs"


def measure(source: str) -> dict[str, Any]:
    expression = sandbox.compile_expression(source)
    compiled = expression._compiled  # the bench compares the paths behind the public call
    limits = sandbox.DEFAULT.limits.for_expressions()
    old = per_call(lambda: runtime.evaluate(compiled, CONTEXT, limits), N)
    ours = per_call(lambda: expression.evaluate(CONTEXT), N)
    pool = per_call(lambda: expression.evaluate_slow(CONTEXT), POOL_N)
    return {"source": source, "fast": expression.fast, "evaluate_us": ours * 1e6, "old_inprocess_us": old * 1e6,
            "pool_us": pool * 1e6, "evaluate_vs_old": ours / old, "pool_vs_old": pool / old}


def main() -> int:
    sandbox.DEFAULT.configure(isolate=True)
    print(f"Ravand expression bench — Python {sys.version.split()[0]}, N={N} (worker pool: {POOL_N}), "
          f"{len(CONTEXT)} variables in scope")
    rows = []
    try:
        for source in EXPRESSIONS:
            row = measure(source)
            rows.append(row)
            path = "fast path" if row["fast"] else "pool     "
            print(f"  {source[:60]:60}  evaluate ({path}) {_us(row['evaluate_us'] / 1e6)}  "
                  f"old in-process {_us(row['old_inprocess_us'] / 1e6)}  worker pool {_us(row['pool_us'] / 1e6)}  "
                  f"→ evaluate/old ×{row['evaluate_vs_old']:.2f}, pool/old ×{row['pool_vs_old']:.1f}")
    finally:
        sandbox.DEFAULT.shutdown()
    fast = [row for row in rows if row["fast"]]
    figures = {
        "n": N, "pool_n": POOL_N,
        "fast_vs_old_median": statistics.median(row["evaluate_vs_old"] for row in fast),
        "pool_vs_old_median": statistics.median(row["pool_vs_old"] for row in rows),
        "fast_us_median": statistics.median(row["evaluate_us"] for row in fast),
        "pool_us_median": statistics.median(row["pool_us"] for row in rows),
        "rows": [{k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()} for row in rows],
    }
    print(f"fast path ×{figures['fast_vs_old_median']:.2f} the old in-process cost (median), worker pool "
          f"×{figures['pool_vs_old_median']:.1f} ({figures['pool_us_median']:.0f} µs a round trip)")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
