"""Translate Camunda-style JUEL conditions (``${amount > 1000 && approved}``) to Python.

Only the common subset is translated: ``&& || !``, the word operators ``eq ne lt gt le ge and
or not div mod``, ``empty x`` (becomes ``not x``) and ``true false null``. String literals are
left untouched and anything else inside ``${...}`` is passed through as it is. Plain Python
(no ``${``/``#{`` outside string literals) is returned unchanged.

``dmn_to_python`` prepares DMN cell text evaluated by SpiffWorkflow's DMN engine: FEEL
``true/false/null`` literals, and ``x == ("a", "b")`` (what SpiffWorkflow builds for a
``"a","b"`` input entry) becomes ``x in ("a", "b")``.
"""

from __future__ import annotations

import ast
import functools
import re

from engine.errors import ScriptError

_CACHE_SIZE = 4096

_TOKEN = re.compile(
    r"""
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>&&|\|\||!=|!)
    | (?P<open>[$#]\{)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_WORDS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "div": "/",
    "mod": "%",
    "empty": "not",
    "true": "True",
    "false": "False",
    "null": "None",
}
_OPERATORS = {"&&": " and ", "||": " or ", "!": " not ", "!=": "!="}
_LITERALS = {"true": "True", "false": "False", "null": "None"}


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(match.lastgroup or "other", match.group()) for match in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def to_python(expression: str) -> str:
    """Translate a JUEL ``${...}``/``#{...}`` expression to Python; return plain Python unchanged."""
    text = expression.strip()
    tokens = _tokens(text)
    opens = [i for i, (kind, _) in enumerate(tokens) if kind == "open"]
    if not opens:
        return expression
    if opens[0] != 0:
        raise ScriptError(f"templates such as 'text ${{x}} text' are not supported: {_clip(expression)}")
    inner = _inner_tokens(tokens, expression)
    return _translate(inner, _WORDS).strip()


def _inner_tokens(tokens: list[tuple[str, str]], expression: str) -> list[tuple[str, str]]:
    """The tokens between the opening ``${`` and its matching ``}``, which must end the text."""
    depth = 0
    for index, (kind, value) in enumerate(tokens[1:], start=1):
        if value == "{" or kind == "open":
            depth += 1
        elif value == "}" and depth:
            depth -= 1
        elif value == "}":
            if index != len(tokens) - 1:
                raise ScriptError(f"templates such as 'text ${{x}} text' are not supported: {_clip(expression)}")
            return tokens[1:index]
    raise ScriptError(f"unterminated '${{' in expression: {_clip(expression)}")


def _translate(tokens: list[tuple[str, str]], words: dict[str, str]) -> str:
    parts: list[str] = []
    previous = ""
    for kind, value in tokens:
        if kind == "word" and value in words and previous != ".":
            parts.append(words[value])
        elif kind == "op":
            parts.append(_OPERATORS[value])
        elif kind == "other" and value in "\"'":
            raise ScriptError("unterminated string literal in expression")
        else:
            parts.append(value)
        if not value.isspace():
            previous = value
    return "".join(parts)


def _clip(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


@functools.lru_cache(maxsize=_CACHE_SIZE)
def dmn_to_python(expression: str) -> str:
    """Prepare a DMN cell (or the comparison SpiffWorkflow builds from it) for evaluation."""
    source = to_python(expression)
    if source == expression:  # plain text, not JUEL
        tokens = _tokens(source)
        if any(kind == "word" and value in _LITERALS for kind, value in tokens):
            source = _translate(tokens, _LITERALS)
    return _membership(source)


def _membership(source: str) -> str:
    """``x == ("a", "b")`` becomes ``x in ("a", "b")`` (a FEEL list of alternatives)."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return source
    body = tree.body
    if (
        isinstance(body, ast.Compare)
        and len(body.ops) == 1
        and isinstance(body.ops[0], ast.Eq)
        and isinstance(body.comparators[0], ast.Tuple)
        and all(isinstance(item, ast.Constant) for item in body.comparators[0].elts)
    ):
        body.ops = [ast.In()]
        return ast.unparse(tree)
    return source
