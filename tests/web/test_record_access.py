"""Who sees what, in English and in Persian: an administrator creates a team on the Teams page and a user in it
on the Users page; once employees read only their team's records, that user sees their team's lead and not
the other team's, in the list and by its address. The rule is removed afterwards (the server is shared)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, Server, shot

TEXT = {
    "en": {"title": "Teams, branches and access", "team": ("Sales East", "فروش شرق"),
           "other": ("Sales West", "فروش غرب"), "who": "tess", "admin": None},
    "fa": {"title": "تیم‌ها، شعبه‌ها و دسترسی", "team": ("Sales North", "فروش شمال"),
           "other": ("Sales South", "فروش جنوب"), "who": "taha", "admin": "farhad"},
}


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _lead(server: Server, name: str, mobile: str, team: str) -> int:
    lead = _ok(server.call("POST", "/api/v1/leads", "admin", json={"person_name": name, "mobile": mobile,
                                                                   "source": "phone"}), 201)
    _ok(server.call("PATCH", f"/api/v1/records/leads/{lead['id']}/placement", "admin", json={"team_key": team}))
    return lead["id"]


def _admin_page(page_for: Any, server: Server, lang: str) -> Any:
    if TEXT[lang]["admin"] is None:
        return page_for("admin")
    username = TEXT[lang]["admin"]
    _ok(server.call("POST", "/api/v1/users", json={"username": username, "password": PASSWORD, "role": "admin",
                                                   "locale": "fa", "display_name": "فرهاد"}), 201)
    page = page_for(None)
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/app/"))
    return page


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_an_admin_puts_a_user_in_a_team_who_then_sees_only_its_leads(crm: Server, page_for: Any, lang: str) -> None:
    server, words = crm, TEXT[lang]
    mine, theirs = f"{lang}-east", f"{lang}-west"
    admin = _admin_page(page_for, server, lang)
    admin.wait_for_selector("#main:not([aria-busy])")
    admin.click("a.nav-link[data-nav=teams]")
    admin.wait_for_url(re.compile(r"/app/teams"))
    expect(admin.locator("h1")).to_have_text(words["title"])
    expect(admin.locator("html")).to_have_attribute("dir", "rtl" if lang == "fa" else "ltr")
    admin.click("[data-testid=team-add]")
    form = admin.locator("[data-testid=team-new]")
    form.locator("[data-testid=team-key]").fill("Bad Key")
    form.locator("[data-testid=team-name_fa]").fill(words["team"][1])
    form.locator("[data-testid=team-name_en]").fill(words["team"][0])
    form.locator("[data-testid=team-submit]").click()
    expect(form.locator("[data-field=key] .field-error")).to_be_visible()  # refused in place, typed text kept
    form.locator("[data-testid=team-key]").fill(mine)
    form.locator("[data-testid=team-submit]").click()
    expect(admin.locator(f"[data-testid=team-list] tr[data-team={mine}]")).to_contain_text(
        words["team"][1 if lang == "fa" else 0])
    shot(admin, f"teams-admin-{lang}")
    _ok(server.call("POST", "/api/v1/teams", json={"key": theirs, "name_fa": words["other"][1],
                                                   "name_en": words["other"][0]}), 201)

    admin.click("a.nav-link[data-nav=users]")
    admin.wait_for_url(re.compile(r"/app/users"))
    admin.click("[data-testid=user-add]")
    new = admin.locator("[data-testid=user-new]")
    new.locator("[data-testid=user-username]").fill(words["who"])
    new.locator("[data-testid=user-group-sales]").check()
    new.locator("[data-testid=user-team_key]").select_option(mine)
    new.locator("[data-testid=user-password]").fill("team-secret-1")
    new.locator("[data-testid=user-submit]").click()
    row = admin.locator(f"[data-testid=user-list] tr[data-username={words['who']}]")
    expect(row).to_contain_text(words["team"][1 if lang == "fa" else 0])
    shot(admin, f"users-team-{lang}")

    seen = _lead(server, f"{words['team'][0]} lead", "09127770001" if lang == "en" else "09127770011", mine)
    hidden = _lead(server, f"{words['other'][0]} lead", "09127770002" if lang == "en" else "09127770012", theirs)
    rule = "/api/v1/access-rules/role/employee"
    _ok(server.call("PUT", rule, json={"read_scope": "team", "edit_scope": "team"}))
    try:
        member = page_for(None, locale="fa-IR" if lang == "fa" else "en-GB")
        member.goto("/login")
        member.fill("#username", words["who"])
        member.fill("#password", "team-secret-1")
        member.click("button[type=submit]")
        member.wait_for_url(re.compile(r"/app/"))
        member.goto("/app/leads")
        expect(member.locator(f"[data-testid=lead-row][data-lead-id='{seen}']")).to_be_visible()
        expect(member.locator(f"[data-testid=lead-row][data-lead-id='{hidden}']")).to_have_count(0)
        member.fill("[data-testid=lead-search]", words["other"][0])
        expect(member.locator("[data-testid=lead-row]")).to_have_count(0)
        shot(member, f"team-member-leads-{lang}")
        member.goto(f"/app/leads/{seen}")
        expect(member.locator("[data-testid=placement]")).to_contain_text(words["team"][1 if lang == "fa" else 0])
        shot(member, f"lead-placement-{lang}")
        member.goto(f"/app/leads/{hidden}")
        member.wait_for_selector("#main:not([aria-busy])")
        expect(member.locator(f"text={words['other'][0]} lead")).to_have_count(0)
    finally:
        server.call("DELETE", rule)
