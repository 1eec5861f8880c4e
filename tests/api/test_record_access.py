"""Record access over HTTP on SQLite and PostgreSQL: with no rule everyone reads and edits all (today's
behaviour); once the employee role reads its team's records, alice (team A) does not see bob's (team B)
customers, leads and deals in lists, search, by id (404), in the 360 view or in a report, cannot change them,
and a manager of team B sees them again. Teams, branches and rules are refused when invalid and journaled."""

from __future__ import annotations

from typing import Any

import processes
from tests.api.conftest import USERS, Api
from tests.api.test_crm_records import V1, ok, problem

ALICE, BOB, CAROL = USERS["employee"][0], USERS["employee2"][0], USERS["outsider"][0]


def _user_id(api: Api, username: str) -> int:
    users = ok(api.call("GET", V1 + "/users?limit=100"))["items"]
    return next(u["id"] for u in users if u["username"] == username)


def _organise(api: Api) -> None:
    ok(api.call("POST", V1 + "/branches", json={"key": "tehran", "name_fa": "دفتر مرکزی", "name_en": "Head office",
                                                "kind": "head_office"}), 201)
    ok(api.call("POST", V1 + "/branches", json={"key": "shiraz", "name_fa": "مرکز شیراز", "name_en": "Shiraz"}), 201)
    ok(api.call("POST", V1 + "/teams", json={"key": "team-a", "name_fa": "فروش الف", "name_en": "Sales A",
                                             "branch_key": "tehran"}), 201)
    ok(api.call("POST", V1 + "/teams", json={"key": "team-b", "name_fa": "فروش ب", "name_en": "Sales B",
                                             "branch_key": "shiraz"}), 201)
    for username, team in ((ALICE, "team-a"), (BOB, "team-b"), (CAROL, "team-a")):
        placed = ok(api.call("PUT", f"{V1}/users/{_user_id(api, username)}/placement", json={"team_key": team}))
        assert placed["branch_key"] == ("shiraz" if team == "team-b" else "tehran")


def _records(api: Api, who: str, name: str, mobile: str) -> dict[str, Any]:
    customer = ok(api.call("POST", V1 + "/customers", who, json={"person_name": name, "mobile": mobile}),
                  201)["customer"]
    lead = ok(api.call("POST", V1 + "/leads", who, json={"person_name": name, "mobile": mobile, "source": "phone"}),
              201)
    deal = ok(api.call("POST", V1 + "/opportunities", who, json={"customer_id": customer["id"], "title": f"{name} deal",
                                                                 "amount": 1_000_000}), 201)
    return {"customer": customer["id"], "lead": lead["id"], "deal": deal["id"]}


def _ids(api: Api, who: str, path: str) -> set[int]:
    return {item["id"] for item in ok(api.call("GET", V1 + path, who))["items"]}


def test_team_a_does_not_see_team_b_and_the_default_keeps_today(api: Api) -> None:
    ok(api.deploy(processes.files("lead_qualification")), 201)
    _organise(api)
    mine = _records(api, "employee", "سارا احمدی", "09121110001")
    theirs = _records(api, "employee2", "Reza Karimi", "09121110002")
    assert ok(api.call("GET", f"{V1}/records/leads/{theirs['lead']}/placement", "admin")) == {
        "owner": BOB, "team_key": "team-b", "branch_key": "shiraz"}
    # the default (no rule): alice reads and edits everything, as before
    assert {mine["lead"], theirs["lead"]} <= _ids(api, "employee", "/leads")
    ok(api.call("PATCH", f"{V1}/customers/{theirs['customer']}", "employee", json={"segment": "vip"}))

    ok(api.call("PUT", V1 + "/access-rules/role/employee", json={"read_scope": "team", "edit_scope": "team"}))
    for path, kind in (("/leads", "lead"), ("/customers", "customer"), ("/opportunities", "deal")):
        seen = _ids(api, "employee", path)
        assert mine[kind] in seen and theirs[kind] not in seen, path
        assert theirs[kind] in _ids(api, "employee2", path) and mine[kind] in _ids(api, "admin", path)
    assert _ids(api, "employee", "/customers?q=Reza") == set()
    assert _ids(api, "employee", "/leads?q=09121110002") == set()
    assert _ids(api, "employee2", "/customers?q=Reza") == {theirs["customer"]}
    for path in (f"/customers/{theirs['customer']}", f"/customers/{theirs['customer']}/360",
                 f"/leads/{theirs['lead']}", f"/opportunities/{theirs['deal']}",
                 f"/records/leads/{theirs['lead']}/placement"):
        problem(api.call("GET", V1 + path, "employee"), 404)
    problem(api.call("GET", f"{V1}/customers/999999", "employee"), 404)  # the same answer as for a missing one
    problem(api.call("PATCH", f"{V1}/customers/{theirs['customer']}", "employee", json={"segment": "x"}), 404)
    problem(api.call("PATCH", f"{V1}/opportunities/{theirs['deal']}", "employee", json={"title": "mine now"}), 404)
    ok(api.call("GET", f"{V1}/customers/{mine['customer']}/360", "employee"))
    assert ok(api.call("GET", V1 + "/reports/funnel", "employee"))["total"] == 1
    assert ok(api.call("GET", V1 + "/reports/funnel", "admin"))["total"] == 2
    steps = ok(api.call("GET", V1 + "/reports/lead-funnel", "employee"))["steps"]
    assert [s["count"] for s in steps if s["step"] == "leads"] == [1]
    exported = api.call("GET", V1 + "/exports/leads?format=csv", "employee").get_data(as_text=True)
    assert "سارا احمدی" in exported and "Reza Karimi" not in exported

    # carol (team A) manages team B: she sees its records; a team's manager must be a user
    problem(api.call("PATCH", V1 + "/teams/team-b", json={"managers": ["nobody"]}), 422)
    ok(api.call("PATCH", V1 + "/teams/team-b", json={"managers": [CAROL]}))
    assert {mine["lead"], theirs["lead"]} <= _ids(api, "outsider", "/leads")
    # reading a team but editing only one's own: 403 for a record one may read
    ok(api.call("PUT", V1 + "/access-rules/role/employee", json={"read_scope": "branch", "edit_scope": "own"}))
    colleague = _records(api, "outsider", "Nima Shams", "09121110003")
    assert colleague["lead"] in _ids(api, "employee", "/leads")  # the same branch (tehran)
    problem(api.call("PATCH", f"{V1}/customers/{colleague['customer']}", "employee", json={"segment": "x"}), 403)
    # moving a record to team A (by one who may edit it) shows it to alice
    assert theirs["lead"] not in _ids(api, "employee", "/leads")
    problem(api.call("PATCH", f"{V1}/records/leads/{theirs['lead']}/placement", "employee2",
                     json={"team_key": "team-z"}), 422)
    ok(api.call("PATCH", f"{V1}/records/leads/{theirs['lead']}/placement", "employee2",
                json={"team_key": "team-a", "branch_key": "tehran"}))
    assert theirs["lead"] in _ids(api, "employee", "/leads")
    assert api.call("DELETE", V1 + "/access-rules/role/employee").status_code == 204
    assert theirs["customer"] in _ids(api, "employee", "/customers")  # no rule: all again


def test_teams_branches_and_rules_are_validated_and_journaled(sqlite_api: Api) -> None:
    api = sqlite_api
    problem(api.call("POST", V1 + "/teams", "employee", json={"key": "x", "name_fa": "x", "name_en": "x"}), 403)
    bad = problem(api.call("POST", V1 + "/teams", json={"key": "Team A", "name_fa": " ", "name_en": "A",
                                                        "branch_key": "nowhere"}), 422)
    assert set(bad["errors"]) >= {"key", "name_fa", "branch_key"}
    ok(api.call("POST", V1 + "/branches", json={"key": "hq", "name_fa": "مرکزی", "name_en": "HQ",
                                                "kind": "head_office"}), 201)
    problem(api.call("POST", V1 + "/branches", json={"key": "hq", "name_fa": "دو", "name_en": "Two"}), 422)
    ok(api.call("PATCH", V1 + "/branches/hq", json={"active": False}))
    problem(api.call("POST", V1 + "/teams", json={"key": "a", "name_fa": "الف", "name_en": "A",
                                                  "branch_key": "hq"}), 422)  # an inactive branch
    wide = problem(api.call("PUT", V1 + "/access-rules/group/sales", json={"read_scope": "own",
                                                                           "edit_scope": "all"}), 422)
    assert "edit_scope" in wide["errors"]
    problem(api.call("PUT", V1 + "/access-rules/team/sales", json={"read_scope": "own", "edit_scope": "own"}), 422)
    for typo in ("group/slaes", "role/employe"):  # a rule for no one is refused, not stored
        assert "subject" in problem(api.call("PUT", f"{V1}/access-rules/{typo}",
                                             json={"read_scope": "own", "edit_scope": "own"}), 422)["errors"]
    ok(api.call("PUT", V1 + "/access-rules/group/sales", json={"read_scope": "team", "edit_scope": "own"}))
    assert ok(api.call("GET", V1 + "/access-rules")) == [
        {"subject_kind": "group", "subject": "sales", "read_scope": "team", "edit_scope": "own"}]
    problem(api.call("PUT", f"{V1}/users/{_user_id(api, ALICE)}/placement", json={"team_key": "ghost"}), 422)
    kinds = [event["kind"] for event in ok(api.call("GET", V1 + "/journal?limit=200", "admin"))["items"]]
    assert {"crm.branch.created", "crm.branch.changed", "crm.access_rule.created"} <= set(kinds)


def test_complaints_contracts_and_referrals_of_another_team_are_out_of_sight(api: Api) -> None:
    for name in ("complaint_escalation", "contract_approval", "referral_rewards", "lead_qualification"):
        ok(api.deploy(processes.files(name)), 201)
    _organise(api)
    customer = ok(api.call("POST", V1 + "/customers", "employee2", json={"person_name": "Omid Rad",
                                                                          "mobile": "09121110009"}), 201)["customer"]
    complaint = ok(api.call("POST", V1 + "/complaints", "employee2", json={
        "customer_id": customer["id"], "category": "delivery", "severity": "low", "description": "late"}), 201)
    contract = ok(api.call("POST", V1 + "/contracts", "employee2", json={
        "customer_id": customer["id"], "title": "Support", "amount": 5_000_000, "terms": "standard"}), 201)
    referral = ok(api.call("POST", V1 + "/referrals", "employee2", json={
        "code": customer["referral_code"], "referred_name": "Nima", "referred_mobile": "09351110009"}), 201)
    placed = ok(api.call("GET", f"{V1}/records/complaints/{complaint['id']}/placement"))
    assert placed == {"owner": BOB, "team_key": "team-b", "branch_key": "shiraz"}

    ok(api.call("PUT", V1 + "/access-rules/role/employee", json={"read_scope": "team", "edit_scope": "team"}))
    for path, record in (("/complaints", complaint), ("/contracts", contract), ("/referrals", referral)):
        assert record["id"] not in _ids(api, "employee", path), path
        assert record["id"] in _ids(api, "employee2", path), path
        problem(api.call("GET", f"{V1}{path}/{record['id']}", "employee"), 404)
    problem(api.call("POST", f"{V1}/complaints/{complaint['id']}/updates", "employee", json={"text": "x"}), 404)
    problem(api.call("PATCH", f"{V1}/contracts/{contract['id']}", "employee", json={"title": "x"}), 404)
    problem(api.call("GET", f"{V1}/contracts/{contract['id']}/document", "employee"), 404)
    problem(api.call("GET", f"{V1}/customers/{customer['id']}/purchases", "employee"), 404)
    problem(api.call("POST", V1 + "/opportunities", "employee", json={"customer_id": customer["id"], "title": "x",
                                                                    "amount": 1}), 404)
    assert ok(api.call("GET", V1 + "/reports/complaints", "employee"))["received"] == 0
    assert ok(api.call("GET", V1 + "/reports/complaints", "employee2"))["received"] == 1
