"""What the web app asks of the API beyond what was there: validate without deploying, a version's
files by name, the path an instance took, the caller's display name; and the app shell itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine import bpmn
from tests.web.conftest import Server
from web import assets

UNREGISTERED = bpmn.diagram("broken", "\n".join([
    bpmn.start(), bpmn.service("call_crm", "no_such_handler"), bpmn.end(), bpmn.chain("start", "call_crm", "end"),
]))


def validate(server: Server, files: list[tuple[str, bytes]], who: str = "designer") -> Any:
    return server.upload("/api/v1/deployments/validate", files, who)


def counts(server: Server) -> tuple[int, int]:
    return (server.call("GET", "/api/v1/process-definitions").get_json()["total"],
            server.call("GET", "/api/v1/journal", "auditor").get_json()["total"])


def test_validate_accepts_a_good_deployment_and_stores_nothing(server: Server):
    before = counts(server)
    answer = validate(server, [("checked.bpmn", bpmn.diagram("checked_only", bpmn.start() + bpmn.end()
                                                              + bpmn.flow("start", "end")))])
    assert answer.status_code == 200 and answer.get_json() == {"ok": True, "warnings": []}
    assert counts(server) == before
    found = server.call("GET", "/api/v1/process-definitions", query_string={"key": "checked_only"}).get_json()
    assert found["total"] == 0


def test_validate_answers_the_located_problems(server: Server):
    answer = validate(server, [("broken.bpmn", UNREGISTERED)])
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    problems = answer.get_json()["problems"]
    assert any(p["element_id"] == "call_crm" and p["file"] == "broken.bpmn" for p in problems), problems
    missing_form = validate(server, [("approval.bpmn", bpmn.APPROVAL)])
    assert missing_form.status_code == 422
    assert any(p["element_id"] == "review" for p in missing_form.get_json()["problems"])


def test_validate_is_for_designers_and_needs_files(server: Server):
    assert validate(server, bpmn.approval_files(), "employee").status_code == 403
    assert validate(server, bpmn.approval_files(), "auditor").status_code == 403
    assert server.call("POST", "/api/v1/deployments/validate", "designer").status_code == 400
    garbage = validate(server, [("x.bpmn", b"<not xml")])
    assert garbage.status_code == 422


def test_a_version_serves_its_files_by_name(server: Server):
    definition = server.deploy(bpmn.approval_files())[0]
    detail = server.call("GET", f"/api/v1/process-definitions/{definition['id']}").get_json()
    assert {r["name"] for r in detail["resources"]} == {"approval.bpmn", "review.form"}
    form = server.call("GET", f"/api/v1/process-definitions/{definition['id']}/resources/review.form", "employee")
    assert form.status_code == 200 and form.mimetype == "application/json"
    assert json.loads(form.get_data())["id"] == "review-form"
    xml = server.call("GET", f"/api/v1/process-definitions/{definition['id']}/resources/approval.bpmn")
    assert xml.mimetype == "application/xml" and b"review" in xml.get_data()
    missing = server.call("GET", f"/api/v1/process-definitions/{definition['id']}/resources/nope.form")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert server.call("GET", "/api/v1/process-definitions/999/resources/review.form").status_code == 404


def test_an_instance_tells_the_path_it_took(server: Server):
    server.deploy(bpmn.approval_files())
    started = server.call("POST", "/api/v1/process-definitions/key/approval/start", "employee",
                       json={"variables": {"amount": 3}}).get_json()
    instance = server.call("GET", f"/api/v1/process-instances/{started['id']}").get_json()
    assert instance["element_counts"].get("start") == 1 and instance["active_elements"] == ["review"]


def test_me_says_who_and_in_which_language(server: Server):
    me = server.call("GET", "/api/v1/auth/me", "persian").get_json()
    assert me == {"username": "parisa", "role": "employee", "groups": ["sales"], "locale": "fa", "email": None,
                  "mobile": None}


def test_the_openapi_document_lists_the_new_routes(server: Server):
    paths = server.client().get("/api/v1/openapi.json").get_json()["paths"]
    assert "patch" in paths["/api/v1/auth/me"]
    assert "get" in paths["/api/v1/me/notifications"] and "post" in paths["/api/v1/me/notifications/read-all"]
    assert "post" in paths["/api/v1/deployments/validate"]
    assert "/api/v1/process-definitions/{definition_id}/resources/{name}" in paths


def test_a_missing_build_gives_a_clear_page_not_an_error(server: Server, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    from tests.web.test_session import sign_in

    monkeypatch.setattr(assets, "MANIFEST", tmp_path / "absent" / "manifest.json")
    client = server.client()
    sign_in(client)
    page = client.get("/app/tasks")
    assert page.status_code == 503 and "npm run build" in page.get_data(as_text=True)
    assert server.client().get("/login").status_code == 200  # signing in still works, unstyled


def test_built_files_are_cached_for_good_and_others_briefly(server: Server):
    urls = assets.manifest()
    if urls is None:
        pytest.skip("the web app is not built (make install builds it)")
    hashed = server.client().get(urls["app.js"])
    assert hashed.status_code == 200 and "immutable" in hashed.headers["Cache-Control"]
    assert "max-age=31536000" in hashed.headers["Cache-Control"]
    icon = server.client().get("/static/favicon.svg")
    assert icon.status_code == 200 and "immutable" not in icon.headers.get("Cache-Control", "")
    assert server.client().get("/static/../api/app.py").status_code == 404
    assert server.client().get("/static/dist/nothing.js").status_code == 404
