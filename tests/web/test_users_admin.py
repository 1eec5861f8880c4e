"""The Users page: a Persian administrator creates a user (Persian display name, groups, e-mail), is told in
Persian next to the field that the mobile is wrong, fixes it, then disables the user, who can no longer sign
in; an English administrator finds users by name and role and gives one a new password."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, Server, shot


def _sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_a_persian_admin_creates_and_disables_a_user(server: Server, page_for):
    answer = server.call("POST", "/api/v1/users", json={"username": "shirin", "password": PASSWORD, "role": "admin",
                                                        "locale": "fa", "display_name": "شیرین"})
    assert answer.status_code == 201, answer.get_json()
    page = page_for(None)
    _sign_in(page, "shirin")
    page.wait_for_selector("#main:not([aria-busy])")
    page.click("a.nav-link[data-nav=users]")
    page.wait_for_url(re.compile(r"/app/users"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("کاربران")
    page.click("[data-testid=user-add]")
    form = page.locator("[data-testid=user-new]")
    form.locator("[data-testid=user-username]").fill("nima")
    form.locator("[data-testid=user-display_name]").fill("نیما کاظمی")
    form.locator("[data-testid=user-group-sales]").check()  # groups are picked, never typed
    form.locator("[data-testid=user-group-support-1]").check()
    expect(form.locator("[data-testid=user-groups]")).to_contain_text("پشتیبانی سطح ۱")
    form.locator("[data-testid=user-email]").fill("Nima@Example.com")
    form.locator("[data-testid=user-mobile]").fill("۱۲۳")
    form.locator("[data-testid=user-password]").fill("nima-secret-1")
    form.locator("[data-testid=user-submit]").click()
    error = form.locator("[data-field=mobile] .field-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("شمارهٔ همراه درست نیست")
    assert not re.search(r"[A-Za-z]", error.inner_text()), error.inner_text()  # the Persian half only
    shot(page, "users-admin-fa-error")
    form.locator("[data-testid=user-mobile]").fill("۰۹۱۲ ۳۴۵ ۶۷۸۹")
    form.locator("[data-testid=user-submit]").click()
    row = page.locator("[data-testid=user-list] tr[data-username=nima]")
    expect(row).to_contain_text("نیما کاظمی")
    expect(row).to_contain_text("۹۸۹۱۲۳۴۵۶۷۸۹")  # kept as E.164, shown in Persian digits
    expect(row).to_contain_text("فعال")
    made = next(u for u in server.call("GET", "/api/v1/users").get_json()["items"] if u["username"] == "nima")
    assert (made["groups"], made["email"], made["mobile"], made["locale"]) == (
        ["sales", "support-1"], "nima@example.com", "+989123456789", "fa")
    page.click("[data-testid=user-toggle-nima]")
    expect(row).to_contain_text("غیرفعال")
    shot(page, "users-admin-fa")

    visitor = page_for(None)
    _sign_in(visitor, "nima", "nima-secret-1")
    expect(visitor.locator("[role=alert]").first).to_be_visible()
    assert "/login" in visitor.url
    assert server.client().post("/api/v1/auth/token", json={"username": "nima", "password": "nima-secret-1"}
                                ).status_code == 401


def test_an_english_admin_filters_users_and_sets_a_password(server: Server, page_for):
    answer = server.call("POST", "/api/v1/users", json={"username": "ellen", "password": PASSWORD, "role": "employee",
                                                        "groups": ["support-1"]})
    assert answer.status_code == 201, answer.get_json()
    page = page_for("admin")
    page.goto("/app/users")
    page.wait_for_selector("[data-testid=user-list] tr[data-username=root]")
    page.select_option("[data-testid=user-role-filter]", "auditor")
    auditors = server.call("GET", "/api/v1/users", query_string={"role": "auditor"}).get_json()["items"]
    expect(page.locator("[data-testid=user-list] tbody tr")).to_have_count(len(auditors))
    page.select_option("[data-testid=user-role-filter]", "")
    page.fill("[data-testid=user-search]", "ELL")
    expect(page.locator("[data-testid=user-list] tbody tr")).to_have_count(1)
    page.click("[data-testid=user-edit-ellen]")
    form = page.locator("[data-testid=user-edit]")
    expect(form.locator("[data-testid=user-group-support-1]")).to_be_checked()
    form.locator("[data-testid=user-password]").fill("short")
    form.locator("[data-testid=user-submit]").click()
    expect(form.locator("[data-field=password] .field-error")).to_contain_text("8")
    form.locator("[data-testid=user-password]").fill("ellen-new-password")
    form.locator("[data-testid=user-display_name]").fill("Ellen Park")
    form.locator("[data-testid=user-submit]").click()
    expect(page.locator("tr[data-username=ellen]")).to_contain_text("Ellen Park")
    shot(page, "users-admin-en")
    client = server.client()
    assert client.post("/api/v1/auth/token", json={"username": "ellen", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "ellen", "password": "ellen-new-password"}
                       ).status_code == 200
