"""The shell in the browser: CSRF refusal, sign-out, views a role is not offered, the instance view with
tokens, incidents and the heat map, dashboards that render with or without data."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot

CLAIM = """async ([url, token]) => {
  const headers = token ? { 'X-CSRF-Token': token } : {};
  const answer = await fetch(url, { method: 'POST', headers, credentials: 'same-origin' });
  return answer.status;
}"""


def test_a_cookie_post_without_the_csrf_token_is_refused(page_for):
    page = page_for("employee")
    assert page.evaluate(CLAIM, ["/api/v1/tasks/no-such-task/claim", None]) == 403
    assert page.evaluate(CLAIM, ["/api/v1/tasks/no-such-task/claim", "forged"]) == 403
    token = page.get_attribute("meta[name=csrf-token]", "content")
    assert page.evaluate(CLAIM, ["/api/v1/tasks/no-such-task/claim", token]) == 404  # past CSRF, no such task


def test_sign_out(page_for):
    page = page_for("employee", fresh=True)
    page.click("[data-testid=sign-out]")
    page.wait_for_url(re.compile(r"/login$"))
    page.goto("/app/tasks")
    page.wait_for_url(re.compile(r"/login\?next=/app/tasks"))
    expect(page.locator("#username")).to_be_visible()


def test_an_employee_is_not_offered_the_designer_and_auditor_views(page_for):
    page = page_for("employee")
    nav = page.locator("nav.nav")
    expect(nav).to_contain_text("Tasks")
    for hidden in ("processes", "instances", "journal"):
        expect(nav.locator(f"[data-nav={hidden}]")).to_have_count(0)
    page.goto("/app/journal")
    expect(page.locator("[data-testid=page-forbidden]")).to_be_visible()
    assert page.request.get("/api/v1/journal").status == 403  # and the server says no as well


def test_instance_view_shows_tokens_incidents_retry_and_heat_map(server: Server, page_for):
    handler = f"check_{uuid.uuid4().hex[:6]}"
    calls = []

    def check(variables: dict) -> dict:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the customer service did not answer")
        return {"checked": True}

    server.ravand.engine.handlers.register(handler, check)
    key = f"flaky_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.flaky(key, handler))
    instance = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin",
                           json={"business_key": f"R-{key}"}).get_json()
    page = page_for("designer")
    page.goto(f"/app/instances/{instance['id']}")
    incidents = page.locator("[data-testid=incidents]")
    expect(incidents).to_contain_text("the customer service did not answer")
    expect(page.locator('.djs-element.rv-incident[data-element-id="check"]')).to_be_visible()
    page.click("[data-testid=retry]")
    expect(page.locator("[data-testid=toast]").last).to_contain_text("The task ran again and succeeded")
    expect(incidents).to_contain_text("No open incidents")
    expect(page.locator('.djs-element.rv-active[data-element-id="follow_up"]')).to_be_visible()
    expect(page.locator(".rv-token")).to_have_count(1)
    expect(page.locator('.djs-element.rv-done[data-element-id="check"]')).to_be_visible()
    expect(page.locator("[data-testid=variables]")).to_contain_text("checked")
    page.check("[data-testid=heat-toggle]")
    expect(page.locator(".rv-heat").first).to_be_visible()
    shot(page, "instance-view")


def test_dashboards_draw_charts_or_say_there_is_no_data(page_for):
    page = page_for("designer")
    page.click("a.nav-link[data-nav=dashboards]")
    for card in ("dash-funnel", "dash-complaints", "dash-referrals"):
        section = page.locator(f"[data-testid={card}]")
        expect(section).to_be_visible()
        assert section.locator("canvas, [data-testid=empty], .kpis").count() > 0
    shot(page, "dashboards")


def test_the_api_reference_renders_from_our_own_files(page_for):
    page = page_for(None)
    page.goto("/api/docs")
    # RapiDoc (built into web/static/dist/vendor) fetches /api/v1/openapi.json and renders it in its shadow DOM
    expect(page.locator("rapi-doc")).to_have_count(1)
    page.wait_for_function("() => document.querySelector('rapi-doc')?.shadowRoot?.textContent.includes('Ravand API')",
                           timeout=20_000)
    shot(page, "api-reference")
