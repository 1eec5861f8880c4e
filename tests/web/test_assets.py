"""The static files over HTTP: the build's precompressed twins chosen by Accept-Encoding (brotli, then gzip,
then the file itself) with the headers a cache needs, a year's cache only for fingerprinted names, 304 on a
matching ETag, no Range on encoded bytes, and 404 for unknown files and paths leaving the folder.

Most tests serve a small static folder of their own (so they run without the build); the last ones check the
real build when it is there."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import Server
from web import assets

brotli = pytest.importorskip("brotli")

HASHED = "dist/app-QW4EJXN6.js"
CHUNK = "dist/chunks/modeler-7Q3ZKABC.js"
SCRIPT = ("export function سلام(name) { return `درود بر ${name}`; }\n" * 200).encode()


@pytest.fixture
def static(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A static folder like the build's: fingerprinted files and a chunk with both twins, a manifest with
    only a gzip twin, a woff2 font without twins, and a secret beside the folder."""
    root = tmp_path / "static"
    for name in (HASHED, CHUNK, "dist/vendor/rapidoc-min.js"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(SCRIPT)
        (root / f"{name}.br").write_bytes(brotli.compress(SCRIPT, quality=11))
        (root / f"{name}.gz").write_bytes(gzip.compress(SCRIPT, 9))
    manifest = b'{"app.js": "app-QW4EJXN6.js"}\n' * 20
    (root / "dist/manifest.json").write_bytes(manifest)
    (root / "dist/manifest.json.gz").write_bytes(gzip.compress(manifest, 9))
    (root / "dist/assets").mkdir()
    (root / "dist/assets/Vazirmatn-Regular-2PDTSG4Y.woff2").write_bytes(b"wOF2" + bytes(range(256)) * 4)
    (tmp_path / "secret.txt").write_text("not for the web")
    monkeypatch.setattr(assets, "STATIC", root)
    yield root


def get(server: Server, path: str, **headers: str):
    return server.client().get(f"/static/{path}", headers=headers)


def test_brotli_is_sent_to_a_browser_that_accepts_it(server: Server, static: Path):
    answer = get(server, HASHED, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "br"
    assert answer.headers["Content-Type"].startswith("text/javascript")
    assert "Accept-Encoding" in answer.headers["Vary"]
    body = answer.get_data()
    assert int(answer.headers["Content-Length"]) == len(body) == (static / f"{HASHED}.br").stat().st_size
    assert brotli.decompress(body) == SCRIPT
    assert answer.headers["ETag"]
    assert "Accept-Ranges" not in answer.headers


def test_gzip_is_sent_when_brotli_is_not_accepted(server: Server, static: Path):
    for accepted in ("gzip", "gzip, deflate", "br;q=0, gzip;q=0.8"):
        answer = get(server, CHUNK, **{"Accept-Encoding": accepted})
        assert answer.status_code == 200, accepted
        assert answer.headers["Content-Encoding"] == "gzip", accepted
        body = answer.get_data()
        assert int(answer.headers["Content-Length"]) == len(body)
        assert gzip.decompress(body) == SCRIPT


def test_the_plain_file_is_sent_without_an_accepted_encoding(server: Server, static: Path):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "deflate"}):
        answer = get(server, HASHED, **headers)
        assert answer.status_code == 200
        assert "Content-Encoding" not in answer.headers
        assert answer.get_data() == SCRIPT
        assert int(answer.headers["Content-Length"]) == len(SCRIPT)
        assert "Accept-Encoding" in answer.headers["Vary"]  # a shared cache must not hand it to a br browser


def test_a_file_with_only_a_gzip_twin_falls_back_to_it_for_brotli_browsers(server: Server, static: Path):
    answer = get(server, "dist/manifest.json", **{"Accept-Encoding": "br, gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Content-Type"].startswith("application/json")
    assert gzip.decompress(answer.get_data()) == (static / "dist/manifest.json").read_bytes()


def test_fonts_are_sent_as_they_are(server: Server, static: Path):
    answer = get(server, "dist/assets/Vazirmatn-Regular-2PDTSG4Y.woff2", **{"Accept-Encoding": "br, gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "font/woff2"
    assert "Content-Encoding" not in answer.headers
    assert answer.get_data() == (static / "dist/assets/Vazirmatn-Regular-2PDTSG4Y.woff2").read_bytes()


def test_only_fingerprinted_names_are_cached_for_a_year(server: Server, static: Path):
    for name in (HASHED, CHUNK, "dist/assets/Vazirmatn-Regular-2PDTSG4Y.woff2"):
        for accepted in ("br", "gzip", ""):
            cache = get(server, name, **{"Accept-Encoding": accepted}).headers["Cache-Control"]
            assert {"public", "max-age=31536000", "immutable"} <= set(cache.replace(" ", "").split(",")), name
    for name in ("dist/manifest.json", "dist/vendor/rapidoc-min.js"):
        cache = get(server, name, **{"Accept-Encoding": "br"}).headers["Cache-Control"]
        assert "immutable" not in cache and "max-age=300" in cache and "must-revalidate" in cache, name
    assert assets.fingerprinted(HASHED) and assets.fingerprinted(CHUNK)
    assert not assets.fingerprinted("dist/manifest.json") and not assets.fingerprinted("favicon.svg")
    assert not assets.fingerprinted("dist/vendor/rapidoc-min.js")


def test_a_matching_etag_answers_304_per_encoding(server: Server, static: Path):
    first = get(server, HASHED, **{"Accept-Encoding": "br"})
    again = get(server, HASHED, **{"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    plain = get(server, HASHED)
    assert plain.headers["ETag"] != first.headers["ETag"]  # another representation, another tag
    assert get(server, HASHED, **{"If-None-Match": plain.headers["ETag"]}).status_code == 304
    # the brotli tag does not validate the gzip bytes
    assert get(server, HASHED, **{"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_range_is_never_cut_from_encoded_bytes(server: Server, static: Path):
    encoded = get(server, HASHED, **{"Accept-Encoding": "br", "Range": "bytes=0-9"})
    assert encoded.status_code == 200 and "Content-Range" not in encoded.headers
    assert brotli.decompress(encoded.get_data()) == SCRIPT
    plain = get(server, HASHED, Range="bytes=0-9")
    assert plain.status_code == 206 and plain.get_data() == SCRIPT[:10]
    assert "Content-Encoding" not in plain.headers


def test_unknown_files_twins_and_paths_leaving_the_folder_are_404(server: Server, static: Path):
    for path in (
        "dist/nothing.js",
        f"{HASHED}.br",
        f"{HASHED}.gz",
        "dist",
        "../secret.txt",
        "dist/../../secret.txt",
        "%2e%2e/secret.txt",
        "..%2fsecret.txt",
        "/etc/passwd",
        "dist/..\\..\\secret.txt",
    ):
        answer = server.client().get(
            f"/static/{path}", headers={"Accept-Encoding": "br, gzip"}, follow_redirects=True
        )  # /static//etc/passwd: merged slashes, then 404
        assert answer.status_code == 404, path
        assert b"not for the web" not in answer.get_data()


def test_the_built_app_is_served_compressed_when_built(server: Server):
    urls = assets.manifest()
    if urls is None:
        pytest.skip("the web app is not built (make install builds it)")
    plain = server.client().get(urls["app.js"])
    assert plain.status_code == 200 and "immutable" in plain.headers["Cache-Control"]
    for accepted, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        answer = server.client().get(urls["app.js"], headers={"Accept-Encoding": accepted})
        assert answer.headers["Content-Encoding"] == accepted
        assert len(answer.get_data()) < len(plain.get_data()) / 2
        assert decode(answer.get_data()) == plain.get_data()
    icon = server.client().get("/static/favicon.svg", headers={"Accept-Encoding": "br"})
    assert icon.status_code == 200 and "immutable" not in icon.headers["Cache-Control"]


def test_large_json_answers_are_gzipped_small_ones_and_pages_are_not(server: Server):
    plain = server.client().get("/api/v1/openapi.json")
    zipped = server.client().get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data()) / 3
    assert json.loads(gzip.decompress(zipped.get_data())) == plain.get_json()
    assert "Content-Encoding" not in plain.headers
    small = server.client().get("/api/v1/health", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "Content-Encoding" not in small.headers
    page = server.client().get("/login", headers={"Accept-Encoding": "gzip"})  # carries the CSRF token
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
    assert "csrf_token" in page.get_data(as_text=True)


def test_a_csv_export_keeps_streaming_uncompressed(server: Server):
    answer = server.call("GET", "/api/v1/exports/customers?format=csv", "admin", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.is_streamed and "Content-Encoding" not in answer.headers
    assert answer.get_data(as_text=True).startswith("\ufeff")


def test_a_diagram_the_modeler_opens_is_gzipped(crm: Server):
    found = crm.call("GET", "/api/v1/process-definitions", "designer", query_string={"key": "contract_approval"})
    path = f"/api/v1/process-definitions/{found.get_json()['items'][0]['id']}/xml"
    plain = crm.call("GET", path, "designer")
    zipped = crm.call("GET", path, "designer", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.mimetype == "application/xml"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 4
