"""First visit figures: ``python -m bench.first_visit`` (after ``make install``, which builds the web app).

Loads the demo (``ravand demo``) into SQLite in a temporary folder, serves it with ``ravand serve`` on
loopback, and drives Debian's Chromium (``/usr/bin/chromium``) through Playwright: signed in, with an empty
cache, it opens (a) the tasklist as sara, (b) the modeler as designer on the shipped contract approval
diagram and (c) one of its instances as auditor (the read-only diagram viewer), once with compression (the
browser's own Accept-Encoding) and once without (``Accept-Encoding: identity``); with compression it then
opens the same page again (the warm second visit: the files come from the browser's cache unasked). For
each it prints the requests, the bytes on the wire (with headers, and the response bodies as sent), the
bytes once decoded, and the time to interactive: from the start of navigation until the page's content is
drawn and the app marks it done (``main`` no longer ``aria-busy``; the tasklist's rows or its empty
message; the modeler's shapes and properties panel; the instance's title and diagram). Times are the
median of ``BENCH_FIRST_VISIT_TIMES`` (3) cold visits; bytes are those of the first. Ends with one line of
JSON.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
TIMES = int(os.environ.get("BENCH_FIRST_VISIT_TIMES", "3"))
DIAGRAM = "contract_approval"
MODES = (("compressed", {}), ("uncompressed", {"Accept-Encoding": "identity"}))

READY = {
    "tasklist": """() => !document.querySelector('main[aria-busy]')
        && document.querySelector('main .view h1')
        && (document.querySelector('[data-testid=task-row]') || document.querySelector('main .view .empty'))""",
    "modeler": """() => !document.querySelector('main[aria-busy]')
        && document.querySelector('[data-testid=bpmn-canvas] .djs-shape')
        && document.querySelector('[data-testid=properties-panel] .bio-properties-panel')""",
    "instance": """() => !document.querySelector('main[aria-busy]')
        && document.querySelector('[data-testid=instance-title]')
        && document.querySelector('[data-testid=instance-diagram] .djs-shape')""",
}

# what the page fetched: the document (navigation timing) and everything after it (resource timing)
ENTRIES = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map((e) => ({name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``ravand demo`` into SQLite under ``folder``, then ``ravand serve`` on it until the block ends; yields
    the base URL."""
    env = {
        **os.environ,
        "RAVAND_DATA_DIR": str(folder),
        "RAVAND_DATABASE_URL": f"sqlite:///{folder}/ravand.sqlite",
        "RAVAND_SECRET_KEY": "bench-first-visit",
        "RAVAND_SCRIPT_ISOLATION": "false",
        "RAVAND_SCHEDULER_ENABLED": "false",
    }
    subprocess.run([sys.executable, "-m", "api.cli", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "6"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def _passwords(folder: Path) -> dict[str, str]:
    lines = (folder / "demo-users.txt").read_text().splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def _ids(base: str, username: str, password: str) -> tuple[int, str]:
    """The shipped diagram's definition, and one of its instances."""

    def call(path: str, body: dict | None = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        data = json.dumps(body).encode() if body is not None else None
        with urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1{path}", data, headers)) as answer:
            return json.loads(answer.read())

    token = call("/auth/token", {"username": username, "password": password})["access_token"]
    definition = call(f"/process-definitions?key={DIAGRAM}", token=token)["items"][0]["id"]
    instance = call(f"/process-instances?key={DIAGRAM}&limit=1", token=token)["items"][0]["id"]
    return definition, instance


def _sign_in(context: Any, base: str, username: str, password: str) -> None:
    """The sign-in form posted through the context's own requests: its cookies, none of its cache."""
    form = context.request.get(f"{base}/login").text()
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = context.request.post(
        f"{base}/login",
        form={"csrf_token": token, "username": username, "password": password, "next": "/app/"},
        max_redirects=0,
    )
    assert answer.status == 303, f"{username} could not sign in ({answer.status})"


def _visit(page: Any, url: str, ready: str) -> dict[str, Any]:
    page.goto(url, wait_until="commit")
    try:
        page.wait_for_function(ready, polling="raf", timeout=60_000)
    except PlaywrightError:
        shot = str(Path(tempfile.gettempdir()) / "assets_first_visit_failed.png")
        page.screenshot(path=shot)
        main = page.locator("main").inner_text() if page.locator("main").count() else page.content()[:2000]
        raise SystemExit(f"{url} never became ready (screenshot in {shot}):\n{main}") from None
    interactive = page.evaluate("() => performance.now()")
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(ENTRIES)
    return {
        "requests": len(entries),
        "wire_bytes": sum(e["transfer"] for e in entries),
        "body_bytes": sum(e["encoded"] for e in entries if e["transfer"]),
        "decoded_bytes": sum(e["decoded"] for e in entries),
        "from_cache": sum(1 for e in entries if not e["transfer"]),
        "tti_ms": round(interactive, 1),
    }


def _measure(browser: Browser, base: str, user: tuple[str, str], path: str, ready: str, headers: dict) -> dict:
    """Cold visits, and with the browser's own encodings one warm one (with ``Accept-Encoding`` set by hand
    this Chromium asks the server again for every cached file, so a warm figure there would say nothing)."""
    colds, warm = [], None
    for _ in range(TIMES):
        context = browser.new_context(extra_http_headers=headers, viewport={"width": 1400, "height": 900})
        _sign_in(context, base, *user)
        page = context.new_page()
        colds.append(_visit(page, f"{base}{path}", ready))
        if warm is None and not headers:
            # from a page of the same site, as a user coming back does (a tab's first navigation from
            # about:blank makes this Chromium revalidate every file, which a browser coming back does not)
            page.goto(f"{base}/api/v1/health")
            warm = _visit(page, f"{base}{path}", ready)
        context.close()
    cold = dict(colds[0], tti_ms=round(statistics.median(c["tti_ms"] for c in colds), 1))
    return {"cold": cold, "warm": warm} if warm else {"cold": cold}


def _line(label: str, figures: dict) -> str:
    kb = 1000
    return (
        f"{label:28} {figures['requests']:3} requests ({figures['from_cache']:2} from cache)  "
        f"wire {figures['wire_bytes'] / kb:8.1f} kB (bodies {figures['body_bytes'] / kb:8.1f} kB)  "
        f"decoded {figures['decoded_bytes'] / kb:8.1f} kB  interactive {figures['tti_ms']:7.1f} ms"
    )


def main() -> None:
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="assets_first_visit_") as tmp, serving(Path(tmp)) as base:
        passwords = _passwords(Path(tmp))
        definition, instance = _ids(base, "admin", passwords["admin"])
        pages = (
            ("tasklist", ("sara", passwords["sara"]), "/app/tasks"),
            ("modeler", ("designer", passwords["designer"]), f"/app/definitions/{definition}/edit"),
            ("instance", ("auditor", passwords["auditor"]), f"/app/instances/{instance}"),
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for name, user, path in pages:
                for mode, headers in MODES:
                    figures = _measure(browser, base, user, path, READY[name], headers)
                    results[f"{name} {mode}"] = figures
                    print(_line(f"{name} {mode}, first", figures["cold"]))
                    if "warm" in figures:
                        print(_line(f"{name} {mode}, again", figures["warm"]))
            browser.close()
    for name, _user, _path in pages:
        on, off = results[f"{name} compressed"]["cold"], results[f"{name} uncompressed"]["cold"]
        print(
            f"{name}: compression sends {on['wire_bytes'] / off['wire_bytes']:.2f} of the bytes "
            f"({off['wire_bytes'] / on['wire_bytes']:.1f}x fewer), interactive in "
            f"{on['tti_ms'] / off['tti_ms']:.2f} of the time; the second visit sends "
            f"{results[f'{name} compressed']['warm']['wire_bytes'] / on['wire_bytes']:.3f} of the first's bytes"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
