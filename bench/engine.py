"""Engine throughput, loop cost and stored size: ``python -m bench.engine`` from the repo root.

(a) start → script → user task (candidate group) → gateway → end, created and completed N times:
    Ravand's Engine on a fresh SQLite file and on PostgreSQL (two transactions per instance: start;
    complete), each in alternating rounds with SpiffWorkflow alone in memory (BENCH_ROUNDS, 5).
(b) a loop through a user task, completed 1,000 times through the Engine (saved and restored every
    iteration): the time of the ~1,000th complete() against the ~10th.
(c) the bytes stored for an instance of (a) waiting at its user task, against SpiffWorkflow's own
    serialize_json.

Scripts run in-process, or with ``BENCH_ISOLATE=1`` in the sandbox's worker processes as a server runs them
(SpiffWorkflow alone always runs them in-process). The last line printed is JSON.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from sqlalchemy import Engine as SAEngine
from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from api.composition import MIGRATIONS
from engine import sandbox
from engine.facade import Engine
from engine.store.db import make_engine, make_session_factory
from engine.store.migrate import upgrade
from engine.store.models import ProcessInstance
from engine.store.transactions import transaction
from engine.views import Actor

N = int(os.environ.get("BENCH_N", "500"))
LOOP_N = int(os.environ.get("BENCH_LOOP_N", "1000"))
POSTGRES_URL = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKER = Actor("ana", frozenset({"sales"}))
NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')


def _diagram(key: str, body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="d_{key}" '
            f'targetNamespace="http://ravand.bench"><bpmn:process id="{key}" isExecutable="true">'
            f'{body}</bpmn:process></bpmn:definitions>').encode()


def _flow(source: str, target: str, condition: str | None = None) -> str:
    inner = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" targetRef="{target}">{inner}' \
           f'</bpmn:sequenceFlow>'


# the case SPIFFWORKFLOW_NOTES.md measures raw: start → script → user task → gateway → end
SIMPLE = _diagram("simple", "".join([
    '<bpmn:startEvent id="start"/>',
    '<bpmn:scriptTask id="prepare" scriptFormat="python"><bpmn:script>score = 1</bpmn:script></bpmn:scriptTask>',
    '<bpmn:userTask id="review" name="Review" camunda:candidateGroups="sales"/>',
    '<bpmn:exclusiveGateway id="decide" default="f_decide_other"/>',
    '<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="other"/>',
    _flow("start", "prepare"), _flow("prepare", "review"), _flow("review", "decide"),
    _flow("decide", "end", "score &gt; 0"), _flow("decide", "other"),
]))

LOOP = _diagram("loop", "".join([
    '<bpmn:startEvent id="start"/>',
    '<bpmn:scriptTask id="init" scriptFormat="python"><bpmn:script>n = 0</bpmn:script></bpmn:scriptTask>',
    '<bpmn:exclusiveGateway id="merge"/>',
    '<bpmn:scriptTask id="inc" scriptFormat="python"><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>',
    '<bpmn:userTask id="work" name="Work" camunda:candidateGroups="sales"/>',
    '<bpmn:exclusiveGateway id="more" default="f_more_end"/>', '<bpmn:endEvent id="end"/>',
    _flow("start", "init"), _flow("init", "merge"), _flow("merge", "inc"), _flow("inc", "work"),
    _flow("work", "more"), _flow("more", "merge", f"n &lt; {LOOP_N}"), _flow("more", "end"),
]))


# -- SpiffWorkflow alone ---------------------------------------------------------------------------

def _spiff_spec(xml: bytes, key: str) -> tuple[Any, Any]:
    parser = CamundaParser()
    parser.add_bpmn_str(xml)
    return parser.get_spec(key), parser.get_subprocess_specs(key)


def _raw_run(spec: Any, subs: Any, serializer: BpmnWorkflowSerializer | None = None) -> None:
    workflow = BpmnWorkflow(spec, subs)
    workflow.do_engine_steps()
    if serializer is not None:  # save and restore at the wait, as a persisted engine must
        workflow = serializer.deserialize_json(serializer.serialize_json(workflow))
    task = workflow.get_next_task(state=TaskState.READY, manual=True)
    task.run()
    workflow.do_engine_steps()
    assert workflow.is_completed()


def raw_rate(n: int, serializer: BpmnWorkflowSerializer | None = None) -> float:
    spec, subs = _spiff_spec(SIMPLE, "simple")
    for _ in range(20):
        _raw_run(spec, subs, serializer)
    began = time.perf_counter()
    for _ in range(n):
        _raw_run(spec, subs, serializer)
    return n / (time.perf_counter() - began)


def raw_loop_times(n: int) -> list[float]:
    """Per-iteration time (run the user task, then engine steps) of the loop, in memory."""
    spec, subs = _spiff_spec(LOOP, "loop")
    workflow = BpmnWorkflow(spec, subs)
    workflow.do_engine_steps()
    times = []
    while not workflow.is_completed():
        began = time.perf_counter()
        workflow.get_next_task(state=TaskState.READY, manual=True).run()
        workflow.do_engine_steps()
        times.append(time.perf_counter() - began)
    assert len(times) == n, len(times)
    return times


# -- Ravand on a database --------------------------------------------------------------------------

@dataclass
class Target:
    name: str
    sa: SAEngine
    sessions: sessionmaker[Session]
    statements: list[int] = field(default_factory=lambda: [0])


@contextmanager
def sqlite_target() -> Iterator[Target]:
    with tempfile.TemporaryDirectory(prefix="ravand-bench-") as directory:
        sa = make_engine(f"sqlite:///{directory}/bench.sqlite")
        upgrade(sa, MIGRATIONS)
        try:
            yield Target("sqlite", sa, make_session_factory(sa))
        finally:
            sa.dispose()


@contextmanager
def postgres_target() -> Iterator[Target | None]:
    try:
        admin = make_engine(POSTGRES_URL, pool_size=1, connect_args={"connect_timeout": 3})
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}".splitlines()[0])
        yield None
        return
    separator = "&" if "?" in POSTGRES_URL else "?"
    sa = make_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        upgrade(sa, MIGRATIONS)
        yield Target("postgres", sa, make_session_factory(sa))
    finally:
        sa.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _counting(target: Target) -> Iterator[None]:
    """Count the statements sent while inside (kept out of the timed runs: a listener costs time)."""
    def count(*_args: Any) -> None:
        target.statements[0] += 1

    event.listen(target.sa, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(target.sa, "before_cursor_execute", count)


def _statements(target: Target, action: Callable[[], Any]) -> tuple[Any, int]:
    before = target.statements[0]
    with _counting(target):
        result = action()
    return result, target.statements[0] - before


class Bench:
    """One Engine over one database; every command is its own transaction."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.engine = Engine()

    def run(self, command: Callable[[Session], Any]) -> Any:
        return transaction(self.target.sessions, command)

    def deploy(self, name: str, xml: bytes) -> None:
        self.run(lambda s: self.engine.deploy(s, [(name, xml)], "bench"))

    def start(self, key: str, business_key: str) -> str:
        return self.run(lambda s: self.engine.start(s, key, business_key, {}, "bench")).id

    def complete_open(self, instance_id: str) -> None:
        def command(session: Session) -> Any:
            [task_id] = self.engine.open_task_ids(session, instance_id)
            return self.engine.complete(session, task_id, {}, WORKER)
        self.run(command)

    def state(self, instance_id: str) -> str:
        return self.run(lambda s: self.engine.instance(s, instance_id).state)


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
COUNTED = 20


def engine_rate(target: Target, n: int, rounds: int = ROUNDS) -> dict[str, Any]:
    """Ravand's rate on the target, and SpiffWorkflow's in memory measured in turns with it (a round of
    raw runs, then a round of Ravand's, ``rounds`` times), so load that comes and goes on a shared
    machine weighs on both sides of the ratio alike."""
    bench = Bench(target)
    bench.deploy("simple.bpmn", SIMPLE)
    spec, subs = _spiff_spec(SIMPLE, "simple")
    for i in range(20):  # warm the spec cache, the connection pool and the sandbox
        bench.complete_open(bench.start("simple", f"warm-{i}"))
        _raw_run(spec, subs)
    start_sql = complete_sql = 0
    for i in range(COUNTED):  # statements counted apart from the timed runs
        instance_id, count = _statements(target, lambda i=i: bench.start("simple", f"counted-{i}"))
        start_sql += count
        complete_sql += _statements(target, lambda instance_id=instance_id: bench.complete_open(instance_id))[1]
    raw_runs, raw_s, ours_s, done = 0, 0.0, 0.0, 0
    for round_ in range(rounds):
        size = n // rounds + (1 if round_ < n % rounds else 0)
        began = time.perf_counter()
        for _ in range(size * 4):  # raw is several times faster: more runs keep the turns even
            _raw_run(spec, subs)
        raw_s += time.perf_counter() - began
        raw_runs += size * 4
        began = time.perf_counter()
        for i in range(done, done + size):
            instance_id = bench.start("simple", f"b-{i}")
            bench.complete_open(instance_id)
        ours_s += time.perf_counter() - began
        done += size
    assert bench.state(instance_id) == "completed"
    return {"per_s": n / ours_s, "raw_per_s": raw_runs / raw_s, "sql_per_start": start_sql / COUNTED,
            "sql_per_complete": complete_sql / COUNTED}


def waiting_bytes(target: Target) -> dict[str, int]:
    bench = Bench(target)
    bench.deploy("simple.bpmn", SIMPLE)
    instance_id = bench.start("simple", "size")

    def measure(session: Session) -> dict[str, int]:
        row = session.get(ProcessInstance, instance_id)
        state = len(row.workflow_state)
        json_columns = [row.variables, row.active_elements, getattr(row, "element_counts", None)]
        columns = sum(len(json.dumps(value)) for value in json_columns if value is not None)
        return {"workflow_state": state, "json_columns": columns, "total": state + columns}
    return bench.run(measure)


def spiff_waiting_bytes() -> dict[str, int]:
    spec, subs = _spiff_spec(SIMPLE, "simple")
    workflow = BpmnWorkflow(spec, subs)
    workflow.do_engine_steps()
    serialized = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)).serialize_json(workflow)
    return {"json": len(serialized), "gzip": len(gzip.compress(serialized.encode()))}


def engine_loop_times(target: Target, n: int) -> tuple[list[float], int]:
    bench = Bench(target)
    bench.deploy("loop.bpmn", LOOP)
    instance_id = bench.start("loop", "loop")
    times = []
    for _ in range(n):
        began = time.perf_counter()
        bench.complete_open(instance_id)
        times.append(time.perf_counter() - began)
    assert bench.state(instance_id) == "completed"
    size = bench.run(lambda s: len(s.get(ProcessInstance, instance_id).workflow_state))
    return times, size


def around(times: list[float], nth: int, width: int = 5) -> float:
    """Median time of the iterations nth-width … nth+width-1 (1-based), clipped to the run: one
    garbage collection or checkpoint in the window does not move it."""
    low = max(0, nth - 1 - width)
    high = min(len(times), nth - 1 + width)
    return statistics.median(times[low:high])


# -- report ----------------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def part_a(figures: dict[str, Any]) -> None:
    print(f"(a) start → script → user task → gateway → end, {N} instances created and completed; "
          f"raw and persisted runs in {ROUNDS} alternating rounds")
    figures["raw_serialized_per_s"] = raw_rate(N, BpmnWorkflowSerializer(
        BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)))
    print(f"    SpiffWorkflow, serialize_json at the wait: {figures['raw_serialized_per_s']:7.0f} instances/s")
    for name, make in (("sqlite", sqlite_target), ("postgres", postgres_target)):
        with make() as target:
            if target is None:
                figures[f"{name}_per_s"] = figures[f"{name}_vs_raw"] = None
                continue
            result = engine_rate(target, N)
        if name == "sqlite":
            figures["raw_per_s"] = result["raw_per_s"]
        figures[f"{name}_raw_per_s"] = result["raw_per_s"]
        figures[f"{name}_per_s"] = result["per_s"]
        figures[f"{name}_vs_raw"] = result["per_s"] / result["raw_per_s"]
        figures[f"{name}_sql_per_start"] = result["sql_per_start"]
        figures[f"{name}_sql_per_complete"] = result["sql_per_complete"]
        print(f"    SpiffWorkflow in memory, in turns with {name}: {result['raw_per_s']:7.0f} instances/s")
        print(f"    Ravand on {name:<8} (2 transactions each): {result['per_s']:7.0f} instances/s = "
              f"{figures[f'{name}_vs_raw']:.1%} of SpiffWorkflow in memory; SQL statements: "
              f"{result['sql_per_start']:.1f} per start, {result['sql_per_complete']:.1f} per complete")
    for name, goal in (("sqlite", 0.30), ("postgres", 0.20)):
        if figures.get(f"{name}_vs_raw") is not None:
            verdict = "met" if figures[f"{name}_vs_raw"] >= goal else "NOT met"
            print(f"    target {name} ≥ {goal:.0%} of raw: {verdict}")


def part_b(figures: dict[str, Any]) -> None:
    print(f"(b) loop through a user task, {LOOP_N} iterations")
    raw = raw_loop_times(LOOP_N)
    print(f"    SpiffWorkflow in memory, per iteration: ~10th {_ms(around(raw, 10))}, "
          f"~{LOOP_N}th {_ms(around(raw, LOOP_N))} (×{around(raw, LOOP_N) / around(raw, 10):.1f})")
    figures["raw_loop_step_ratio"] = around(raw, LOOP_N) / around(raw, 10)
    with sqlite_target() as target:
        times, size = engine_loop_times(target, LOOP_N)
    first, last = around(times, 10), around(times, LOOP_N)
    figures["loop_step_ratio"] = last / first
    figures["loop_ms_10th"], figures["loop_ms_last"] = first * 1000, last * 1000
    figures["loop_state_bytes_at_end"] = size
    print(f"    Ravand on SQLite, complete() incl. its transaction: ~10th {_ms(first)}, ~{LOOP_N}th "
          f"{_ms(last)} → loop_step_ratio {last / first:.1f}; total {sum(times):.1f} s")
    print(f"    stored workflow_state after {LOOP_N} iterations: {size:,} bytes")
    print(f"    target: the {LOOP_N}th step at most 3× the 10th: {'met' if last / first <= 3 else 'NOT met'}")


def part_c(figures: dict[str, Any]) -> None:
    print("(c) stored size of an instance of (a) waiting at its user task")
    with sqlite_target() as target:
        ours = waiting_bytes(target)
    spiff = spiff_waiting_bytes()
    figures["bytes_per_waiting_instance"] = ours["total"]
    figures["spiff_serialized_bytes"] = spiff["json"]
    verdict = "met" if ours["total"] < 4096 else "NOT met"
    print(f"    Ravand: {ours['total']} bytes (workflow_state {ours['workflow_state']} + JSON columns "
          f"variables/active_elements/element_counts {ours['json_columns']}); target < 4 KB: {verdict}")
    print(f"    SpiffWorkflow serialize_json: {spiff['json']} bytes ({spiff['gzip']} gzipped)")


def main() -> int:
    isolate = os.environ.get("BENCH_ISOLATE") == "1"
    sandbox.DEFAULT.configure(isolate=isolate)
    where = "in the sandbox's worker processes, as deployed" if isolate else "in-process (BENCH_ISOLATE=1: in workers)"
    print(f"Ravand engine bench — scripts run {where}, Python {sys.version.split()[0]}, N={N}")
    figures: dict[str, Any] = {"n": N, "loop_n": LOOP_N, "isolate_scripts": isolate}
    began = time.perf_counter()
    try:
        part_a(figures)
        part_b(figures)
        part_c(figures)
    finally:
        sandbox.DEFAULT.shutdown()
    figures["bench_seconds"] = time.perf_counter() - began
    print(f"total {figures['bench_seconds']:.0f} s")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
