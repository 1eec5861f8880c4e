"""JUEL-style conditions from Camunda Modeler diagrams become Python."""

from __future__ import annotations

import pytest

from engine.errors import ScriptError
from engine.expressions import dmn_to_python, to_python
from engine.sandbox import compile_expression

CASES = [
    ("${approved}", "approved"),
    ("${amount > 1000}", "amount > 1000"),
    ("${!approved}", "not approved"),
    ("${a && b}", "a and b"),
    ("${a || b}", "a or b"),
    ("${status == 'gold'}", "status == 'gold'"),
    ("${x eq 'y'}", "x == 'y'"),
    ("${x ne 1}", "x != 1"),
    ("${a lt 1 and b gt 2 or not c}", "a < 1 and b > 2 or not c"),
    ("${a le 1 && b ge 2}", "a <= 1 and b >= 2"),
    ("${empty notes}", "not notes"),
    ("#{done}", "done"),
    ("${flag == true || other == false || x == null}", "flag == True or other == False or x == None"),
    ("${a != b}", "a != b"),
    ("${total div 2 mod 3}", "total / 2 % 3"),
]


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("juel", "python"), CASES)
def test_juel_translation(juel, python):
    assert _normalise(to_python(juel)) == python


def test_string_literals_are_left_untouched():
    assert _normalise(to_python("${note == 'true && eq || !x'}")) == "note == 'true && eq || !x'"
    assert _normalise(to_python('${note == "it\\"s && ok"}')) == 'note == "it\\"s && ok"'
    assert _normalise(to_python("${order.empty && customer.null}")) == "order.empty and customer.null"


def test_plain_python_is_unchanged():
    for source in ["amount > 1000 and approved", "x == '${not a template}'", "  a or b  ", "true"]:
        assert to_python(source) == source


@pytest.mark.parametrize("source", ["text ${x} text", "${a} and ${b}", "${a", "a ${b}", "${x == 'unterminated}"])
def test_templates_and_broken_expressions_are_refused(source):
    with pytest.raises(ScriptError):
        to_python(source)


def test_translated_conditions_evaluate():
    condition = compile_expression(to_python("${amount gt 1000 && !rejected}"))
    assert condition.evaluate({"amount": 1001, "rejected": False}) is True
    assert condition.evaluate({"amount": 1001, "rejected": True}) is False
    assert compile_expression(to_python("${empty notes}")).evaluate({"notes": ""}) is True


def test_dmn_cells():
    assert dmn_to_python('(tier) == ("silver","bronze")') == "tier in ('silver', 'bronze')"
    assert dmn_to_python('(tier) == ("gold")') == '(tier) == ("gold")'
    assert _normalise(dmn_to_python("(vip) == (true)")) == "(vip) == (True)"
    assert dmn_to_python("'true'") == "'true'"
