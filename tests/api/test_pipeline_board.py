"""The pipeline over HTTP: GET /opportunities/board (columns in the stages' order with counts and totals summed
on the server, filters by owner, period typed in Jalali, words of the title or customer, a column's further
cards by its cursor), moving a card with the opportunity's own stage change (someone else's deal refused,
lost needs a reason, an inactive stage takes none), and the stages an administrator sets at /pipeline/stages
(a stage in use is deactivated, never removed; one won and one lost stage)."""

from __future__ import annotations

from typing import Any

from api.identity.service import create_user
from tests.api.conftest import PASSWORD, Api
from tests.api.test_crm_records import V1, ok, problem

BOARD = V1 + "/opportunities/board"


def _deal(api: Api, who: str, company: str, title: str, amount: int, close: str | None = None, **extra: Any) -> dict:
    customer = ok(api.call("POST", V1 + "/customers", who, json={"kind": "company", "company_name": company}),
                  201)["customer"]
    body = {"customer_id": customer["id"], "title": title, "amount": amount, "expected_close": close, **extra}
    return ok(api.call("POST", V1 + "/opportunities", who, json=body), 201)


def _columns(api: Api, who: str = "employee", **query: Any) -> dict[str, dict]:
    return {c["stage"]: c for c in ok(api.call("GET", BOARD, who, query_string=query))["columns"]}


def _manager(api: Api) -> str:
    with api.app.extensions["ravand"].sessions() as session:
        create_user(session, "mina", PASSWORD, "employee", ["sales", "managers"], locale="fa")
        session.commit()
    answer = api.client.post(V1 + "/auth/token", json={"username": "mina", "password": PASSWORD})
    api.tokens["manager"] = answer.get_json()["access_token"]
    return "manager"


def test_the_board_sums_each_column_and_filters(api: Api):
    first = _deal(api, "employee", "پارس کاوه", "انبار", 1_000_000, "2030-04-01")
    _deal(api, "employee", "Arya Soft", "POS terminals", 2_500_000, "2030-12-01", stage="proposal", probability=40)
    _deal(api, "employee2", "Bahar", "CRM seats", 4_000_000, None)
    payload = ok(api.call("GET", BOARD, "employee"))
    assert [c["stage"] for c in payload["columns"]] == ["prospecting", "qualification", "proposal", "negotiation",
                                                        "won", "lost"]
    columns = {c["stage"]: c for c in payload["columns"]}
    assert (columns["prospecting"]["count"], columns["prospecting"]["total"]) == (2, 5_000_000)
    assert columns["prospecting"]["weighted"] == 500_000 and columns["proposal"]["weighted"] == 1_000_000
    assert columns["prospecting"]["label"] == "Prospecting"
    card = columns["prospecting"]["cards"][0]  # the soonest to close first, undated last
    assert (card["id"], card["customer_name"], card["expected_close"]) == (first["id"], "پارس کاوه", "2030-04-01")
    assert [c["title"] for c in columns["prospecting"]["cards"]] == ["انبار", "CRM seats"]
    assert columns["won"]["count"] == 0 and columns["prospecting"]["cursor"] is None

    assert _columns(api, owner="bob")["prospecting"]["total"] == 4_000_000
    spring = _columns(api, since="۱۴۰۹/۰۱/۰۱", until="1409/06/31")  # 2030-03-21 .. 2030-09-22
    assert (spring["prospecting"]["count"], spring["proposal"]["count"]) == (1, 0)
    assert _columns(api, q="كاوه")["prospecting"]["count"] == 1  # an Arabic kaf finds the Persian name

    limited = _columns(api, limit=1)["prospecting"]
    assert (len(limited["cards"]), limited["cursor"]) == (1, 1)
    more = ok(api.call("GET", BOARD, "employee", query_string={"limit": 1, "stage": "prospecting", "cursor": 1}))
    assert [c["stage"] for c in more["columns"]] == ["prospecting"]
    assert [c["title"] for c in more["columns"][0]["cards"]] == ["CRM seats"] and more["columns"][0]["cursor"] is None


def test_bad_board_input_is_refused_plainly_in_both_languages(api: Api):
    backwards = problem(api.call("GET", BOARD, "employee", query_string={"since": "2030-05-01",
                                                                       "until": "2030-04-01"}), 422)
    assert "period" in backwards["detail"] and "بازه" in backwards["detail"] and "until" in backwards["errors"]
    assert "since" in problem(api.call("GET", BOARD, "employee", query_string={"since": "1409/13/40"}), 422)["errors"]
    assert "limit" in problem(api.call("GET", BOARD, "employee", query_string={"limit": 0}), 422)["errors"]
    assert api.call("GET", BOARD, None).status_code == 401


def test_moving_a_card_is_the_stage_change_with_its_rules(api: Api):
    manager = _manager(api)
    deal = _deal(api, "employee", "Arya Soft", "POS terminals", 2_000_000, "2030-04-01")
    stage = f"{V1}/opportunities/{deal['id']}/stage"
    assert problem(api.call("POST", stage, "employee2", json={"stage": "proposal"}), 403)["detail"]
    moved = ok(api.call("POST", stage, manager, json={"stage": "proposal", "probability": 60}))
    assert (moved["stage"], moved["probability"]) == ("proposal", 60)
    columns = _columns(api)
    assert (columns["prospecting"]["total"], columns["proposal"]["total"], columns["proposal"]["weighted"]) == (
        0, 2_000_000, 1_200_000)
    assert "reason" in problem(api.call("POST", stage, manager, json={"stage": "lost"}), 422)["errors"]
    assert "stage" in problem(api.call("POST", stage, manager, json={"stage": "nowhere"}), 422)["errors"]
    ok(api.call("PATCH", V1 + "/pipeline/stages/negotiation", "admin", json={"active": False}))
    assert "stage" in problem(api.call("POST", stage, manager, json={"stage": "negotiation"}), 422)["errors"]
    assert "negotiation" not in _columns(api)  # inactive and empty: no column
    lost = ok(api.call("POST", stage, manager, json={"stage": "lost", "reason": "price", "comment": "گران"}))
    assert (lost["stage"], lost["loss_reason"]) == ("lost", "price")
    columns = _columns(api)
    assert (columns["proposal"]["count"], columns["lost"]["count"], columns["lost"]["total"]) == (0, 1, 2_000_000)


def test_an_administrator_sets_the_stages_and_a_used_stage_is_only_deactivated(api: Api):
    stages = V1 + "/pipeline/stages"
    body = {"key": "demo", "label_fa": "نمایش", "label_en": "Demo", "probability": 40, "position": 25}
    assert api.call("POST", stages, "employee", json=body).status_code == 403
    assert ok(api.call("POST", stages, "admin", json=body), 201)["in_use"] is False
    assert "key" in problem(api.call("POST", stages, "admin", json=body), 422)["errors"]
    assert "kind" in problem(api.call("POST", stages, "admin", json={**body, "key": "won2", "label_fa": "ب",
                                                                     "label_en": "W2", "kind": "won"}), 422)["errors"]
    assert "label_en" in problem(api.call("POST", stages, "admin", json={**body, "key": "demo2", "label_fa": "د",
                                                                         "label_en": "demo"}), 422)["errors"]
    assert [s["stage"] for s in ok(api.call("GET", V1 + "/opportunities/stages", "employee"))][:3] == [
        "prospecting", "qualification", "demo"]
    deal = _deal(api, "employee", "Arya Soft", "POS", 1_000_000, stage="demo")
    assert deal["probability"] == 40 and _columns(api)["demo"]["count"] == 1
    removed = problem(api.call("DELETE", stages + "/demo", "admin"), 409)
    assert "deactivate" in removed["detail"] and "غیرفعال" in removed["detail"]
    ok(api.call("PATCH", stages + "/demo", "admin", json={"active": False, "label_en": "Live demo"}))
    assert _columns(api)["demo"]["active"] is False  # still shown: it holds a deal
    assert "key" in problem(api.call("PATCH", stages + "/proposal", "admin", json={"key": "offer"}), 422)["errors"]
    assert "active" in problem(api.call("PATCH", stages + "/won", "admin", json={"active": False}), 422)["errors"]
    assert "probability" in problem(api.call("PATCH", stages + "/lost", "admin", json={"probability": 5}),
                                    422)["errors"]
    assert problem(api.call("DELETE", stages + "/lost", "admin"), 409)
    assert api.call("DELETE", stages + "/prospecting", "admin").status_code == 204  # never used
    for key in ("qualification", "proposal"):
        ok(api.call("PATCH", f"{stages}/{key}", "admin", json={"active": False}))
    last = problem(api.call("PATCH", stages + "/negotiation", "admin", json={"active": False}), 422)
    assert "active" in last["errors"]
    assert problem(api.call("DELETE", stages + "/nowhere", "admin"), 404)
    listed = ok(api.call("GET", stages, "employee"))
    assert [s["key"] for s in listed] == ["qualification", "demo", "proposal", "negotiation", "won", "lost"]
    assert {s["key"]: s["in_use"] for s in listed}["demo"] is True


def test_the_board_filters_by_team_and_obeys_record_access(api: Api):
    from tests.api.test_record_access import _organise

    _organise(api)  # alice in team-a, bob in team-b
    _deal(api, "employee", "Arya Soft", "POS", 1_000_000)
    _deal(api, "employee2", "Bahar", "CRM seats", 4_000_000)
    assert ok(api.call("GET", BOARD, "employee"))["team_filter"] is True
    assert _columns(api, team="team-b")["prospecting"]["total"] == 4_000_000
    assert _columns(api)["prospecting"]["total"] == 5_000_000  # no rule: everyone sees all, as before
    ok(api.call("PUT", V1 + "/access-rules/role/employee", json={"read_scope": "team", "edit_scope": "team"}))
    mine = _columns(api)["prospecting"]  # the totals count only what alice may read
    assert (mine["count"], mine["total"], [c["title"] for c in mine["cards"]]) == (1, 1_000_000, ["POS"])
    assert _columns(api, "admin")["prospecting"]["count"] == 2
