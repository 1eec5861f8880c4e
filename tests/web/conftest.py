"""The web app in a real browser: the real Flask app on a SQLite file, served by werkzeug in a thread,
driven by Playwright with Debian's Chromium. Without /usr/bin/chromium the browser tests are skipped
(CI installs it); the Flask test-client tests beside them always run."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from api.app import create_app
from api.composition import build
from api.identity.service import create_user
from config import load_settings
from web import assets

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"
USERS = {
    "admin": ("root", "admin", [], "en"),
    "admin_fa": ("roya", "admin", [], "fa"),  # an administrator who reads Persian
    "designer": ("dana", "designer", [], "en"),
    "employee": ("alice", "employee", ["sales"], "en"),
    "employee2": ("bob", "employee", ["sales"], "en"),
    "persian": ("parisa", "employee", ["sales"], "fa"),
    "sales_manager": ("parvin", "employee", ["sales", "managers"], "fa"),  # drafts contracts, approves others'
    "manager_en": ("max", "employee", ["sales", "managers"], "en"),  # moves others' deals on the pipeline board
    "auditor": ("audrey", "auditor", [], "en"),
    "auditor_fa": ("arman", "auditor", [], "fa"),  # reads the journal in Persian
    "designer_fa": ("darya", "designer", [], "fa"),  # draws in the Persian modeler
    "limited": ("rita", "employee", ["sales"], "en"),  # the sign-in rate limit test locks her out
    "leaver": ("pat", "employee", ["sales"], "en"),  # gets a new password mid-session
    "disabled": ("dee", "employee", ["sales"], "en"),  # gets deactivated mid-session
}


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """The browser's requests are many; pytest shows failures, not access logs."""


@dataclass
class Server:
    url: str
    app: Any
    ravand: Any
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, who: str) -> str:
        if who not in self._tokens:
            client = self.app.test_client()
            answer = client.post("/api/v1/auth/token", json={"username": USERS[who][0], "password": PASSWORD})
            assert answer.status_code == 200, answer.get_json()
            self._tokens[who] = answer.get_json()["access_token"]
        return self._tokens[who]

    def client(self) -> Any:
        """A Flask test client: a browser without JavaScript, with its own cookies."""
        return self.app.test_client()

    def call(self, method: str, path: str, who: str | None = "admin", **kwargs: Any) -> Any:
        """The API as an integration would call it (bearer token), to set the scene and check results."""
        headers = kwargs.pop("headers", {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        return self.client().open(path, method=method, headers=headers, **kwargs)

    def upload(self, path: str, files: list[tuple[str, bytes]], who: str = "designer") -> Any:
        data = {"files": [(io.BytesIO(content), name) for name, content in files]}
        return self.call("POST", path, who, data=data, content_type="multipart/form-data")

    def deploy(self, files: list[tuple[str, bytes]], who: str = "designer") -> list[dict[str, Any]]:
        answer = self.upload("/api/v1/deployments", files, who)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()


def start_server(tmp: Path) -> tuple[Server, Callable[[], None]]:
    settings = load_settings(environ={}, database_url=f"sqlite:///{tmp}/ravand.sqlite",
                             secret_key="web-tests-secret-key-not-for-production", script_isolation=False,
                             scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    app = create_app(settings, ravand)
    with ravand.sessions() as session:
        for username, role, groups, locale in USERS.values():
            create_user(session, username, PASSWORD, role, groups, display_name=None, locale=locale)
        session.commit()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="ravand-web-test", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=5)
        ravand.database.dispose()

    return Server(f"http://127.0.0.1:{server.server_port}", app, ravand), stop


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    instance, stop = start_server(tmp_path_factory.mktemp("web"))
    yield instance
    stop()


@pytest.fixture(scope="session")
def crm(server: Server) -> Server:
    """The server with the CRM's own processes deployed (complaints, leads, ...), as ``ravand demo`` does."""
    import processes

    server.deploy(processes.bundle())
    return server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("the browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    if assets.manifest() is None:
        pytest.fail(f"the web app is not built: run {assets.BUILD_HINT}")
    from playwright.sync_api import expect, sync_playwright

    # what the page must show, within as long as a page's own calls may take (the default, 5 s, is short on a
    # busy two-core machine running the API tests beside: a view's code loads and its first call answers)
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


_signed_in: dict[tuple[str, str], Any] = {}


@pytest.fixture
def page_for(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """page_for("employee") → a signed-in page (its own browser context); screenshots on failure."""
    contexts: list[Any] = []
    problems: list[str] = []

    def open_page(who: str | None, locale: str = "en-GB", base: Server | None = None, fresh: bool = False) -> Any:
        """A page signed in as ``who``: through the login form once per user and server, then with the
        session cookie that sign-in gave (``fresh=True`` goes through the form again). ``who=None``: a
        visitor without an account and without cookies (the customer portal), on a blank page."""
        target = base or server
        state = None if fresh or who is None else _signed_in.get((target.url, who))
        context = browser.new_context(base_url=target.url, locale=locale, viewport={"width": 1360, "height": 900},
                                      storage_state=state)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" and _real(m.text) else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        if who is None:
            return page
        if state is None:
            sign_in(page, who)
            _signed_in[(target.url, who)] = context.storage_state()
        else:
            page.goto("/app/")
            if "/login" in page.url:  # that session was signed out by an earlier test: it is gone on the server
                sign_in(page, who)
                _signed_in[(target.url, who)] = context.storage_state()
            page.wait_for_selector("#main:not([aria-busy])")
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, context in enumerate(contexts):
        if failed:
            for number, page in enumerate(context.pages):
                shot(page, f"{request.node.name}-failure-{index}-{number}")
        context.close()
    assert not problems, f"the browser reported {len(problems)} errors, first: {problems[:5]}"


def _real(text: str) -> bool:
    """Console errors that are ours to care about (an expected 4xx answer is not one)."""
    return not re.search(r"status of (401|403|404|409|410|422)", text)


def sign_in(page: Any, who: str) -> None:
    username = USERS[who][0]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/app/"))
    page.wait_for_selector("#main:not([aria-busy])")


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
