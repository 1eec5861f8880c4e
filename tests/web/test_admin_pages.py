"""The administrator's pages in a real browser, in Persian and in English: create a user with groups picked from
the known ones and disable another; the Groups page; a setting with a bad value answered by a field error in
place, then a good one saved. And session expiry never loses work: an employee types into a task form, the
session ends on the server, the form is sent, the sign-in page says why, and after signing in again what was
typed is back in the form, sent with one press."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from api.identity.models import User, WebSession
from tests.web.conftest import PASSWORD, Server, shot
from tests.web.test_employee import start_quote

WORDS = {
    "fa": {"users": "کاربران", "sales": "فروش", "disabled": "غیرفعال", "port": "عددی صحیح از ۱ تا ۶۵۵۳۵",
           "saved": "تنظیمات ذخیره شد", "expired": "نشست شما به پایان رسید", "back": "به فرم برگشت",
           "quote_approval": "تأیید پیش‌فاکتور"},
    "en": {"users": "Users", "sales": "Sales", "disabled": "Disabled", "port": "a whole number from 1 to 65535",
           "saved": "The settings were saved", "expired": "Your session ended", "back": "is back in the form",
           "quote_approval": "Quote approval"},
}


def _user(server: Server, role: str, locale: str, groups: list[str] | None = None) -> str:
    name = f"{role[:3]}-{locale}-{uuid.uuid4().hex[:5]}"
    answer = server.call("POST", "/api/v1/users", json={"username": name, "password": PASSWORD, "role": role,
                                                        "groups": groups or [], "locale": locale})
    assert answer.status_code == 201, answer.get_json()
    return name


def _sign_in(page, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_an_admin_creates_a_user_with_groups_disables_another_and_fixes_a_setting(crm: Server, page_for,
                                                                                 lang: str):
    server, words = crm, WORDS[lang]
    admin, victim = _user(server, "admin", lang), _user(server, "employee", lang, ["support-1"])
    page = page_for(None)
    page.goto("/login")
    _sign_in(page, admin)
    page.wait_for_selector("#main:not([aria-busy])")
    page.click("a.nav-link[data-nav=users]")
    expect(page.locator("h1")).to_have_text(words["users"])
    page.click("[data-testid=user-add]")
    form = page.locator("[data-testid=user-new]")
    made = f"new-{lang}-{uuid.uuid4().hex[:4]}"
    form.locator("[data-testid=user-username]").fill(made)
    form.locator("[data-testid=user-display_name]").fill("کاوه نوری" if lang == "fa" else "Kaveh Nouri")
    form.locator("[data-testid=user-group-sales]").check()
    form.locator("[data-testid=user-group-support-2]").check()
    form.locator("[data-testid=user-password]").fill("a-long-password-1")
    form.locator("[data-testid=user-submit]").click()
    page.fill("[data-testid=user-search]", "کاوه" if lang == "fa" else "kaveh")
    row = page.locator(f"[data-testid=user-list] tr[data-username={made}]")
    expect(row).to_contain_text(words["sales"])
    expect(page.locator("[data-testid=user-list] tbody tr")).to_have_count(1)  # searched on the server
    found = server.call("GET", f"/api/v1/users?q={made}").get_json()["items"]
    assert found[0]["groups"] == ["sales", "support-2"]
    page.fill("[data-testid=user-search]", victim)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"[data-testid=user-reset-{victim}]")  # a temporary password, shown once
    temporary = page.locator("[data-testid=user-temp-password-value]").inner_text()
    signed = server.client().post("/api/v1/auth/token", json={"username": victim, "password": temporary})
    assert signed.status_code == 200 and len(temporary) >= 12
    page.click(f"[data-testid=user-toggle-{victim}]")
    expect(page.locator(f"tr[data-username={victim}]")).to_have_class(re.compile(r"\bmuted\b"))
    expect(page.locator(f"tr[data-username={victim}] .badge").last).to_have_text(words["disabled"])
    shot(page, f"admin-users-{lang}")

    page.click("a.nav-link[data-nav=groups]")
    expect(page.locator("[data-testid=group-list] tr[data-group=support-leads]")).to_be_visible()
    expect(page.locator("[data-testid=group-remove-support-2]")).to_have_count(0)  # in use: deactivate only
    used = page.locator("tr[data-group=managers] [data-process-key=quote_approval]")  # named, its key in the tooltip
    expect(used).to_have_text(words["quote_approval"])
    expect(used).to_have_attribute("title", re.compile("quote_approval"))
    assert "_approval" not in page.locator("[data-testid=group-list] tbody").inner_text()
    page.click("[data-testid=group-add]")
    group = page.locator("[data-testid=group-new]")
    key = f"field-ops-{lang}"
    group.locator("[data-testid=group-key]").fill("Field Ops")  # not a key
    group.locator("[data-testid=group-label_fa]").fill("عملیات میدانی")
    group.locator("[data-testid=group-label_en]").fill("Field operations")
    group.locator("[data-testid=group-submit]").click()
    expect(group.locator("[data-field=key] .field-error")).to_be_visible()
    group.locator("[data-testid=group-key]").fill(key)
    group.locator("[data-testid=group-submit]").click()
    label = "عملیات میدانی" if lang == "fa" else "Field operations"
    expect(page.locator(f"tr[data-group={key}]")).to_contain_text(label)
    shot(page, f"admin-groups-{lang}")

    page.click("a.nav-link[data-nav=settings]")
    settings = page.locator("[data-testid=settings-form]")
    expect(settings.locator("[data-testid=setting-smtp_password]")).to_be_visible()
    settings.locator("[data-testid=setting-smtp_port]").fill("70000")
    settings.locator("[data-testid=settings-submit]").click()
    error = settings.locator("[data-field=smtp_port] .field-error")
    expect(error).to_contain_text(words["port"])
    if lang == "fa":
        assert not re.search(r"[A-Za-z]", error.inner_text()), error.inner_text()  # the Persian half only
    shot(page, f"admin-settings-error-{lang}")
    settings.locator("[data-testid=setting-smtp_port]").fill("2525" if lang == "en" else "۲۵۲۶")
    settings.locator("[data-testid=setting-smtp_password]").fill(f"mail-secret-{lang}")
    settings.locator("[data-testid=settings-submit]").click()
    expect(page.locator("[data-testid=toast]").last).to_contain_text(words["saved"])
    expect(settings.locator("[data-testid=setting-smtp_password-clear]")).to_be_visible()  # set, never shown
    assert f"mail-secret-{lang}" not in page.content()
    assert settings.locator("[data-testid=setting-smtp_password]").input_value() == ""
    assert server.call("GET", "/api/v1/settings").get_json()["email"]["smtp_port"] == (2525 if lang == "en" else 2526)
    shot(page, f"admin-settings-{lang}")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_an_expired_session_keeps_what_was_typed_into_a_task_form(server: Server, page_for, lang: str):
    words = WORDS[lang]
    name = _user(server, "employee", lang, ["sales"])
    instance_id, _key = start_quote(server)
    [task] = server.call("GET", f"/api/v1/tasks?process_instance={instance_id}").get_json()["items"]
    assert server.call("POST", f"/api/v1/tasks/{task['id']}/assign", json={"user": name}).status_code == 200
    page = page_for(None)
    page.goto(f"/login?next=/app/tasks/{task['id']}")
    _sign_in(page, name)
    page.wait_for_selector("[data-testid=task-form] input")
    note = "با مشتری تماس گرفتم؛ پیش‌فاکتور فرستاده شد" if lang == "fa" else "Called them; the quote is on its way"
    page.locator("[data-testid=task-form] input").first.fill("1250")
    page.locator("[data-testid=task-form] input").nth(1).fill(note)
    with server.ravand.sessions() as session:  # the session ends on the server while the page is open
        user_id = session.scalar(select(User.id).where(User.username == name))
        session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        session.commit()
    page.click("[data-testid=complete]")
    page.wait_for_url(re.compile(r"/login\?"))
    expect(page.locator("#login-session-expired")).to_contain_text(words["expired"])
    shot(page, f"session-expired-{lang}")
    _sign_in(page, name)
    page.wait_for_url(re.compile(rf"/app/tasks/{task['id']}$"))
    expect(page.locator("[data-testid=draft-restored]")).to_contain_text(words["back"])
    expect(page.locator("[data-testid=task-form] input").nth(1)).to_have_value(note)
    shot(page, f"session-draft-restored-{lang}")
    page.click("[data-testid=complete]")
    page.wait_for_url(re.compile(r"/app/tasks(\?.*)?$"))  # the list then writes its tab into the query
    instance = server.call("GET", f"/api/v1/process-instances/{instance_id}").get_json()
    assert instance["state"] == "completed"
    assert (instance["variables"]["amount"], instance["variables"]["note"]) == (1250, note)


def test_a_persian_admin_reads_and_types_the_settings_in_persian_digits(server: Server, page_for):
    """Numbers in the settings are shown in Persian digits, and what is typed in Persian, Arabic or Latin digits
    (an amount with separators) is saved in Latin ones; the English page keeps Latin digits."""
    admin = _user(server, "admin", "fa")
    page = page_for(None)
    page.goto("/login")
    _sign_in(page, admin)
    page.wait_for_selector("#main:not([aria-busy])")
    page.goto("/app/settings")
    settings = page.locator("[data-testid=settings-form]")
    box = settings.locator
    box("[data-testid=setting-smtp_port]").fill("۲۵۸۷")
    box("[data-testid=setting-sms_part_price_rial]").fill("۱٬۲۵۰")
    box("[data-testid=setting-sms_line]").fill("٣٠٠٠٧٧٣٢")  # Arabic-Indic digits
    box("[data-testid=setting-notify_quiet_hours]").fill("۲۲:۰۰-07:30")
    box("[data-testid=setting-work_holidays]").fill("۱۴۰۵-۰۱-۰۳، ۱۴۰۵-۰۱-۱۲")
    box("[data-testid=settings-submit]").click()
    expect(page.locator("[data-testid=toast]").last).to_contain_text(WORDS["fa"]["saved"])
    saved = server.call("GET", "/api/v1/settings").get_json()
    assert saved["email"]["smtp_port"] == 2587
    assert saved["sms"]["sms_part_price_rial"] == 1250 and saved["sms"]["sms_line"] == "30007732"
    assert saved["quiet"]["notify_quiet_hours"] == "22:00-07:30"
    assert saved["calendar"]["work_holidays"] == ["1405-01-03", "1405-01-12"]

    page.reload()
    page.wait_for_selector("[data-testid=settings-form]")
    shown = {name: box(f"[data-testid=setting-{name}]").input_value()
             for name in ("smtp_port", "sms_part_price_rial", "sms_line", "notify_quiet_hours", "work_holidays")}
    assert shown == {"smtp_port": "۲۵۸۷", "sms_part_price_rial": "۱٬۲۵۰", "sms_line": "۳۰۰۰۷۷۳۲",
                     "notify_quiet_hours": "۲۲:۰۰-۰۷:۳۰", "work_holidays": "۱۴۰۵-۰۱-۰۳, ۱۴۰۵-۰۱-۱۲"}, shown
    for name in ("notify_quiet_hours", "sms_line", "work_holidays", "seller_national_id"):  # their examples too
        hint = settings.locator(f"[data-field={name}] .field-hint").inner_text()
        assert re.search(r"[۰-۹]", hint) and not re.search(r"[0-9]", hint), (name, hint)
    # sent again unchanged: nothing differs from what was loaded
    box("[data-testid=settings-submit]").click()
    expect(page.locator("[data-testid=toast]").last).to_contain_text("چیزی تغییر نکرد")
    shot(page, "admin-settings-persian-digits")

    english = page_for("admin")
    english.goto("/app/settings")
    expect(english.locator("[data-testid=setting-smtp_port]")).to_have_value("2587")
    expect(english.locator("[data-testid=setting-sms_part_price_rial]")).to_have_value("1,250")
