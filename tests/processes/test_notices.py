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
from engine.runtime.services import ServiceCall
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
        rows = {(n.channel, n.recipient): n for n in session.scalars(select(Notification))}
    # everyone's notice is in their in-app inbox (delivered when stored); the e-mail goes only where an address is
    assert sorted(rows) == [("app", "lead@ravand.example"), ("app", "maryam"), ("app", "omid"),
                            ("email", "lead@ravand.example")]
    maryam, omid, lead = rows["app", "maryam"], rows["app", "omid"], rows["email", "lead@ravand.example"]
    assert maryam.body.startswith("مریم حسین‌زاده گرامی") and "۲ آذر ۱۴۰۵، ساعت ۱۴:۰۰" in maryam.body
    assert omid.body.startswith("Dear Omid Karimi") and "23 November 2026, 14:00" in omid.body
    assert lead.status == "pending" and lead.body.startswith("Dear Reza Ahmadi")
    assert (maryam.status, maryam.next_attempt_at, maryam.read_at, maryam.last_error) == ("sent", None, None, None)
    assert maryam.sent_at is not None
    assert "Hello" not in omid.body and "@" not in omid.body


def test_staff_notices_go_to_the_address_on_the_account_and_always_to_the_inbox(db: Database) -> None:
    with db.sessions() as session:
        create_user(session, "sara", "password1", "employee", ["sales"], "سارا احمدی", "fa",
                    email="Sara@Ravand.example", mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷")
        create_user(session, "reza", "password1", "employee", ["sales"], "Reza", "en", mobile="0912-765-4321")
        create_user(session, "nima", "password1", "employee", ["sales"], "نیما", "fa")
        call = _call(session, staff_directory=directory, public_url="https://crm.example.ir")
        told = tell_staff(call, Ctx(session, "system"), ["group:sales"], template="task_assigned",
                          params={"task_name": "تماس با مشتری", "by": "Omid", "task_url": "https://crm.example.ir/app/tasks/t-9"})
        assert told == ["nima", "reza", "sara"]
        rows = sorted((n.channel, n.recipient, n.status, n.link) for n in session.scalars(select(Notification)))
        persian_mail = session.scalar(select(Notification).where(Notification.channel == "email"))
    assert rows == [("app", "nima", "sent", "/app/tasks/t-9"), ("app", "reza", "sent", "/app/tasks/t-9"),
                    ("app", "sara", "sent", "/app/tasks/t-9"),
                    ("email", "sara@ravand.example", "pending", None),  # e-mail first when both are known
                    ("sms", "+989127654321", "pending", None)]
    assert persian_mail.body.startswith("سارا احمدی گرامی")


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
