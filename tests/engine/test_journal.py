"""The journal: every event chained; UPDATE/DELETE refused by the database; verify finds tampering."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from engine.journal import canonical
from engine.queries import JournalQuery
from tests.engine import bpmn
from tests.engine.helpers import Harness


@pytest.fixture
def h(db):
    harness = Harness(db)
    harness.deploy(bpmn.approval_files())
    instance = harness.start("approval", "BK-7")
    [task] = harness.open_tasks(instance.id)
    harness.complete(task, {"approved": True, "amount": 4})
    return harness


def test_the_hashed_content_keeps_its_exact_form():
    """Rows written years ago are verified with today's code: the hashed bytes must not drift."""
    expected = ('{"actor":"ana","at":"2026-12-06T14:03:09.000042Z","business_key":"C-9",'
                '"data":{"a":null,"b":[1,"دو"]},"element_id":"review","kind":"task.completed",'
                f'"prev_hash":"{"0" * 64}","process_instance_id":"i-1","seq":7}}').encode()
    tehran = timezone(timedelta(hours=3, minutes=30))
    for at in (datetime(2026, 12, 6, 14, 3, 9, 42, UTC), datetime(2026, 12, 6, 14, 3, 9, 42),  # naive is UTC
               datetime(2026, 12, 6, 17, 33, 9, 42, tehran)):
        assert canonical(7, at, "ana", "task.completed", "i-1", "C-9", "review",
                         {"b": [1, "دو"], "a": None}, "0" * 64) == expected


@pytest.mark.parametrize("actor, business_key, element_id, data", [
    (None, None, None, {}),
    ('say "hi"\\ \n\t\u0001', "کد-۱۲", "e\u2028", {"z": [None, 1.5, True], "a": {"y": "\"", "b": []}}),
])
def test_the_hashed_content_is_the_sorted_compact_json_of_the_row(actor, business_key, element_id, data):
    at = datetime(2026, 12, 6, 14, 3, 9, 42, UTC)
    content = {"seq": 12, "at": "2026-12-06T14:03:09.000042Z", "actor": actor, "kind": "task.completed",
               "process_instance_id": "i-1", "business_key": business_key, "element_id": element_id,
               "data": data, "prev_hash": "f" * 64}
    expected = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert canonical(12, at, actor, "task.completed", "i-1", business_key, element_id, data, "f" * 64) == expected


def test_chain_verifies(h):
    result = h(lambda s: h.engine.verify_journal(s))
    assert result.ok and result.checked >= 7
    page = h(lambda s: h.engine.journal(s, JournalQuery(business_key="BK-7")))
    assert page.total >= 6 and all(e.business_key == "BK-7" for e in page.items)
    assert h(lambda s: h.engine.journal(s, JournalQuery(kind="deployed"))).total == 1
    assert h(lambda s: h.engine.journal(s, JournalQuery(actor="designer"))).items[0].kind == "deployed"


@pytest.mark.parametrize("statement", ["UPDATE journal SET actor = 'mallory' WHERE seq = 2",
                                       "DELETE FROM journal WHERE seq = 2"])
def test_database_refuses_changes(h, statement):
    with pytest.raises(DatabaseError, match="append-only"), h.db.engine.begin() as conn:
        conn.execute(text(statement))


def _drop_protection(h: Harness) -> None:
    with h.db.engine.begin() as conn:
        if h.db.dialect == "postgresql" or h.db.dialect == "postgres":
            conn.execute(text("ALTER TABLE journal DISABLE TRIGGER journal_no_change"))  # enabled again after
        else:
            conn.execute(text("DROP TRIGGER journal_no_update"))
            conn.execute(text("DROP TRIGGER journal_no_delete"))


def test_verify_names_the_first_altered_row(h):
    _drop_protection(h)  # an attacker with database access
    with h.db.engine.begin() as conn:
        conn.execute(text("UPDATE journal SET actor = 'mallory' WHERE seq = 3"))
    result = h(lambda s: h.engine.verify_journal(s))
    assert not result.ok and result.first_broken == 3 and "content" in result.reason


def test_verify_notices_a_deleted_row(h):
    _drop_protection(h)
    with h.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM journal WHERE seq = 4"))
    result = h(lambda s: h.engine.verify_journal(s))
    assert not result.ok and result.first_broken == 4 and "missing" in result.reason


def test_concurrent_commands_chain_one_after_another(db):
    """Commands committing at once on several connections each take the next number after the row
    the others wrote (on PostgreSQL under the journal's lock): no number twice, none missing."""
    h = Harness(db)
    h.deploy(bpmn.approval_files())

    def start(i: int) -> str:
        return h(lambda s: h.engine.start(s, "approval", f"BK-{i}", {}, "alice"), retries=5).id

    with ThreadPoolExecutor(max_workers=4) as pool:
        started = list(pool.map(start, range(24)))
    assert len(set(started)) == 24
    result = h(lambda s: h.engine.verify_journal(s))
    assert result.ok and result.checked == 1 + 24 * 2  # deployed; each start: started, task created
