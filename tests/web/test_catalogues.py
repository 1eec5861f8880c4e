"""Both languages say everything: the catalogues hold the same keys, and every key the app's code
and templates use is in them."""

from __future__ import annotations

import json
import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
USE_IN_JS = re.compile(r"\bt\('([a-z_][a-z0-9_.-]*)'")
USE_IN_HTML = re.compile(r"""t\[["']([a-z_][a-z0-9_.-]*)["']\]""")


def catalogue(name: str) -> dict[str, str]:
    messages = json.loads((WEB / "i18n" / f"{name}.json").read_text(encoding="utf-8"))
    for part in sorted((WEB / "i18n" / "parts").glob("*.json")):
        messages.update(json.loads(part.read_text(encoding="utf-8"))[name])
    return messages


def test_every_area_catalogue_is_wired_into_the_app():
    wired = (WEB / "src" / "core" / "i18n.js").read_text(encoding="utf-8")
    for part in (WEB / "i18n" / "parts").glob("*.json"):
        assert f"i18n/parts/{part.name}'" in wired, part.name


def test_english_and_persian_hold_the_same_messages():
    en, fa = catalogue("en"), catalogue("fa")
    assert set(en) == set(fa), set(en) ^ set(fa)
    assert all(value.strip() for value in [*en.values(), *fa.values()])
    untranslated = [key for key in en if en[key] == fa[key] and not re.fullmatch(r"[A-Z]+|P?\{\w+\}", en[key])]
    assert untranslated == [], untranslated


def test_every_message_the_app_uses_exists():
    en = catalogue("en")
    used = set()
    for path in (WEB / "src").rglob("*.js"):
        used |= set(USE_IN_JS.findall(path.read_text(encoding="utf-8")))
    for path in (WEB / "templates").glob("*.html"):
        used |= set(USE_IN_HTML.findall(path.read_text(encoding="utf-8")))
    used |= {f"login.{k}" for k in ("wrong", "missing", "throttled", "expired")}
    missing = sorted(key for key in used if key not in en)
    assert missing == [], missing


def test_placeholders_match_between_languages():
    en, fa = catalogue("en"), catalogue("fa")
    for key, text in en.items():
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", fa[key])), key
