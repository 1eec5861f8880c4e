"""A form as it is shown to the person working a task: the markup a designer can put in it made harmless.

form-js renders two components from the designer's own markup: ``html`` (its ``content``) and ``text`` (its
``text``, Markdown, which may hold raw HTML too), and the web app shows a ``text:fa`` property in place of
``text`` to Persian users. Before a form reaches a task page these keep their text, simple emphasis, lists and
links to web, mail and telephone addresses only: forms, inputs, buttons, images, frames, styles, scripts and
event attributes are gone, and a link to any other scheme (``javascript:``, ``data:``) loses its target. The
markup is cleaned with nh3 (the ammonia HTML sanitiser); Markdown links are checked by their target.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import nh3

SAFE_TAGS = frozenset({"a", "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h1", "h2", "h3", "h4",
                       "h5", "h6", "blockquote", "code", "pre", "hr", "span", "div"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_ATTRIBUTES = {"a": {"href", "title"}}
# [label](target "title") and <scheme:...> autolinks; a target with a scheme outside SAFE_SCHEMES is dropped
_MARKDOWN_LINK = re.compile(r"(\]\(\s*)((?:[^()\s]|\([^()\s]*\))*)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*):[^>\s]*>")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def clean_markup(markup: str) -> str:
    """HTML reduced to text, simple formatting and safe links."""
    return nh3.clean(markup, tags=set(SAFE_TAGS), attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
                     url_schemes=set(SAFE_SCHEMES), link_rel="noopener noreferrer nofollow", strip_comments=True)


def _safe_target(target: str) -> bool:
    scheme = _SCHEME.match(_as_read(target))
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _as_read(target: str) -> str:
    """A link target as a browser reads it: entities and backslash escapes resolved (``&#106;avascript:``),
    control characters and spaces (which URL parsing drops) removed."""
    text = re.sub(r"\\(.)", r"\1", html.unescape(target))
    return "".join(c for c in text if c > " ")


def clean_markdown(text: str) -> str:
    """Markdown whose raw HTML is cleaned like ``clean_markup`` and whose links keep only safe targets."""
    text = _MARKDOWN_LINK.sub(lambda m: m.group(1) + (m.group(2) if _safe_target(m.group(2)) else "#"), text)
    # an autolink is written as a Markdown link, so that cleaning the HTML does not take it for a tag
    text = _AUTOLINK.sub(lambda m: f"[{m.group(0)[1:-1]}]({m.group(0)[1:-1]})" if m.group(1).lower() in SAFE_SCHEMES
                         else "", text)
    if "<" not in text:
        return text  # no markup: leave Markdown's own characters (``>`` quotes, ``&``) as written
    return clean_markup(text)


_CLEANERS: dict[tuple[str, str], Callable[[str], str]] = {
    ("html", "content"): clean_markup,
    ("text", "text"): clean_markdown,
}


def _clean_component(component: Any) -> Any:
    if not isinstance(component, dict):
        return component
    out = dict(component)
    kind = out.get("type")
    for (of_type, field), cleaner in _CLEANERS.items():
        if kind == of_type and isinstance(out.get(field), str):
            out[field] = cleaner(out[field])
    properties = out.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {name: clean_markdown(value) if name.startswith("text:") and isinstance(value, str)
                             else value for name, value in properties.items()}
    if isinstance(out.get("components"), list):
        out["components"] = [_clean_component(child) for child in out["components"]]
    return out


def for_display(document: Any) -> Any:
    """A copy of the form-js document with every ``html`` and ``text`` component (and ``text:*`` property)
    cleaned; anything that is not a form is returned as it is."""
    if not isinstance(document, dict) or not isinstance(document.get("components"), list):
        return document
    return {**document, "components": [_clean_component(c) for c in document["components"]]}
