"""Who did something is named by the person's display name on the designer's and auditor's pages too: the
processes list and a process's versions name who deployed it, and the journal's filter offers the people by
name (the user name is what it sends). In Persian and in English; the user name stays in the tooltip."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from api.identity.service import create_user
from tests.engine import bpmn
from tests.web.conftest import PASSWORD, Server, shot

NAMES = {"fa-IR": "دانیال طراحی", "en-GB": "Daniel Design"}


def _designer(server: Server, locale: str) -> tuple[str, str]:
    """A designer with a display name who deploys a diagram of their own; (user name, process key)."""
    username, key = f"daniel-{locale[:2]}", f"named_by_{locale[:2]}"
    with server.ravand.sessions() as session:
        create_user(session, username, PASSWORD, "designer", [], display_name=NAMES[locale], locale=locale[:2])
        session.commit()
    client = server.client()
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).get_json()
    files = [(name, content.replace(b'id="approval"', f'id="{key}"'.encode()))
             for name, content in bpmn.approval_files()]
    answer = client.post("/api/v1/deployments", headers={"Authorization": f"Bearer {token['access_token']}"},
                         data={"files": [(io.BytesIO(content), name) for name, content in files]},
                         content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return username, key


@pytest.mark.parametrize("locale", ["fa-IR", "en-GB"])
def test_who_deployed_and_who_acted_are_named_and_chosen_by_name(server: Server, page_for, locale: str):
    username, key = _designer(server, locale)
    name = NAMES[locale]
    page = page_for("designer_fa" if locale == "fa-IR" else "designer", locale)
    page.goto("/app/processes")
    row = page.locator("[data-testid=definitions] tr", has_text=key)
    deployer = row.locator(f"[data-username='{username}']")
    expect(deployer).to_have_text(name)
    expect(deployer).to_have_attribute("title", username)
    assert username not in row.inner_text()
    page.goto(f"/app/processes/{key}")
    expect(page.locator(f"#main [data-username='{username}']")).to_have_text(name)
    shot(page, f"people-deployed-by-{locale[:2]}")

    page = page_for("auditor_fa" if locale == "fa-IR" else "auditor", locale)
    page.goto("/app/journal")
    actor = page.get_by_test_id("journal-actor")
    actor.select_option(label=name)  # the auditor picks the person by name; the user name is sent
    page.get_by_test_id("journal-search").click()
    expect(page).to_have_url(re.compile(f"actor={username}"))
    rows = page.locator("[data-testid=journal-results] tbody tr")
    expect(rows.first).to_contain_text(name)
    expect(rows.filter(has_not_text=name)).to_have_count(0)  # only what they did, once the filtered list is drawn
    assert username not in page.locator("[data-testid=journal-results]").inner_text()
    shot(page, f"people-journal-actor-{locale[:2]}")
