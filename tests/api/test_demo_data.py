"""``ravand demo``'s records on a fresh SQLite database: loaded once, through the real processes, they show
every path of the four CRM processes (leads, deals, complaints, contracts, referrals), spread over months so
that the reports have a history, and each demo employee finds work in their task list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from api.composition import Ravand, build
from api.demo_data import PEOPLE, load_demo_data
from config import load_settings
from crm import reports
from crm.models import (
    Complaint,
    ComplaintHandling,
    Contract,
    ContractCode,
    ContractDecision,
    Customer,
    Lead,
    LoyaltyEntry,
    Opportunity,
    Purchase,
    Referral,
    ReferralAttempt,
    Voucher,
)
from engine.store.models import HumanTask, Incident, ProcessInstance
from engine.tasks import TaskQuery

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ravand]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'ravand.sqlite'}"
    settings = load_settings(environ={}, database_url=url, secret_key="test-secret-key-for-tests-only",
                             script_isolation=False, scheduler_enabled=False)
    ravand = build(settings, migrate=True)
    assert load_demo_data(ravand) is True
    assert load_demo_data(ravand) is False  # only once: it finds customers
    yield ravand
    ravand.database.dispose()


def _all(ravand: Ravand, stmt: Any) -> list[Any]:
    with ravand.sessions() as session:
        return list(session.execute(stmt).all())


def _open_tasks(ravand: Ravand, element: str) -> list[HumanTask]:
    with ravand.sessions() as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.element_id == element,
                                                            HumanTask.state.in_(("ready", "claimed")))))


def test_every_process_ran_without_an_incident(demo: Ravand) -> None:
    assert _all(demo, select(func.count()).select_from(Incident)) == [(0,)]
    states = dict(_all(demo, select(ProcessInstance.state, func.count()).group_by(ProcessInstance.state)))
    assert states.get("failed") is None and states["completed"] >= 30 and states["running"] >= 20


def test_leads_on_every_path(demo: Ravand) -> None:
    leads = _all(demo, select(Lead.person_name, Lead.status, Lead.disqualify_reason, Lead.recontact_by,
                              Lead.source, Lead.product, Lead.region, Lead.sales_group))
    assert {row.disqualify_reason for row in leads if row.status == "disqualified"} >= {
        "no_budget", "competitor", "unreachable", "no_need"}
    assert any(row.status == "nurture" and row.recontact_by == "reza" for row in leads)
    typed_in_persian = next(row for row in leads if row.person_name == "مریم صالحی")
    assert tuple(typed_in_persian[4:]) == ("web_form", "software", "tehran", "sales")
    # nurtured, and the call came back to the rep who nurtured it
    assert any(task.assignee == "reza" and task.process_key == "lead_qualification"
               for task in _open_tasks(demo, "call"))
    # corrected from Kerman to Tehran: the regions' call was cancelled and sales got it
    corrected = next(row for row in leads if row.person_name == "Arash Naderi")
    assert (corrected.region, corrected.sales_group) == ("tehran", "sales")
    with demo.sessions() as session:
        groups = [task.candidate_groups for task in session.scalars(select(HumanTask).where(
            HumanTask.business_key.like("lead-%"), HumanTask.state == "cancelled"))]
    assert ["sales-regions"] in groups


def test_deals_at_every_stage_won_and_lost(demo: Ravand) -> None:
    deals = _all(demo, select(Opportunity.stage, Opportunity.kind, Opportunity.loss_reason, Opportunity.purchase_id,
                              Opportunity.id))
    assert {d.stage for d in deals} >= {"prospecting", "qualification", "proposal", "negotiation", "won", "lost"}
    assert {d.loss_reason for d in deals if d.stage == "lost"} >= {"price", "competitor", "no_decision"}
    assert any(d.stage == "won" and d.purchase_id for d in deals)
    assert {"upsell", "renewal"} <= {d.kind for d in deals}
    won_by_contract = _all(demo, select(Opportunity.stage, Customer.status).join(
        Contract, Contract.opportunity_id == Opportunity.id).join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.status == "signed"))
    assert won_by_contract == [("won", "actual")]


def test_complaints_on_every_path(demo: Ravand) -> None:
    rows = _all(demo, select(Complaint))
    complaints = [row[0] for row in rows]
    assert {c.kind for c in complaints} == {"complaint", "suggestion", "criticism"}
    closed = [c for c in complaints if c.status == "closed"]
    assert closed and all(c.public_resolution for c in closed)
    assert max(c.handling_seconds for c in closed) > 3600  # handled over hours, not seconds
    assert any(c.tier == 1 and c.satisfaction == 5 for c in closed)
    assert any(c.status == "escalated" and c.breaches >= 2 and c.tier == 3 for c in complaints)  # overdue twice
    assert any(c.status == "escalated" and c.breaches == 1 for c in complaints)
    assert any(c.status == "waiting_customer" for c in complaints)
    assert {"fa", "en"} <= {c.locale for c in complaints}
    portal = [c for c in complaints if c.channel == "portal"]
    assert any(c.customer_id for c in portal) and any(c.customer_id is None for c in portal)
    actions = {row.action for row in _all(demo, select(ComplaintHandling.action))}
    assert {"escalated", "handed_over", "waiting", "resolved", "reopened"} <= actions
    [follow_up] = _open_tasks(demo, "follow_up")
    assert "support-leads" in follow_up.candidate_groups


def test_contracts_on_every_path(demo: Ravand) -> None:
    contracts = [row[0] for row in _all(demo, select(Contract))]
    assert {c.status for c in contracts} >= {"signed", "sent", "rejected", "in_approval", "draft"}
    assert {c.signed_via for c in contracts if c.status == "signed"} >= {"code", "integration"}
    asked_changes = {row.contract_id for row in _all(demo, select(ContractDecision.contract_id)
                                                      .where(ContractDecision.decision == "changes"))}
    assert any(c.id in asked_changes and c.status == "signed" and c.revision >= 2 for c in contracts)
    waiting_code = _all(demo, select(Contract.status).join(ContractCode, ContractCode.contract_id == Contract.id)
                        .where(ContractCode.used_at.is_(None)))
    assert waiting_code == [("sent",)]
    assert _open_tasks(demo, "approve_finance") and _open_tasks(demo, "approve_legal")
    [by_hand] = _open_tasks(demo, "deliver_by_hand")
    assert by_hand.assignee == "sara"


def test_referrals_vouchers_and_points(demo: Ravand) -> None:
    referrals = _all(demo, select(Referral.status, Referral.reward_kind, Referral.reject_reason,
                                  Referral.qualified_at))
    assert {(r.status, r.reward_kind) for r in referrals} >= {("rewarded", "points"), ("rewarded", "discount")}
    assert any(r.status == "declined" and r.reject_reason for r in referrals)
    waiting = [r.qualified_at is None for r in referrals if r.status == "lead"]
    assert sorted(waiting) == [False, True]  # one waits for the first purchase, one for its lead's call
    vouchers = _all(demo, select(Voucher.redeemed_at).where(Voucher.referral_id.is_not(None)))
    assert len(vouchers) == 2 and sum(v.redeemed_at is not None for v in vouchers) == 1
    assert _all(demo, select(ReferralAttempt.reason).where(ReferralAttempt.outcome == "refused")) == [
        ("self_referral",)]
    assert any(points < 0 for (points,) in _all(demo, select(LoyaltyEntry.points)))


def test_spread_over_months_so_reports_mean_something(demo: Ravand) -> None:
    with demo.sessions() as session:
        months = {str(day)[:7] for (day,) in session.execute(select(Purchase.purchased_at))}
        complaint_report = reports.complaints(session)
        lead_months = {str(day)[:7] for (day,) in session.execute(select(Lead.created_at))}
    assert len(months) >= 6 and len(lead_months) >= 5
    assert len(complaint_report["by_month"]) >= 5 and complaint_report["sla_breaches"] >= 3
    # moved back in time, each story still happens in order
    for start, end in (_all(demo, select(Complaint.created_at, Complaint.closed_at))
                       + _all(demo, select(Opportunity.created_at, Opportunity.closed_at))
                       + _all(demo, select(Contract.created_at, Contract.signed_at))):
        assert end is None or start <= end


@pytest.mark.parametrize("who", ["sara", "reza", "maryam", "omid", "nima", "elham"])
def test_each_demo_employee_has_work_waiting(demo: Ravand, who: str) -> None:
    with demo.sessions() as session:
        found = demo.engine.tasks(session, TaskQuery(visible_to=PEOPLE[who]))
    assert found.total >= 1


def test_a_salespersons_week_of_activities(demo: Ravand) -> None:
    from datetime import timedelta

    from crm.activities import day_of
    from crm.clock import utcnow
    from crm.models import Activity

    kinds = dict(_all(demo, select(Activity.kind, func.count()).group_by(Activity.kind)))
    assert set(kinds) == {"call", "meeting", "note", "todo"}
    sources = {row.source for row in _all(demo, select(Activity.source))}
    assert "lead_call" in sources  # the qualification calls logged their own
    now = utcnow()
    with demo.sessions() as session:
        day = day_of(session, ["sara"], now - timedelta(hours=1), now + timedelta(hours=23))
        assert [a.subject for a in day.overdue] == ["تماس دوباره با صنایع غذایی البرز"]
        assert "ارسال پیش‌نویس تمدید قرارداد" in [a.subject for a in day.due]
        past = session.scalars(select(Activity).where(Activity.subject == "معرفی نرم‌افزار به مدیران پارس افزار")).one()
        assert past.done_at is not None and past.done_at < now - timedelta(days=160)  # moved to its day


def test_the_salespeople_have_targets_for_this_month_and_the_last(demo: Ravand) -> None:
    from crm.models import SalesTarget

    owners = [row.owner for row in _all(demo, select(SalesTarget.owner))]
    assert sorted(set(owners)) == ["john", "reza", "sara"] and len(owners) == 6


def test_a_campaign_sent_weeks_ago_with_its_return_and_a_draft_to_send(demo: Ravand) -> None:
    from datetime import timedelta

    from crm import campaigns
    from crm.clock import as_utc, utcnow
    from crm.models import Campaign, OptOut, Segment

    with demo.read_sessions() as session:
        assert len(session.scalars(select(Segment)).all()) == 3
        autumn = session.scalars(select(Campaign).where(Campaign.name == "جشنوارهٔ پاییزه")).one()
        spring = session.scalars(select(Campaign).where(Campaign.name == "پیش‌فروش بهاره")).one()
        report = campaigns.report(session, autumn)
        assert autumn.state == "sent" and spring.state == "draft" and spring.channel == "email"
        assert as_utc(autumn.started_at) < utcnow() - timedelta(days=30)  # moved to its day
        assert report.sent == autumn.queued >= 8 and report.delivered == report.sent - 2 and report.cost > 0
        assert report.purchases >= 2 and report.revenue >= 60_500_000 and report.return_ratio > 1  # and others'
        assert report.opt_outs == 1 and session.scalars(select(OptOut)).one().how == "keyword"


def test_a_catalogue_and_the_quotes_of_a_deal(demo: Ravand) -> None:
    from crm import quotes
    from crm.models import Product, Quote

    with demo.read_sessions() as session:
        assert len(session.scalars(select(Product)).all()) == 5
        given = session.scalars(select(Quote).order_by(Quote.id)).all()
        assert [q.state for q in given] == ["rejected", "sent", "pending"]
        from crm.models import PriceList
        assert sorted(p.name for p in session.scalars(select(PriceList))) == ["مشتریان پلاتینی", "پیشنهاد پاییزه"]
        assert quotes.totals(given[1], quotes.lines_of(session, given[1].id)).payable > 0


def test_a_loyalty_club_whose_members_earned_and_took_rewards(demo: Ravand) -> None:
    from crm import loyalty, loyalty_statement
    from crm.models import LoyaltyRedemption, LoyaltyRule

    assert len(_all(demo, select(LoyaltyRule.id))) == 3
    earned = _all(demo, select(LoyaltyEntry.customer_id, LoyaltyEntry.points).where(LoyaltyEntry.kind == "earn"))
    assert len({customer for customer, _ in earned}) >= 8 and all(points > 0 for _, points in earned)
    assert sorted(state for (state,) in _all(demo, select(LoyaltyRedemption.state))) == [
        "delivered", "issued", "requested"]
    with demo.read_sessions() as session:
        pars = session.scalar(select(Customer.id).where(Customer.company_name == "پارس افزار"))
        statement = loyalty_statement.statement(session, pars)
        assert statement["points"] == loyalty.ledger_balance(session, pars) > 0
        assert statement["vouchers"] and statement["redemptions"][0]["state"] == "issued"
        soon = [loyalty_statement.statement(session, c)["expiring"] for c in session.scalars(select(Customer.id))]
        assert any(soon), "bronze points last six months: some members' first purchases lapse soon"
