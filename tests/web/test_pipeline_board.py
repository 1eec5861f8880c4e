"""The pipeline board in the browser, in Persian and in English: a sales manager finds two of a colleague's deals
on the board (columns right to left in Persian, counts and totals in Persian digits, rials and tomans), drags
one to the next stage and confirms its chance, then moves the other to lost (a reason is required; from the
card's keyboard select in English, by dragging in Persian) and sees the columns' totals follow; the same data
opens as a list. An administrator's stages screen lists the stages. Screenshots of both languages are kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import surname
from tests.web.test_opportunities_pages import deal

CASES = {
    "fa": ("sales_manager", "fa-IR", "۳۰٬۰۰۰٬۰۰۰ ریال", "۲۰٬۰۰۰٬۰۰۰ ریال", "۱۰٬۰۰۰٬۰۰۰ ریال", "۲ فرصت", "۱ فرصت"),
    "en": ("manager_en", "en-GB", "30,000,000 rials", "20,000,000 rials", "10,000,000 rials", "2 deals", "1 deals"),
}
# the chance as the dialog shows it, and as the person types it on their keyboard
CHANCE = {"fa": ("۵۰", "۶۰"), "en": ("50", "60")}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_manager_moves_deals_across_the_board_and_the_totals_follow(crm: Server, page_for, language: str):
    who, locale, both, big, small, two, one = CASES[language]
    family = surname()
    first = deal(crm, f"پارس {family}", "09121110051", title=f"انبار {family}", amount=10_000_000, owner="alice",
                 expected_close="2099-03-21")
    second = deal(crm, f"Arya {family}", "09121110052", title=f"POS {family}", amount=20_000_000, owner="alice")
    page = page_for(who, locale=locale)
    page.goto(f"/app/pipeline?q={family}")
    prospecting = page.locator("[data-testid=pipeline-column][data-stage=prospecting]")
    proposal = page.locator("[data-testid=pipeline-column][data-stage=proposal]")
    lost = page.locator("[data-testid=pipeline-column][data-stage=lost]")
    expect(prospecting.get_by_test_id("pipeline-count")).to_have_text(two)
    expect(prospecting.get_by_test_id("pipeline-total")).to_contain_text(both)
    expect(prospecting.get_by_test_id("pipeline-card")).to_have_count(2)
    expect(prospecting.get_by_test_id("pipeline-card").first).to_contain_text(f"پارس {family}")  # soonest first
    qualification = page.locator("[data-testid=pipeline-column][data-stage=qualification]")
    right_to_left = prospecting.bounding_box()["x"] > qualification.bounding_box()["x"]
    assert right_to_left == (language == "fa")
    shot(page, f"pipeline-board-{language}")

    card = page.locator(f"[data-testid=pipeline-card][data-opportunity-id='{first['id']}']")
    card.drag_to(proposal)
    dialog = page.get_by_test_id("pipeline-dialog")
    shown, typed = CHANCE[language]
    expect(dialog.get_by_test_id("pipeline-probability")).to_have_value(shown)
    dialog.get_by_test_id("pipeline-probability").fill(typed)
    shot(page, f"pipeline-move-{language}")
    dialog.get_by_test_id("pipeline-move-confirm").click()
    expect(dialog).to_have_count(0)
    expect(proposal.get_by_test_id("pipeline-total")).to_contain_text(small)
    expect(prospecting.get_by_test_id("pipeline-count")).to_have_text(one)
    expect(prospecting.get_by_test_id("pipeline-total")).to_contain_text(big)
    moved = crm.call("GET", f"/api/v1/opportunities/{first['id']}", "admin").get_json()
    assert (moved["stage"], moved["probability"]) == ("proposal", 60)

    other = page.locator(f"[data-testid=pipeline-card][data-opportunity-id='{second['id']}']")
    if language == "en":  # the keyboard way: the card's own select
        other.get_by_test_id("pipeline-move-select").select_option("lost")
    else:
        other.drag_to(lost)
    dialog.get_by_test_id("pipeline-move-confirm").click()  # no reason yet: the server says it is needed
    expect(dialog.locator("[data-field=reason].has-error")).to_be_visible()
    dialog.get_by_test_id("pipeline-reason").select_option("competitor")
    dialog.get_by_test_id("pipeline-move-confirm").click()
    expect(dialog).to_have_count(0)
    expect(lost.get_by_test_id("pipeline-count")).to_have_text(one)
    expect(lost.get_by_test_id("pipeline-total")).to_contain_text(big)
    expect(prospecting.get_by_test_id("pipeline-card")).to_have_count(0)
    closed = crm.call("GET", f"/api/v1/opportunities/{second['id']}", "admin").get_json()
    assert (closed["stage"], closed["loss_reason"]) == ("lost", "competitor")
    shot(page, f"pipeline-after-{language}")

    page.get_by_test_id("pipeline-as-list").click()
    expect(page).to_have_url(re.compile(r"/app/opportunities\?q="))
    expect(page.get_by_test_id("opportunity-row")).to_have_count(2)


def test_an_administrator_sees_the_stages_screen(crm: Server, page_for):
    page = page_for("admin")
    page.goto("/app/pipeline/stages")
    forms = page.get_by_test_id("stage-form")
    expect(forms.first).to_be_visible()
    expect(page.locator("[data-testid=stage-form][data-stage=won] [data-testid=stage-active]")).to_be_disabled()
    shot(page, "pipeline-stages-en")


def test_a_persian_administrator_types_a_stage_chance_in_persian_digits(crm: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    page.goto("/app/pipeline/stages")
    form = page.locator("[data-testid=stage-form][data-stage=negotiation]")
    chance = form.locator("input[name=probability]")
    expect(chance).to_have_value(re.compile(r"^[۰-۹]+$"))  # shown in Persian digits
    chance.fill("۷۰")
    form.get_by_test_id("stage-save").click()
    expect(page.locator("[data-testid=stage-form][data-stage=negotiation] input[name=probability]")).to_have_value("۷۰")
    shot(page, "pipeline-stages-fa")
    stages = {s["key"]: s for s in crm.call("GET", "/api/v1/pipeline/stages", "admin").get_json()}
    try:
        assert stages["negotiation"]["probability"] == 70
    finally:  # other tests on this server read the stock chances
        crm.call("PATCH", "/api/v1/pipeline/stages/negotiation", "admin", json={"probability": 75})
