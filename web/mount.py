"""``register(app)``: mount the web app on the API's Flask app."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

from web import csrf, session
from web import portal as _portal  # noqa: F401  (importing it adds the portal's pages to the blueprint)
from web.pages import bp

# The API's JSON and XML answers of a kilobyte or more go out gzipped to browsers that accept it (the lists,
# the diagrams the modeler opens, the OpenAPI document). Static files come precompressed from the build
# (web/assets.py). HTML pages are left alone: small, and they carry the CSRF token, which must not share a
# compressed body with text an attacker chooses (BREACH). Streamed answers (CSV and Excel exports) are never
# buffered to be compressed: they keep streaming.
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIMETYPES": ["application/json", "application/xml"],
    "COMPRESS_MIN_SIZE": 1024,
    "COMPRESS_STREAMS": False,
}


def register(app: Flask) -> None:
    session.configure(app)
    app.before_request(csrf.guard)
    app.register_blueprint(bp)
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    Compress(app)
