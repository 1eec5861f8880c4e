"""A CRM world for the record tests: one session on a migrated database, a context whose journal is a
list the test reads, and a way to make customers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from crm.customers import create_customer
from crm.models import Customer
from crm.unit import Ctx
from tests.conftest import Database


@dataclass
class World:
    session: Session
    journal: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)

    def ctx(self, actor: str | None = "alice") -> Ctx:
        return Ctx(self.session, actor, lambda kind, data: self.journal.append((kind, actor, data)))

    def customer(self, name: str = "علی کریمی", **data: Any) -> Customer:
        customer, _ = create_customer(self.ctx("root"), {"person_name": name, **data})
        self.session.commit()
        return customer

    def entries(self, kind: str) -> list[dict[str, Any]]:
        return [data for k, _, data in self.journal if k == kind]

    def changes(self, kind: str, record_id: int) -> list[dict[str, list[Any]]]:
        """The ``{field: [before, after]}`` of every journaled change of one record, oldest first."""
        return [data["changes"] for data in self.entries(f"crm.{kind}.changed") if data["id"] == record_id]


def open_world(db: Database) -> Iterator[World]:
    with db.sessions() as session:
        yield World(session)
        session.rollback()
