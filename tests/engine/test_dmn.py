"""Decision tables' hit policies, on each database: FIRST stops at the first matching rule, UNIQUE with two
matching rules is an incident naming them, ANY refuses differing outputs, unsupported policies are refused at
deploy, and a UNIQUE table whose rules can overlap deploys with warnings (in the answer and the journal)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.definitions.dmn_tables import ANY, Span, Unread, meets, read_entry
from engine.errors import InvalidDefinition
from engine.store.models import JournalEntry
from tests.engine import bpmn as b
from tests.engine.helpers import Harness

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


@pytest.fixture
def h(db):
    return Harness(db)


def _rule(rule_id: str, inputs: tuple[str, ...], output: str) -> str:
    cells = "".join(f'<inputEntry id="{rule_id}_in{i}"><text>{text}</text></inputEntry>'
                    for i, text in enumerate(inputs))
    return f'<rule id="{rule_id}">{cells}<outputEntry id="{rule_id}_out"><text>{output}</text></outputEntry></rule>'


def table(policy: str | None, *rules: str, extra: str = "") -> bytes:
    """A decision ``grade`` on ``tier`` (text) and ``score`` (number), giving ``grade``."""
    hit = f' hitPolicy="{policy}"' if policy else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{DMN_NS}" id="d" name="D" '
            f'namespace="http://ravand.test">\n<decision id="grade" name="Grade">\n'
            f'<decisionTable id="t" name="Grade"{hit}{extra}>\n'
            '<input id="in_tier"><inputExpression id="ie_tier" typeRef="string"><text>tier</text></inputExpression>'
            '</input>\n<input id="in_score"><inputExpression id="ie_score" typeRef="integer"><text>score</text>'
            '</inputExpression></input>\n<output id="out_grade" name="grade" typeRef="string"/>\n'
            + "\n".join(rules) + "\n</decisionTable>\n</decision>\n</definitions>\n").encode()


def files(dmn: bytes) -> list[tuple[str, bytes]]:
    body = (b.start() + '<bpmn:businessRuleTask id="decide" camunda:decisionRef="grade"/>' + b.user("look")
            + b.end() + b.chain("start", "decide", "look", "end"))
    return [("graded.bpmn", b.diagram("graded", body)), ("grade.dmn", dmn)]


OVERLAPPING = (_rule("hot", ('"gold"', "&gt;= 70"), '"A"'), _rule("warm", ("", "&gt;= 45"), '"B"'),
               _rule("rest", ("", ""), '"C"'))


def _run(h: Harness, dmn: bytes, **data: object):
    h.deploy(files(dmn))
    return h.instance(h.start("graded", variables=data).id)


def test_first_takes_the_first_matching_rule_and_stops(h: Harness):
    broken = _rule("broken", ("", "1 / 0 &gt; 1"), '"X"')  # would fail if it were evaluated
    dmn = table("FIRST", *OVERLAPPING, broken)
    assert _run(h, dmn, tier="gold", score=90).variables["grade"] == "A"
    assert _run(h, dmn, tier="silver", score=50).variables["grade"] == "B"
    assert _run(h, dmn, tier="silver", score=10).variables["grade"] == "C"


def test_a_unique_table_with_two_matching_rules_is_an_incident(h: Harness):
    dmn = table("UNIQUE", *OVERLAPPING)
    failed = _run(h, dmn, tier="gold", score=90)
    assert failed.state == "failed"
    [incident] = failed.incidents
    assert incident.element_id == "decide"
    assert "hit policy UNIQUE" in incident.message and "hot" in incident.message and "rest" in incident.message
    assert 'hitPolicy="FIRST"' in incident.message
    narrow = table(None, _rule("gold", ('"gold"', ""), '"A"'), _rule("other", ('"silver","bronze"', ""), '"B"'))
    assert _run(h, narrow, tier="bronze", score=1).variables["grade"] == "B"  # no policy written: UNIQUE


def test_any_allows_several_rules_only_with_the_same_outputs(h: Harness):
    same = table("ANY", _rule("a", ('"gold"', ""), '"A"'), _rule("b", ("", "&gt; 80"), '"A"'))
    assert _run(h, same, tier="gold", score=90).variables["grade"] == "A"
    differ = table("ANY", _rule("a", ('"gold"', ""), '"A"'), _rule("b", ("", "&gt; 80"), '"B"'))
    failed = _run(h, differ, tier="gold", score=90)
    assert failed.state == "failed" and "different outputs" in failed.incidents[0].message


def test_feel_ranges_run(h: Harness):
    dmn = table("FIRST", _rule("low", ("", "[1..5]"), '"low"'), _rule("mid", ("", "]5..10["), '"mid"'),
                _rule("rest", ("", ""), '"rest"'))
    assert [_run(h, dmn, tier="x", score=s).variables["grade"] for s in (1, 5, 6, 10)] == ["low", "low", "mid", "rest"]


@pytest.mark.parametrize(("policy", "extra", "says"), [
    ("PRIORITY", "", "hit policy PRIORITY is not supported"),
    ("RULE ORDER", "", "hit policy RULE ORDER is not supported"),
    ("COLLECT", ' aggregation="SUM"', "aggregation SUM is not supported"),
])
def test_policies_the_runtime_would_misread_are_refused(h: Harness, policy: str, extra: str, says: str):
    with pytest.raises(InvalidDefinition) as refused:
        h.deploy(files(table(policy, _rule("a", ("", ""), '"A"'), extra=extra)))
    [problem] = refused.value.problems
    assert says in problem.message and (problem.file, problem.element_id) == ("grade.dmn", "grade")


def test_deploy_warns_of_overlapping_unique_rules_in_the_answer_and_the_journal(h: Harness):
    [deployed] = h.deploy(files(table("UNIQUE", *OVERLAPPING)))
    assert deployed.created
    pairs = [w.message.split(" can match")[0] for w in deployed.warnings]
    assert pairs == ["rule 1 (hot) and rule 2 (warm)", "rule 1 (hot) and rule 3 (rest)",
                     "rule 2 (warm) and rule 3 (rest)"]
    assert {(w.file, w.element_id) for w in deployed.warnings} == {("grade.dmn", "grade")}
    assert all(w.line for w in deployed.warnings)
    with h.db.sessions() as session:
        entry = session.scalars(select(JournalEntry).where(JournalEntry.kind == "deployed")).one()
        assert len(entry.data["warnings"]) == 3 and "rule 1 (hot) and rule 2 (warm)" in entry.data["warnings"][0]
    [again] = h.deploy(files(table("UNIQUE", *OVERLAPPING)))
    assert not again.created and len(again.warnings) == 3  # the same content still says so
    assert h.deploy(files(table("FIRST", *OVERLAPPING)))[0].warnings == []


def test_disjoint_unique_rules_deploy_without_warnings(h: Harness):
    dmn = table(None, _rule("a", ('"gold"', "&lt; 10"), '"A"'), _rule("b", ('"gold"', "&gt;= 10"), '"B"'),
                _rule("c", ('"silver","bronze"', ""), '"C"'), _rule("d", ('"tin"', "[1..5]"), '"D"'),
                _rule("e", ('"tin"', "]5..9]"), '"E"'), _rule("f", ('"tin"', "9 &lt; ? &lt;= 20"), '"F"'))
    assert h.deploy(files(dmn))[0].warnings == []


def test_an_entry_that_cannot_be_analysed_may_overlap(h: Harness):
    dmn = table("UNIQUE", _rule("a", ('"gold"', "score % 2 == 0"), '"A"'), _rule("b", ('"gold"', "&gt; 5"), '"B"'),
                _rule("c", ('"tin"', "score % 2 == 0"), '"C"'))
    [warning] = h.deploy(files(dmn))[0].warnings
    assert warning.message.startswith("rule 1 (a) and rule 2 (b) may match the same input")
    assert "'score % 2 == 0'" in warning.message


@pytest.mark.parametrize(("one", "other", "both"), [
    ("", '"a"', True), ("-", "&lt; 3", True),
    ('"a","b"', '"b"', True), ('"a","b"', '"c"', False), ('"1"', "1", False),  # text is not a number
    ("&lt; 10", "&gt;= 10", False), ("&lt;= 10", "&gt;= 10", True), ("[1..5]", "]5..7]", False),
    ("[1..5]", "(4..9)", True), ("5", "[1..5]", True), ("5", "[1..5[", False), ("== 3", "3", True),
    ("true", "false", False), ("true", "1", False), ("1 &lt;= ? &lt; 5", "&gt;= 5", False),
    ("x &gt; y", '"a"', True),
])
def test_entries_meet(one: str, other: str, both: bool):
    unescape = {"&lt;": "<", "&gt;": ">"}
    texts = []
    for text in (one, other):
        for escaped, plain in unescape.items():
            text = text.replace(escaped, plain)
        texts.append(text)
    assert meets(read_entry(texts[0]), read_entry(texts[1])) is both


def test_how_entries_are_read():
    assert read_entry(None) == ANY and read_entry(" - ") == ANY
    assert read_entry(">= 3") == Span(3, True)
    assert read_entry("]1..5[") == Span(1, False, 5, False)
    assert read_entry('"a", "b"') == frozenset({("text", "a"), ("text", "b")})
    assert read_entry("date(\"2024-01-01\")") == Unread('date("2024-01-01")')
