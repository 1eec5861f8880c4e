"""Managed lists in the browser: an administrator adds a product on the Lists page and a Persian employee's
new-lead form offers it in Persian; the lead is saved with the keys (product, province chosen by its city);
the portal's complaint form offers the complaint lists in the visitor's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from crm import lists
from tests.web.conftest import Server, shot


def test_an_added_entry_is_offered_in_persian_on_the_new_lead_page(crm: Server, page_for):
    admin = page_for("admin")
    admin.click("a.nav-link[data-nav=lists]")
    admin.wait_for_url(re.compile(r"/app/lists"))
    admin.select_option("[data-testid=list-picker]", "product")
    expect(admin.locator("[data-testid=list-entries][data-list=product] tr[data-key=software]")).to_be_visible()
    admin.fill("[data-testid=list-add-key]", "cloud hosting")
    admin.fill("[data-testid=list-add-fa]", "میزبانی ابری")
    admin.fill("[data-testid=list-add-en]", "Cloud hosting")
    admin.click("[data-testid=list-add-submit]")
    expect(admin.locator("[data-field=key] .field-error")).to_be_visible()  # a key is lower case, no spaces
    admin.fill("[data-testid=list-add-key]", "cloud_hosting")
    admin.click("[data-testid=list-add-submit]")
    expect(admin.locator("tr[data-key=cloud_hosting]")).to_contain_text("میزبانی ابری")
    admin.click("[data-testid=list-toggle-training]")
    expect(admin.locator("tr[data-key=training]")).to_contain_text("Inactive")
    data = json.loads((Path(lists.__file__).parent / "data" / "lists" / "product.json").read_text())
    shipped = sum(len(group["entries"]) for group in data["groups"])
    picked = admin.locator("[data-testid=list-picker] option[value=product]")
    expect(picked).to_contain_text(f"({shipped}/{shipped + 1})")  # counts follow without a reload
    shot(admin, "lists-admin")

    page = page_for("persian")
    page.goto("/app/leads/new")
    page.wait_for_selector("#main:not([aria-busy])")
    product = page.locator("[data-field=product] select")
    expect(product.locator("option[value=cloud_hosting]")).to_have_text("میزبانی ابری")
    expect(product.locator("option[value=software]")).to_have_text("نرم‌افزار")
    expect(product.locator("option[value=training]")).to_have_count(0)  # deactivated: no longer offered
    expect(page.locator("[data-field=source] select option[value=exhibition]")).to_have_text("نمایشگاه")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("[data-field=person_name] input", "نگار رضایی")
    page.fill("[data-field=mobile] input", "۰۹۱۲ ۵۵۵ ۰۱۹۹")
    page.select_option("[data-field=source] select", "phone")
    product.select_option("cloud_hosting")
    page.select_option("[data-testid=lead-city]", "karaj")  # the city chooses its province
    expect(page.locator("[data-testid=lead-province]")).to_have_value("alborz")
    expect(page.locator("[data-testid=lead-city] option[value=shiraz]")).to_have_count(0)
    shot(page, "lists-lead-persian")
    page.click("[data-testid=lead-submit]")
    expect(page.locator("[data-testid=lead-created]")).to_be_visible()
    lead_id = int(re.search(r"\d+", page.locator("h1").inner_text().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹",
                                                                                            "0123456789"))).group())
    lead = crm.call("GET", f"/api/v1/leads/{lead_id}").get_json()
    assert (lead["product"], lead["region"], lead["source"]) == ("cloud_hosting", "alborz", "phone")


def test_the_portal_offers_the_complaint_lists_in_the_visitors_language(crm: Server, page_for):
    page = page_for(None, locale="fa-IR")
    page.goto("/portal?lang=fa")
    page.wait_for_selector("#portal:not([aria-busy])")
    expect(page.locator("[data-field=category] select option[value=delivery]")).to_have_text("ارسال و تحویل")
    expect(page.locator("[data-field=kind] select option[value=suggestion]")).to_have_text("پیشنهاد")
    expect(page.locator("[data-field=kind] select")).to_have_value("complaint")
    english = page_for(None)
    english.goto("/portal?lang=en")
    english.wait_for_selector("#portal:not([aria-busy])")
    expect(english.locator("[data-field=category] select option[value=billing]")).to_have_text("Billing and payment")
