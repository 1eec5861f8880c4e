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

from crm import reports
from crm.errors import InvalidRecord
from crm.jalali import month_of
from crm.models import Complaint, Customer, Opportunity, Referral, StageVisit
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
        {"assignee": "alice", "handled": 2, "closed": 1, "avg_handling_hours": 2.0, "satisfaction": 5.0,
         "breaches": 1},
        {"assignee": "bob", "handled": 2, "closed": 1, "avg_handling_hours": 10.0, "satisfaction": 3.0,
         "breaches": 1},
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
