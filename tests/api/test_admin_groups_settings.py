"""The administration of users, groups and settings through HTTP, on SQLite and PostgreSQL: users found however
their names are typed, groups picked from the known ones, a reset password that ends the user's sessions and
tokens, groups that cannot be removed while in use, a deployment naming an unknown group warned of, settings
checked field by field with the journal keeping each change, and secrets never answered."""

from __future__ import annotations

import io
from typing import Any

from tests.api.conftest import PASSWORD, Api
from tests.engine import bpmn


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:800])
    return answer.get_json()


def refused(answer: Any, status: int = 422) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:800])
    assert answer.content_type == "application/problem+json"
    return answer.get_json()


def _user(api: Api, name: str) -> dict:
    return next(u for u in ok(api.call("GET", f"/api/v1/users?q={name}"))["items"] if u["username"] == name)


def _journal(api: Api, kind: str) -> list[dict]:
    return ok(api.call("GET", f"/api/v1/journal?kind={kind}&limit=50", "auditor"))["items"]


def test_users_are_found_however_typed_and_pick_known_groups(api: Api):
    made = ok(api.call("POST", "/api/v1/users", json={
        "username": "ali.k", "password": PASSWORD, "role": "employee", "groups": ["sales", "managers"],
        "display_name": "علی کریمی", "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "locale": "fa"}), 201)
    assert made["mobile"] == "+989121234567" and made["groups"] == ["managers", "sales"]
    for typed in ("علي كريمي", "علی‌کریمی", "ALI.K", "کریم"):
        found = ok(api.call("GET", "/api/v1/users", query_string={"q": typed}))
        assert [u["username"] for u in found["items"]] == ["ali.k"] and found["total"] == 1, typed
    paged = ok(api.call("GET", "/api/v1/users?limit=2&offset=1&active=true"))
    assert len(paged["items"]) == 2 and paged["total"] == 7
    assert ok(api.call("GET", "/api/v1/users?role=auditor"))["total"] == 1
    typo = refused(api.call("POST", "/api/v1/users", json={"username": "x1", "password": PASSWORD,
                                                           "role": "employee", "groups": ["slaes"]}))
    assert "slaes" in typo["errors"]["groups"][0] and "گروهی" in typo["errors"]["groups"][0]
    refused(api.call("PATCH", f"/api/v1/users/{made['id']}", json={"groups": ["sales", "nobody"]}))
    changed = ok(api.call("PATCH", f"/api/v1/users/{made['id']}", json={"groups": ["sales"], "locale": "en"}))
    assert changed["groups"] == ["sales"]
    [entry] = _journal(api, "admin.user.changed")
    assert entry["actor"] == "root" and entry["data"]["before"] == {"groups": ["managers", "sales"], "locale": "fa"}
    assert entry["data"]["after"] == {"groups": ["sales"], "locale": "en"}
    assert _journal(api, "admin.user.created")[0]["data"]["after"]["display_name"] == "علی کریمی"


def test_disable_and_reset_password_end_sessions_and_tokens(api: Api):
    alice = _user(api, "alice")
    assert api.call("GET", "/api/v1/auth/me", "employee").status_code == 200
    reset = ok(api.call("POST", f"/api/v1/users/{alice['id']}/reset-password", json={}))
    assert reset["generated"] and len(reset["password"]) >= 12
    assert api.call("GET", "/api/v1/auth/me", "employee").status_code == 401  # her token ended
    signed = api.client.post("/api/v1/auth/token", json={"username": "alice", "password": reset["password"]})
    assert signed.status_code == 200
    given = ok(api.call("POST", f"/api/v1/users/{alice['id']}/reset-password", json={"password": "temporary 1234"}))
    assert given == {"password": None, "generated": False}
    resets = _journal(api, "admin.user.password_reset")
    assert [e["data"]["generated"] for e in resets] == [True, False]
    assert "temporary 1234" not in str(resets) and reset["password"] not in str(resets)
    bob = _user(api, "bob")
    ok(api.call("PATCH", f"/api/v1/users/{bob['id']}", json={"active": False}))
    assert api.call("GET", "/api/v1/auth/me", "employee2").status_code == 401
    assert api.client.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD}).status_code == 401
    assert refused(api.call("POST", f"/api/v1/users/{bob['id']}/reset-password", "outsider", json={}), 403)


def test_groups_crud_and_in_use_refusal(api: Api):
    listed = ok(api.call("GET", "/api/v1/groups", "employee"))
    keys = [g["key"] for g in listed["items"]]
    assert {"sales", "sales-enterprise", "support-1", "finance-leads", "ceo"} <= set(keys)
    sales = next(g for g in listed["items"] if g["key"] == "sales")
    assert sales["label_fa"] == "فروش" and sales["users"] == 2
    refused(api.call("POST", "/api/v1/groups", "employee", json={"key": "x", "label_fa": "x", "label_en": "x"}), 403)
    bad = refused(api.call("POST", "/api/v1/groups", json={"key": "Sales Team", "label_fa": " ", "label_en": "T"}))
    assert set(bad["errors"]) == {"key", "label_fa"}
    made = ok(api.call("POST", "/api/v1/groups", json={"key": "marketing", "label_fa": "بازاریابی",
                                                       "label_en": "Marketing"}), 201)
    assert made["active"] and made["users"] == 0
    refused(api.call("POST", "/api/v1/groups", json={"key": "marketing", "label_fa": "ب", "label_en": "M"}))
    ok(api.call("PATCH", "/api/v1/groups/marketing", json={"label_en": "Marketing team"}))
    [changed] = _journal(api, "admin.group.changed")
    assert changed["data"] == {"group": "marketing", "before": {"label_en": "Marketing"},
                               "after": {"label_en": "Marketing team"}}
    assert api.call("DELETE", "/api/v1/groups/marketing").status_code == 204
    refused(api.call("GET", "/api/v1/groups/marketing"), 404)
    in_use = refused(api.call("DELETE", "/api/v1/groups/support-1"), 409)  # carol belongs to it
    assert "deactivate" in in_use["detail"]
    ok(api.deploy(bpmn.approval_files()), 201)
    ok(api.call("PATCH", f"/api/v1/users/{_user(api, 'alice')['id']}", json={"groups": []}))
    ok(api.call("PATCH", f"/api/v1/users/{_user(api, 'bob')['id']}", json={"groups": []}))
    diagram = refused(api.call("DELETE", "/api/v1/groups/sales"), 409)  # the approval diagram names it
    assert "process approval" in diagram["detail"]
    assert ok(api.call("GET", "/api/v1/groups/sales"))["processes"] == ["approval"]
    off = ok(api.call("PATCH", "/api/v1/groups/sales", json={"active": False}))
    assert off["active"] is False
    assert [g["key"] for g in ok(api.call("GET", "/api/v1/groups?active=false"))["items"]] == ["sales"]
    refused(api.call("PATCH", f"/api/v1/users/{_user(api, 'alice')['id']}", json={"groups": ["sales"]}))


def test_unknown_user_or_group_is_refused_or_warned(api: Api):
    ok(api.deploy(bpmn.approval_files()), 201)
    started = ok(api.call("POST", "/api/v1/process-definitions/key/approval/start", "employee", json={}), 201)
    [task] = ok(api.call("GET", f"/api/v1/tasks?process_instance={started['id']}", "admin"))["items"]
    nobody = refused(api.call("POST", f"/api/v1/tasks/{task['id']}/assign", json={"user": "nobody"}))
    assert "no user 'nobody'" in nobody["errors"]["user"][0] and "کاربری" in nobody["errors"]["user"][0]
    refused(api.call("POST", f"/api/v1/tasks/{task['id']}/delegate", json={"user": "nobody", "override": True}))
    typo = [(name, content.replace(b"sales,managers", b"sales,managerz")) for name, content in bpmn.approval_files()]
    data = {"files": [(io.BytesIO(content), name) for name, content in typo]}
    checked = ok(api.call("POST", "/api/v1/deployments/validate", "designer", data=data,
                          content_type="multipart/form-data"))
    assert any("managerz" in w["message"] for w in checked["warnings"])
    [deployed] = ok(api.deploy(typo), 201)
    [warning] = [w for w in deployed["warnings"] if "managerz" in w["message"]]
    assert warning["element_id"] == "review" and "شناخته نیست" in warning["message"]
    users = b'camunda:candidateUsers="alice, nobodyy"'
    named = [(name, content.replace(b'camunda:candidateGroups="sales,managers"', users))
             for name, content in bpmn.approval_files()]
    [deployed] = ok(api.deploy(named), 201)
    assert [w["message"].split(":")[0] for w in deployed["warnings"]] == ["user 'nobodyy' has no account"]


def test_settings_are_checked_journaled_and_secrets_write_only(api: Api):
    refused(api.call("GET", "/api/v1/settings", "employee"), 403)
    shown = ok(api.call("GET", "/api/v1/settings"))
    assert shown["email"]["smtp_password"] == {"set": False} and shown["calendar"]["work_zone"] == "Asia/Tehran"
    bad = refused(api.call("PATCH", "/api/v1/settings", json={
        "seller_national_id": "123", "smtp_port": 70000, "notify_quiet_hours": "late", "work_week": "someday",
        "work_zone": "Mars/Olympus", "smtp_from": "nope", "sms_endpoint": "ftp://x", "work_holidays": ["1405-13-40"],
        "color": "red", "seller_phone": "12"}))
    assert set(bad["errors"]) == {"seller_national_id", "smtp_port", "notify_quiet_hours", "work_week", "work_zone",
                                  "smtp_from", "sms_endpoint", "work_holidays", "color", "seller_phone"}
    assert all(" / " in message[0] for message in bad["errors"].values())  # English and Persian
    assert ok(api.call("GET", "/api/v1/settings")) == shown  # all or none
    saved = ok(api.call("PATCH", "/api/v1/settings", json={
        "seller_name": "آریا نرم‌افزار", "seller_national_id": "۱۰۱۰۰۱۲۳۴۵۶", "seller_phone": "021 8877 6655",
        "smtp_password": "s3cret-pass", "sms_token": "tok-123", "notify_quiet_hours": "۲۲:۰۰-۰۷:۰۰",
        "work_holidays": "1405-01-03, 2026-04-01", "smtp_port": "465",
        "work_week": "شنبه تا چهارشنبه ۰۸:۰۰-۱۶:۰۰، پنج‌شنبه ۰۸:۰۰-۱۲:۰۰"}))
    assert saved["calendar"]["work_week"] == "شنبه تا چهارشنبه 08:00-16:00، پنج‌شنبه 08:00-12:00"  # Persian days
    company = saved["company"]
    assert company["seller_national_id"] == "10100123456" and company["seller_phone"] == "+982188776655"
    assert saved["email"]["smtp_password"] == {"set": True} and saved["sms"]["sms_token"] == {"set": True}
    assert saved["quiet"]["notify_quiet_hours"] == "22:00-07:00" and saved["email"]["smtp_port"] == 465
    assert saved["calendar"]["work_holidays"] == ["1405-01-03", "2026-04-01"]
    body = api.call("GET", "/api/v1/settings").get_data(as_text=True)
    assert "s3cret-pass" not in body and "tok-123" not in body
    [entry] = _journal(api, "admin.settings.changed")[:1]
    assert entry["data"]["before"]["smtp_password"] == "not set" and entry["data"]["after"]["smtp_password"] == "set"
    assert entry["data"]["before"]["seller_name"] == "" and entry["data"]["after"]["seller_name"] == "آریا نرم‌افزار"
    assert "s3cret-pass" not in str(entry)
    ravand = api.app.extensions["ravand"]
    assert ravand.settings.smtp_password == "s3cret-pass"  # in use at once
    cleared = ok(api.call("PATCH", "/api/v1/settings", json={"sms_token": ""}))
    assert cleared["sms"]["sms_token"] == {"set": False} and cleared["email"]["smtp_password"] == {"set": True}
    assert ravand.engine.ctx.settings["seller_name"] == "آریا نرم‌افزار"
    from api.composition import build

    assert build(ravand.settings.with_overrides(seller_name=""), migrate=False).settings.seller_name \
        == "آریا نرم‌افزار"  # and after a restart


def test_another_server_process_follows_stored_settings(sqlite_api: Api):
    from api.app import create_app
    from api.composition import build
    from api.resources import settings as resource

    first = sqlite_api.app.extensions["ravand"]
    other = create_app(first.settings, build(first.settings))  # a second gunicorn worker on the same database
    client = other.test_client()
    assert client.get("/api/v1/health").status_code in {200, 503}  # its first request notes what is stored
    ok(sqlite_api.call("PATCH", "/api/v1/settings", json={"work_week": "sat-wed 09:00-17:00"}))
    assert other.extensions["ravand"].settings.work_week != "sat-wed 09:00-17:00"
    other.extensions[resource._SEEN]["at"] -= resource.FOLLOW_EVERY_S  # its next look is due
    client.get("/api/v1/health")
    assert other.extensions["ravand"].settings.work_week == "sat-wed 09:00-17:00"
