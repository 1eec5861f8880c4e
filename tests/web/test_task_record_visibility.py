"""A sales rep of team A offered the call of team B's lead, in English and in Persian: once employees read only
their team's records, the task list and the task page say the task is about "a record you may not see", with
neither the lead's name nor a link to it. The rule is removed afterwards (the server is shared)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import lead_task, surname

WORDS = {"en": ("vera", "en-GB", "a record you may not see"),
         "fa": ("vida", "fa-IR", "پرونده‌ای که دیدنش برای شما نیست")}
SECRET = "visibility-secret-1"


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_task_about_another_teams_lead_shows_no_title(crm: Server, page_for: Any, lang: str) -> None:
    username, locale, hidden_text = WORDS[lang]
    mine, theirs = f"vis-{lang}-a", f"vis-{lang}-b"
    for key in (mine, theirs):
        _ok(crm.call("POST", "/api/v1/teams", json={"key": key, "name_fa": key, "name_en": key}), 201)
    user = _ok(crm.call("POST", "/api/v1/users", json={"username": username, "password": SECRET, "role": "employee",
                                                       "groups": ["sales"], "locale": lang}), 201)
    _ok(crm.call("PUT", f"/api/v1/users/{user['id']}/placement", json={"team_key": mine}))
    family = surname()
    lead, task_id = lead_task(crm, company_name=f"Hidden {family}", mobile="09127778801", product="software")
    _ok(crm.call("PATCH", f"/api/v1/records/leads/{lead['id']}/placement", json={"team_key": theirs}))
    rule = "/api/v1/access-rules/role/employee"
    _ok(crm.call("PUT", rule, json={"read_scope": "team", "edit_scope": "team"}))
    try:
        page = page_for(None, locale=locale)
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", SECRET)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/app/"))
        page.goto("/app/tasks")
        row = page.locator(f"[data-testid=task-row][data-task-id='{task_id}']")
        expect(row.get_by_test_id("record-hidden")).to_have_text(hidden_text)
        expect(row).not_to_contain_text(family)
        shot(page, f"{lang}-tasklist-record-hidden")
        row.get_by_test_id("task-title").click()
        expect(page).to_have_url(re.compile(rf"/app/tasks/{task_id}$"))
        expect(page.get_by_test_id("task-record").get_by_test_id("record-hidden")).to_have_text(hidden_text)
        expect(page.get_by_test_id("task-record-link")).to_have_count(0)
        expect(page.locator("aside.record-aside")).to_have_count(0)
        shot(page, f"{lang}-task-record-hidden")
    finally:
        crm.call("DELETE", rule)
