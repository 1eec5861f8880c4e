"""Notices from the processes: staff by name in their own language and time zone through the directory the
composition root supplies; customer SMS held through the quiet hours; "sent" only when a channel was used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from api.identity.service import create_user, update_user
from api.staff import directory
from crm.clock import as_utc
from crm.models import Notification
from crm.unit import Ctx
from engine.services import ServiceCall
from processes.notices import tell, tell_staff
from tests.conftest import Database
from tests.crm.messages_params import REALISTIC


def _call(session: Any, **settings: Any) -> ServiceCall:
    return ServiceCall(session, "pi-1", "bk-1", "notify", "system", settings)


def _staff(session: Any) -> None:
    create_user(session, "maryam", "password1", "employee", ["support-1"], "مریم حسین‌زاده", "fa")
    create_user(session, "omid", "password1", "employee", ["support-2", "managers"], "Omid Karimi", "en")
    create_user(session, "lead@ravand.example", "password1", "employee", ["support-leads"], "Reza Ahmadi", "en")
    gone = create_user(session, "mina", "password1", "employee", ["managers"], "Mina", "fa")
    update_user(session, gone, active=False)


def test_staff_are_told_by_name_in_their_language_and_zone(db: Database) -> None:
    with db.sessions() as session:
        _staff(session)
        call = _call(session, staff_directory=directory, work_zone="Asia/Tehran")
        told = tell_staff(call, Ctx(session, "system"), ["maryam", "group:managers", "group:support-leads", "nobody"],
                          template="complaint_sla_warning",
                          params={"tracking_code": "RC-7KQ2M9XH4C", "tier": 2,
                                  "due": datetime(2026, 11, 23, 10, 30, tzinfo=UTC)})
        assert told == ["maryam", "omid", "lead@ravand.example"]  # mina is inactive, nobody is unknown
        rows = {n.recipient: n for n in session.scalars(select(Notification))}
    maryam, omid, lead = rows["maryam"], rows["omid"], rows["lead@ravand.example"]
    assert maryam.body.startswith("مریم حسین‌زاده گرامی") and "۲ آذر ۱۴۰۵، ساعت ۱۴:۰۰" in maryam.body
    assert omid.body.startswith("Dear Omid Karimi") and "23 November 2026, 14:00" in omid.body
    assert lead.channel == "email" and lead.status == "pending" and lead.body.startswith("Dear Reza Ahmadi")
    # no address known: recorded for the employee, kept, never pretended sent
    assert (maryam.channel, maryam.status, maryam.next_attempt_at) == ("app", "kept", None)
    assert "no e-mail address or mobile number" in maryam.last_error
    assert "Hello" not in omid.body and "@" not in omid.body


def test_without_a_directory_nobody_is_told(db: Database, caplog: Any) -> None:
    with db.sessions() as session:
        assert tell_staff(_call(session), Ctx(session, "system"), ["maryam"], template="task_overdue",
                          params=REALISTIC["en"]["task_overdue"]) == []
        assert session.scalar(select(Notification.id)) is None
    assert "no staff directory" in caplog.text


def _quiet_around_now(zone: str = "Asia/Tehran") -> str:
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo(zone))
    return f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=1)):%H:%M}"


def test_customer_sms_waits_out_the_quiet_hours_but_email_does_not(db: Database) -> None:
    params = REALISTIC["fa"]["complaint_received"]
    with db.sessions() as session:
        call = _call(session, notify_quiet_hours=_quiet_around_now(), work_zone="Asia/Tehran")
        ctx = Ctx(session, "system")
        assert tell(ctx, call, template="complaint_received", params=params, mobile="+989121234567") == "sms"
        assert tell(ctx, call, template="complaint_received", params=params, email="sara@example.com") == "email"
        assert tell(ctx, call, template="complaint_received", params=params) is None  # no address: not sent
        sms, email = session.scalars(select(Notification).order_by(Notification.id)).all()
    now = datetime.now(UTC)
    assert sms.status == "pending" and as_utc(sms.next_attempt_at) > now + timedelta(minutes=55)
    assert as_utc(email.next_attempt_at) <= now


def test_a_capped_message_is_not_reported_sent(db: Database) -> None:
    with db.sessions() as session:
        call = _call(session, notify_daily_per_recipient=1)
        ctx = Ctx(session, "system")
        params = REALISTIC["en"]["complaint_received"]
        assert tell(ctx, call, template="complaint_received", params=params, mobile="+989121234567") == "sms"
        assert tell(ctx, call, template="complaint_received", params=params, mobile="+989121234567") is None
