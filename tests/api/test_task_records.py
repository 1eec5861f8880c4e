"""A task is about a record, over HTTP: the tasklist and a task show the record (type, id, title, the web
page) and a title saying which; ``q`` finds tasks and instances by company, person, phone or tracking code
however the letters and digits were typed; a corrected lead retitles its task; bad searches are 422."""

from __future__ import annotations

import processes
from engine.store.transactions import transaction
from tests.api.conftest import Api
from tests.api.test_crm_records import V1, ok, problem

ARYA = {"company_name": "آریا نرم‌افزار", "person_name": "علی رضایی", "mobile": "09123456789",
        "source": "web_form", "product": "software"}
PARS = {"company_name": "Pars Trading", "person_name": "Sara Nouri", "mobile": "09350001111",
        "source": "phone", "product": "software"}


def _tasks(api: Api, who: str, **query: str) -> list[dict]:
    return ok(api.call("GET", V1 + "/tasks", who, query_string=query))["items"]


def test_tasks_and_instances_show_and_find_their_records(api: Api):
    ok(api.deploy(processes.files("lead_qualification")), 201)
    arya = ok(api.call("POST", V1 + "/leads", "employee", json=ARYA), 201)
    pars = ok(api.call("POST", V1 + "/leads", "employee", json=PARS), 201)

    [task] = _tasks(api, "employee", q="آريا")  # typed with the Arabic ye
    assert task["record"] == {"type": "lead", "id": str(arya["id"]), "url": f"/app/leads/{arya['id']}",
                              "title": "آریا نرم‌افزار — علی رضایی — 0912 345 6789"}
    assert task["title"] == f"{task['name']}: {task['record']['title']}"
    for typed in ("نرم افزار", "نرمافزار", "۰۹۱۲۳۴۵", "+98912345", "رضایی آریا"):
        assert [t["id"] for t in _tasks(api, "employee", q=typed)] == [task["id"]], typed
    assert [t["record"]["id"] for t in _tasks(api, "employee", q="pars sara")] == [str(pars["id"])]
    assert _tasks(api, "employee", q="آریا pars") == []
    assert len(_tasks(api, "employee")) == 2 and all(t["record"]["type"] == "lead" for t in _tasks(api, "employee"))
    assert [t["id"] for t in _tasks(api, "employee", record_type="lead", record_id=str(arya["id"]))] == [task["id"]]
    assert _tasks(api, "outsider", q="آریا") == []  # not offered to carol's group: not found either
    assert [t["id"] for t in _tasks(api, "auditor", q="09123456789")] == [task["id"]]

    detail = ok(api.call("GET", f"{V1}/tasks/{task['id']}", "employee"))
    assert detail["record"]["url"] == f"/app/leads/{arya['id']}" and detail["title"] == task["title"]
    claimed = ok(api.call("POST", f"{V1}/tasks/{task['id']}/claim", "employee"))
    assert claimed["record"] == task["record"] and claimed["title"] == task["title"]  # a command's answer too
    ok(api.call("POST", f"{V1}/tasks/{task['id']}/unclaim", "employee"))

    found = ok(api.call("GET", V1 + "/process-instances", "designer", query_string={"q": "pars"}))
    assert [i["record"]["id"] for i in found["items"]] == [str(pars["id"])]
    one = ok(api.call("GET", f"{V1}/process-instances/{found['items'][0]['id']}", "auditor"))
    assert one["record"]["title"] == "Pars Trading — Sara Nouri — 0935 000 1111"
    problem(api.call("GET", V1 + "/process-instances", "employee", query_string={"q": "pars"}), 403)

    ok(api.call("PATCH", f"{V1}/leads/{pars['id']}", "employee", json={"company_name": "Pars Trade Co"}))
    [renamed] = _tasks(api, "employee", q="trade co")
    assert renamed["record"]["title"].startswith("Pars Trade Co — ") and _tasks(api, "employee", q="trading") == []


def test_bad_searches_are_refused_with_the_field_named(api: Api):
    for query in ({"q": "x" * 201}, {"q": ""}, {"q": "a b c d e f g h i"}, {"record_type": "x" * 41},
                  {"record_id": "1" * 65}):
        for path, who in (("/tasks", "employee"), ("/process-instances", "auditor")):
            answer = problem(api.call("GET", V1 + path, who, query_string=query), 422)
            assert set(answer["errors"]) & set(query), (path, query, answer)
    problem(api.call("GET", V1 + "/tasks", None, query_string={"q": "arya"}), 401)


def test_instances_known_only_by_type_and_id_get_their_titles(api: Api):
    """As after the migration's backfill from business keys: ``ravand describe-records`` writes the titles."""
    from sqlalchemy import update

    from engine.store.models import ProcessInstance
    from processes.records import describe_untitled

    ok(api.deploy(processes.files("lead_qualification")), 201)
    lead = ok(api.call("POST", V1 + "/leads", "employee", json=ARYA), 201)
    ravand = api.app.extensions["ravand"]

    def forget(session) -> None:
        session.execute(update(ProcessInstance).values(record_title=None, record_search=None))

    transaction(ravand.sessions, forget)
    assert _tasks(api, "employee", q="آریا") == []
    assert transaction(ravand.sessions, lambda s: describe_untitled(ravand.engine, s)) == 1
    assert transaction(ravand.sessions, lambda s: describe_untitled(ravand.engine, s)) == 0
    [task] = _tasks(api, "employee", q="آریا")
    assert task["record"]["id"] == str(lead["id"]) and task["record"]["title"].startswith("آریا نرم‌افزار — ")


def test_two_draft_the_contract_tasks_differ_and_follow_their_contracts_and_customer(api: Api):
    ok(api.deploy(processes.files("contract_approval")), 201)

    def customer(company: str, mobile: str) -> dict:
        return ok(api.call("POST", V1 + "/customers", "employee", json={
            "kind": "company", "company_name": company, "mobile": mobile}), 201)["customer"]

    kaveh, arya = customer("پارس کاوه", "09121110051"), customer("Arya Soft", "09121110052")
    first = ok(api.call("POST", V1 + "/contracts", "employee", json={
        "customer_id": kaveh["id"], "title": "پشتیبانی", "amount": 100_000_000}), 201)
    second = ok(api.call("POST", V1 + "/contracts", "employee", json={
        "customer_id": arya["id"], "title": "POS terminals", "amount": 900_000_000}), 201)
    drafts = {t["record"]["id"]: t for t in _tasks(api, "admin", record_type="contract")}
    assert set(drafts) == {str(first["id"]), str(second["id"])}
    one, two = drafts[str(first["id"])], drafts[str(second["id"])]
    assert one["name"] == two["name"] and one["title"] != two["title"]
    assert two["record"] == {"type": "contract", "id": str(second["id"]), "url": f"/app/contracts/{second['id']}",
                             "title": f"#{second['id']} — Arya Soft — POS terminals"}

    ok(api.call("PATCH", f"{V1}/contracts/{second['id']}", "employee", json={"title": "POS rental"}))
    ok(api.call("PATCH", f"{V1}/customers/{arya['id']}", "employee", json={"company_name": "Arya Software"}))
    [renamed] = _tasks(api, "admin", q="arya software pos rental")
    assert renamed["record"]["title"] == f"#{second['id']} — Arya Software — POS rental"
    assert [t["id"] for t in _tasks(api, "admin", q="کاوه")] == [one["id"]]
