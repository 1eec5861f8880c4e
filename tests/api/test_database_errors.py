"""A database that cannot be reached (or stays locked) answers 503 with Retry-After, never a 500: the
request changed nothing and may be sent again."""

from __future__ import annotations

from api.app import create_app
from api.composition import build
from config import load_settings

NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:9/ravand?connect_timeout=2"  # the discard port: no server


def test_an_unreachable_database_answers_503_not_500():
    settings = load_settings(environ={}, database_url=NOWHERE, secret_key="test-secret-key-for-tests-only",
                             script_isolation=False, scheduler_enabled=False)
    app = create_app(settings, build(settings))
    client = app.test_client()
    for answer in (client.post("/api/v1/auth/token", json={"username": "alice", "password": "secret password"}),
                   client.get("/api/v1/tasks", headers={"Authorization": "Bearer rvd_not-a-real-token"})):
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.content_type == "application/problem+json" and answer.headers["Retry-After"] == "2"
        assert "Traceback" not in answer.get_data(as_text=True)
