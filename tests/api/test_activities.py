"""Activities on records through the API: calls, meetings, notes and to-dos logged on a customer and a lead,
listed open first; refusals said under their fields; only the owner, whoever logged it, a manager or an
administrator changes one; the day of one person or their team (overdue, due, done, tasks due); a reminder
told once to its owner, in their language; a qualification call logs its own activity. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from api.staff_notices import tell_reminders
from crm.clock import utcnow
from engine.store.transactions import transaction
from tests.api.conftest import PASSWORD, Api


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    return answer.get_json()


def _customer(api: Api) -> int:
    return ok(api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "فولاد البرز", "mobile": "09121112233"}), 201)["customer"]["id"]


def _at(delta: timedelta) -> str:
    return (utcnow() + delta).isoformat()


def test_activities_are_logged_listed_and_refused_in_place(api: Api):
    customer = _customer(api)
    path = f"/api/v1/records/customer/{customer}/activities"
    call = ok(api.call("POST", path, "employee", json={
        "kind": "call", "direction": "outbound", "outcome": "no_answer", "duration_minutes": "۳",
        "notes": "دوباره فردا زنگ می‌زنم"}), 201)
    assert call["done_at"] and call["owner"] == "alice" and call["duration_minutes"] == 3 and not call["overdue"]
    todo = ok(api.call("POST", path, "employee", json={
        "kind": "todo", "subject": "ارسال پیش‌فاکتور", "due_at": _at(timedelta(days=1)),
        "remind_at": _at(timedelta(hours=20))}), 201)
    assert todo["done_at"] is None
    meeting = ok(api.call("POST", "/api/v1/records/customers/" + str(customer) + "/activities", "employee2", json={
        "kind": "meeting", "subject": "Demo", "attendees": "Sara, رضا", "place": "دفتر مرکزی"}), 201)
    assert meeting["attendees"] == ["Sara", "رضا"] and meeting["owner"] == "bob"

    listed = ok(api.call("GET", path, "employee"))
    assert [a["id"] for a in listed["items"]] == [todo["id"], meeting["id"], call["id"]]  # open first, then newest
    assert listed["total"] == 3

    refused = api.call("POST", path, "employee", json={"kind": "todo", "subject": "x",
                                                        "due_at": _at(timedelta(days=1)),
                                                        "remind_at": _at(timedelta(days=2))})
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"remind_at"}, refused.get_json()
    assert api.call("POST", path, "employee", json={"kind": "note", "notes": "x", "colour": "red"}).status_code == 422
    no_due = api.call("POST", path, "employee", json={"kind": "todo", "subject": "x", "due_at": "2026-12-07T10:00"})
    assert no_due.status_code == 422 and "due_at" in no_due.get_json()["errors"]  # a moment needs its zone
    assert api.call("POST", path, "employee", json={"kind": "call", "owner": "nobody"}).status_code == 422
    assert api.call("POST", path, "employee", json={"kind": "dance"}).status_code == 422
    assert api.call("POST", "/api/v1/records/customer/999999/activities", "employee",
                    json={"kind": "note", "notes": "x"}).status_code == 404
    assert api.call("GET", path, "auditor").status_code == 403  # activities are the working roles'


def test_only_its_people_change_an_activity(api: Api):
    customer = _customer(api)
    todo = ok(api.call("POST", f"/api/v1/records/customer/{customer}/activities", "employee", json={
        "kind": "todo", "subject": "پیگیری", "due_at": _at(timedelta(hours=-2))}), 201)
    assert todo["overdue"] is True
    assert api.call("PATCH", f"/api/v1/activities/{todo['id']}", "employee2", json={"done": True}).status_code == 403
    done = ok(api.call("PATCH", f"/api/v1/activities/{todo['id']}", "employee", json={"done": True}))
    assert done["done_at"] and not done["overdue"]
    again = ok(api.call("PATCH", f"/api/v1/activities/{todo['id']}", "admin",
                        json={"done": False, "due_at": _at(timedelta(days=2))}))
    assert again["done_at"] is None and not again["overdue"]
    assert api.call("PATCH", f"/api/v1/activities/{todo['id']}", "employee", json={"kind": "call"}).status_code == 422
    assert api.call("PATCH", "/api/v1/activities/999999", "employee", json={"done": True}).status_code == 404


def test_the_day_lists_overdue_due_and_done_for_me_or_my_team(api: Api):
    customer = _customer(api)
    path = f"/api/v1/records/customer/{customer}/activities"
    late = ok(api.call("POST", path, "employee", json={"kind": "todo", "subject": "دیروز",
                                                        "due_at": _at(timedelta(days=-1))}), 201)
    soon = ok(api.call("POST", path, "employee", json={"kind": "call", "subject": "امروز",
                                                        "due_at": _at(timedelta(minutes=5))}), 201)
    done = ok(api.call("POST", path, "employee", json={"kind": "note", "notes": "یادداشت"}), 201)
    theirs = ok(api.call("POST", path, "employee2", json={"kind": "call", "subject": "bob's",
                                                           "due_at": _at(timedelta(minutes=5))}), 201)
    day = ok(api.call("GET", "/api/v1/activities/day", "employee"))
    assert [a["id"] for a in day["overdue"]] == [late["id"]] and day["overdue"][0]["overdue"]
    soon_day = datetime.fromisoformat(soon["due_at"]).astimezone(ZoneInfo("Asia/Tehran")).date().isoformat()
    due_then = ok(api.call("GET", "/api/v1/activities/day", "employee", query_string={"day": soon_day}))
    assert soon["id"] in [a["id"] for a in due_then["due"]]  # on the day it is due (tomorrow near midnight)
    assert [a["id"] for a in day["done"]] == [done["id"]]
    assert day["overdue"][0]["record"]["url"] == f"/app/customers/{customer}"
    assert theirs["id"] not in [a["id"] for group in ("overdue", "due", "done") for a in day[group]]
    assert day["owners"] == ["alice"]
    # a team: alice and bob share one, and the team's day holds bob's call too
    ok(api.call("POST", "/api/v1/teams", "admin", json={"key": "east", "name_fa": "شرق", "name_en": "East"}), 201)
    users = ok(api.call("GET", "/api/v1/users", "admin", query_string={"limit": 100}))["items"]
    for user in (u for u in users if u["username"] in ("alice", "bob")):
        ok(api.call("PUT", f"/api/v1/users/{user['id']}/placement", "admin", json={"team_key": "east"}))
    team = ok(api.call("GET", "/api/v1/activities/day", "employee", query_string={"scope": "team"}))
    assert team["owners"] == ["alice", "bob"]
    tomorrow = ok(api.call("GET", "/api/v1/activities/day", "employee", query_string={
        "day": (utcnow() + timedelta(days=2)).date().isoformat()}))
    assert tomorrow["done"] == [] and [a["id"] for a in tomorrow["overdue"]] == [late["id"], soon["id"]]
    assert api.call("GET", "/api/v1/activities/day", "employee", query_string={"day": "1405-12-30"}).status_code == 422


def test_a_reminder_tells_its_owner_once_in_their_language(api: Api):
    ok(api.call("POST", "/api/v1/users", "admin", json={"username": "sima", "password": PASSWORD, "role": "employee",
                                                         "groups": ["sales"], "locale": "fa", "display_name": "سیما"}),
       201)
    customer = _customer(api)
    ok(api.call("POST", f"/api/v1/records/customer/{customer}/activities", "employee", json={
        "kind": "todo", "subject": "تماس با مدیر خرید", "owner": "sima", "due_at": _at(timedelta(hours=3)),
        "remind_at": _at(timedelta(hours=1))}), 201)
    ravand = api.app.extensions["ravand"]

    def remind(hours: float) -> int:
        return transaction(ravand.sessions, lambda s: tell_reminders(
            ravand.engine, s, now=utcnow() + timedelta(hours=hours)))

    assert remind(0) == 0
    assert remind(2) == 1
    assert remind(2.5) == 0  # once
    told = [m for m in ok(api.call("GET", "/api/v1/notifications?limit=100", "admin"))["items"]
            if m["template"] == "activity_reminder"]
    assert [m["recipient"] for m in told] == ["sima"] and told[0]["channel"] == "app"
    body = told[0]["body"]
    assert "سیما گرامی" in body and "تماس با مدیر خرید" in body and "فولاد البرز" in body
    assert told[0]["link"] == f"/app/customers/{customer}"


def test_a_logged_activity_is_in_its_records_history(api: Api):
    customer = _customer(api)
    ok(api.call("POST", f"/api/v1/records/customer/{customer}/activities", "employee",
                json={"kind": "call", "outcome": "reached", "notes": "قیمت را پرسید"}), 201)
    history = ok(api.call("GET", f"/api/v1/records/customer/{customer}/history", "employee"))["items"]
    assert any(item["kind"] == "crm.activity.created" for item in history), [i["kind"] for i in history]


def test_the_calendar_holds_a_periods_activities_and_tasks(api: Api):
    customer = _customer(api)
    path = f"/api/v1/records/customer/{customer}/activities"
    ahead = ok(api.call("POST", path, "employee", json={"kind": "meeting", "subject": "بازدید",
                                                         "due_at": _at(timedelta(days=10))}), 201)
    done = ok(api.call("POST", path, "employee", json={"kind": "note", "notes": "امروز"}), 201)
    far = ok(api.call("POST", path, "employee", json={"kind": "todo", "subject": "دور",
                                                       "due_at": _at(timedelta(days=80))}), 201)
    today = utcnow().date()
    found = ok(api.call("GET", "/api/v1/activities/calendar", "employee", query_string={
        "start": (today - timedelta(days=1)).isoformat(), "end": (today + timedelta(days=40)).isoformat()}))
    assert [a["id"] for a in found["activities"]] == [done["id"], ahead["id"]]
    assert far["id"] not in [a["id"] for a in found["activities"]]
    assert found["activities"][1]["record"]["type"] == "customer" and found["tasks"] == []
    too_long = api.call("GET", "/api/v1/activities/calendar", "employee", query_string={
        "start": today.isoformat(), "end": (today + timedelta(days=100)).isoformat()})
    assert too_long.status_code == 422 and "end" in too_long.get_json()["errors"]
    jalali = api.call("GET", "/api/v1/activities/calendar", "employee",
                      query_string={"start": "1405/09/01", "end": "۱۴۰۵/۰۹/۳۰"})
    assert jalali.status_code == 200 and jalali.get_json()["start"] == "2026-11-22"


def test_a_note_tells_the_colleagues_it_mentions_who_may_read_the_record(api: Api):
    customer = _customer(api)  # alice's
    inbox = "/api/v1/me/notifications"
    ok(api.call("POST", f"/api/v1/records/customer/{customer}/activities", "employee", json={
        "kind": "note", "notes": "@bob لطفاً فردا تماس بگیر؛ @carol و @dana ببینند. @nobody @alice"}), 201)
    bob = ok(api.call("GET", inbox, "employee2"))["items"]
    assert [n["template"] for n in bob] == ["mentioned_record"] and f"/app/customers/{customer}" in bob[0]["link"]
    assert "فولاد البرز" in bob[0]["body"] and "تماس بگیر" in bob[0]["body"]
    assert [n["template"] for n in ok(api.call("GET", inbox, "outsider"))["items"]] == ["mentioned_record"]
    assert ok(api.call("GET", inbox, "employee"))["items"] == []  # the author is not told of their own note
    assert ok(api.call("GET", inbox, "designer"))["items"] == []  # dana designs processes: she reads no records
    # employees now read only their own customers: carol (not its owner) is no longer told
    ok(api.call("PUT", "/api/v1/access-rules/role/employee", "admin", json={"read_scope": "own", "edit_scope": "own"}))
    alices = ok(api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "پخش البرز", "owner": "alice"}), 201)["customer"]["id"]
    ok(api.call("POST", f"/api/v1/records/customer/{alices}/activities", "employee", json={
        "kind": "call", "subject": "پیگیری", "notes": "@carol @bob @root", "direction": "outbound",
        "outcome": "reached"}), 201)
    assert len(ok(api.call("GET", inbox, "outsider"))["items"]) == 1
    assert len(ok(api.call("GET", inbox, "employee2"))["items"]) == 1
    assert [n["template"] for n in ok(api.call("GET", inbox, "admin"))["items"]] == ["mentioned_record"]
