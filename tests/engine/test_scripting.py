"""SandboxScriptEngine inside real SpiffWorkflow runs: gateways, script tasks and DMN tables."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.camunda.parser import CamundaParser

from engine import sandbox
from engine.errors import SandboxViolation, ScriptError
from engine.spiff.script_engine import SandboxEnvironment, SandboxScriptEngine

NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'


def _bpmn(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {NS} id="defs" '
        f'targetNamespace="http://ravand.test"><bpmn:process id="p" isExecutable="true">{body}'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def _flow(source: str, target: str, condition: str | None = None) -> str:
    inner = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    ids = f'id="f_{source}_{target}" sourceRef="{source}" targetRef="{target}"'
    return f"<bpmn:sequenceFlow {ids}>{inner}</bpmn:sequenceFlow>"


def _script(task_id: str, code: str) -> str:
    return f'<bpmn:scriptTask id="{task_id}" scriptFormat="python"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'


ROUTING = _bpmn(
    '<bpmn:startEvent id="s"/>'
    + _script("calc", "total = sum(p * q for p, q in lines)\ndel scratch\nnote = 'مشتری ویژه'")
    + '<bpmn:exclusiveGateway id="gw" default="f_gw_small"/>'
    + _script("big", "route = 'big'")
    + _script("small", "route = 'small'")
    + '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>'
    + _flow("s", "calc")
    + _flow("calc", "gw")
    + _flow("gw", "big", "${total &gt; 1000 &amp;&amp; !blocked}")
    + _flow("gw", "small")
    + _flow("big", "e1")
    + _flow("small", "e2")
)


def _run(xml: bytes, data: dict, dmn: bytes | None = None) -> BpmnWorkflow:
    parser = CamundaParser()
    if dmn is not None:
        parser.add_dmn_str(dmn)
    parser.add_bpmn_str(xml)
    workflow = BpmnWorkflow(parser.get_spec("p"), script_engine=SandboxScriptEngine())
    workflow.get_tasks(state=TaskState.READY)[0].set_data(**data)
    workflow.do_engine_steps()
    return workflow


@pytest.fixture(autouse=True)
def _keep_limits():
    """Tests change the limits; later tests (and other modules) get back what they had."""
    saved = sandbox.DEFAULT.limits
    yield
    if sandbox.DEFAULT.limits != saved:
        sandbox.DEFAULT.configure(**asdict(saved))


@pytest.fixture(params=[False, True], ids=["in-process", "isolated"])
def isolate(request):
    sandbox.DEFAULT.configure(isolate=request.param)
    return request.param


@pytest.mark.parametrize(
    ("lines", "blocked", "route"),
    [([[600, 2]], False, "big"), ([[600, 2]], True, "small"), ([[10, 3]], False, "small")],
)
def test_gateway_and_script_tasks(isolate, lines, blocked, route):
    workflow = _run(ROUTING, {"lines": lines, "blocked": blocked, "scratch": 1})
    assert workflow.is_completed()
    data = workflow.data
    assert data["route"] == route and "scratch" not in data and data["note"] == "مشتری ویژه"


def test_escaping_script_becomes_task_exception(isolate):
    xml = _bpmn('<bpmn:startEvent id="s"/>' + _script("bad", "x = 1\ny = ().__class__") + _flow("s", "bad"))
    with pytest.raises(WorkflowTaskException) as info:
        _run(xml, {})
    error = info.value
    assert isinstance(error.exception, SandboxViolation) and error.__cause__ is error.exception
    assert error.line_number == 2 and error.error_line == "y = ().__class__"
    assert error.task.task_spec.bpmn_id == "bad"
    assert "attribute '__class__' is not allowed" in str(error)


def test_script_limit_and_runtime_error_become_task_exceptions(isolate):
    for code, kind, text in [
        ("x = 'a' * 10**11", SandboxViolation, "result too large"),
        ("x = 1\nwhile True:\n    x += 1", SandboxViolation, "loop iterations"),
        ("x = missing + 1", ScriptError, "NameError"),
    ]:
        xml = _bpmn('<bpmn:startEvent id="s"/>' + _script("t", code) + _flow("s", "t"))
        with pytest.raises(WorkflowTaskException, match=text) as info:
            _run(xml, {})
        assert type(info.value.exception) is kind


@pytest.mark.parametrize(("code", "text"), [
    ("x = float('nan')", "x: is not a finite number"),
    ("x = {'a': [1e308 * 10]}", "x.a[0]: is not a finite number"),
    ("x = []\ny = x\nfor _ in range(40):\n    y.append([])\n    y = y[0]", "is nested deeper than 32"),
    ("x = 'a\\x00b'", "x: holds a NUL character"),
    ("x = 2 ** 70", "x: is a number beyond"),
])
def test_a_script_that_sets_an_unstorable_value_fails_and_changes_nothing(isolate, code, text):
    data = {"kept": 1}
    with pytest.raises(ScriptError, match=re.escape(text)):
        SandboxEnvironment().execute(code, data)
    assert data == {"kept": 1}
    xml = _bpmn('<bpmn:startEvent id="s"/>' + _script("t", code) + _flow("s", "t"))
    with pytest.raises(WorkflowTaskException, match="cannot be stored"):
        _run(xml, {})


def test_escaping_condition_becomes_task_exception():
    xml = _bpmn(
        '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="e"/>'
        + _flow("s", "gw")
        + _flow("gw", "e", "().__class__.__bases__")
    )
    with pytest.raises(WorkflowTaskException) as info:
        _run(xml, {})
    assert isinstance(info.value.exception, SandboxViolation)


def test_environment_used_directly_by_spiff_is_sandboxed():
    environment = SandboxScriptEngine().environment
    assert isinstance(environment, SandboxEnvironment)
    with pytest.raises(SandboxViolation):
        environment.evaluate("().__class__", {})
    assert environment.evaluate("${a && b}", {"a": True}, external_context={"b": 1}) == 1
    assert environment.evaluate("a", {"a": "task"}, external_context={"a": "external"}) == "task"


def test_environment_execute_updates_in_place():
    sandbox.DEFAULT.configure(isolate=False)
    data = {"a": 1, "gone": 2}
    assert SandboxEnvironment().execute("b = a + ext\ndel gone", data, external_context={"ext": 10})
    assert data == {"a": 1, "b": 11}
    with pytest.raises(SandboxViolation):
        SandboxEnvironment().execute("c = 1\nimport os", data)
    assert data == {"a": 1, "b": 11}  # unchanged when the script fails


def test_validate_matches_what_the_dmn_engine_expects():
    engine = SandboxScriptEngine()
    engine.validate("v >= 1000")
    engine.validate('"gold"')
    with pytest.raises(SyntaxError):
        engine.validate(">= 1000")
    with pytest.raises(SandboxViolation):
        engine.validate("__import__('os')")


DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def _rule(rule_id: str, tier: str, amount: str, discount: str, review: str) -> str:
    cells = [("a", tier), ("b", amount)]
    inputs = "".join(f'<inputEntry id="{rule_id}{k}"><text>{v}</text></inputEntry>' for k, v in cells)
    outputs = "".join(
        f'<outputEntry id="{rule_id}{k}"><text>{v}</text></outputEntry>' for k, v in [("c", discount), ("d", review)]
    )
    return f'<rule id="{rule_id}">{inputs}{outputs}</rule>'


def _dmn(*rules: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{DMN_NS}" id="dmn_defs" name="D" '
        'namespace="http://ravand.test"><decision id="discount" name="Discount">'
        '<decisionTable id="table" hitPolicy="FIRST">'
        '<input id="in_tier" label="Tier"><inputExpression id="ie_tier" typeRef="string">'
        "<text>tier</text></inputExpression></input>"
        '<input id="in_amount" label="Amount"><inputExpression id="ie_amount" typeRef="integer">'
        "<text>amount</text></inputExpression></input>"
        '<output id="out_discount" name="discount" typeRef="integer"/>'
        '<output id="out_review" name="review" typeRef="boolean"/>'
        + "".join(rules)
        + "</decisionTable></decision></definitions>"
    ).encode()


DISCOUNT_DMN = _dmn(
    _rule("r1", '"gold"', "&gt;= 1000", "20", "true"),
    _rule("r2", '"gold"', "-", "10", "false"),
    _rule("r3", '"silver","bronze"', "&lt; 5", "1", "false"),
    _rule("r4", '"silver","bronze"', "5 &lt;= ? &lt;= 500", "5", "false"),
    _rule("r5", "", "", "0", "null"),
)

RULE_TASK = _bpmn(
    '<bpmn:startEvent id="s"/><bpmn:businessRuleTask id="decide" camunda:decisionRef="discount"/>'
    '<bpmn:endEvent id="e"/>' + _flow("s", "decide") + _flow("decide", "e")
)


@pytest.mark.parametrize(
    ("tier", "amount", "discount", "review"),
    [
        ("gold", 5000, 20, True),
        ("gold", 10, 10, False),
        ("bronze", 3, 1, False),
        ("silver", 250, 5, False),
        ("silver", 900, 0, None),
        ("copper", 3, 0, None),
    ],
)
def test_dmn_decision_table(tier, amount, discount, review):
    workflow = _run(RULE_TASK, {"tier": tier, "amount": amount}, dmn=DISCOUNT_DMN)
    assert workflow.is_completed()
    assert (workflow.data["discount"], workflow.data["review"]) == (discount, review)


def test_dmn_cells_are_sandboxed_and_unsupported_feel_fails_cleanly():
    bad = _dmn(_rule("r1", "().__class__", "-", "1", "true"))
    with pytest.raises(WorkflowTaskException):
        _run(RULE_TASK, {"tier": "gold", "amount": 1}, dmn=bad)
    feel_function = _dmn(_rule("r1", '"gold"', 'date("2024-01-01")', "1", "true"))
    with pytest.raises(WorkflowTaskException):
        _run(RULE_TASK, {"tier": "gold", "amount": 1}, dmn=feel_function)
