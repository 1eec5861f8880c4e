"""A designer in the browser: edit a deployed diagram in bpmn-js and deploy a new version, compare the
versions, start from the template, and see validation problems on their elements."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot


def test_designer_edits_a_diagram_and_deploys_a_new_version(server: Server, page_for):
    key = f"quote_{uuid.uuid4().hex[:6]}"
    first = server.deploy(diagrams.quote(key, form_id=f"{key}-form"))[0]
    page = page_for("designer")
    page.click("a.nav-link[data-nav=processes]")
    page.click(f"tr[data-key={key}] >> text=Open")
    expect(page.locator("h1")).to_contain_text("version 1")
    page.click('g[data-element-id="prepare"]')
    panel = page.locator("[data-testid=properties-panel]")
    expect(panel).to_contain_text("Prepare the quote")
    name = panel.locator("#bio-properties-panel-name")
    if not name.is_visible():
        panel.locator(".bio-properties-panel-group-header", has_text="General").click()
    name.fill("Prepare and send the quote")
    name.press("Tab")
    expect(page.locator("button.file-tab[aria-selected=true]")).to_contain_text("•")  # unsaved change shown
    page.click("[data-testid=validate]")
    expect(page.locator("[data-testid=valid]")).to_be_visible()
    page.click("[data-testid=deploy]")
    expect(page.locator("[data-testid=toast]").last).to_contain_text("Deployed Quote version 2")  # named, not keyed
    page.wait_for_url(re.compile(r"/app/definitions/\d+/edit"))
    expect(page.locator("h1")).to_contain_text("version 2")
    versions = server.call("GET", "/api/v1/process-definitions", query_string={"key": key}).get_json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    xml = server.call("GET", f"/api/v1/process-definitions/{versions[0]['id']}/xml").get_data(as_text=True)
    assert "Prepare and send the quote" in xml and f"{key}-form" in xml
    shot(page, "designer-deployed")

    page.locator(".crumbs a").last.click()  # the breadcrumb (the process by name) to its versions
    page.click("[data-testid=compare]")
    expect(page.locator("[data-testid=changes] li[data-element=prepare]")).to_have_attribute("data-change", "changed")
    expect(page.locator('.rv-diff-changed[data-element-id="prepare"]').first).to_be_visible()
    assert first["version"] == 1
    shot(page, "designer-compare")


def test_new_diagrams_start_from_a_template_and_problems_show_on_their_elements(server: Server, page_for, tmp_path):
    page = page_for("designer")
    page.click("a.nav-link[data-nav=processes]")
    page.click("[data-testid=new-diagram]")
    canvas = page.locator("[data-testid=bpmn-canvas]")
    for prefix in ("start_", "review_", "end_"):  # start → a user task for a group → end
        expect(canvas.locator(f".djs-shape[data-element-id^={prefix}]:not([data-element-id$=_label])")).to_have_count(1)
    page.click("[data-testid=validate]")
    expect(page.locator("[data-testid=valid]")).to_be_visible()

    broken = tmp_path / "broken.bpmn"
    broken.write_bytes(diagrams.unregistered(f"broken_{uuid.uuid4().hex[:6]}"))
    page.set_input_files("input[type=file]", str(broken))
    expect(page.locator("button.file-tab[data-file='broken.bpmn']")).to_have_attribute("aria-selected", "true")
    page.click("button.file-tab[data-file='process.bpmn']")
    page.click("button.file-tab[data-file='broken.bpmn']")
    page.click("[data-testid=validate]")
    problem = page.locator("[data-testid=problems] button.problem[data-element=call_nobody]")
    expect(problem).to_contain_text("no_such_handler")
    expect(page.locator('.djs-element.rv-problem[data-element-id="call_nobody"]')).to_be_visible()
    expect(page.locator(".rv-problem-badge")).to_have_text("1")
    shot(page, "designer-problems")
