"""No expression stops the server: each attack of the security review ends as a sandbox violation (an
incident on its instance) well within a second, with the worker pool on; the fast path gives the same
answers as the full sandbox; ``finally:`` cannot swallow a violation; multi-instance activities are capped."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict

import pytest

from engine import sandbox
from engine.errors import SandboxViolation, ScriptError
from engine.events.timer_worker import TimerWorker
from engine.facade import Engine
from engine.sandbox.fast import MAX_FAST_ITEMS
from tests.engine import bpmn
from tests.engine.helpers import ALICE, Harness
from tests.engine.test_events import timer_catch

WELL_UNDER_A_SECOND = 1.0
EXPRESSION_TIMEOUT_S = 0.5


@pytest.fixture
def isolated():
    """The production set-up: expressions outside the fast path run in the worker pool."""
    saved = sandbox.DEFAULT.limits
    sandbox.DEFAULT.configure(isolate=True, timeout_s=2.0, workers=2, expression_timeout_s=EXPRESSION_TIMEOUT_S)
    sandbox.compile_expression("[x for x in xs]").evaluate({"xs": [1]})  # the pool is warm from here on
    yield
    sandbox.DEFAULT.configure(**asdict(saved))


def _doubling(name: str, levels: int) -> str:
    """``name0`` is a list of 1,000 zeros and each next level holds the previous one twice: comparing
    two such structures walks 1,000 * 2**levels items with no call, loop or operator in sight."""
    steps = [f"({name}0 := [0] * 1000)"]
    steps += [f"({name}{i} := [{name}{i - 1}, {name}{i - 1}])" for i in range(1, levels + 1)]
    return " and ".join(steps)


COMPARISON_BOMB = f"{_doubling('x', 24)} and {_doubling('y', 24)} and x24 == y24"
UNPACKING_BOMB = "(r := range(999999)) and [" + ", ".join(["*r"] * 20) + "] == []"

ATTACKS = [
    ("round(1, -10**8) == 0", {}, "ndigits is out of range"),
    ("round(x, n) == 0", {"x": 1, "n": -10**8}, "ndigits is out of range"),
    ("pow(3, 2**60000, 2**60000 + 1) == 1", {}, "too costly"),
    ("pow(a, b, c) == 1", {"a": 3, "b": 2**14000, "c": 2**14000 + 1}, "too costly"),  # 4,215 digits each
    ("[[0]*1000]*1000000 == [[0]*1000]*1000000", {}, "result too large"),
    ("[a]*n == [a]*n", {"a": [0] * 1000, "n": 1_000_000}, "result too large"),
    ("r + r + r + r == r", {"r": list(range(400_000))}, "result too large"),
    (COMPARISON_BOMB, {}, f"expression exceeded its time limit of {EXPRESSION_TIMEOUT_S} s"),
    (UNPACKING_BOMB, {}, "expression"),  # its time or its memory limit, whichever comes first
]


@pytest.mark.parametrize(("source", "variables", "fragment"), ATTACKS, ids=range(len(ATTACKS)))
def test_each_attack_is_a_violation_well_within_a_second(isolated, source, variables, fragment):
    expression = sandbox.compile_expression(source)
    started = time.monotonic()
    with pytest.raises(SandboxViolation) as info:
        expression.evaluate(variables)
    elapsed = time.monotonic() - started
    assert fragment in str(info.value), str(info.value)
    assert elapsed < WELL_UNDER_A_SECOND, (elapsed, str(info.value))
    assert sandbox.compile_expression("[x * 2 for x in xs]").evaluate({"xs": [1, 2]}) == [2, 4]  # pool recovered


def test_attacks_that_need_the_worker_never_run_in_process(isolated):
    for source in (COMPARISON_BOMB, UNPACKING_BOMB, "pow(3, 2**60000, 2**60000 + 1) == 1"):
        assert not sandbox.compile_expression(source).fast
    # a fast-path expression whose operands turn out large leaves the server process too
    assert sandbox.compile_expression("[a]*n == [a]*n").fast


FAST = [
    "amount > 1000 and approved", "status == 'gold'", "not refused", "'legal' in levels", "x if flag else y",
    "customer['tier'] in ('gold', 'silver')", "len(name.strip()) > 2", "amount * 0.1 + 5 >= 100", "total / 2 % 3",
    "-amount < 0", "round(amount / 3, 2)", "d + timedelta(days=1)", "name.lower().startswith('a')",
    "min(scores) <= 3 <= max(scores)", "items[1:] == [2, 3]", "int('12') + 1", "float(x) == 2.0",
]
SLOW = [
    "[x for x in items]", "2 ** 10", "sum(items)", "f'{name}!'", "(z := 3) > 2", "[*items]", "1 << 3",
    "sorted(items)", "any(x > 2 for x in items)", "working_time('PT8H')", "round",
]
CONTEXT = {"amount": 1500, "approved": True, "status": "gold", "refused": False, "levels": ["legal"], "x": 1,
           "y": 2, "flag": False, "customer": {"tier": "gold"}, "name": "  Ali  ", "total": 9,
           "d": __import__("datetime").date(2024, 2, 28), "scores": [1, 5], "items": [1, 2, 3]}


def test_the_fast_subset():
    assert [s for s in FAST if not sandbox.compile_expression(s).fast] == []
    assert [s for s in SLOW if sandbox.compile_expression(s).fast] == []


@pytest.mark.parametrize("source", FAST)
def test_fast_path_agrees_with_the_full_sandbox(isolated, source):
    expression = sandbox.compile_expression(source)
    assert expression.evaluate(CONTEXT) == expression.evaluate_slow(CONTEXT)


def test_fast_path_escalates_and_still_answers(isolated):
    assert sandbox.compile_expression("'ab' * n").evaluate({"n": 3}) == "ababab"  # repetition: in the worker
    assert sandbox.compile_expression("s % 2").evaluate({"s": "%d!"}) == "2!"  # %-formatting: in the worker
    long = "x" * MAX_FAST_ITEMS
    assert sandbox.compile_expression("a + b").evaluate({"a": long, "b": "y"}) == long + "y"
    assert sandbox.compile_expression("n * n > 0").evaluate({"n": 2**5000}) is True
    with pytest.raises(ScriptError, match="'int' object is not callable"):  # a variable shadows len, as in scripts
        sandbox.compile_expression("len(x)").evaluate({"len": 5, "x": [1]})
    with pytest.raises(ScriptError, match="NameError"):
        sandbox.compile_expression("missing > 1").evaluate({})
    with pytest.raises(ScriptError, match="AttributeError"):
        sandbox.compile_expression("amount.lower()").evaluate({"amount": 1})


# -- F14: finally: cannot swallow a violation ------------------------------------------------------

SWALLOWING = [
    ("def f():\n    try:\n        while True:\n            pass\n    finally:\n        return 'swallowed'\n"
     "x = f()", "return"),
    ("for i in range(3):\n    try:\n        x = 10**10**10\n    finally:\n        break", "break"),
    ("for i in range(3):\n    try:\n        x = 1\n    finally:\n        if i:\n            continue", "continue"),
    ("while True:\n    try:\n        pass\n    finally:\n        for j in []:\n            pass\n"
     "        else:\n            break", "break"),  # a loop's else: belongs to the finally: block
]


@pytest.mark.parametrize(("source", "word"), SWALLOWING)
def test_leaving_a_finally_block_is_refused(source, word):
    with pytest.raises(SandboxViolation, match=f"'{word}' inside a 'finally:' block is not allowed"):
        sandbox.compile_script(source)


def test_finally_still_works_and_the_violation_is_not_swallowed():
    allowed = ("x = 0\ntry:\n    x = 1\nfinally:\n    for i in range(3):\n        if i:\n            break\n"
               "    def g():\n        return 2\n    y = g()")
    assert sandbox.compile_script(allowed).execute({}) == {"x": 1, "i": 1, "y": 2}
    swallowing = "x = 0\ntry:\n    x = 10**10**10\nfinally:\n    x = 2"
    with pytest.raises(SandboxViolation, match="result too large"):
        sandbox.compile_script(swallowing).execute({})


# -- through the engine: an incident on that instance, other work goes on --------------------------

def _poisoned(key: str, condition: str, timer: bool = False) -> bytes:
    head = ["start", "wait", "decide"] if timer else ["start", "decide"]
    parts = [bpmn.start(), bpmn.gateway("decide", default="f_decide_other"), bpmn.end("yes"), bpmn.end("other"),
             bpmn.chain(*head), bpmn.flow("decide", "yes", condition), bpmn.flow("decide", "other")]
    if timer:
        parts.append(timer_catch("wait", "timeDuration", "PT1S"))
    return bpmn.diagram(key, "\n".join(parts))


def _meanwhile(h: Harness, poisoned: callable) -> tuple[object, list]:
    """Run ``poisoned`` in a thread while this thread starts and completes another instance."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(poisoned()))
    thread.start()
    other = h.start("approval", variables={})
    task_id = h.open_tasks(other.id)[0]
    h.complete(task_id, {"approved": True, "amount": 3}, ALICE)
    thread.join()
    return h.instance(other.id), result


def _incident_message(h: Harness, instance_id: str) -> str:
    view = h.instance(instance_id)
    assert view.state == "failed" and len(view.incidents) == 1, view
    assert view.incidents[0].element_id == "decide"
    return view.incidents[0].message


def test_gateway_condition_attack_becomes_an_incident(db, isolated):
    h = Harness(db)
    h.deploy([*bpmn.approval_files(), ("p.bpmn", _poisoned("p", "round(1, -10**8) == 0")),
              ("q.bpmn", _poisoned("q", COMPARISON_BOMB))])
    other, started = _meanwhile(h, lambda: h.start("p"))
    assert other.state == "completed"
    assert "ndigits is out of range (the limit is ±10,000)" in _incident_message(h, started[0].id)
    bomb = h.start("q")
    assert f"expression exceeded its time limit of {EXPRESSION_TIMEOUT_S} s" in _incident_message(h, bomb.id)


def test_timer_in_front_of_the_attack_fires_once_into_an_incident(db, isolated, later):
    h = Harness(db)
    h.deploy([*bpmn.approval_files(), ("t.bpmn", _poisoned("t", COMPARISON_BOMB, timer=True))])
    poisoned = h.start("t")
    later(1.2)
    other, fired = _meanwhile(h, lambda: TimerWorker(h.engine, h.db.sessions).run_once())
    assert fired == [1] and other.state == "completed"
    assert f"expression exceeded its time limit of {EXPRESSION_TIMEOUT_S} s" in _incident_message(h, poisoned.id)
    assert TimerWorker(h.engine, h.db.sessions).run_once() == 0  # nothing left to fire: it does not come back


# -- F16: multi-instance activities are capped ----------------------------------------------------

def _multi(key: str, characteristics: str) -> bytes:
    task = (f'<bpmn:userTask id="each" name="Each" camunda:candidateGroups="sales">{characteristics}'
            "</bpmn:userTask>")
    return bpmn.diagram(key, "\n".join([bpmn.start(), task, bpmn.end(), bpmn.chain("start", "each", "end")]))


CARDINALITY = "<bpmn:multiInstanceLoopCharacteristics{seq}><bpmn:loopCardinality>n</bpmn:loopCardinality>" \
              "</bpmn:multiInstanceLoopCharacteristics>"
COLLECTION = '<bpmn:multiInstanceLoopCharacteristics{seq} camunda:collection="items" camunda:elementVariable="item"/>'


@pytest.mark.parametrize("sequential", [False, True], ids=["parallel", "sequential"])
def test_multi_instance_past_the_limit_is_an_incident(db, sequential):
    seq = ' isSequential="true"' if sequential else ""
    h = Harness(db, Engine(settings={"max_multi_instance": 1_000}))
    h.deploy([("c.bpmn", _multi("c", CARDINALITY.format(seq=seq))),
              ("l.bpmn", _multi("l", COLLECTION.format(seq=seq)))])
    for key, variables, what in [("c", {"n": 30_000}, "cardinality is 30,000"),
                                 ("l", {"items": list(range(30_000))}, "collection size is 30,000")]:
        view = h.start(key, variables=variables)
        view = h.instance(view.id)
        assert view.state == "failed" and len(view.incidents) == 1, view
        message = view.incidents[0].message
        assert what in message and "limit of 1,000 instances" in message and "max_multi_instance" in message
        assert h.open_tasks(view.id) == []
    assert len(h.open_tasks(h.start("c", variables={"n": 3}).id)) == (1 if sequential else 3)
    assert len(h.open_tasks(h.start("l", variables={"items": ["a", "b"]}).id)) == (1 if sequential else 2)
