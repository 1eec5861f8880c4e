"""Ravand updated while a page is open: the build names its files by their content and removes the old ones, so
the next view the page asks for is gone (a 404 in the console, the view an error). The app loads the page again
at the same address once, and the view comes from the new build."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, sign_in


def test_a_view_whose_file_is_gone_after_an_update_loads_the_page_again(server: Server, page_for):
    page = page_for("admin")
    page.goto("/app/users")
    expect(page.locator("h1")).to_have_text("Users")
    asked: list[str] = []

    def gone_once(route):  # the outbox view's file of the build the page was loaded with
        asked.append(route.request.url)
        if len(asked) == 1:
            route.fulfill(status=404, body="")
        else:
            route.continue_()

    page.route(re.compile(r"/static/dist/chunks/outbox-[A-Z0-9]+\.js$"), gone_once)
    page.evaluate("window.rvBefore = true")
    page.click("a.nav-link[data-nav=outbox]")
    expect(page.locator("h1")).to_have_text("Outbox")
    assert len(asked) == 2 and page.evaluate("window.rvBefore") is None  # loaded again, then found
    assert page.url.endswith("/app/outbox")


def test_a_view_that_cannot_be_loaded_twice_is_an_error_not_a_loop(server: Server, browser):
    """The browser's own page (not page_for's, which fails a test on a console error: here one is expected)."""
    context = browser.new_context(base_url=server.url)
    try:
        page = context.new_page()
        sign_in(page, "admin")
        page.route(re.compile(r"/static/dist/chunks/outbox-[A-Z0-9]+\.js$"),
                   lambda route: route.fulfill(status=404, body=""))
        loads: list[str] = []
        page.on("load", lambda loaded: loads.append(loaded.url))
        page.click("a.nav-link[data-nav=outbox]")
        expect(page.locator("[data-testid=page-notice]")).to_be_visible()  # said, once loaded again
        assert loads == [f"{server.url}/app/outbox"] and page.url.endswith("/app/outbox")
    finally:
        context.close()
