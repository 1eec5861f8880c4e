"""The record a task or a process instance is about, as the API shows it: its type, id, title and the web
page where it is read and edited; and a search typed by a person folded into the words the engine matches."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields

from crm.text import words
from engine.records import MAX_WORDS
from engine.views import RecordView

PAGES = {"lead": "leads", "opportunity": "opportunities", "complaint": "complaints", "customer": "customers",
         "contract": "contracts", "referral": "referrals", "purchase": "purchases"}
Q_LENGTH = 200


class RecordSchema(Schema):
    type = fields.String(metadata={"description": "lead, opportunity, complaint, contract, referral, customer"})
    id = fields.String()
    title = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "the record's page in the web app"})


def record_dict(record: RecordView | dict[str, Any] | None) -> dict[str, Any] | None:
    """The record with its page's address (None where the web app has no page for its type)."""
    if record is None:
        return None
    shown = {"type": record.type, "id": record.id, "title": record.title} if isinstance(record, RecordView) \
        else {key: record.get(key) for key in ("type", "id", "title")}
    page = PAGES.get(shown["type"])
    shown["url"] = f"/app/{page}/{shown['id']}" if page and str(shown["id"]).isdigit() else None
    return shown


def titled(name: str, record: dict[str, Any] | None) -> str:
    """What a task is, and about which record: "Call the lead: Arya Software — 0912 345 6789"."""
    return f"{name}: {record['title']}" if record and record.get("title") else name


def with_record(item: dict[str, Any], name_key: str | None = "name") -> dict[str, Any]:
    """A task's or an instance's dict (``as_dict``) with its record's address and, for a task, its title."""
    item["record"] = record_dict(item.get("record"))
    if name_key is not None:
        item["title"] = titled(item[name_key], item["record"])
    return item


def search_words(q: str | None) -> tuple[str, ...]:
    """A person's search folded as the records' search text is (Persian letter forms, ZWNJ, digits, case)."""
    found = tuple(dict.fromkeys(words(q)))
    if len(found) > MAX_WORDS:
        raise ValidationError(f"at most {MAX_WORDS} words / حداکثر {MAX_WORDS} واژه", "q")
    return found
