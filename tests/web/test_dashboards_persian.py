"""The dashboards in Persian: a sales manager picks a Jalali season (spring 1404) and the figures and the page
address change, the days asked of the API are the quarter's as jdatetime reckons them; a click on a funnel bar
opens the opportunities that reached that stage in that season, the list saying which filter is on and
clearing it; the complaint and referral figures open their lists the same way from the keyboard; no KPI figure
breaks inside a word, amounts carry their unit, satisfaction reads «از ۵», and a 390 px phone scrolls no
sideways. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from playwright.sync_api import expect

from api.composition import ravand_ctx
from crm.models import Complaint, Customer, Opportunity, Referral, StageVisit
from tests.web.conftest import Server, shot

TEHRAN = ZoneInfo("Asia/Tehran")
SPRING = "q1404-1"  # بهار ۱۴۰۴: 1 Farvardin to 31 Khordad 1404
SUMMER = "q1404-2"
MARK = "داشبورد-آزمون"


def tehran(day: jdatetime.date) -> datetime:
    return datetime.combine(day.togregorian(), datetime.min.time(), tzinfo=TEHRAN).astimezone(UTC)


SPRING_START, SUMMER_START = tehran(jdatetime.date(1404, 1, 1)), tehran(jdatetime.date(1404, 4, 1))
MINUTE = timedelta(minutes=1)


@pytest.fixture(scope="module")
def seasons(crm: Server) -> Server:
    """Spring 1404: three deals (one of 2.5 billion rials) created from the first minute of Farvardin in Tehran,
    two complaints (one breached, satisfaction 4 and 5) and a referral that bought; a deal a minute before
    spring (winter 1403) and one in summer that the spring must not count."""
    with crm.ravand.sessions() as session:
        ctx = ravand_ctx(session, "seed")
        who = ctx.add(Customer(kind="company", company_name=f"شرکت {MARK}", name_key=f"شرکت {MARK}", interests=[],
                               status="actual", referral_code="RDASH1", locale="fa"), "customer")
        deals = (
            (f"{MARK} اول", SPRING_START, "proposal", ("prospecting", "proposal"), 2_500_000_000),
            (f"{MARK} دوم", SPRING_START + timedelta(days=30), "negotiation", ("proposal", "negotiation"), 700_000_000),
            (f"{MARK} سوم", SUMMER_START - MINUTE, "prospecting", ("prospecting",), 500_000_000),
            (f"{MARK} زمستان", SPRING_START - MINUTE, "proposal", ("proposal",), 100_000_000),
            (f"{MARK} تابستان", SUMMER_START, "proposal", ("proposal",), 300_000_000),
        )
        for title, at, stage, visited, amount in deals:
            deal = ctx.add(Opportunity(customer_id=who.id, title=title, stage=stage, amount=amount, probability=40,
                                       owner="parvin", stage_entered_at=at, created_at=at), "opportunity")
            for step in visited:
                ctx.add(StageVisit(opportunity_id=deal.id, stage=step, entered_at=at), "opportunity_stage")
        for n, (at, breaches, score) in enumerate(((SPRING_START + timedelta(days=2), 1, 4),
                                                   (SPRING_START + timedelta(days=40), 0, 5))):
            ctx.add(Complaint(tracking_code=f"CMP-DASH{n}", category="billing", severity="high", channel="portal",
                              description=MARK, tier=1 + n, breaches=breaches, status="in_progress",
                              satisfaction=score, created_at=at), "complaint")
        ctx.add(Referral(code="RDASH1", referrer_id=who.id, referred_name=f"{MARK} معرفی", status="purchased",
                         created_at=SPRING_START + timedelta(days=3)), "referral")
        session.commit()
    return crm


def kpi(page, name: str):
    return page.get_by_test_id(name).get_by_test_id("kpi-value")


def test_a_jalali_season_changes_the_figures_and_the_address(seasons: Server, page_for):
    page = page_for("sales_manager", locale="fa-IR")
    page.goto("/app/dashboards")
    expect(page.locator("h1")).to_have_text("داشبوردها")
    with page.expect_request(re.compile(r"/api/v1/reports/funnel\?")) as asked:
        page.get_by_test_id("dash-period").select_option(SPRING)
    expect(page).to_have_url(re.compile(rf"[?&]period={SPRING}"))
    days = parse_qs(urlparse(asked.value.url).query)
    # the quarter's days as jdatetime reckons them: 1 Farvardin and 31 Khordad 1404
    assert days["from"] == [jdatetime.date(1404, 1, 1).togregorian().isoformat()] == ["2025-03-21"]
    assert days["to"] == [jdatetime.date(1404, 3, 31).togregorian().isoformat()] == ["2025-06-21"]
    assert days["calendar"] == ["jalali"]
    expect(page.get_by_test_id("dash-period").locator("option:checked")).to_have_text("بهار ۱۴۰۴ (سه‌ماههٔ اول)")
    expect(page.get_by_test_id("dash-range")).to_contain_text("فروردین ۱۴۰۴")
    expect(page.get_by_test_id("dash-range")).to_contain_text("خرداد ۱۴۰۴")
    expect(kpi(page, "kpi-opportunities")).to_have_text("۳")
    expect(kpi(page, "kpi-open-amount")).to_have_text("۳٫۷ میلیارد ریال")
    expect(kpi(page, "kpi-received")).to_have_text("۲")
    expect(kpi(page, "kpi-breaches")).to_have_text("۱")
    expect(kpi(page, "kpi-satisfaction")).to_have_text("۴٫۵ از ۵")
    expect(kpi(page, "kpi-referrals")).to_have_text("۱")
    expect(page.get_by_test_id("dash-funnel-csv")).to_have_attribute("href", re.compile(r"format=csv.*|.*format=csv"))
    assert "from=2025-03-21" in page.get_by_test_id("dash-funnel-csv").get_attribute("href")
    shot(page, "dashboards-fa-spring-1404")

    page.get_by_test_id("dash-period").select_option(SUMMER)
    expect(page).to_have_url(re.compile(rf"[?&]period={SUMMER}"))
    expect(kpi(page, "kpi-opportunities")).to_have_text("۱")
    expect(page.get_by_test_id("dash-complaints")).to_contain_text("در این بازه چیزی نیست")
    page.reload()  # the period is in the address
    expect(page.get_by_test_id("dash-period")).to_have_value(SUMMER)
    expect(kpi(page, "kpi-opportunities")).to_have_text("۱")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"[?&]period={SPRING}"))
    expect(kpi(page, "kpi-opportunities")).to_have_text("۳")


def test_a_funnel_bar_opens_the_deals_behind_it(seasons: Server, page_for):
    page = page_for("sales_manager", locale="fa-IR")
    page.goto(f"/app/dashboards?period={SPRING}")
    chart = page.locator("[data-testid=dash-funnel-chart][data-drawn=true] canvas")
    expect(chart).to_be_visible()
    stages = page.get_by_test_id("funnel-stage-link")
    index = [stages.nth(i).get_attribute("data-stage") for i in range(stages.count())].index("proposal")
    where = chart.evaluate("(c, i) => { const bar = c.ravandChart.getDatasetMeta(0).data[i]; "
                           "return {x: bar.base + (bar.x - bar.base) / 2, y: bar.y}; }", index)
    box = chart.bounding_box()
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    expect(page).to_have_url(re.compile(r"/app/opportunities\?"))
    query = parse_qs(urlparse(page.url).query)
    assert query == {"reached": ["proposal"], "created_from": ["1404-01-01"], "created_to": ["1404-03-31"]}
    notice = page.get_by_test_id("drill-notice")
    expect(notice).to_contain_text("پیشنهاد")
    expect(notice).to_contain_text("۱ فروردین ۱۴۰۴")
    rows = page.get_by_test_id("opportunity-row")
    expect(rows).to_have_count(2)  # spring's deals that reached the proposal: not winter's, not summer's
    expect(rows.filter(has_text=f"{MARK} اول")).to_have_count(1)
    expect(rows.filter(has_text=f"{MARK} دوم")).to_have_count(1)
    shot(page, "dashboards-fa-drill-opportunities")
    page.get_by_test_id("drill-clear").click()
    expect(notice).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"created_from|reached"))
    page.get_by_test_id("opportunity-search").fill(MARK)
    expect(page).to_have_url(re.compile(r"[?&]q="))  # the search has run (title keys: crm.text.name_key)
    expect(rows).to_have_count(5)

    # from the keyboard: the table under the chart, and the complaint card's breaches figure
    page.goto(f"/app/dashboards?period={SPRING}")
    link = page.locator("[data-testid=funnel-stage-link][data-stage=negotiation]")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"reached=negotiation"))
    expect(rows).to_have_count(1)
    page.go_back()
    page.get_by_test_id("kpi-breaches").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/app/complaints\?.*breached=true"))
    expect(page.get_by_test_id("drill-notice")).to_contain_text("نقض")
    expect(page.locator("[data-testid=complaints] tbody tr")).to_have_count(1)
    page.go_back()
    page.get_by_test_id("kpi-conversions").click()
    expect(page).to_have_url(re.compile(r"/app/referrals\?.*status=converted"))
    expect(page.get_by_test_id("referral-row")).to_have_count(1)


def test_kpis_stay_whole_and_a_phone_does_not_scroll_sideways(seasons: Server, page_for):
    page = page_for("sales_manager", locale="fa-IR")
    for width in (1360, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/app/dashboards?period={SPRING}")
        values = page.get_by_test_id("kpi-value")
        expect(values.first).to_be_visible()
        expect(kpi(page, "kpi-open-amount")).to_have_text("۳٫۷ میلیارد ریال")
        lines = values.evaluate_all("""els => els.map(e => {
            const range = document.createRange(); range.selectNodeContents(e);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            const line = parseFloat(getComputedStyle(e).lineHeight);
            return {text: e.textContent, lines: tops.size, tall: e.getBoundingClientRect().height > line * 1.5,
                    inside: e.getBoundingClientRect().right <= e.parentElement.getBoundingClientRect().right + 1};
        })""")
        assert len(lines) >= 8
        broken = [v for v in lines if v["lines"] != 1 or v["tall"] or not v["inside"]]
        assert not broken, (width, broken)
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect(); return r.width && (r.right > innerWidth + 0.5 || r.left < -0.5); })
            .slice(0, 8).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().left)}..`
                                 + `${Math.round(e.getBoundingClientRect().right)}`)""")
        assert sideways <= 0, f"{width} px: the page is {sideways} px wider than the screen: {wide}"
        shot(page, f"dashboards-fa-{width}")


def test_the_first_and_last_month_under_a_chart_are_drawn_whole(crm: Server, page_for):
    with crm.ravand.sessions() as session:  # complaints in four months of autumn and winter 1402
        ctx = ravand_ctx(session, "seed")
        for n, month in enumerate((7, 8, 9, 10)):
            ctx.add(Complaint(tracking_code=f"CMP-MONTH{n}", category="billing", severity="low", channel="portal",
                              description=MARK, tier=1, breaches=0, status="closed",
                              created_at=tehran(jdatetime.date(1402, month, 10))), "complaint")
        session.commit()
    page = page_for("sales_manager", locale="fa-IR")
    for width in (1360, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/app/dashboards?period=y1402")
        expect(page.locator(".chart[data-drawn=true]")).to_have_count(page.locator(".chart").count())
        expect(page.locator("[data-testid=dash-complaints] table")).to_contain_text("دی ۱۴۰۲")
        assert cut_labels(page) == [], width


def cut_labels(page) -> list:
    """The months (and other labels) under a chart's bars and points that stick out of its canvas: the first
    and last Jalali month were drawn half outside, «آذر ۱۴۰۵» read «آذر ۵»."""
    return page.evaluate("""() => [...document.querySelectorAll('.chart canvas')].flatMap((c) => {
        const chart = c.ravandChart;
        return Object.values(chart.scales).filter((s) => s.isHorizontal()).flatMap((s) => s.getLabelItems()
          .filter((item) => !item.options.rotation).map((item) => {
            chart.ctx.save(); chart.ctx.font = item.font.string;
            const width = Math.max(...[].concat(item.label).map((l) => chart.ctx.measureText(String(l)).width));
            chart.ctx.restore();
            const x = item.options.translation[0], align = item.options.textAlign;
            const left = align === 'center' ? x - width / 2 : align === 'right' ? x - width : x;
            const out = left < -0.5 || left + width > chart.width + 0.5;
            return out ? `${c.getAttribute('aria-label')}: ${item.label}` : null;
          }).filter(Boolean));
      })""")


def test_days_typed_in_persian_digits_and_gregorian_quarters_in_english(seasons: Server, page_for):
    page = page_for("sales_manager", locale="fa-IR")
    page.goto("/app/dashboards")
    page.get_by_test_id("dash-period").select_option("custom")
    page.get_by_test_id("dash-from").fill("۱۴۰۴/۰۱/۰۱")
    page.get_by_test_id("dash-to").fill("۱۴۰۴/۰۳/۳۱")
    page.get_by_test_id("dash-apply").click()
    expect(page).to_have_url(re.compile(r"period=custom"))
    expect(kpi(page, "kpi-opportunities")).to_have_text("۳")
    expect(page.get_by_test_id("dash-range")).to_contain_text("۱ فروردین ۱۴۰۴")
    page.get_by_test_id("dash-to").fill("۱۴۰۴/۱۲/۳۰")  # 1404 has no Esfand 30: the server says so in Persian
    page.get_by_test_id("dash-apply").click()
    problem = page.get_by_test_id("filter-errors")
    expect(problem).to_contain_text("این تاریخ شمسی وجود ندارد")
    expect(problem).to_contain_text("تا")
    expect(page.get_by_test_id("dash-to")).to_have_attribute("aria-invalid", "true")

    english = page_for("manager_en")
    english.goto("/app/dashboards")
    options = english.get_by_test_id("dash-period").locator("option")
    expect(options.filter(has_text="Q2 2025 (April–June)")).to_have_count(1)
    with english.expect_request(re.compile(r"/api/v1/reports/funnel\?")) as asked:
        english.get_by_test_id("dash-period").select_option("q2025-2")
    days = parse_qs(urlparse(asked.value.url).query)
    assert days["from"] == ["2025-04-01"] and days["to"] == ["2025-06-30"] and days["calendar"] == ["gregorian"]
    expect(kpi(english, "kpi-opportunities")).to_have_text("3")  # the second, third and summer's, in Tehran's days
    expect(kpi(english, "kpi-satisfaction")).to_have_text("5 of 5")
    shot(english, "dashboards-en-q2-2025")


def test_a_persian_manager_sets_a_target_for_a_jalali_month_and_sees_it_reached(crm: Server, page_for):
    from crm.clock import utcnow

    today = jdatetime.date.fromgregorian(date=utcnow().astimezone(TEHRAN).date())
    page = page_for("sales_manager", locale="fa-IR")
    page.goto(f"/app/dashboards?period=m{today.year}-{today.month}")
    card = page.get_by_test_id("dash-targets")
    expect(card.get_by_test_id("target-row").first).to_be_visible()
    form = card.get_by_test_id("target-form")
    form.get_by_test_id("target-who").select_option("owner:parvin")
    form.get_by_test_id("target-amount").fill("صد")
    form.get_by_test_id("target-save").click()
    expect(form.locator("[data-field=amount] .field-error")).to_contain_text("هدف را به ریال")
    form.get_by_test_id("target-amount").fill("۵۰۰٬۰۰۰٬۰۰۰")
    form.get_by_test_id("target-save").click()
    row = card.locator("[data-testid=target-row][data-who=parvin]")
    expect(row).to_contain_text("۵۰۰٬۰۰۰٬۰۰۰")
    expect(row.get_by_test_id("target-percent")).to_contain_text("۰")
    shot(page, "dashboards-fa-targets")
    english = page_for("employee")  # alice, sales: reads the targets, sets none
    english.goto(f"/app/dashboards?period=m{today.togregorian().year}-{today.togregorian().month}")
    expect(english.get_by_test_id("dash-targets").get_by_test_id("target-row").first).to_be_visible()
    expect(english.get_by_test_id("target-form")).to_have_count(0)
