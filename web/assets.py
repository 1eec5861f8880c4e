"""The built assets: ``web/static/dist/manifest.json`` names the hashed files the build wrote."""

from __future__ import annotations

import json
from pathlib import Path

STATIC = Path(__file__).parent / "static"
DIST = STATIC / "dist"
MANIFEST = DIST / "manifest.json"
BUILD_HINT = "make install  (or: cd web && npm ci && npm run build)"

_cache: dict[str, tuple[float, dict[str, str]]] = {}


def manifest() -> dict[str, str] | None:
    """Logical name (``app.js``, ``app.css``, ``editors.css``) → URL; None when the build is missing."""
    try:
        mtime = MANIFEST.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get("manifest")
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        raw = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not {"app.js", "app.css"} <= raw.keys():
        return None
    urls = {str(name): f"/static/dist/{file}" for name, file in raw.items() if isinstance(file, str)}
    if not all((DIST / file).is_file() for file in raw.values() if isinstance(file, str)):
        return None
    _cache["manifest"] = (mtime, urls)
    return urls
