"""The built assets: ``web/static/dist/manifest.json`` names the hashed files the build wrote, and ``send``
serves them (precompressed when the browser accepts it, cached for a year when fingerprinted)."""

from __future__ import annotations

import json
import mimetypes
import os
import re
from pathlib import Path, PurePosixPath

from flask import Response, request, send_file
from werkzeug.datastructures import Accept
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

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


# Serving the static files. The build writes precompressed twins (``name.br``, ``name.gz``) beside every
# text file; a browser that accepts brotli gets the ``.br`` one, else one that accepts gzip gets the ``.gz``,
# else the file itself. Names esbuild fingerprinted (``app-QW4EJXN6.js``, ``chunks/...``, ``assets/...``)
# never change under their name and are cached for a year; the others (the manifest, the vendor files, the
# favicon) for five minutes, then revalidated by ETag.
ONE_YEAR = 365 * 24 * 3600
SHORT = 300
FINGERPRINTED = re.compile(r"dist/(?:chunks/|assets/)?[^/]+-[A-Z2-7]{8}(?:\.[A-Za-z0-9]+)+")
TWINS = (("br", ".br"), ("gzip", ".gz"))  # in order of preference
TYPES = {
    ".map": "application/json",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


def fingerprinted(filename: str) -> bool:
    """Whether ``filename`` (relative to ``web/static``) carries esbuild's content hash."""
    return FINGERPRINTED.fullmatch(filename) is not None


def _mimetype(filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _twin(path: str, accepted: Accept) -> tuple[str, str] | None:
    """The precompressed twin to send (its path and Content-Encoding), None for the file itself."""
    for encoding, suffix in TWINS:
        if accepted[encoding] > 0 and os.path.isfile(path + suffix):
            return path + suffix, encoding
    return None


def send(filename: str) -> Response:
    """The static file ``filename`` (relative to ``web/static``), or 404 for a missing one, a path leaving
    the folder, and the twins themselves (they are sent only in their file's name)."""
    path = safe_join(str(STATIC), filename)
    if path is None or filename.endswith((".br", ".gz")) or not os.path.isfile(path):
        raise NotFound()
    max_age = ONE_YEAR if fingerprinted(filename) else SHORT
    has_twins = any(os.path.isfile(path + suffix) for _, suffix in TWINS)
    twin = _twin(path, request.accept_encodings) if has_twins else None
    if twin is None:  # the file itself: Range requests answered as usual
        response = send_file(path, mimetype=_mimetype(filename), max_age=max_age, conditional=True)
    else:  # the twin's bytes under the file's type; no Range on encoded bytes (a 200 with the whole body)
        response = send_file(twin[0], mimetype=_mimetype(filename), max_age=max_age, conditional=False)
        response.content_encoding = twin[1]
        response.make_conditional(request, accept_ranges=False)
    if has_twins:
        response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    if max_age == ONE_YEAR:
        response.cache_control.immutable = True
    else:
        response.cache_control.must_revalidate = True
    return response
