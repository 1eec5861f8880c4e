"""The loyalty club in the browser. A Persian sales manager opens the club from the loyalty list, adds an earning
rule (its field error shown in place first) and rewards, changes a tier, and hands over a gift waiting in the
list; a Persian employee takes a reward for a customer on the customer's loyalty page (benefits and points
lapsing soon beside it) and sends the club link by SMS (refused without a mobile number), and an administrator
writes off lapsed points. On the portal a member asks for the link (the same answer whatever the number), opens
their statement from the SMS in Persian and takes a voucher; an English member takes a gift; links that do not
hold and expired ones get pages of their own. On a server of its own, so that the portal's per-address limits
are not shared with the other portal tests; no step depends on the time of day (quiet hours only delay an SMS,
whose text is stored at once)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from api.club import club_url
from crm.clock import utcnow
from crm.models import LoyaltyEntry, Notification
from tests.web.conftest import Server, shot, start_server

V1 = "/api/v1"
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server, stop = start_server(tmp_path_factory.mktemp("club"))
    yield server
    stop()


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def customer(server: Server, name: str, mobile: str | None = None, locale: str = "fa") -> int:
    body = {"kind": "person", "person_name": name, "locale": locale, **({"mobile": mobile} if mobile else {})}
    return ok(server.call("POST", f"{V1}/customers", "persian", json=body), 201)["customer"]["id"]


def give(server: Server, customer_id: int, points: int, reason: str = "خوش‌آمد") -> None:
    ok(server.call("POST", f"{V1}/customers/{customer_id}/loyalty/adjustments", "admin",
                   json={"points": points, "reason": reason}), 201)


def reward(server: Server, **body: Any) -> int:
    return ok(server.call("POST", f"{V1}/loyalty/rewards", "admin", json=body), 201)["id"]


def lots_lapse(server: Server, customer_id: int, when: timedelta) -> None:
    """Move the customer's lots' expiry to ``when`` from now (in the past: they have lapsed)."""
    with server.ravand.sessions() as session:
        session.execute(update(LoyaltyEntry).where(LoyaltyEntry.customer_id == customer_id,
                                                   LoyaltyEntry.remaining > 0).values(expires_at=utcnow() + when))
        session.commit()


def link_sent_to(server: Server, mobile: str) -> str | None:
    """The token of the latest club link SMS queued for ``mobile`` (the text is stored when it is queued)."""
    with server.ravand.sessions() as session:
        body = session.scalars(select(Notification.body).where(
            Notification.template == "loyalty_club_link", Notification.recipient == mobile)
            .order_by(Notification.id.desc())).first()
    return None if body is None else body.split("/portal/club/")[1].split()[0]


def test_a_persian_manager_sets_up_the_club_and_hands_over_a_gift(club: Server, page_for):
    negar = customer(club, "نگار رضایی", "09121110005")
    give(club, negar, 200)
    page = page_for("sales_manager", "fa-IR", base=club)
    page.goto("/app/loyalty")
    page.get_by_test_id("loyalty-club-link").click()
    expect(page).to_have_url(re.compile(r"/app/club$"))
    expect(page.locator("h1")).to_have_text("باشگاه مشتریان")
    expect(page.get_by_test_id("club-rules")).to_contain_text("هنوز قاعده‌ای نیست")
    assert page.get_by_test_id("club-expire").count() == 0  # administrators only

    rule = page.get_by_test_id("rule-form")
    rule.get_by_test_id("rule-name").fill("هر خرید")
    rule.get_by_test_id("rule-starts_on").fill("۱۴۰۰/۰۱/۰۱")
    rule.get_by_test_id("rule-save").click()  # no rate: refused, the error under the field
    error = rule.locator("[data-error-for=rials_per_point]")
    expect(error).to_contain_text("بنویسید هر امتیاز با چند ریال")
    assert not LATIN.search(error.inner_text())
    rule.get_by_test_id("rule-rials_per_point").fill("۱۰۰٬۰۰۰")
    rule.get_by_test_id("rule-save").click()
    row = page.get_by_test_id("rule-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("هر ۱۰۰٬۰۰۰ ریال")
    expect(row).to_contain_text("همهٔ خریدها")
    expect(row).to_contain_text("از ۱ فروردین ۱۴۰۰")
    expect(row).to_contain_text("برقرار")
    expect(rule.get_by_test_id("rule-name")).to_have_value("")

    rewards = page.get_by_test_id("reward-form")
    rewards.get_by_test_id("reward-name_fa").fill("ماگ باشگاه")
    rewards.get_by_test_id("reward-name_en").fill("Club mug")
    rewards.get_by_test_id("reward-points").fill("۵۰")
    rewards.get_by_test_id("reward-kind").select_option("gift")
    expect(rewards.get_by_test_id("reward-voucher_value")).to_be_hidden()
    rewards.get_by_test_id("reward-stock").fill("۳")
    rewards.get_by_test_id("reward-save").click()
    mug = page.get_by_test_id("reward-row").filter(has_text="ماگ باشگاه")
    expect(mug).to_contain_text("هدیه‌ای که کارکنان تحویل می‌دهند")
    expect(mug.get_by_test_id("reward-stock")).to_have_value("۳")
    rewards.get_by_test_id("reward-name_fa").fill("۱۰٪ تخفیف")
    rewards.get_by_test_id("reward-name_en").fill("10% off")
    rewards.get_by_test_id("reward-points").fill("۱۰۰")
    rewards.get_by_test_id("reward-voucher_value").fill("۱۰")
    rewards.get_by_test_id("reward-save").click()
    coupon = page.get_by_test_id("reward-row").filter(has_text="10% off")
    expect(coupon).to_contain_text("کد تخفیف ۱۰٪، با اعتبار ۶۰ روز")

    gold = page.locator("[data-tier=gold]")
    gold.get_by_test_id("tier-earn_percent").fill("۱۳۰")
    gold.get_by_test_id("tier-perks_fa").fill("۳۰٪ امتیاز بیشتر؛ ارسال رایگان")
    gold.get_by_test_id("tier-save").click()
    expect(page.get_by_test_id("toast").last).to_contain_text("سطح طلایی ذخیره شد")
    tier = ok(club.call("GET", f"{V1}/loyalty/tiers", "admin"))[2]
    assert (tier["tier"], tier["earn_percent"], tier["perks_fa"]) == ("gold", 130, "۳۰٪ امتیاز بیشتر؛ ارسال رایگان")

    # the customer takes the mug (at the counter, through the API); the manager sees it waiting and hands it over
    mug_id = int(mug.get_attribute("data-reward"))
    ok(club.call("POST", f"{V1}/customers/{negar}/loyalty/rewards/{mug_id}", "persian"), 201)
    page.reload()
    gift = page.get_by_test_id("gift-row")
    expect(gift).to_have_count(1)
    expect(gift).to_contain_text("نگار رضایی")
    expect(gift).to_contain_text("ماگ باشگاه")
    expect(gift).to_contain_text("کارکنان")
    expect(mug.get_by_test_id("reward-stock")).to_have_value("۲")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    shot(page, "fa-loyalty-club")
    gift.get_by_test_id("gift-delivered").click()
    expect(page.get_by_test_id("club-gifts")).to_contain_text("هدیه‌ای در انتظار نیست")
    assert ok(club.call("GET", f"{V1}/loyalty/redemptions", "admin",
                        query_string={"customer_id": negar}))[0]["state"] == "delivered"


def test_an_employee_takes_a_reward_for_a_customer_and_sends_the_club_link(club: Server, page_for):
    maryam = customer(club, "مریم کاظمی", "09121110002")
    nobody = customer(club, "بهرام بی‌شماره")
    lapsed = customer(club, "لاله نادری", "09121110009")
    give(club, maryam, 140)
    lots_lapse(club, maryam, timedelta(days=10))
    give(club, lapsed, 25)
    lots_lapse(club, lapsed, -timedelta(hours=1))
    vase = reward(club, name_fa="گلدان", name_en="Vase", points=90, kind="voucher", voucher_kind="amount",
                  voucher_value=500_000, valid_days=30)
    dear = reward(club, name_fa="سفر", name_en="Trip", points=100_000, kind="gift")

    page = page_for("persian", "fa-IR", base=club)
    page.goto(f"/app/loyalty/{maryam}")
    expect(page.get_by_test_id("loyalty-balance")).to_have_text("۱۴۰")
    benefits = page.get_by_test_id("loyalty-benefits")
    expect(benefits).to_contain_text("امتیاز هر خرید")  # the bronze tier's perks, in Persian
    expect(benefits).to_contain_text("نقره‌ای")
    expect(page.get_by_test_id("loyalty-expiring")).to_contain_text("۱۴۰ امتیاز در")
    expect(page.locator(f"[data-reward='{dear}']")).to_contain_text("امتیاز کافی نیست")
    item = page.locator(f"[data-reward='{vase}']")
    expect(item).to_contain_text("کد تخفیف ۵۰۰٬۰۰۰ ریال (۵۰٬۰۰۰ تومان)")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_test_id("reward-take").click()
    expect(page.get_by_test_id("toast").last).to_contain_text("«گلدان» گرفته شد")
    expect(page.get_by_test_id("loyalty-balance")).to_have_text("۵۰")
    expect(page.get_by_test_id("taken-row")).to_contain_text("کد صادر شد")
    expect(page.get_by_test_id("loyalty-voucher")).to_have_count(1)
    expect(item).to_contain_text("امتیاز کافی نیست")
    expect(page.get_by_test_id("loyalty-entry").first).to_contain_text("−۹۰")

    page.get_by_test_id("club-link-send").click()
    expect(page.get_by_test_id("toast").last).to_contain_text("پیوند باشگاه با پیامک فرستاده شد (اعتبار ۷ روز)")
    assert link_sent_to(club, "+989121110002")
    shot(page, "fa-loyalty-account-club")

    page.goto(f"/app/loyalty/{nobody}")
    page.get_by_test_id("club-link-send").click()
    expect(page.get_by_test_id("toast").last).to_have_text("شمارهٔ همراهی برای این مشتری ثبت نشده است")

    admin = page_for("admin_fa", "fa-IR", base=club)
    admin.goto("/app/club")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_test_id("club-expire").click()
    expect(admin.get_by_test_id("club-expired")).to_have_text("۲۵ امتیاز منقضی از ۱ مشتری باطل شد.")
    assert ok(club.call("GET", f"{V1}/customers/{lapsed}/loyalty", "admin"))["points"] == 0


def test_a_member_asks_for_the_link_and_takes_a_voucher_on_the_portal_in_persian(club: Server, page_for):
    sara = customer(club, "سارا احمدی", "09121110001")
    ok(club.call("POST", f"{V1}/loyalty/rules", "admin",
                 json={"kind": "earn", "name": "هر خرید", "rials_per_point": 100_000}), 201)
    ok(club.call("POST", f"{V1}/customers/{sara}/purchases", "persian",
                 json={"amount": "۱۸٬۰۰۰٬۰۰۰", "reference": "F-1042"}), 201)
    staff = page_for("persian", "fa-IR", base=club)  # the customer's page says what earned the points in words
    staff.goto(f"/app/customers/{sara}")
    ledger = staff.get_by_test_id("c360-loyalty").locator("tbody tr").first
    expect(ledger).to_contain_text("خرید")
    expect(ledger).to_contain_text("F-1042")
    assert "purchase" not in ledger.inner_text()
    coupon = reward(club, name_fa="۲۰٪ تخفیف", name_en="20% off", points=100, kind="voucher", voucher_kind="percent",
                    voucher_value=20, valid_days=60)

    page = page_for(None, "fa-IR", base=club)
    page.goto("/portal/club")
    expect(page.locator("[data-testid=portal-nav-club]")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("club-ask-mobile").fill("۰۹۱۲ ۱۱۱ ۰۰۰۱")
    shot(page, "fa-portal-club-ask")
    page.get_by_test_id("club-ask-submit").click()
    expect(page.get_by_test_id("club-asked")).to_contain_text(
        "اگر این شماره نزد ما ثبت باشد، پیامکی با پیوند شما در راه است.")
    token = link_sent_to(club, "+989121110001")
    assert token

    page.goto(f"/portal/club/{token}")
    statement = page.get_by_test_id("club-statement")
    expect(statement.locator("h1")).to_have_text("سارا احمدی، باشگاه مشتریان شما")
    expect(page.get_by_test_id("club-balance")).to_have_text("۱۸۰")
    expect(page.get_by_test_id("club-tier")).to_have_text("برنزی")
    expect(page.get_by_test_id("club-perks")).to_contain_text("اعتبار امتیازها ۱۲ ماه")
    entry = page.get_by_test_id("club-entry").first
    expect(entry).to_contain_text("خرید F-1042")
    expect(entry).to_contain_text("+۱۸۰")
    expect(page.get_by_test_id("club-referral-code")).to_be_visible()
    code = ok(club.call("GET", f"{V1}/customers/{sara}", "admin"))["referral_code"]
    expect(page.get_by_test_id("club-refer-link")).to_have_attribute("href", f"/portal/refer?lang=fa&code={code}")
    expect(page.get_by_test_id("club-vouchers")).to_contain_text("کد تخفیف استفاده‌نشده‌ای ندارید")

    item = page.locator(f"[data-reward='{coupon}']")
    item.get_by_test_id("club-take").click()
    item.get_by_test_id("club-take-confirm").click()
    taken = page.get_by_test_id("club-taken")
    expect(taken).to_contain_text("انجام شد: «۲۰٪ تخفیف» از آنِ شماست")
    voucher = page.get_by_test_id("club-voucher-code").inner_text()
    assert re.fullmatch(r"V-[A-Z0-9]+", voucher), voucher
    expect(page.get_by_test_id("club-balance")).to_have_text("۸۰")
    expect(page.get_by_test_id("club-voucher")).to_contain_text(voucher)
    expect(page.get_by_test_id("club-entry").first).to_contain_text("جایزه: ۲۰٪ تخفیف")
    expect(page.get_by_test_id("club-entry").first).to_contain_text("−۱۰۰")
    expect(item).to_contain_text("۱۰۰ امتیاز لازم است")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    words = page.locator("#portal").inner_text()
    for code_text in (voucher, code, "F-1042"):
        words = words.replace(code_text, "")
    assert not LATIN.search(words), LATIN.findall(words)
    shot(page, "fa-portal-club")


def test_an_english_member_takes_a_gift_and_bad_links_say_so(club: Server, page_for):
    john = customer(club, "John Carter", "09121110003", locale="en")
    give(club, john, 120, reason="Welcome gift")
    kettle = reward(club, name_fa="کتری", name_en="Kettle", points=100, kind="gift", stock=1)
    path = "/portal/club/" + club_url(club.ravand, john, utcnow() + timedelta(days=7)).split("/portal/club/")[1]
    html = club.client().get(path, headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert 'data-page="club_statement"' in html and f'data-code="{path.rsplit("/", 1)[1]}"' in html
    assert 'data-page="club"' in club.client().get("/portal/club?lang=fa").get_data(as_text=True)

    page = page_for(None, "en-GB", base=club)
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_test_id("club-statement").locator("h1")).to_have_text("John Carter, your loyalty club")
    expect(page.get_by_test_id("club-balance")).to_have_text("120")
    expect(page.get_by_test_id("club-tier")).to_have_text("Bronze")
    expect(page.get_by_test_id("club-perks")).to_contain_text("Points on every purchase")
    expect(page.get_by_test_id("club-entry").first).to_contain_text("Welcome gift")
    item = page.locator(f"[data-reward='{kettle}']")
    expect(item).to_contain_text("A gift handed over by staff")
    item.get_by_test_id("club-take").click()
    item.get_by_test_id("club-take-keep").click()  # changed their mind: nothing spent
    expect(page.get_by_test_id("club-balance")).to_have_text("120")
    item.get_by_test_id("club-take").click()
    item.get_by_test_id("club-take-confirm").click()
    expect(page.get_by_test_id("club-taken")).to_contain_text("We will hand your gift over")
    expect(page.get_by_test_id("club-balance")).to_have_text("20")
    expect(page.locator(f"[data-reward='{kettle}']")).to_contain_text("None left")
    expect(page.get_by_test_id("club-entry").first).to_contain_text("Reward: Kettle")
    shot(page, "en-portal-club")

    page.goto(path[:-3] + ("abd" if path.endswith("abc") else "abc"))  # the signature changed
    expect(page.get_by_test_id("club-invalid")).to_contain_text("This link is not valid")
    expired = club_url(club.ravand, john, utcnow() - timedelta(minutes=1)).split("/portal/club/")[1]
    page.goto(f"/portal/club/{expired}?lang=fa")
    expect(page.get_by_test_id("club-expired")).to_contain_text("زمان این پیوند گذشته است")
    shot(page, "fa-portal-club-expired")
    page.get_by_test_id("club-ask-new").click()
    expect(page).to_have_url(re.compile(r"/portal/club\?lang=fa$"))
    expect(page.get_by_test_id("club-ask")).to_be_visible()
