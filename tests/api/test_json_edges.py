"""Bodies that are not plain, bounded JSON, sent over HTTP to every door where values enter: a 400
(not JSON) or a 422 naming the value (not plain or past a bound), never a 500 and nothing stored. The
API writes strict JSON even for an instance that holds a NaN stored before these checks.

Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select, text

from engine.errors import InvalidValue
from engine.store.models import ProcessInstance
from engine.values import MAX_DEPTH, MAX_SIZE, MAX_TEXT
from tests.api.conftest import Api
from tests.engine import bpmn

V1 = "/api/v1"
START = f"{V1}/process-definitions/key/approval/start"
PROBLEM = "application/problem+json"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# (name, the JSON text of one value, status): what an attacker puts where a value goes (400: the body
# cannot be read; 422: a value is refused, the answer names it)
VALUES = [
    ("depth 100", nested(100), 422),
    # near Python's recursion limit the parser itself may give up (400) before the check names it (422)
    ("depth 1,000", nested(1000), (400, 422)),
    ("depth 100,000", nested(100_000), 400),  # too deep for the parser itself: the body cannot be read
    ("5,001 digits", "1" + "0" * 5000, 422),
    ("4,301 digits", "-" + "9" * 4301, 422),
    ("2^63", str(2**63), 422),
    ("NaN", "NaN", 422),
    ("Infinity", "Infinity", 422),
    ("-Infinity", "-Infinity", 422),
    ("1e999", "1e999", 422),
    ("lone surrogate", '"a\\ud800b"', 422),
    ("low surrogate", '"\\udc00"', 422),
    ("NUL", '"a\\u0000b"', 422),
]
# whole bodies that are not JSON at all
MALFORMED = [
    ("bad UTF-8", b'{"variables": {"a": "\xff\xfe"}}'),
    ("truncated", b'{"variables": {"a": '),
    ("unclosed depth 100,000", b'{"variables": ' + b"[" * 100_000),
    ("trailing garbage", b'{"variables": {}} x'),
    ("single quotes", b"{'variables': {}}"),
]


def nested_list(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def send(api: Api, method: str, path: str, raw: bytes | str, who: str = "admin") -> Any:
    body = raw.encode() if isinstance(raw, str) else raw
    return api.call(method, path, who, data=body, content_type="application/json")


def refused(answer: Any, status: int | tuple[int, ...]) -> dict[str, Any]:
    allowed = status if isinstance(status, tuple) else (status,)
    assert answer.status_code in allowed, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.mimetype == PROBLEM
    return json.loads(answer.get_data(as_text=True), parse_constant=_no_constant)


def _no_constant(name: str) -> None:
    raise AssertionError(f"the API wrote {name}, which is not JSON")


def instance_count(api: Api) -> int:
    with api.app.extensions["ravand"].sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance))


@pytest.fixture
def doors(api: Api) -> dict[str, tuple[str, str, str]]:
    """Every route where outside values enter: method, path, and the body with ``VALUE`` in place."""
    assert api.deploy(bpmn.approval_files()).status_code == 201
    started = api.call("POST", START, "admin", json={"business_key": "edge"}).get_json()
    task = api.call("GET", f"{V1}/tasks?process_instance={started['id']}", "admin").get_json()["items"][0]
    customer = api.call("POST", f"{V1}/customers", "employee", json={"person_name": "Edge"}).get_json()["customer"]
    return {
        "start": ("POST", START, '{"variables": {"v": VALUE}}'),
        "start (nested)": ("POST", START, '{"variables": {"a": {"b": [1, VALUE]}}}'),
        "complete": ("POST", f"{V1}/tasks/{task['id']}/complete", '{"data": {"amount": 1, "comment": VALUE}}'),
        "message": ("POST", f"{V1}/messages", '{"name": "paid", "business_key": "edge", "variables": {"v": VALUE}}'),
        "message correlation": ("POST", f"{V1}/messages", '{"name": "paid", "correlation": {"k": VALUE}}'),
        "signal": ("POST", f"{V1}/signals", '{"name": "stop", "variables": {"v": VALUE}}'),
        "customer patch": ("PATCH", f"{V1}/customers/{customer['id']}", '{"address": VALUE}'),
        "complaint": ("POST", f"{V1}/complaints",
                      '{"description": VALUE, "category": "billing", "severity": "low", "customer_id": 1}'),
        "lead": ("POST", f"{V1}/leads", '{"person_name": VALUE, "source": "web"}'),
    }


@pytest.mark.parametrize(("name", "value", "status"), VALUES, ids=[v[0] for v in VALUES])
def test_values_that_are_not_plain_json_are_refused_at_every_door(api: Api, doors: dict, name: str, value: str,
                                                                   status: int | tuple[int, ...]):
    before = instance_count(api)
    for door, (method, path, template) in doors.items():
        problem = refused(send(api, method, path, template.replace("VALUE", value)), status)
        if problem["status"] == 422:
            assert problem["path"] and list(problem["errors"]) == [problem["path"]], (door, problem)
    assert instance_count(api) == before


def test_paths_name_the_value(api: Api, doors: dict):
    cases = {'{"variables": {"a": {"b": [1, NaN]}}}': "variables.a.b[1]",
             '{"variables": {"n": 1e999}}': "variables.n",
             '{"variables": {"x\\u0000y": 1}}': "variables['x\\x00y']",
             '{"variables": {"s": ["ok", "\\ud800"]}}': "variables.s[1]",
             '{"variables": {"deep": ' + nested(MAX_DEPTH + 1) + "}}": "variables.deep" + "[0]" * (MAX_DEPTH - 1)}
    for body, path in cases.items():
        problem = refused(send(api, "POST", START, body), 422)
        assert problem["path"] == path, (body[:60], problem)
    # the deepest nesting allowed passes
    assert send(api, "POST", START, '{"variables": {"deep": ' + nested(MAX_DEPTH - 1) + "}}").status_code == 201


@pytest.mark.parametrize(("name", "raw"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_bodies_that_are_not_json_answer_400(api: Api, doors: dict, name: str, raw: bytes):
    for method, path, _ in doors.values():
        problem = refused(send(api, method, path, raw), 400)
        assert "not valid JSON" in problem["detail"] or "nested too deeply" in problem["detail"]


def test_values_past_the_engines_bounds_are_refused_with_their_path(api: Api, doors: dict):
    """Bounds the body check leaves to the engine: long text and the total size (start and complete)."""
    long_text = "x" * (MAX_TEXT + 1)
    problem = refused(api.call("POST", START, "admin", json={"variables": {"note": long_text}}), 422)
    assert problem["path"] == "variables.note"
    chunks = {f"k{i}": "y" * (MAX_TEXT - 10) for i in range(MAX_SIZE // MAX_TEXT + 1)}
    problem = refused(api.call("POST", START, "admin", json={"variables": chunks}), 422)
    assert problem["path"] == "variables" and "larger than" in problem["errors"]["variables"][0]
    method, path, _ = doors["complete"]
    problem = refused(api.call(method, path, "admin", json={"data": {"amount": 1, "comment": long_text}}), 422)
    assert problem["path"] == "data.comment"
    # amounts in rials up to the CRM's bound and beyond pass as numbers
    started = api.call("POST", START, "admin", json={"variables": {"amount": 10**15, "big": 2**63 - 1,
                                                                   "ratio": 0.1}})
    assert started.status_code == 201 and started.get_json()["variables"]["amount"] == 10**15


def test_the_engine_checks_messages_and_signals_itself(api: Api):
    """The checks live in the engine's commands, so callers other than the HTTP routes are held too."""
    ravand = api.app.extensions["ravand"]
    assert api.deploy(bpmn.approval_files()).status_code == 201
    for value in (float("nan"), float("-inf"), "a\x00", 2**70, "\udfff", "z" * (MAX_TEXT + 1), nested_list(MAX_DEPTH)):
        commands = {"variables.v": [lambda s, v=value: ravand.engine.correlate(s, "paid", "k", variables={"v": v}),
                                    lambda s, v=value: ravand.engine.signal(s, "stop", {"v": v}),
                                    lambda s, v=value: ravand.engine.start(s, "approval", None, {"v": v})],
                    "correlation.v": [lambda s, v=value: ravand.engine.correlate(s, "paid", correlation={"v": v})]}
        for path, calls in commands.items():
            for command in calls:
                with ravand.sessions() as session, pytest.raises(InvalidValue) as caught:
                    command(session)
                assert caught.value.path.startswith(path), (path, caught.value.path)
    with ravand.sessions() as session, pytest.raises(InvalidValue):
        ravand.engine.start(session, "approval", "key\x00", {})


def test_responses_are_strict_json_even_for_a_stored_nan(api: Api, db):
    """An instance stored before the checks with NaN and Infinity: its page, its task and the
    instance list answer JSON every strict parser reads, the values as null."""
    if db.dialect == "postgres":
        pytest.skip("PostgreSQL's json type refuses NaN itself: no such row can exist there")
    assert api.deploy(bpmn.approval_files()).status_code == 201
    started = api.call("POST", START, "admin", json={"variables": {"amount": 1}}).get_json()
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(text("UPDATE process_instance SET variables = :v WHERE id = :id"),
                        {"v": '{"amount": NaN, "limit": Infinity, "floor": -Infinity, "ok": 1}', "id": started["id"]})
        session.commit()
    task = api.call("GET", f"{V1}/tasks?process_instance={started['id']}", "admin").get_json()["items"][0]
    for path in (f"{V1}/process-instances/{started['id']}", f"{V1}/tasks/{task['id']}", f"{V1}/process-instances"):
        answer = api.call("GET", path, "admin")
        assert answer.status_code == 200, path
        body = json.loads(answer.get_data(as_text=True), parse_constant=_no_constant)
        variables = body.get("variables") or body.get("data") or body["items"][0]["variables"]
        assert variables == {"amount": None, "limit": None, "floor": None, "ok": 1}


def test_problem_bodies_keep_odd_text_as_valid_json(api: Api):
    """A refused key holding NUL is named in the answer escaped, and the answer is strict JSON."""
    answer = send(api, "POST", START, '{"variables": {"\\u0000": 1}}')
    problem = refused(answer, 422)
    assert "\x00" not in problem["path"]


def test_the_app_writes_any_stored_value_as_strict_json(sqlite_api: Api):
    """What the database may hand back from before the checks, nested past what json.dumps can write:
    the answer is strict JSON, the unwritable parts null."""
    deep: list = []
    inner = deep
    for _ in range(5000):
        inner.append([])
        inner = inner[0]
    with sqlite_api.app.app_context():
        written = sqlite_api.app.json.dumps({"deep": deep, "nan": float("nan"), "ok": [1, "ی"]})
    value = json.loads(written, parse_constant=_no_constant)
    assert value["nan"] is None and value["ok"] == [1, "ی"]
    depth, inner = 0, value["deep"]
    while isinstance(inner, list):
        depth, inner = depth + 1, inner[0]
    assert inner is None and 0 < depth < 100
