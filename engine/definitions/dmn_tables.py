"""DMN decision tables at deploy: the hit policies Ravand runs, and where a UNIQUE table's rules overlap.

Hit policies (``hitPolicy`` on ``decisionTable``; none written means UNIQUE):

- UNIQUE: at most one rule may match. Every rule is evaluated; two or more matching at run time is an
  incident naming them. Deploy warns (it does not refuse) when two rules can match the same input.
- FIRST: the first matching rule in table order wins; evaluation stops there.
- ANY: several rules may match if they give the same outputs; differing outputs are an incident.
- COLLECT (without ``aggregation``): every matching rule, each output a list in rule order.

PRIORITY, RULE ORDER, OUTPUT ORDER and COLLECT with an aggregation (SUM, MIN, MAX, COUNT) are refused at
deploy: the runtime would give a silently different answer.

The overlap check reads each input entry as a set of values: empty or ``-`` (any value); string, number
and boolean literals and lists of them (``"a","b"``); numeric comparisons (``< 10``, ``>= 3``, ``== 5``);
ranges (``[1..5]``, ``]1..5[``, ``(1..5)``, ``1 <= ? < 5``). Two rules overlap when, column by column, their
sets share a value. An entry it cannot read (any other expression) is taken to possibly match anything,
so such a pair is reported as *may* overlap, naming the entry: a warning too many is cheaper than an
incident at run time, and the warning says why it was given."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from lxml import etree

from engine.errors import Problem

RUNS = ("UNIQUE", "FIRST", "ANY", "COLLECT")
MAX_PAIRS = 10  # overlapping pairs named per table; the rest are counted
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_COMPARISON = re.compile(rf"^(<=|>=|<|>|==)\s*({_NUMBER})$")
_RANGE = re.compile(rf"^([\[\]\(])\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*([\]\[\)])$")
_BETWEEN = re.compile(rf"^({_NUMBER})\s*(<=|<)\s*\?\s*(<=|<)\s*({_NUMBER})$")
_FEEL = {"true": "True", "false": "False"}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def policy_of(table: etree._Element) -> str:
    return " ".join((table.get("hitPolicy") or "UNIQUE").upper().replace("_", " ").split())


# -- what an entry matches --------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """Numbers from ``low`` to ``high``; ``*_in``: the bound itself belongs."""

    low: float = -math.inf
    low_in: bool = False
    high: float = math.inf
    high_in: bool = False

    def holds(self, number: float) -> bool:
        above = number > self.low or (number == self.low and self.low_in)
        below = number < self.high or (number == self.high and self.high_in)
        return above and below

    def meets(self, other: Span) -> bool:
        low, low_in = max((self.low, self.low_in), (other.low, other.low_in), key=lambda b: (b[0], not b[1]))
        high, high_in = min((self.high, self.high_in), (other.high, other.high_in), key=lambda b: (b[0], b[1]))
        return low < high or (low == high and low_in and high_in)


ANY = "any"


@dataclass(frozen=True)
class Unread:
    """An entry the check cannot read: it may match anything."""

    text: str


Entry = str | Span | frozenset | Unread  # ANY, numbers in a span, literal values, or unread


def _comparison(op: str, number: float) -> Span | frozenset:
    return {"<": Span(high=number), "<=": Span(high=number, high_in=True), ">": Span(low=number),
            ">=": Span(low=number, low_in=True)}.get(op) or frozenset({("number", number)})


def _literals(text: str) -> frozenset | None:
    source = re.sub(r"\b(true|false)\b", lambda m: _FEEL[m.group(1)], text)
    try:
        values = ast.literal_eval(f"({source},)")
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(values, tuple) or not all(isinstance(v, str | int | float | bool) for v in values):
        return None
    return frozenset(("bool" if isinstance(v, bool) else "text" if isinstance(v, str) else "number", v)
                     for v in values)


def read_entry(text: str | None) -> Entry:
    """What an input entry matches (see the module's text)."""
    text = (text or "").strip()
    if text in {"", "-"}:
        return ANY
    if match := _COMPARISON.match(text):
        return _comparison(match.group(1), float(match.group(2)))
    if match := _RANGE.match(text):
        opening, low, high, closing = match.groups()
        return Span(float(low), opening == "[", float(high), closing == "]")
    if match := _BETWEEN.match(text):
        low, low_op, high_op, high = match.groups()
        return Span(float(low), low_op == "<=", float(high), high_op == "<=")
    return _literals(text) or Unread(text)


def _values_meet(values: frozenset, other: Entry) -> bool:
    if isinstance(other, frozenset):
        return bool(values & other)
    return isinstance(other, Span) and any(kind == "number" and other.holds(v) for kind, v in values)


def meets(one: Entry, other: Entry) -> bool:
    """Can some input value match both entries? (Unread entries: maybe, so yes.)"""
    if one == ANY or other == ANY or isinstance(one, Unread) or isinstance(other, Unread):
        return True
    if isinstance(one, frozenset):
        return _values_meet(one, other)
    if isinstance(other, frozenset):
        return _values_meet(other, one)
    return one.meets(other)


def range_as_python(text: str) -> str:
    """A FEEL range cell (``[1..5]``, ``]1..5[``, ``(1..5)``) as the ``low <= ? <= high`` test the runtime reads;
    anything else unchanged."""
    match = _RANGE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return text
    opening, low, high, closing = match.groups()
    return f"{low} {'<=' if opening == '[' else '<'} ? {'<=' if closing == ']' else '<'} {high}"


# -- deploy checks ----------------------------------------------------------------------------------

def _where(file_name: str, decision: etree._Element, element: etree._Element, message: str) -> Problem:
    return Problem(message, file_name, decision.get("id"), element.sourceline)


def policy_problems(file_name: str, decision: etree._Element) -> Iterator[Problem]:
    """Refusals: a hit policy or aggregation Ravand would not run as the table says."""
    for table in _children(decision, "decisionTable"):
        policy = policy_of(table)
        if policy not in RUNS:
            yield _where(file_name, decision, table, f"hit policy {policy} is not supported; use "
                         f"{', '.join(RUNS)} (FIRST: the first matching rule wins)")
        elif table.get("aggregation"):
            yield _where(file_name, decision, table, f"COLLECT with aggregation {table.get('aggregation')} is "
                         "not supported; collect the values and add them up in a script task")


def _rule_name(index: int, rule: etree._Element) -> str:
    return f"rule {index} ({rule.get('id')})"


def _overlap(one: list[Entry], other: list[Entry]) -> tuple[bool, list[str]]:
    """(whether the rules can both match, the unread entries that made it a maybe)."""
    unread: list[str] = []
    for a, b in zip(one, other, strict=True):
        if not meets(a, b):
            return False, []
        unread += [e.text for e in (a, b) if isinstance(e, Unread) and e.text not in unread]
    return True, unread


def _entries(rule: etree._Element, width: int) -> list[Entry]:
    """The rule's entries, one per input column (a missing entry matches anything)."""
    read = [read_entry(_text(e)) for e in _children(rule, "inputEntry")][:width]
    return read + [ANY] * (width - len(read))


def overlap_warnings(file_name: str, decision: etree._Element) -> Iterator[Problem]:
    """Warnings: pairs of rules of a UNIQUE table that can match the same input."""
    for table in _children(decision, "decisionTable"):
        if policy_of(table) != "UNIQUE":
            continue
        width = len(_children(table, "input"))
        rules = list(enumerate(_children(table, "rule"), start=1))
        entries = {index: _entries(rule, width) for index, rule in rules}
        found = 0
        for (i, first), (j, second) in combinations(rules, 2):
            both, unread = _overlap(entries[i], entries[j])
            if not both:
                continue
            found += 1
            if found <= MAX_PAIRS:
                yield _where(file_name, decision, second, _overlap_message(first, i, second, j, unread))
        if found > MAX_PAIRS:
            yield _where(file_name, decision, table, f"and {found - MAX_PAIRS} more pairs of rules of this UNIQUE "
                         "table can match the same input")


def _overlap_message(first: etree._Element, i: int, second: etree._Element, j: int, unread: list[str]) -> str:
    pair = f"{_rule_name(i, first)} and {_rule_name(j, second)}"
    advice = ("hit policy UNIQUE allows one matching rule, so such an input becomes an incident; declare "
              "hitPolicy=\"FIRST\" if the first should win, or narrow the rules")
    if unread:
        shown = ", ".join(repr(t) for t in unread[:3])
        return f"{pair} may match the same input (entries not analysed: {shown}); {advice}"
    return f"{pair} can match the same input; {advice}"


def _text(entry: etree._Element) -> str | None:
    texts = _children(entry, "text")
    return texts[0].text if texts else None


def decisions_of(root: etree._Element) -> list[etree._Element]:
    return _children(root, "decision")
