"""The dashboards' period filter and drill-down over HTTP, on each database: a Jalali quarter given as days is
counted from Tehran's midnight to Tehran's midnight (the company's time zone), the monthly series fold days in
that zone, and the lists the charts open narrow to the same records (created_from/created_to, reached,
breached, converted); bad periods are problems, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from api.composition import ravand_ctx
from crm import reports
from crm.models import Complaint, Customer, Opportunity, Referral, StageVisit
from tests.api.conftest import Api

TEHRAN = ZoneInfo("Asia/Tehran")
PROBLEM = "application/problem+json"


def tehran_midnight(day: jdatetime.date) -> datetime:
    return datetime.combine(day.togregorian(), datetime.min.time(), tzinfo=TEHRAN).astimezone(UTC)


# 1405's first quarter (spring: Farvardin to Khordad) by jdatetime, its ends at Tehran's midnights
Q1_START = tehran_midnight(jdatetime.date(1405, 1, 1))
Q1_END = tehran_midnight(jdatetime.date(1405, 4, 1))
MINUTE = timedelta(minutes=1)
# (title, created, stage now, stages visited, complaint breaches, referral status)
RECORDS = (
    ("before", Q1_START - MINUTE, "negotiation", ("proposal", "negotiation"), 1, "purchased"),
    ("first", Q1_START, "negotiation", ("proposal", "negotiation"), 2, "rewarded"),
    ("last", Q1_END - MINUTE, "lost", ("proposal", "lost"), 0, "pending"),
    ("after", Q1_END, "proposal", ("proposal",), 1, "purchased"),
)


def test_a_jalali_quarter_in_tehran_by_jdatetime() -> None:
    first, last = jdatetime.date(1405, 1, 1).togregorian(), jdatetime.date(1405, 3, 31).togregorian()
    assert (first, last) == (date(2026, 3, 21), date(2026, 6, 21))
    window = reports.days(first, last, "Asia/Tehran")
    assert window == {"since": Q1_START, "until": Q1_END}
    assert window["since"] == datetime(2026, 3, 20, 20, 30, tzinfo=UTC)  # Tehran is UTC+3:30, no summer time
    assert reports.days(None, None, "Asia/Tehran") == {"since": None, "until": None}


@pytest.fixture
def quarter(api: Api) -> Api:
    ravand = api.app.extensions["ravand"]
    with ravand.sessions() as session:
        ctx = ravand_ctx(session, "seed")
        who = ctx.add(Customer(kind="person", person_name="سارا احمدی", name_key="سارا احمدی", interests=[],
                               status="actual", referral_code="RQ1", locale="fa"), "customer")
        for n, (title, at, stage, visited, breaches, status) in enumerate(RECORDS):
            deal = ctx.add(Opportunity(customer_id=who.id, title=title, stage=stage, amount=10_000_000, probability=50,
                                       owner="alice", stage_entered_at=at, created_at=at), "opportunity")
            for step in visited:
                ctx.add(StageVisit(opportunity_id=deal.id, stage=step, entered_at=at), "opportunity_stage")
            ctx.add(Complaint(tracking_code=f"CMP-Q1{n}", category="billing", severity="high", channel="portal",
                              description=title, tier=1 + n % 2, breaches=breaches, status="in_progress",
                              created_at=at), "complaint")
            ctx.add(Referral(code="RQ1", referrer_id=who.id, referred_name=title, status=status, created_at=at),
                    "referral")
        session.commit()
    return api


def get(api: Api, path: str, who: str = "admin") -> Any:
    answer = api.call("GET", path, who)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


QUARTERS = ("from=1405-01-01&to=1405-03-31", "from=۱۴۰۵/۰۱/۰۱&to=۱۴۰۵/۰۳/۳۱", "from=2026-03-21&to=2026-06-21")


@pytest.mark.parametrize("days", QUARTERS)
def test_reports_count_a_jalali_quarter_from_tehran_midnight(quarter: Api, days: str) -> None:
    funnel = get(quarter, f"/api/v1/reports/funnel?{days}")
    assert funnel["total"] == 2
    counts = {s["stage"]: s["count"] for s in funnel["stages"]}
    assert counts["proposal"] == 2 and counts["negotiation"] == 1 and counts["lost"] == 1
    complaints = get(quarter, f"/api/v1/reports/complaints?{days}&calendar=jalali")
    assert complaints["received"] == 2 and complaints["sla_breaches"] == 1
    # the first minute of Farvardin is still Esfand 29 in Greenwich: the months fold Tehran's days
    assert [m["month"] for m in complaints["by_month"]] == ["1405-01", "1405-03"]
    referrals = get(quarter, f"/api/v1/reports/referrals?{days}&calendar=jalali")
    assert referrals["referrals"] == 2 and referrals["conversions"] == 1
    assert referrals["by_month"] == [{"month": "1405-01", "referrals": 1, "conversions": 1},
                                     {"month": "1405-03", "referrals": 1, "conversions": 0}]
    everything = get(quarter, "/api/v1/reports/funnel")
    assert everything["total"] == 4


def test_the_lists_open_the_records_behind_a_figure(quarter: Api) -> None:
    days = "created_from=1405-01-01&created_to=1405-03-31"
    titles = lambda page: sorted(item["title"] for item in page["items"])  # noqa: E731
    assert titles(get(quarter, f"/api/v1/opportunities?{days}")) == ["first", "last"]
    assert titles(get(quarter, f"/api/v1/opportunities?{days}&reached=proposal")) == ["first", "last"]
    assert titles(get(quarter, f"/api/v1/opportunities?{days}&reached=negotiation")) == ["first"]
    assert titles(get(quarter, f"/api/v1/opportunities?{days}&reached=lost")) == ["last"]
    assert titles(get(quarter, "/api/v1/opportunities?reached=negotiation&sort=title")) == ["before", "first"]
    page = get(quarter, f"/api/v1/opportunities?{days}&limit=1&offset=1&sort=-title")
    assert page["total"] == 2 and [i["title"] for i in page["items"]] == ["first"]  # paging and sorting kept

    codes = lambda page: sorted(item["tracking_code"] for item in page["items"])  # noqa: E731
    assert codes(get(quarter, f"/api/v1/complaints?{days}")) == ["CMP-Q11", "CMP-Q12"]
    assert codes(get(quarter, f"/api/v1/complaints?{days}&breached=true")) == ["CMP-Q11"]
    assert codes(get(quarter, f"/api/v1/complaints?{days}&breached=false")) == ["CMP-Q12"]
    assert codes(get(quarter, f"/api/v1/complaints?{days}&status=open&tier=2")) == ["CMP-Q11"]

    names = lambda page: sorted(item["referred_name"] for item in page["items"])  # noqa: E731
    assert names(get(quarter, f"/api/v1/referrals?{days}")) == ["first", "last"]
    assert names(get(quarter, f"/api/v1/referrals?{days}&status=converted")) == ["first"]
    assert names(get(quarter, "/api/v1/referrals?status=converted")) == ["after", "before", "first"]


def test_an_export_keeps_the_drill_down(quarter: Api) -> None:
    answer = quarter.call("GET", "/api/v1/exports/opportunities?created_from=1405-01-01&created_to=1405-03-31"
                                 "&reached=negotiation&format=csv", "admin")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_data(as_text=True)
    assert "first" in body and "last" not in body and "before" not in body


BAD = (
    "/api/v1/reports/funnel?from=1405-13-01",
    "/api/v1/reports/funnel?from=yesterday",
    "/api/v1/reports/complaints?from=1405-03-31&to=1405-01-01",
    "/api/v1/reports/referrals?from=1405-01-01&since=2026-03-21",
    "/api/v1/reports/lead-funnel?to=1405-12-30",  # 1405 is no leap year: Esfand has 29 days
    "/api/v1/opportunities?reached=nowhere",
    "/api/v1/opportunities?created_from=1405-07-31",
    "/api/v1/complaints?breached=sometimes",
    "/api/v1/complaints?created_to=2026-02-30",
    "/api/v1/referrals?status=bought",
)


@pytest.mark.parametrize("path", BAD)
def test_bad_periods_and_filters_are_problems(quarter: Api, path: str) -> None:
    answer = quarter.call("GET", path, "admin")
    assert answer.status_code in (400, 422), (path, answer.status_code)
    assert answer.content_type == PROBLEM
