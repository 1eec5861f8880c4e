"""Reports over hand-made records, on each database: the funnel's reach, conversion, days in stage and
forecast; complaints' breaches, handling and satisfaction; referrals; Gregorian and Jalali months; CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import func, select

from crm import lead_reports, reports
from crm.errors import InvalidRecord
from crm.funnel import Funnel
from crm.jalali import month_of
from crm.models import Complaint, ComplaintHandling, Customer, Lead, LeadCall, Opportunity, Referral, StageVisit
from crm.unit import Ctx
from tests.conftest import Database

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
_serial = count(1)


@pytest.fixture
def ctx(crm_db: Database) -> Iterator[Ctx]:
    with crm_db.sessions() as session:
        yield Ctx(session, "tester")


def customer(ctx: Ctx, name: str = "Alborz Trading") -> Customer:
    n = next(_serial)
    return ctx.add(Customer(kind="company", company_name=name, name_key=name.lower(), interests=[], status="actual",
                            referral_code=f"R{n:06d}", locale="fa"), "customer")


def opportunity(ctx: Ctx, who: Customer, amount: int, stays: list[tuple[str, int, int | None]],
                owner: str = "bob", created: datetime = T0) -> Opportunity:
    """``stays``: (stage, entered on day, left on day or None); the last stay is where it rests now."""
    last = stays[-1]
    record = ctx.add(Opportunity(customer_id=who.id, title="deal", stage=last[0], amount=amount, probability=0,
                                 owner=owner, stage_entered_at=T0 + last[1] * DAY, created_at=created,
                                 closed_at=T0 + last[1] * DAY if last[0] in ("won", "lost") else None),
                     "opportunity")
    for stage, entered, left in stays:
        ctx.add(StageVisit(opportunity_id=record.id, stage=stage, entered_at=T0 + entered * DAY,
                           left_at=None if left is None else T0 + left * DAY), "opportunity_stage")
    return record


@pytest.fixture
def sales(ctx: Ctx) -> Ctx:
    who = customer(ctx)
    opportunity(ctx, who, 100_000_000, [("prospecting", 0, 2), ("qualification", 2, 5), ("proposal", 5, 10),
                                        ("negotiation", 10, 12), ("won", 12, None)], owner="alice")
    opportunity(ctx, who, 50_000_000, [("prospecting", 0, 4), ("qualification", 4, 6), ("lost", 6, None)])
    opportunity(ctx, who, 20_000_000, [("qualification", 0, None)])  # opened straight at qualification
    opportunity(ctx, who, 40_000_000, [("prospecting", 0, 1), ("proposal", 1, None)])  # skipped qualification
    opportunity(ctx, who, 999_000_000, [("negotiation", 0, None)], created=datetime(2026, 9, 1, tzinfo=UTC))
    return ctx


def test_funnel_reach_conversion_time_in_stage_and_forecast(sales: Ctx) -> None:
    report = reports.funnel(sales.session, since=date(2026, 11, 1), now=T0 + 10 * DAY)
    stages = {row["stage"]: row for row in report["stages"]}
    assert [row["stage"] for row in report["stages"]] == ["prospecting", "qualification", "proposal", "negotiation",
                                                          "won", "lost"]
    assert {s: r["count"] for s, r in stages.items()} == {"prospecting": 4, "qualification": 4, "proposal": 2,
                                                          "negotiation": 1, "won": 1, "lost": 1}
    assert {s: r["conversion_rate"] for s, r in stages.items()} == {
        "prospecting": None, "qualification": 100.0, "proposal": 50.0, "negotiation": 50.0, "won": 100.0,
        "lost": 25.0}
    # finished stays, and stays still open measured up to "now" (day 10)
    assert {s: r["avg_days_in_stage"] for s, r in stages.items()} == {
        "prospecting": round(7 / 3, 2), "qualification": 5.0, "proposal": 7.0, "negotiation": 2.0, "won": None,
        "lost": None}
    assert {s: (r["amount"], r["in_stage"]) for s, r in stages.items()} == {
        "prospecting": (0, 0), "qualification": (20_000_000, 1), "proposal": (40_000_000, 1),
        "negotiation": (0, 0), "won": (100_000_000, 1), "lost": (50_000_000, 1)}
    assert report["total"] == 4
    assert report["forecast"] == 20_000_000 * 25 // 100 + 40_000_000 * 50 // 100
    assert report["open_amount"] == 60_000_000


def test_funnel_without_a_period_and_per_owner(sales: Ctx) -> None:
    everything = reports.funnel(sales.session, now=T0 + 10 * DAY)
    assert everything["total"] == 5 and everything["open_amount"] == 60_000_000 + 999_000_000
    assert everything["forecast"] == 25_000_000 + 999_000_000 * 75 // 100
    alice = reports.funnel(sales.session, owner="alice", now=T0 + 10 * DAY)
    assert alice["total"] == 1 and [r["count"] for r in alice["stages"]] == [1, 1, 1, 1, 1, 0]
    before = reports.funnel(sales.session, until=datetime(2026, 10, 1, tzinfo=UTC))
    assert before["total"] == 1 and before["stages"][3]["in_stage"] == 1


def test_an_empty_funnel(ctx: Ctx) -> None:
    report = reports.funnel(ctx.session)
    assert report["total"] == 0 and report["forecast"] == 0 and report["open_amount"] == 0
    assert all(r["count"] == 0 and r["conversion_rate"] is None and r["avg_days_in_stage"] is None
               for r in report["stages"])


def complaint(ctx: Ctx, created: datetime, tier: int, *, assignee: str | None, breaches: int = 0,
              closed: datetime | None = None, handling: int | None = None, satisfaction: int | None = None,
              resolved: datetime | None = None) -> None:
    n = next(_serial)
    ctx.add(Complaint(tracking_code=f"CMP-{n:05d}", category="billing", severity="high", channel="portal",
                      description="late invoice", tier=tier, assignee=assignee, breaches=breaches,
                      status="closed" if closed else "open", handling_seconds=handling, satisfaction=satisfaction,
                      closed_at=closed, resolved_at=resolved, created_at=created), "complaint")
    if assignee:  # the handling history the per-employee figures read
        steps = [("claimed", None)] + [("resolved", handling)] * bool(closed) + [("handed_over", None)] * bool(breaches)
        for action, seconds in steps:
            ctx.add(ComplaintHandling(complaint_id=n_id(ctx), at=created, user=assignee, action=action, tier=tier,
                                      working_seconds=seconds), "complaint_handling")


def n_id(ctx: Ctx) -> int:
    return ctx.session.scalar(select(func.max(Complaint.id)))


@pytest.fixture
def support(ctx: Ctx) -> Ctx:
    at = lambda *parts: datetime(*parts, tzinfo=UTC)  # noqa: E731
    complaint(ctx, at(2026, 11, 23, 10), 1, assignee="alice", closed=at(2026, 11, 24, 8), handling=7200,
              satisfaction=5)                                                          # 1405-09-02
    complaint(ctx, at(2026, 11, 22, 23, 30), 2, assignee="bob", breaches=2)            # 1405-09-01
    complaint(ctx, at(2026, 11, 21, 6), 1, assignee="alice", breaches=1)               # 1405-08-30
    complaint(ctx, at(2026, 10, 5, 12), 3, assignee="bob", closed=at(2026, 11, 2, 9), handling=36000,
              satisfaction=3)                                                          # 1405-07-13
    complaint(ctx, at(2026, 11, 20, 12), 1, assignee=None)                             # 1405-08-29
    complaint(ctx, at(2026, 11, 20, 13), 2, assignee=None, resolved=at(2026, 11, 20, 14))  # resolved: not open
    return ctx


def test_jalali_months() -> None:
    assert month_of(date(2026, 11, 23), "jalali") == "1405-09"
    assert month_of(date(2026, 11, 21), "jalali") == "1405-08"
    assert month_of(date(2026, 11, 23)) == "2026-11"


def test_complaint_figures(support: Ctx) -> None:
    report = reports.complaints(support.session)
    assert report["open_by_tier"] == {"1": 2, "2": 1}
    assert (report["received"], report["sla_breaches"], report["breaches_total"]) == (6, 2, 3)
    assert report["avg_handling_hours"] == 6.0 and report["satisfaction"] == 4.0
    assert report["per_employee"] == [
        {"assignee": "alice", "handled": 2, "resolved": 1, "closed": 1, "avg_handling_hours": 2.0,
         "satisfaction": 5.0, "breaches": 1},
        {"assignee": "bob", "handled": 2, "resolved": 1, "closed": 1, "avg_handling_hours": 10.0,
         "satisfaction": 3.0, "breaches": 1},
    ]
    assert report["by_month"] == [
        {"month": "2026-10", "received": 1, "closed": 0, "breaches": 0},
        {"month": "2026-11", "received": 5, "closed": 2, "breaches": 2},
    ]


def test_complaints_by_jalali_month_and_period(support: Ctx) -> None:
    jalali = reports.complaints(support.session, calendar="jalali")
    assert jalali["by_month"] == [
        {"month": "1405-07", "received": 1, "closed": 0, "breaches": 0},
        {"month": "1405-08", "received": 3, "closed": 1, "breaches": 1},
        {"month": "1405-09", "received": 2, "closed": 1, "breaches": 1},
    ]
    november = reports.complaints(support.session, since=date(2026, 11, 1), until=date(2026, 12, 1))
    assert november["received"] == 5 and november["avg_handling_hours"] == 2.0
    assert november["by_month"] == [{"month": "2026-11", "received": 5, "closed": 2, "breaches": 2}]
    empty = reports.complaints(support.session, since=date(2030, 1, 1))
    assert empty["avg_handling_hours"] is None and empty["satisfaction"] is None and empty["by_month"] == []


def referral(ctx: Ctx, referrer: Customer, created: datetime, status: str, *, points: int | None = None,
             rewarded: datetime | None = None) -> None:
    ctx.add(Referral(code=referrer.referral_code, referrer_id=referrer.id, referred_name="Omid", status=status,
                     reward_kind="points" if points else None, reward_value=points, rewarded_at=rewarded,
                     created_at=created), "referral")


def test_referral_figures_by_month(ctx: Ctx) -> None:
    who = customer(ctx)
    at = lambda *parts: datetime(*parts, tzinfo=UTC)  # noqa: E731
    referral(ctx, who, at(2026, 11, 23, 8), "purchased")
    referral(ctx, who, at(2026, 11, 21, 8), "rewarded", points=500, rewarded=at(2026, 11, 25, 8))
    referral(ctx, who, at(2026, 11, 22, 8), "pending")
    referral(ctx, who, at(2026, 10, 1, 8), "expired")
    report = reports.referrals(ctx.session)
    assert {k: v for k, v in report.items() if k != "by_month"} == {
        "referrals": 4, "conversions": 2, "conversion_rate": 50.0, "rewards": 1, "points": 500}
    assert report["by_month"] == [{"month": "2026-10", "referrals": 1, "conversions": 0},
                                  {"month": "2026-11", "referrals": 3, "conversions": 2}]
    jalali = reports.referrals(ctx.session, calendar="jalali")
    assert jalali["by_month"] == [{"month": "1405-07", "referrals": 1, "conversions": 0},
                                  {"month": "1405-08", "referrals": 1, "conversions": 1},
                                  {"month": "1405-09", "referrals": 2, "conversions": 1}]
    late = reports.referrals(ctx.session, since=at(2026, 11, 24))
    assert (late["referrals"], late["conversion_rate"], late["rewards"], late["points"]) == (0, None, 1, 500)


def test_bad_periods_and_calendars_are_refused(ctx: Ctx) -> None:
    with pytest.raises(InvalidRecord) as caught:
        reports.complaints(ctx.session, since=date(2026, 12, 1), until=date(2026, 11, 1))
    assert "until" in caught.value.field_errors
    with pytest.raises(InvalidRecord) as caught:
        reports.referrals(ctx.session, calendar="lunar")
    assert "calendar" in caught.value.field_errors


def test_csv_has_a_header_and_defuses_formulas() -> None:
    rows: list[dict[str, Any]] = [{"assignee": "=HYPERLINK(1)", "handled": 2, "satisfaction": None},
                                  {"assignee": "سارا;=1+2", "handled": 1, "satisfaction": 4.5, "extra": {"a": 1}}]
    text = reports.to_csv(rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [["assignee", "handled", "satisfaction", "extra"], ["'=HYPERLINK(1)", "2", "", ""],
                      ["سارا;'=1+2", "1", "4.5", '{"a": 1}']]
    assert '"سارا;\'=1+2"' in text  # text is quoted: one cell whatever separator a spreadsheet splits on
    assert reports.to_csv([], ["month", "received"]) == "month,received\r\n"
    assert reports.to_csv(rows, ["handled"]).splitlines() == ["handled", "2", "1"]


# -- reports that start at the lead ---------------------------------------------------------------

def lead(ctx: Ctx, on: datetime, status: str, source: str, *, product: str | None = "software",
         group: str = "sales", reason: str | None = None, caller: str | None = None,
         nurtured_by: str | None = None) -> Lead:
    """A lead that came in ``on``; ``caller`` called it (a ``LeadCall``); a disqualified one changed last then."""
    record = ctx.add(Lead(person_name="سرنخ", name_key="lead", source=source, product=product, sales_group=group,
                          estimated_revenue=10_000_000, budget_confirmed=False, authority=False, status=status,
                          disqualify_reason=reason, recontact_by=nurtured_by, created_at=on), "lead")
    if caller:
        ctx.add(LeadCall(lead_id=record.id, at=on + DAY, by=caller, outcome="nurture"), "lead_call")
    record.updated_at = on + 2 * DAY
    ctx.session.flush()
    return record


@pytest.fixture
def pipeline(ctx: Ctx) -> Ctx:
    """Five leads in Aban 1405 / November 2026 (one in Azar), one in September; their deals; a lost upsell."""
    who = customer(ctx)
    won = lead(ctx, T0, "qualified", "web_form")
    opportunity(ctx, who, 100_000_000, [("qualification", 0, 3), ("proposal", 3, 5), ("won", 5, None)],
                owner="alice").lead_id = won.id
    lost = lead(ctx, T0 + DAY, "qualified", "phone", product="hardware", group="sales-regions")
    deal = opportunity(ctx, who, 50_000_000, [("qualification", 1, 4), ("lost", 4, None)])
    deal.lead_id, deal.loss_reason = lost.id, "price"
    lead(ctx, T0 + 2 * DAY, "disqualified", "web_form", reason="no_budget", caller="carol")
    lead(ctx, T0 + 3 * DAY, "nurture", "referral", product=None, nurtured_by="dave")
    lead(ctx, T0 + 24 * DAY, "qualifying", "phone", caller="erin")  # 2026-11-25: Azar 1405
    earlier = lead(ctx, datetime(2026, 9, 5, tzinfo=UTC), "qualified", "phone")
    opportunity(ctx, who, 7, [("qualification", 0, 1), ("won", 1, None)],
                created=datetime(2026, 9, 6, tzinfo=UTC)).lead_id = earlier.id
    upsell = opportunity(ctx, who, 30_000_000, [("proposal", 0, 6), ("lost", 6, None)])  # no lead
    upsell.loss_reason = "competitor"
    lead(ctx, T0 + 40 * DAY, "disqualified", "campaign", reason="competitor")
    ctx.session.flush()
    return ctx


def test_lead_funnel_from_the_lead_to_won(pipeline: Ctx) -> None:
    report = lead_reports.lead_funnel(pipeline.session, since=date(2026, 11, 1), until=date(2026, 12, 1))
    assert [s["step"] for s in report["steps"]] == ["leads", "qualified", "prospecting", "qualification", "proposal",
                                                    "negotiation", "won"]
    assert [s["count"] for s in report["steps"]] == [5, 2, 2, 2, 1, 1, 1]
    assert [s["conversion_rate"] for s in report["steps"]] == [None, 40.0, 100.0, 100.0, 50.0, 100.0, 100.0]
    assert [s["from_leads"] for s in report["steps"]] == [100.0, 40.0, 40.0, 40.0, 20.0, 20.0, 20.0]
    assert [s["chance"] for s in report["steps"]] == [None, None, 10, 25, 50, 75, 100]
    assert {k: report["counts"][k] for k in ("disqualified", "nurture", "open", "lost")} == {
        "disqualified": 1, "nurture": 1, "open": 1, "lost": 1}
    assert (report["qualification_rate"], report["win_rate"]) == (40.0, 20.0)
    months = {row["month"]: row["counts"] for row in report["by_month"]}
    assert list(months) == ["2026-11"] and months["2026-11"]["leads"] == 5
    jalali = lead_reports.lead_funnel(pipeline.session, since=date(2026, 11, 1), until=date(2026, 12, 1),
                                      calendar="jalali")
    assert {row["month"]: (row["counts"]["leads"], row["counts"]["won"]) for row in jalali["by_month"]} == {
        "1405-08": (4, 1), "1405-09": (1, 0)}
    everything = lead_reports.lead_funnel(pipeline.session)
    assert everything["counts"]["leads"] == 7 and everything["counts"]["won"] == 2


def test_lead_funnel_per_owner_source_and_group(pipeline: Ctx) -> None:
    period = {"since": date(2026, 11, 1), "until": date(2026, 12, 1)}
    owners = lead_reports.lead_funnel(pipeline.session, group_by="owner", **period)["groups"]
    # the deal's owner, else who called last, else who nurtured it
    assert {g["group"]: (g["counts"]["leads"], g["counts"]["won"]) for g in owners} == {
        "alice": (1, 1), "bob": (1, 0), "carol": (1, 0), "dave": (1, 0), "erin": (1, 0)}
    sources = lead_reports.lead_funnel(pipeline.session, group_by="source", locale="fa", **period)["groups"]
    assert [(g["group"], g["label"], g["counts"]["leads"], g["qualification_rate"]) for g in sources] == [
        ("phone", "تماس تلفنی", 2, 50.0), ("web_form", "فرم وب‌سایت", 2, 50.0), ("referral", "معرفی مشتریان", 1, 0.0)]
    products = lead_reports.lead_funnel(pipeline.session, group_by="product", **period)["groups"]
    assert [(g["group"], g["label"]) for g in products] == [("software", "Software"), ("hardware", "Hardware"),
                                                            (None, "(none)")]
    groups = lead_reports.lead_funnel(pipeline.session, group_by="sales_group", **period)["groups"]
    assert {g["group"]: g["counts"]["qualified"] for g in groups} == {"sales": 1, "sales-regions": 1}
    rows, columns = lead_reports.lead_funnel_table(
        lead_reports.lead_funnel(pipeline.session, group_by="source", **period), "groups")
    assert columns[:4] == ["group", "label", "leads", "qualified"] and rows[0]["leads"] == 2
    with pytest.raises(InvalidRecord) as refused:
        lead_reports.lead_funnel(pipeline.session, group_by="region")
    assert "group_by" in refused.value.field_errors


def test_lead_funnel_follows_the_configured_stages(ctx: Ctx) -> None:
    funnel = Funnel.parse(["contact:10", "demo:40", "contract:80"])
    who = customer(ctx)
    one = lead(ctx, T0, "qualified", "phone")
    opportunity(ctx, who, 5, [("contact", 0, 1), ("demo", 1, None)]).lead_id = one.id
    lead(ctx, T0, "new", "phone")
    ctx.session.flush()
    report = lead_reports.lead_funnel(ctx.session, funnel=funnel)
    assert [(s["step"], s["count"], s["chance"]) for s in report["steps"]] == [
        ("leads", 2, None), ("qualified", 1, None), ("contact", 1, 10), ("demo", 1, 40), ("contract", 0, 80),
        ("won", 0, 100)]
    deals = reports.funnel(ctx.session, stages=funnel)  # the opportunities' funnel follows the same setting
    assert [(row["stage"], row["count"]) for row in deals["stages"]] == [
        ("contact", 1), ("demo", 1), ("contract", 0), ("won", 0), ("lost", 0)]
    assert deals["forecast"] == 2  # 5 rials at demo's 40 %
    empty = lead_reports.lead_funnel(ctx.session, funnel=funnel, since=date(2030, 1, 1))
    assert empty["counts"]["leads"] == 0 and empty["steps"][1]["conversion_rate"] is None
    assert empty["by_month"] == [] and empty["qualification_rate"] is None


def test_why_leads_and_deals_are_lost(pipeline: Ctx) -> None:
    report = lead_reports.lost_reasons(pipeline.session, since=date(2026, 11, 1), locale="fa")
    disqualified, lost = report["disqualified"], report["lost"]
    assert (disqualified["total"], lost["total"], lost["amount"]) == (2, 2, 80_000_000)
    assert [(r["reason"], r["label"], r["count"], r["share"]) for r in disqualified["reasons"][:3]] == [
        ("no_budget", "بودجه ندارد", 1, 50.0), ("competitor", "از رقیب می‌خرد", 1, 50.0),
        ("no_need", "نیازی ندارد", 0, 0.0)]
    assert [(r["reason"], r["count"], r["amount"]) for r in lost["reasons"][:3]] == [
        ("price", 1, 50_000_000), ("competitor", 1, 30_000_000), ("timing", 0, 0)]
    assert len(lost["reasons"]) == 6  # every active reason, counted or not
    english = lead_reports.lost_reasons(pipeline.session, since=date(2026, 11, 1), until=date(2026, 12, 1),
                                        calendar="jalali")
    assert english["disqualified"]["total"] == 1 and english["lost"]["reasons"][0]["label"] == "Price"
    assert {(r["month"], r["kind"], r["reason"], r["count"]) for r in english["by_month"]} == {
        ("1405-08", "disqualified", "no_budget", 1), ("1405-08", "lost", "price", 1),
        ("1405-08", "lost", "competitor", 1)}
    rows, columns = lead_reports.lost_reasons_table(english, "reasons")
    assert columns == ["kind", "reason", "label", "count", "share", "amount"] and len(rows) == 7 + 6
    with pytest.raises(InvalidRecord):
        lead_reports.lost_reasons(pipeline.session, locale="de")
