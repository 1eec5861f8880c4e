"""A UNIQUE decision table whose rules can overlap deploys, with warnings in the answer of ``POST /deployments``
and ``POST /deployments/validate``; an unsupported hit policy is a located refusal."""

from __future__ import annotations

import io
from typing import Any

from tests.api.conftest import Api
from tests.engine.test_dmn import OVERLAPPING, _rule, files, table


def _post(api: Api, path: str, dmn: bytes) -> Any:
    data = {"files": [(io.BytesIO(content), name) for name, content in files(dmn)]}
    return api.call("POST", path, "designer", data=data, content_type="multipart/form-data")


def test_overlapping_unique_rules_are_warnings_not_refusals(sqlite_api: Api):
    checked = _post(sqlite_api, "/api/v1/deployments/validate", table("UNIQUE", *OVERLAPPING))
    assert checked.status_code == 200 and checked.get_json()["ok"]
    assert len(checked.get_json()["warnings"]) == 3
    deployed = _post(sqlite_api, "/api/v1/deployments", table("UNIQUE", *OVERLAPPING))
    assert deployed.status_code == 201
    [entry] = deployed.get_json()
    first = entry["warnings"][0]
    assert (first["file"], first["element_id"]) == ("grade.dmn", "grade") and first["line"]
    assert first["message"].startswith("rule 1 (hot) and rule 2 (warm) can match the same input")
    journal = sqlite_api.call("GET", "/api/v1/journal?kind=deployed", "auditor").get_json()["items"]
    assert len(journal[0]["data"]["warnings"]) == 3
    first_wins = _post(sqlite_api, "/api/v1/deployments", table("FIRST", *OVERLAPPING)).get_json()
    assert first_wins[0]["warnings"] == [] and first_wins[0]["version"] == 2


def test_an_unsupported_hit_policy_is_refused_with_its_place(sqlite_api: Api):
    refused = _post(sqlite_api, "/api/v1/deployments", table("PRIORITY", _rule("a", ("", ""), '"A"')))
    assert refused.status_code == 422
    [problem] = refused.get_json()["problems"]
    assert "hit policy PRIORITY is not supported" in problem["message"] and problem["file"] == "grade.dmn"
