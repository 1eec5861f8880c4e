"""Which records a journal row speaks of, so that a record's own history is read by index.

CRM commands journal ``crm.NAME.created`` (``fields``) and ``crm.NAME.changed`` (``changes``) with
``record=NAME, id=ID`` (crm.unit.Ctx). When the journal seals a batch of rows, ``index_rows`` writes one
``journal_record`` row for each record a row speaks of: the record itself, its parent records named in a new
record's fields (an opportunity's ``customer_id``), and the records a row names by ``<type>_id`` (the contract
of ``crm.contract_code.sent``). Nothing here is part of a row's hash; ``backfill`` derives the same for rows
written before the index existed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Connection, Integer, String, column, insert, or_, select, table, text

from crm.models import JournalRecord

RECORD_TYPES = ("customer", "lead", "opportunity", "complaint", "contract", "referral")
# records that are another record's part, under the same id
SAME_ID = {"loyalty_account": "customer"}
# fields that name another record: ``<type>_id``, and the customers a referral names
LINKS = {**{f"{kind}_id": kind for kind in RECORD_TYPES}, "referrer_id": "customer", "referred_customer_id": "customer"}
MAX_TYPE, MAX_ID = 32, 64
# the kinds of journal rows that may speak of a record: the CRM's own, and the processes' record events
PREFIXES = ("crm.", "contract.", "referral.", "complaint.", "lead.")


def _identity(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return text if 0 < len(text) <= MAX_ID else None


def subjects(kind: str, data: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    """The (record type, id) pairs a journal row of ``kind`` with ``data`` speaks of."""
    if not kind.startswith(PREFIXES) or not isinstance(data, Mapping):
        return set()
    found: set[tuple[str, str]] = set()
    name, key = data.get("record"), _identity(data.get("id"))
    if isinstance(name, str) and 0 < len(name) <= MAX_TYPE and key is not None:
        found.add((name, key))
        if name in SAME_ID:
            found.add((SAME_ID[name], key))
    fields = data.get("fields")
    for source in (data, fields if isinstance(fields, Mapping) else {}):
        for link, parent in LINKS.items():
            if parent != name:
                parent_key = _identity(source.get(link))
                if parent_key is not None:
                    found.add((parent, parent_key))
        # a record that belongs to any record type (an activity): record_type and record_id
        owner_type, owner_key = source.get("record_type"), _identity(source.get("record_id"))
        if owner_type in RECORD_TYPES and owner_key is not None:
            found.add((owner_type, owner_key))
    return found


def index_rows(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """``engine.journal.after_seal`` listener: the index rows of the journal rows just written (how many)."""
    found = [{"record_type": kind, "record_id": key, "seq": row["seq"]}
             for row in rows for kind, key in subjects(row["kind"], row.get("data"))]
    if found:
        connection.execute(insert(JournalRecord.__table__), found)
    return len(found)


_JOURNAL = table("journal", column("seq", Integer), column("kind", String), column("data", JSON))


def _identity_sql(value: str) -> str:
    """SQL: the JSONB value ``value`` is an id as ``_identity`` takes it (a whole number or a text of 1-64)."""
    return (f"((jsonb_typeof({value}) = 'number' AND ({value}) #>> '{{}}' ~ '^-?[0-9]+$') "
            f"OR jsonb_typeof({value}) = 'string') AND length(({value}) #>> '{{}}') BETWEEN 1 AND {MAX_ID}")


def _backfill_sql() -> str:
    """PostgreSQL: ``subjects`` of every row in one statement (the same rules, written in SQL; each row's JSON
    parsed once, as JSONB)."""
    kinds = " OR ".join(f"kind LIKE '{prefix}%'" for prefix in PREFIXES)
    links = ", ".join(f"('{link}', '{parent}')" for link, parent in LINKS.items())
    own_id = _identity_sql("data->'id'")
    same = " UNION ALL ".join(
        f"SELECT seq, '{whole}', data->>'id' FROM rows WHERE data->>'record' = '{part}' AND {own_id}"  # noqa: S608
        for part, whole in SAME_ID.items())
    return f"""
WITH rows AS MATERIALIZED (SELECT seq, data::jsonb AS data FROM journal
                           WHERE ({kinds}) AND json_typeof(data) = 'object'),
subjects (seq, record_type, record_id) AS (
  SELECT seq, data->>'record', data->>'id' FROM rows
  WHERE jsonb_typeof(data->'record') = 'string' AND length(data->>'record') BETWEEN 1 AND {MAX_TYPE}
    AND {own_id}
  UNION ALL {same}
  UNION ALL
  SELECT seq, link.parent, source.value->>link.name
  FROM rows CROSS JOIN (VALUES {links}) AS link (name, parent)
    CROSS JOIN LATERAL (VALUES (data), (data->'fields')) AS source (value)
  WHERE jsonb_typeof(source.value) = 'object' AND data->>'record' IS DISTINCT FROM link.parent
    AND {_identity_sql("source.value->link.name")}
)
INSERT INTO journal_record (record_type, record_id, seq)
SELECT DISTINCT record_type, record_id, seq FROM subjects
ON CONFLICT DO NOTHING"""  # noqa: S608 - this module's constants only


def backfill(connection: Connection, batch: int = 5000) -> int:
    """Index the rows already in the journal (a migration runs it once); how many index rows it wrote. On
    PostgreSQL in one statement; elsewhere batch by batch through ``subjects``."""
    if connection.dialect.name == "postgresql":
        return connection.execute(text(_backfill_sql())).rowcount
    journal, last, written = _JOURNAL, 0, 0
    while True:
        seqs = connection.execute(select(journal.c.seq).where(journal.c.seq > last).order_by(journal.c.seq)
                                  .limit(batch)).scalars().all()
        if not seqs:
            return written
        rows = connection.execute(select(journal.c.seq, journal.c.kind, journal.c.data).where(
            journal.c.seq.between(seqs[0], seqs[-1]), or_(*(journal.c.kind.startswith(p) for p in PREFIXES)))).all()
        written += index_rows(connection, [{"seq": row.seq, "kind": row.kind, "data": row.data} for row in rows])
        last = seqs[-1]
