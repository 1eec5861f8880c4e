"""Fixtures the engine's tests share."""

from __future__ import annotations

import pytest

from engine.store import instances
from tests.engine import bpmn
from tests.engine.helpers import Harness, instance_row


@pytest.fixture
def stored(db) -> None:
    """The instance row ``i-1`` of the approval process, stored at version 1."""
    [definition] = Harness(db).deploy(bpmn.approval_files())
    with db.sessions() as session:
        instances.add(session, instance_row(definition.id))
        session.commit()
