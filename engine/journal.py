"""The append-only, hash-chained journal.

Commands call ``record``; the events wait in the session and are sealed just before commit:
numbered, chained to the previous row's hash, and inserted while holding the journal lock (a
transaction-scoped advisory lock on PostgreSQL; SQLite already has one writer at a time). The
lock is therefore held only for the last moments of a transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring as _encode_text  # what ensure_ascii=False uses
from typing import Any

from sqlalchemy import Connection, event, insert, select
from sqlalchemy.orm import Session

from engine.clock import as_utc, utcnow
from engine.store.db import is_postgres
from engine.store.models import JournalEntry
from engine.store.prepared import Prepared, connection_of, pipelines, run_sql, send_deferred

GENESIS = "0" * 64
LOCK_KEY = 0x52617661  # "Rava"
PENDING = "ravand.journal.pending"


# built once: json.dumps with options builds an encoder on every call
_PLAIN = json.JSONEncoder(default=str, ensure_ascii=False)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_SCALARS = frozenset({str, int, float, bool, type(None)})
_NOT_PLAIN = object()


def plain(value: Any) -> Any:
    """JSON-normalised copy (what is not JSON becomes its text): what is hashed or stored is exactly
    what the database gives back. Values made only of dicts with text keys, lists and JSON's scalars
    (the usual case) are copied directly; anything else goes through JSON."""
    try:
        copied = _copy_plain(value)
    except RecursionError:  # nested too deep, or circular: JSON says which
        copied = _NOT_PLAIN
    return json.loads(_PLAIN.encode(value)) if copied is _NOT_PLAIN else copied


def _copy_plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        copied_dict = {}
        for key, item in value.items():
            copied = _copy_plain(item)
            if type(key) is not str or copied is _NOT_PLAIN:
                return _NOT_PLAIN
            copied_dict[key] = copied
        return copied_dict
    if kind is list:
        copied_list = []
        for item in value:
            copied = _copy_plain(item)
            if copied is _NOT_PLAIN:
                return _NOT_PLAIN
            copied_list.append(copied)
        return copied_list
    return _NOT_PLAIN


def record(session: Session, kind: str, actor: str | None, *, instance_id: str | None = None,
           business_key: str | None = None, element_id: str | None = None,
           data: dict[str, Any] | None = None) -> None:
    """Queue one event; it is written when the session commits."""
    session.info.setdefault(PENDING, []).append({
        "at": utcnow(), "actor": actor, "kind": kind, "process_instance_id": instance_id,
        "business_key": business_key, "element_id": element_id, "data": plain(data) if data else {},
    })


def _stamp(at: datetime) -> str:
    """UTC to the microsecond with a Z: what ``strftime("%Y-%m-%dT%H:%M:%S.%fZ")`` writes, at a fraction
    of its cost."""
    return as_utc(at).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical(seq: int, at: datetime, actor: str | None, kind: str, instance_id: str | None,
              business_key: str | None, element_id: str | None, data: Any, prev_hash: str) -> bytes:
    """The hashed bytes: the row's fields as one JSON object, keys sorted, no spaces, UTF-8. Written
    field by field (the keys are fixed and already in order); ``data`` is encoded with sorted keys."""
    return (f'{{"actor":{_text(actor)},"at":"{_stamp(at)}","business_key":{_text(business_key)},'
            f'"data":{_CANONICAL.encode(data)},"element_id":{_text(element_id)},"kind":{_text(kind)},'
            f'"prev_hash":{_text(prev_hash)},"process_instance_id":{_text(instance_id)},"seq":{int(seq)}}}').encode()


def _text(value: str | None) -> str:
    return "null" if value is None else _encode_text(value)


def entry_hash(entry: Any) -> str:
    return hashlib.sha256(canonical(
        entry.seq, entry.at, entry.actor, entry.kind, entry.process_instance_id, entry.business_key,
        entry.element_id, entry.data, entry.prev_hash,
    )).hexdigest()


# Built once: the journal is written by every command (see engine.store.prepared).
_HEAD = Prepared(select(JournalEntry.__table__.c.seq, JournalEntry.__table__.c.hash)
                 .order_by(JournalEntry.__table__.c.seq.desc()).limit(1))
_INSERT = Prepared(insert(JournalEntry.__table__))
# PostgreSQL: the lock, then the read of the head, in the round trip that also takes the command's deferred
# writes (engine.store.prepared); the head is read after the lock is held, in a snapshot of its own, so the
# lock is held for the journal's insert and the commit only, which go together in one more.
_LOCK = f"SELECT pg_advisory_xact_lock({LOCK_KEY:d})"
_HEAD_SQL = "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"


def _head(connection: Connection) -> tuple[int, str]:
    if pipelines(connection):
        found = send_deferred(connection, then=(_LOCK, _HEAD_SQL))[-1].fetchone()
        return (found[0], found[1]) if found else (0, GENESIS)
    if is_postgres(connection):  # another driver: the two statements as one simple query
        cursor = run_sql(connection, f"{_LOCK}; {_HEAD_SQL}", None)
        cursor.nextset()
        found = cursor.fetchone()
        return (found[0], found[1]) if found else (0, GENESIS)
    row = _HEAD.first(connection)
    return (row.seq, row.hash) if row else (0, GENESIS)


# Called with each batch of rows just written, in the same transaction: what derives from a row without being
# part of its hash (an index of the records it speaks of) is written here. The composition root registers them.
Sealed = Callable[[Connection, list[dict[str, Any]]], object]
_sealed: list[Sealed] = []


def after_seal(listener: Sealed) -> None:
    """Call ``listener(connection, rows)`` after each batch of journal rows is inserted (once per listener)."""
    if listener not in _sealed:
        _sealed.append(listener)


def seal(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()  # the rows the events speak of go first
    connection = connection_of(session)
    seq, prev = _head(connection)
    rows = []
    for item in pending:
        seq += 1
        row = {**item, "seq": seq, "prev_hash": prev}
        row["hash"] = prev = hashlib.sha256(canonical(
            seq, item["at"], item["actor"], item["kind"], item["process_instance_id"], item["business_key"],
            item["element_id"], item["data"], row["prev_hash"])).hexdigest()
        rows.append(row)
    _INSERT.defer_many(connection, rows)  # on PostgreSQL sent with the COMMIT
    for listener in _sealed:
        listener(connection, rows)


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    seal(session)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str | None = None


def _entries(session: Session, batch: int = 2000) -> Iterator[Any]:
    table, last = JournalEntry.__table__, 0
    while True:
        rows = session.execute(select(table).where(table.c.seq > last).order_by(table.c.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(session: Session) -> Verification:
    """Walk the chain from the first row; name the first row that does not match."""
    expected_seq, prev, checked = 1, GENESIS, 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return Verification(False, checked, expected_seq, f"row {expected_seq} is missing")
        if entry.prev_hash != prev:
            return Verification(False, checked, entry.seq, "its prev_hash does not match the row before")
        if entry_hash(entry) != entry.hash:
            return Verification(False, checked, entry.seq, "its content does not match its hash")
        prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return Verification(True, checked)
