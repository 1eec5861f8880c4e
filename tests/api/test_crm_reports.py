"""Reports and the notification outbox over HTTP, on each database: who may read them, JSON and CSV,
bad input answered as problems, and dispatching with no sender configured (messages are kept)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from api.composition import build, ravand_ctx
from api.identity.service import create_user
from config import load_settings
from crm import notify
from crm.customers import create_customer
from crm.funnel import DEFAULT_STAGES
from crm.models import (
    Complaint,
    ComplaintHandling,
    Customer,
    Lead,
    Opportunity,
    PipelineStage,
    Referral,
    StageVisit,
)
from tests.api.conftest import PASSWORD, Api, make_api

ROLES = ("admin", "designer", "employee", "auditor")
REPORTS = ("/api/v1/reports/funnel", "/api/v1/reports/complaints", "/api/v1/reports/referrals")
PROBLEM = "application/problem+json"


def seed(api: Api) -> None:
    ravand = api.app.extensions["ravand"]
    with ravand.sessions() as session:
        ctx = ravand_ctx(session, "seed")
        who = ctx.add(Customer(kind="person", person_name="سارا احمدی", name_key="سارا احمدی", interests=[],
                               status="actual", referral_code="RSEED1", locale="fa"), "customer")
        at = datetime(2026, 11, 23, 10, tzinfo=UTC)
        deal = ctx.add(Opportunity(customer_id=who.id, title="deal", stage="proposal", amount=40_000_000,
                                   probability=50, owner="alice", stage_entered_at=at, created_at=at), "opportunity")
        ctx.add(StageVisit(opportunity_id=deal.id, stage="proposal", entered_at=at), "opportunity_stage")
        filed = ctx.add(Complaint(tracking_code="CMP-API01", category="billing", severity="high", channel="portal",
                                  description="=cmd|' /C calc'!A0", tier=1, assignee="=alice", breaches=1,
                                  status="open", created_at=at), "complaint")
        ctx.add(ComplaintHandling(complaint_id=filed.id, at=at, user="=alice", action="claimed", tier=1),
                "complaint_handling")
        ctx.add(Referral(code="RSEED1", referrer_id=who.id, referred_name="Omid", status="purchased",
                         created_at=at), "referral")
        for n, channel in enumerate(("email", "sms", "email")):
            notify.queue(ctx, channel=channel, recipient="sara@example.com" if channel == "email" else "+989121234567",
                         template="survey_request", locale="fa", customer_id=who.id if n else None,
                         process_instance_id="pi-7" if n == 2 else None,
                         params={"name": "سارا", "tracking_code": "CMP-API01", "survey_url": "https://x.example/s"})
        session.commit()


@pytest.fixture
def world(api: Api) -> Api:
    seed(api)
    return api


def test_reports_are_for_every_role(world: Api) -> None:
    for path in REPORTS:
        for role in ROLES:
            assert world.call("GET", path, role).status_code == 200, (path, role)
        answer = world.call("GET", path, None)
        assert answer.status_code == 401 and answer.content_type == PROBLEM


def test_report_figures_as_json(world: Api) -> None:
    funnel = world.call("GET", "/api/v1/reports/funnel?owner=alice", "employee").get_json()
    assert funnel["total"] == 1 and funnel["forecast"] == 20_000_000 and funnel["open_amount"] == 40_000_000
    assert [s["count"] for s in funnel["stages"]] == [1, 1, 1, 0, 0, 0]
    complaints = world.call("GET", "/api/v1/reports/complaints?calendar=jalali", "auditor").get_json()
    assert complaints["open_by_tier"] == {"1": 1} and complaints["sla_breaches"] == 1
    assert complaints["by_month"] == [{"month": "1405-09", "received": 1, "closed": 0, "breaches": 1}]
    referrals = world.call("GET", "/api/v1/reports/referrals?since=۲۰۲۶-۱۱-۰۱&until=2026-12-01", "designer")
    assert referrals.get_json()["conversion_rate"] == 100.0
    outside = world.call("GET", "/api/v1/reports/referrals?since=2026-12-01T00:00:00Z", "admin").get_json()
    assert outside["referrals"] == 0 and outside["by_month"] == []


def test_reports_as_csv(world: Api) -> None:
    answer = world.call("GET", "/api/v1/reports/funnel?format=csv", "employee")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["stage", "count", "conversion_rate", "avg_days_in_stage", "amount", "in_stage"]
    assert [r[0] for r in rows[1:]] == ["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]
    people = world.call("GET", "/api/v1/reports/complaints?table=per_employee", "admin",
                        headers={"Accept": "text/csv"})
    assert people.mimetype == "text/csv" and "attachment" in people.headers["Content-Disposition"]
    assert "'=alice" in people.get_data(as_text=True)  # a formula is made plain text
    months = world.call("GET", "/api/v1/reports/referrals?format=csv&since=2030-01-01", "auditor")
    assert months.get_data(as_text=True).lstrip("\ufeff").splitlines() == ["month,referrals,conversions"]


BAD_QUERIES = ("calendar=lunar", "format=xml", "since=yesterday", "since=2026-12-01&until=2026-11-01",
               "since=9999-12-31T23:00:00-05:00", "table=everything", "owner=")


def test_bad_report_queries_are_problems(world: Api) -> None:
    for query in BAD_QUERIES:
        path = "/api/v1/reports/funnel" if query.startswith("owner") else "/api/v1/reports/complaints"
        answer = world.call("GET", f"{path}?{query}", "employee")
        assert answer.status_code == 422 and answer.content_type == PROBLEM, (query, answer.get_json())


def test_the_outbox_is_for_auditors(world: Api) -> None:
    for role, status in (("admin", 200), ("auditor", 200), ("designer", 403), ("employee", 403)):
        assert world.call("GET", "/api/v1/notifications", role).status_code == status
    page = world.call("GET", "/api/v1/notifications?limit=2", "auditor").get_json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["items"][0]["id"] > page["items"][1]["id"]
    first = page["items"][1]
    assert first["status"] == "pending" and first["template"] == "survey_request" and "CMP-" in first["body"]
    assert "سارا" not in first["body"]  # complaint messages carry nothing a filer typed, the name included
    filtered = world.call("GET", "/api/v1/notifications?channel=email&process_instance=pi-7", "auditor").get_json()
    assert filtered["total"] == 1 and filtered["items"][0]["process_instance_id"] == "pi-7"
    customer_id = filtered["items"][0]["customer_id"]
    assert world.call("GET", f"/api/v1/notifications?customer_id={customer_id}", "admin").get_json()["total"] == 2
    assert world.call("GET", "/api/v1/notifications?status=lost", "admin").status_code == 422
    assert world.call("GET", "/api/v1/notifications?customer_id=99999999999", "admin").status_code == 422


def test_dispatch_is_for_administrators_and_keeps_what_it_cannot_send(world: Api) -> None:
    for role in ("designer", "employee", "auditor"):
        assert world.call("POST", "/api/v1/notifications/dispatch", role).status_code == 403
    answer = world.call("POST", "/api/v1/notifications/dispatch?batch=2", "admin")
    assert answer.status_code == 200 and answer.get_json() == {"sent": 0, "retrying": 0, "failed": 0, "kept": 2}
    assert world.call("POST", "/api/v1/notifications/dispatch", "admin").get_json()["kept"] == 1
    kept = world.call("GET", "/api/v1/notifications?status=kept", "auditor").get_json()
    assert kept["total"] == 3 and all(m["last_error"].startswith("no ") for m in kept["items"])
    journal = world.call("GET", "/api/v1/journal?kind=crm.notification.changed", "auditor").get_json()
    assert journal["total"] == 3 and all(e["actor"] == "root" for e in journal["items"])
    assert world.call("POST", "/api/v1/notifications/dispatch?batch=0", "admin").status_code == 422


def test_the_cli_sends_the_outbox(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller
    from click.testing import CliRunner

    from api.cli import main
    from api.composition import build
    from config import load_settings
    from tests.crm.test_notify import Mailbox, free_port

    config = tmp_path / "ravand.toml"
    config.write_text(f'[ravand]\ndatabase_url = "sqlite:///{tmp_path}/ravand.sqlite"\nscript_isolation = false\n'
                      'scheduler_enabled = false\n')
    ravand = build(load_settings(config, environ={}), migrate=True)
    with ravand.sessions() as session:
        notify.queue(ravand_ctx(session, "seed"), channel="email", recipient="sara@example.com",
                     template="referral_rewarded", locale="en", params={"name": "Sara", "referred_name": "Omid",
                                                                        "points": 10})
        session.commit()
    runner = CliRunner()
    kept = runner.invoke(main, ["--config", str(config), "notifications", "dispatch"], obj={}, env={})
    assert kept.exit_code == 0 and "sent 0, retrying 0, failed 0, kept 1" in kept.output
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        environment = {"RAVAND_SMTP_HOST": "127.0.0.1", "RAVAND_SMTP_PORT": str(controller.port),
                       "RAVAND_SMTP_FROM": "crm@example.com", "RAVAND_SMTP_STARTTLS": "false"}
        again = runner.invoke(main, ["--config", str(config), "notifications", "release-kept"], obj={}, env={})
        assert again.exit_code == 0 and "1 message(s) queued again" in again.output
        sent = runner.invoke(main, ["--config", str(config), "notifications", "dispatch"], obj={}, env=environment)
        assert sent.exit_code == 0 and "sent 1," in sent.output, sent.output
    finally:
        controller.stop()
    assert mailbox.received[0].rcpt_tos == ["sara@example.com"]
    broken = runner.invoke(main, ["--config", str(config), "notifications", "dispatch"], obj={},
                           env={"RAVAND_SMS_ENDPOINT": "ftp://nowhere"})
    assert broken.exit_code == 1 and "SMS endpoint" in broken.output


def test_the_scheduler_job_sends_and_never_raises(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from api.composition import build
    from api.outbox import outbox_job, schedule_outbox
    from config import load_settings

    settings = load_settings(environ={}, database_url=f"sqlite:///{tmp_path}/ravand.sqlite", script_isolation=False,
                             scheduler_enabled=False, notify_interval_s=7.0)
    ravand = build(settings, migrate=True)
    with ravand.sessions() as session:
        notify.queue(ravand_ctx(session, "seed"), channel="sms", recipient="+989121234567", template="task_overdue",
                     locale="fa", params={"name": "alice", "task_name": "تماس", "due": datetime(2026, 11, 23),
                                          "task_url": "https://x.example/t/1"})
        session.commit()
    outbox_job(ravand)
    with ravand.sessions() as session:
        items, _ = notify.list_notifications(session)
        assert items[0].status == "kept"
    broken = build(settings.with_overrides(sms_endpoint="not a url"))
    outbox_job(broken)  # logged, not raised
    assert "the outbox cannot be sent" in caplog.text
    scheduler = BackgroundScheduler()
    job = schedule_outbox(scheduler, ravand)
    assert job.trigger.interval.total_seconds() == 7.0 and job.args == (ravand,)


# -- from the lead: the lead funnel, and why leads and deals are lost -----------------------------

def seed_leads(api: Api) -> None:
    """A qualified lead whose deal rests in proposal, a disqualified one, and a deal lost for its price."""
    ravand = api.app.extensions["ravand"]
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)  # 2 Azar 1405
    with ravand.sessions() as session:
        ctx = ravand_ctx(session, "seed")
        who = ctx.add(Customer(kind="person", person_name="مینا", name_key="مینا", interests=[], status="potential",
                               referral_code="RLEAD1", locale="fa"), "customer")
        common = {"name_key": "lead", "estimated_revenue": 5, "budget_confirmed": True, "authority": True,
                  "created_at": at, "sales_group": "sales"}
        won = ctx.add(Lead(person_name="سارا", source="web_form", product="software", status="qualified", **common),
                      "lead")
        ctx.add(Lead(person_name="=HYPERLINK()", source="phone", status="disqualified", disqualify_reason="no_budget",
                     **common), "lead")
        for stage, lead_id, reason in (("proposal", won.id, None), ("lost", None, "price")):
            deal = ctx.add(Opportunity(customer_id=who.id, lead_id=lead_id, title="deal", stage=stage, amount=9,
                                       probability=50, owner="alice", stage_entered_at=at, created_at=at,
                                       loss_reason=reason, closed_at=at if reason else None), "opportunity")
            ctx.add(StageVisit(opportunity_id=deal.id, stage=stage, entered_at=at), "opportunity_stage")
        create_user(session, "mina", PASSWORD, "employee", ["sales", "managers"], locale="fa")
        session.commit()
    answer = api.client.post("/api/v1/auth/token", json={"username": "mina", "password": PASSWORD})
    api.tokens["manager"] = answer.get_json()["access_token"]


def rows_of(answer: Any) -> list[list[str]]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_lead_funnel_over_http(world: Api) -> None:
    seed_leads(world)
    report = world.call("GET", "/api/v1/reports/lead-funnel?group_by=source", "employee").get_json()
    assert [(s["step"], s["count"]) for s in report["steps"]] == [
        ("leads", 2), ("qualified", 1), ("prospecting", 1), ("qualification", 1), ("proposal", 1), ("negotiation", 0),
        ("won", 0)]
    assert report["qualification_rate"] == 50.0 and report["counts"]["disqualified"] == 1
    assert [m["month"] for m in report["by_month"]] == ["2026-11"]  # alice reads English: Gregorian months
    assert [(g["group"], g["label"]) for g in report["groups"]] == [("phone", "Phone call"),
                                                                   ("web_form", "Website form")]
    persian = world.call("GET", "/api/v1/reports/lead-funnel?group_by=source&locale=fa", "auditor").get_json()
    assert [m["month"] for m in persian["by_month"]] == ["1405-09"] and persian["groups"][1]["label"] == "فرم وب‌سایت"
    steps = rows_of(world.call("GET", "/api/v1/reports/lead-funnel?format=csv", "designer"))
    assert steps[0] == ["step", "count", "conversion_rate", "from_leads", "chance"]
    assert steps[3][:2] == ["prospecting", "1"]
    groups = rows_of(world.call("GET", "/api/v1/reports/lead-funnel?format=csv&table=groups&group_by=product", "admin"))
    assert groups[0][:4] == ["group", "label", "leads", "qualified"] and groups[0][-2:] == ["qualification_rate",
                                                                                             "win_rate"]
    assert world.call("GET", "/api/v1/reports/lead-funnel", None).status_code == 401


def test_lost_reasons_are_for_sales_managers_and_administrators(world: Api) -> None:
    seed_leads(world)
    refused = world.call("GET", "/api/v1/reports/lost-reasons", "employee")
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    assert world.call("GET", "/api/v1/reports/lost-reasons", "auditor").status_code == 403
    mine = world.call("GET", "/api/v1/reports/lost-reasons", "manager").get_json()  # mina reads Persian
    assert mine["disqualified"]["reasons"][0] == {"kind": "disqualified", "reason": "no_budget", "label": "بودجه ندارد",
                                                  "count": 1, "share": 100.0, "amount": 5}
    assert (mine["lost"]["total"], mine["lost"]["reasons"][0]["label"]) == (1, "قیمت")
    assert {(m["month"], m["reason"]) for m in mine["by_month"]} == {("1405-09", "no_budget"), ("1405-09", "price")}
    english = world.call("GET", "/api/v1/reports/lost-reasons?since=2026-11-01&until=2026-12-01", "admin").get_json()
    assert english["lost"]["reasons"][0]["label"] == "Price" and english["by_month"][0]["month"] == "2026-11"
    table = rows_of(world.call("GET", "/api/v1/reports/lost-reasons?format=csv", "admin"))
    assert table[0] == ["kind", "reason", "label", "count", "share", "amount"]
    assert table[1][:4] == ["disqualified", "no_budget", "No budget", "1"] and len(table) == 1 + 7 + 6
    months = rows_of(world.call("GET", "/api/v1/reports/lost-reasons?format=csv&table=by_month&since=2030-01-01",
                                "manager"))
    assert months == [["month", "kind", "reason", "label", "count"]]


@pytest.mark.parametrize("query", ["lead-funnel?group_by=region", "lead-funnel?table=everything",
                                   "lead-funnel?locale=de", "lead-funnel?calendar=lunar",
                                   "lost-reasons?since=2026-12-01&until=2026-11-01", "lost-reasons?table=steps"])
def test_bad_lead_report_queries_are_problems(world: Api, query: str) -> None:
    answer = world.call("GET", f"/api/v1/reports/{query}", "admin")
    assert answer.status_code == 422 and answer.content_type == PROBLEM, answer.get_json()


def test_the_reports_follow_the_pipeline_stages(sqlite_db: Any, tmp_path: Path) -> None:
    api = make_api(sqlite_db.url, tmp_path)
    with api.app.extensions["ravand"].sessions() as session:
        session.add(PipelineStage(key="demo", label_en="Demo", label_fa="نمایش", position=25, probability=40,
                                  kind="open", active=True, created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
        session.commit()
    steps = api.call("GET", "/api/v1/reports/lead-funnel", "employee").get_json()["steps"]
    assert ("demo", 40) in [(s["step"], s["chance"]) for s in steps]
    funnel = api.call("GET", "/api/v1/reports/funnel", "employee").get_json()
    assert "demo" in [s["stage"] for s in funnel["stages"]]


def test_the_funnel_stages_setting_while_no_stage_is_stored(sqlite_db: Any, tmp_path: Path) -> None:
    assert load_settings(environ={}).funnel_stages == DEFAULT_STAGES
    read = load_settings(environ={"RAVAND_FUNNEL_STAGES": "contact:10, demo:40"}).funnel_stages
    assert read == ("contact:10", "demo:40")
    api = make_api(sqlite_db.url, tmp_path, funnel_stages=read)
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(delete(PipelineStage))
        session.commit()
    steps = api.call("GET", "/api/v1/reports/lead-funnel", "employee").get_json()["steps"]
    assert [(s["step"], s["chance"]) for s in steps] == [("leads", None), ("qualified", None), ("contact", 10),
                                                          ("demo", 40), ("won", 100)]
    funnel = api.call("GET", "/api/v1/reports/funnel", "employee").get_json()
    assert [s["stage"] for s in funnel["stages"]] == ["contact", "demo", "won", "lost"]
    with api.app.extensions["ravand"].sessions() as session:
        who, _ = create_customer(ravand_ctx(session, "root"), {"person_name": "Omid", "mobile": "09121110001"})
        session.commit()
        customer_id = who.id
    opened = api.call("POST", "/api/v1/opportunities", "employee", json={"customer_id": customer_id, "title": "x",
                                                                         "amount": 1}).get_json()
    assert (opened["stage"], opened["probability"]) == ("contact", 10)


def test_a_wrong_funnel_stages_setting_stops_the_start() -> None:
    with pytest.raises(ValueError, match=r"^funnel_stages: 'won:100' is not a new stage"):  # a SettingsError
        build(load_settings(environ={}, funnel_stages=("contact:10", "won:100")))
