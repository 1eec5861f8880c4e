"""Schemathesis against Ravand's own OpenAPI document, in-process through WSGI.

Every operation of ``/api/v1/openapi.json`` is fuzzed (examples, coverage and fuzzing phases,
positive and negative data) twice: signed in as an administrator and as an employee, each on its
own small world (a deployed approval process, running instances, a failed instance with an
incident, a user that may be edited, an API token). Half of the generated cases have their path
parameters replaced by ids that exist, so the success paths are exercised, not only 404s.

Strict, per case: no 5xx; every response matches the schema documented for its status; a 2xx is
documented explicitly (not only by ``default``) and has a documented content type; every error is
``application/problem+json`` with its status and a title, and never a stack trace.
The 4xx answers an operation does not declare are listed in one warning at the end of the module
(documenting them is an ``alt_response`` in api/resources, not a behaviour bug). No test depends on
another's outcome, so the module also runs under pytest-xdist (``make test`` uses ``-n 2``).
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis.checks import not_a_server_error
from schemathesis.config import HealthCheck
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.app import create_app
from api.composition import build
from config import load_settings
from tests.api.conftest import Api, make_api
from tests.engine import bpmn

SPEC = "/api/v1/openapi.json"
MAX_EXAMPLES = 15  # per operation and phase; the coverage phase adds its boundary cases beside them
PROBLEM = "application/problem+json"

BROKEN = bpmn.diagram("broken", "\n".join([
    bpmn.start(), bpmn.script("divide", "result = 10 / count"), bpmn.end(),
    bpmn.chain("start", "divide", "end"),
]), name="Broken")


def _spec_app() -> Flask:
    """An app that only serves the document: no database is touched (the engine connects lazily)."""
    settings = load_settings(environ={}, database_url="sqlite://", secret_key="spec-only", script_isolation=False,
                             scheduler_enabled=False)
    return create_app(settings, build(settings))


def _config() -> schemathesis.Config:
    config = schemathesis.Config(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                        HealthCheck.data_too_large])
    config.projects.default.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
    return config


schema = schemathesis.openapi.from_wsgi(SPEC, _spec_app(), config=_config())


@dataclass
class World:
    api: Api
    role: str
    own_user_id: int
    known: dict[str, list[Any]]
    counters: dict[str, Iterator[int]] = field(default_factory=lambda: defaultdict(itertools.count))

    @property
    def headers(self) -> dict[str, str]:
        # identity: the WSGI transport hands schemathesis the body as sent, and gzipped JSON (flask-compress, for
        # answers of a kilobyte or more) is not JSON until a client decodes it; tests/web/test_assets.py covers gzip
        return {"Authorization": f"Bearer {self.api.tokens[self.role]}", "Accept-Encoding": "identity"}


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def build_world(tmp: Any, role: str) -> World:
    api = make_api(f"sqlite:///{tmp}/ravand.sqlite", tmp)
    deployed = _ok(api.deploy([*bpmn.approval_files(), ("broken.bpmn", BROKEN)], "admin"), 201)
    start = "/api/v1/process-definitions/key/{}/start"
    instances = [_ok(api.call("POST", start.format("approval"), json={"business_key": f"bk-{n}"}), 201)["id"]
                 for n in range(4)]
    failed = _ok(api.call("POST", start.format("broken"), json={"variables": {"count": 0}}), 201)
    assert failed["state"] == "failed", failed
    tasks = [_ok(api.call("GET", f"/api/v1/tasks?business_key=bk-{n}"))["items"][0]["id"] for n in range(3)]
    _ok(api.call("POST", f"/api/v1/tasks/{tasks[0]}/comments", json={"text": "یادداشت"}), 201)
    victim = _ok(api.call("POST", "/api/v1/users", json={"username": "victim", "password": "long enough 1",
                                                         "role": "employee", "groups": ["sales"]}), 201)
    token = _ok(api.call("POST", "/api/v1/auth/api-tokens", role, json={"name": "fuzz"}), 201)
    me = _ok(api.call("GET", "/api/v1/auth/me", role))["username"]
    users = _ok(api.call("GET", "/api/v1/users?limit=500"))["items"]
    known = {
        "user_id": [victim["id"]], "definition_id": [d["id"] for d in deployed],
        "instance_id": [failed["id"], *instances[:3]], "incident_id": [i["id"] for i in failed["incidents"]],
        "task_id": tasks, "token_id": [token["id"]], "key": ["approval", "broken"],
        "cancellable": [instances[3]], "failed": [failed["id"]],
    }
    return World(api, role, next(u["id"] for u in users if u["username"] == me), known)


@pytest.fixture(scope="module")
def admin_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("admin"), "admin")


@pytest.fixture(scope="module")
def employee_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("employee"), "employee")


# which known ids a path parameter aims at, where not the ones named like it (cancel must not end the instances
# whose tasks the task routes need)
AIMS = {
    "POST /api/v1/process-instances/{instance_id}/cancel": {"instance_id": "cancellable"},
    "POST /api/v1/process-instances/{instance_id}/incidents/{incident_id}/retry": {"instance_id": "failed"},
}

BODIES = {"POST /api/v1/tasks/{task_id}/complete": {"data": {"amount": 5, "approved": True, "comment": "خوب"}}}


def steer(case: Any, world: World) -> None:
    """Every other case aims at ids that exist (and some completions send valid data); nobody edits the
    signed-in user (that would sign them out)."""
    label = case.operation.label
    n = next(world.counters[label])
    if n % 2 == 0:
        aims = {**{name: name for name in world.known}, **AIMS.get(label, {})}
        for name in case.path_parameters:
            values = world.known.get(aims.get(name, ""))
            if values:
                case.path_parameters[name] = values[(n // 2) % len(values)]
    if label in BODIES and n % 2 == 0 and isinstance(case.body, dict):
        case.body = BODIES[label]
    if case.operation.path == "/api/v1/users/{user_id}" and str(case.path_parameters.get("user_id")) == str(
            world.own_user_id):
        case.path_parameters["user_id"] = world.known["user_id"][0]


USERS = ("GET /api/v1/users", "GET /api/v1/users/{user_id}", "PATCH /api/v1/users/{user_id}")
TOKENS = ("GET /api/v1/auth/api-tokens", "DELETE /api/v1/auth/api-tokens/{token_id}")
# Bugs in api/ this module found, as (operations, a pattern of the failure's text). A matching failure is
# tolerated so the operation's other cases still run; each bug has its own strict-xfail test below, which
# starts failing once the bug is fixed: then drop the entry here too.
KNOWN_BUGS: dict[str, tuple[tuple[str, ...], str]] = {}


def _known(label: str, failure: Exception) -> bool:
    return any(label in labels and re.search(pattern, str(failure)) for labels, pattern in KNOWN_BUGS.values())


def validate(case: Any, response: Any, world: World, checks: list) -> None:
    try:
        case.validate_response(response, checks=checks, headers=world.headers)
    except FailureGroup as group:
        if not all(_known(case.operation.label, failure) for failure in group.exceptions):
            raise


def _documented(case: Any) -> set[int]:
    return {int(code) for code in case.operation.responses.status_codes if code.isdigit()}


def check_problem(case: Any, response: Any) -> None:
    """Errors are RFC 9457 problems; nothing leaks a traceback."""
    text = response.text_lossy()
    assert "Traceback (most recent" not in text and 'File "/' not in text, (case.operation.label, text[:500])
    if case.method.upper() == "HEAD":
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith(PROBLEM), (case.operation.label, response.status_code, content_type)
    body = response.json()
    assert body["status"] == response.status_code and isinstance(body["title"], str), body


def exercise(case: Any, world: World, gaps: dict[str, set[int]]) -> None:
    steer(case, world)
    response = case.call(app=world.api.app, headers=world.headers)
    validate(case, response, world, [not_a_server_error, response_schema_conformance])
    status = response.status_code
    if case.method.upper() != case.operation.method.upper():  # "unsupported method" probes
        assert status in {200, 405}, (case.method, case.operation.label, status)  # OPTIONS answers 200
        if status == 405:
            check_problem(case, response)
        return
    if status < 400:
        assert status in _documented(case), f"{case.operation.label} answered an undocumented {status}"
        validate(case, response, world, [content_type_conformance])
        return
    check_problem(case, response)
    if status not in _documented(case):
        gaps[case.operation.label].add(status)  # a gap in the document: reported, not failed


@pytest.fixture(scope="module")
def gaps() -> Iterator[dict[str, set[int]]]:
    """4xx answers the document does not declare; one warning lists them when the module is done."""
    found: dict[str, set[int]] = defaultdict(set)
    yield found
    if found:
        lines = [f"  {label}: {', '.join(map(str, sorted(codes)))}" for label, codes in sorted(found.items())]
        warnings.warn("statuses answered but not documented (add @blp.alt_response):\n" + "\n".join(lines),
                      stacklevel=1)


@schema.parametrize()
def test_as_admin(case: Any, admin_world: World, gaps: dict[str, set[int]]) -> None:
    exercise(case, admin_world, gaps)


@schema.parametrize()
def test_as_employee(case: Any, employee_world: World, gaps: dict[str, set[int]]) -> None:
    exercise(case, employee_world, gaps)


# -- the bugs the fuzzing found, one test each -------------------------------------------------------

def _documented_200(path: str, method: str = "get") -> dict:
    return schema.raw_schema["paths"][path][method]["responses"]["200"]


def test_user_and_token_datetimes_carry_an_offset(admin_world: World) -> None:
    api = admin_world.api
    stamps = [u["created_at"] for u in _ok(api.call("GET", "/api/v1/users"))["items"]]
    stamps += [t["created_at"] for t in _ok(api.call("GET", "/api/v1/auth/api-tokens", admin_world.role))]
    assert all(datetime.fromisoformat(stamp).tzinfo is not None for stamp in stamps), stamps


def test_history_documents_json_and_csv() -> None:
    content = _documented_200("/api/v1/process-instances/{instance_id}/history").get("content", {})
    assert {"application/json", "text/csv"} <= set(content), content


def test_journal_documents_csv() -> None:
    assert "text/csv" in _documented_200("/api/v1/journal").get("content", {})


def test_every_response_has_a_description() -> None:
    missing = [f"{method.upper()} {path} {status}" for path, item in schema.raw_schema["paths"].items()
               for method, operation in item.items() if method != "parameters"
               for status, response in operation["responses"].items()
               if "$ref" not in response and "description" not in response]
    assert not missing, missing


def test_errors_are_documented_as_problems() -> None:
    default = schema.raw_schema["components"]["responses"]["DEFAULT_ERROR"]
    assert PROBLEM in default["content"], default
