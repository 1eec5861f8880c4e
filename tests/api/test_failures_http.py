"""The failures of tests/engine/test_failures.py as an attacker sends them: over HTTP, never a 500."""

from __future__ import annotations

import io

import pytest

from tests.engine.test_failures import GATEWAY, _wide

V1 = "/api/v1"


def _post(api, path: str, name: str, content: bytes):
    data = {"files": [(io.BytesIO(content), name)]}
    return api.call("POST", f"{V1}{path}", "designer", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_validate_and_deploy_give_the_same_answer_to_a_wide_bpmn(api, encoding: str) -> None:
    content = _wide(encoding)
    checked = _post(api, "/deployments/validate", "wide.bpmn", content)
    deployed = _post(api, "/deployments", "wide.bpmn", content)
    assert checked.status_code == deployed.status_code == 422
    assert checked.get_json()["problems"] == deployed.get_json()["problems"]
    assert "UTF-8" in deployed.get_json()["problems"][0]["message"]


def test_no_matching_condition_over_http_is_an_incident_not_a_500(api) -> None:
    assert api.deploy([("g.bpmn", GATEWAY)]).status_code == 201
    answer = api.call("POST", f"{V1}/process-definitions/key/nomatch/start", "admin", json={"variables": {
        "amount": 50}})
    assert answer.status_code in {200, 201}, answer.get_json()
    assert answer.get_json()["state"] == "failed"
    assert answer.get_json()["incidents"][0]["element_id"] == "g"
