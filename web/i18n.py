"""The server-rendered pages (sign-in, build missing) speak the same catalogues as the app."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import request

from api.identity.models import LOCALES

CATALOGUES = Path(__file__).parent / "i18n"
RTL = frozenset({"fa"})


@cache
def catalogue(locale: str) -> dict[str, str]:
    """``<locale>.json`` with each area's messages from ``parts/*.json`` (``{"en": {...}, "fa": {...}}``)."""
    messages = json.loads((CATALOGUES / f"{locale}.json").read_text(encoding="utf-8"))
    for part in sorted((CATALOGUES / "parts").glob("*.json")):
        messages.update(json.loads(part.read_text(encoding="utf-8")).get(locale, {}))
    return messages


@cache
def translator(locale: str) -> dict[str, str]:
    """The locale's messages with the English ones beneath (a missing key never shows as blank)."""
    return {**catalogue("en"), **catalogue(locale)}


def page_locale(default: str) -> str:
    """``?lang=`` (or the form's ``lang``), else the browser's preference, else the configured default."""
    asked = request.values.get("lang", "")
    if asked in LOCALES:
        return asked
    best = request.accept_languages.best_match(LOCALES)
    return best or (default if default in LOCALES else "en")


def direction(locale: str) -> str:
    return "rtl" if locale in RTL else "ltr"
