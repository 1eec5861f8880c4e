from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.facade import Engine
from engine.store.instances import InstanceRow
from engine.store.transactions import transaction
from engine.views import Actor
from tests.conftest import Database

T = TypeVar("T")

ALICE = Actor("alice", frozenset({"sales"}))
BOB = Actor("bob", frozenset({"sales"}))
CAROL = Actor("carol", frozenset({"support-1"}))
ADMIN = Actor("root", frozenset(), admin=True)


class Harness:
    """The engine over a real database, one committed transaction per call."""

    def __init__(self, db: Database, engine: Engine | None = None) -> None:
        self.db = db
        self.engine = engine or Engine()

    def __call__(self, command: Callable[[Session], T], retries: int = 0) -> T:
        return transaction(self.db.sessions, command, retries=retries)

    def deploy(self, files: list[tuple[str, bytes]], actor: str = "designer") -> Any:
        return self(lambda s: self.engine.deploy(s, files, actor))

    def start(self, key: str, business_key: str | None = None, variables: dict | None = None,
              actor: str = "alice") -> Any:
        return self(lambda s: self.engine.start(s, key, business_key, variables, actor))

    def open_tasks(self, instance_id: str) -> list[str]:
        return self(lambda s: self.engine.open_task_ids(s, instance_id))

    def complete(self, task_id: str, data: dict, actor: Actor = ALICE) -> Any:
        return self(lambda s: self.engine.complete(s, task_id, data, actor))

    def instance(self, instance_id: str) -> Any:
        return self(lambda s: self.engine.instance(s, instance_id))


def instance_row(definition_id: int, instance_id: str = "i-1") -> InstanceRow:
    """A new ``process_instance`` row as a test stores one by hand (``engine.store.instances.InstanceRow``)."""
    now = utcnow()
    return InstanceRow(id=instance_id, definition_id=definition_id, process_key="approval", business_key="BK",
                       state="running", started_by="alice", started_at=now, updated_at=now, variables={"a": 1},
                       active_elements=[], element_counts={}, waiting_events=0, workflow_state=b"state")
