"""An app per test on a real database, users of every role, and a client that signs in as them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.app import create_app
from api.composition import build
from api.identity.service import create_user
from config import load_settings
from tests.conftest import Database
from tests.engine import bpmn

PASSWORD = "correct horse battery"
USERS = {
    "admin": ("root", "admin", []),
    "designer": ("dana", "designer", []),
    "employee": ("alice", "employee", ["sales"]),
    "employee2": ("bob", "employee", ["sales"]),
    "outsider": ("carol", "employee", ["support-1"]),
    "auditor": ("audrey", "auditor", []),
}


@dataclass
class Api:
    app: Flask
    client: FlaskClient
    tokens: dict[str, str]

    def call(self, method: str, path: str, who: str | None = "admin", **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def deploy(self, files: list[tuple[str, bytes]], who: str = "designer") -> Any:
        import io

        data = {"files": [(io.BytesIO(content), name) for name, content in files]}
        return self.call("POST", "/api/v1/deployments", who, data=data, content_type="multipart/form-data")


def make_api(url: str, tmp_path: Any, **overrides: Any) -> Api:
    settings = load_settings(environ={}, database_url=url, secret_key="test-secret-key-for-tests-only",
                             script_isolation=False, scheduler_enabled=False, **overrides)
    ravand = build(settings, migrate=True)
    app = create_app(settings, ravand)
    app.config["TESTING"] = True
    with ravand.sessions() as session:
        for username, role, groups in USERS.values():
            create_user(session, username, PASSWORD, role, groups)
        session.commit()
    client = app.test_client()
    tokens = {}
    for who, (username, _, _) in USERS.items():
        answer = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        tokens[who] = answer.get_json()["access_token"]
    return Api(app, client, tokens)


@pytest.fixture
def api(db: Database, tmp_path: Any) -> Iterator[Api]:
    db.engine.dispose()
    yield make_api(db.url, tmp_path)


@pytest.fixture
def sqlite_api(sqlite_db: Database, tmp_path: Any) -> Iterator[Api]:
    yield make_api(sqlite_db.url, tmp_path)


@pytest.fixture
def deployed(api: Api) -> Api:
    answer = api.deploy(bpmn.approval_files())
    assert answer.status_code == 201, answer.get_json()
    return api
