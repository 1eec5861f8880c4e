"""A record's own history, newest first, read from the hash-chained journal by the ``journal_record`` index
(crm.record_history): who did what and when, each field's value before and after, labelled in Persian and
English; and the steps of the processes that serve the record (their instances: the record's own
``process_instance_id`` and the instances that name the record), without the data typed into their forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, select, union
from sqlalchemy.orm import Session

from api.identity.groups import known_groups
from api.identity.models import User
from crm import lists
from crm.models import JournalRecord
from crm.record_labels import ACTIONS, HIDDEN, Label, field_label, record_label, value_label
from crm.text import persian_digits
from engine.clock import as_utc
from engine.store.models import HumanTask, JournalEntry, ProcessInstance

MAX_VALUE = 300  # characters of a value shown; longer texts are cut with an ellipsis
PROCESS_KINDS: dict[str, Label] = {
    "instance.started": {"fa": "فرایند «{name}» آغاز شد", "en": "Process “{name}” started"},
    "instance.completed": {"fa": "فرایند «{name}» پایان یافت", "en": "Process “{name}” completed"},
    "instance.cancelled": {"fa": "فرایند «{name}» لغو شد", "en": "Process “{name}” cancelled"},
    "task.created": {"fa": "کار «{name}» باز شد", "en": "Task “{name}” opened"},
    "task.claimed": {"fa": "کار «{name}» برداشته شد", "en": "Task “{name}” claimed"},
    "task.unclaimed": {"fa": "کار «{name}» رها شد", "en": "Task “{name}” released"},
    "task.assigned": {"fa": "کار «{name}» واگذار شد", "en": "Task “{name}” assigned"},
    "task.delegated": {"fa": "کار «{name}» سپرده شد", "en": "Task “{name}” delegated"},
    "task.completed": {"fa": "کار «{name}» انجام شد", "en": "Task “{name}” completed"},
    "task.cancelled": {"fa": "کار «{name}» لغو شد", "en": "Task “{name}” cancelled"},
    "incident.raised": {"fa": "خطا در «{name}»", "en": "Incident at “{name}”"},
    "incident.resolved": {"fa": "خطای «{name}» رفع شد", "en": "Incident at “{name}” resolved"},
    "timer.fired": {"fa": "زمان‌سنج «{name}» رسید", "en": "Timer “{name}” fired"},
    "message.correlated": {"fa": "پیام «{name}» رسید", "en": "Message “{name}” received"},
}
JOINED: Label = {"fa": "به فرایندش پیوست", "en": "joined its process"}
Redact = Callable[[str, str], bool]  # (record type, id) -> may the reader see that record's fields
# fields whose values are keys of a managed list (crm.lists): shown with the list's words
LISTED = {("lead", "source"): "lead_source", ("lead", "product"): "product", ("lead", "region"): "province",
          ("lead", "disqualify_reason"): "disqualify_reason", ("complaint", "kind"): "complaint_kind",
          ("complaint", "category"): "complaint_category", ("opportunity", "loss_reason"): "loss_reason",
          ("customer", "region"): "province", ("customer", "channel"): "lead_source",
          ("lead_call", "reason"): "disqualify_reason", ("contract_decision", "level"): "contract_level",
          ("contract", "level"): "contract_level", ("loyalty_rule", "product"): "product",
          ("customer", "interests"): "product"}


GROUP_FIELDS = frozenset({"team", "sales_group"})  # fields holding a group's key
# fields holding a user name: shown as the person's display name
PERSON_FIELDS = frozenset({"owner", "by", "user", "author", "assignee", "recontact_by", "settled_by", "created_by",
                           "updated_by", "recipient"})
# who acts without being a person with an account: the journal's actor for the portal, the scheduler, …
MACHINES: dict[str, Label] = {
    "portal": {"fa": "درگاه مشتریان", "en": "Customer portal"}, "customer": {"fa": "مشتری", "en": "The customer"},
    "scheduler": {"fa": "زمان‌بند روند", "en": "Ravand's scheduler"},
    "outbox": {"fa": "صندوق ارسال", "en": "The outbox"}, "system": {"fa": "سامانه", "en": "The system"},
    "demo": {"fa": "داده‌های نمایشی", "en": "The demo data"},
}


class Words:
    """The words of list keys and states met on one page of history (each list entry read once)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[str, str], Label] = {}
        self.groups: dict[str, Label] | None = None
        self.people: dict[str, str] | None = None

    def of(self, record_type: str, field: str, value: Any) -> Label | None:
        if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            said = [self.of(record_type, field, v) for v in value]  # several keys (a customer's interests)
            if not any(said):
                return None
            words = [w or {"fa": v, "en": v} for w, v in zip(said, value, strict=True)]
            return {"fa": "، ".join(w["fa"] for w in words), "en": ", ".join(w["en"] for w in words)}
        if not isinstance(value, str) or not value:
            return None
        if field in GROUP_FIELDS:
            return self.group(value)
        if field in PERSON_FIELDS:
            return self.person(value)
        list_name = LISTED.get((record_type, field))
        if list_name is None:
            return value_label(record_type, field, value)
        key = (list_name, value)
        if key not in self.cache:
            self.cache[key] = {lang: lists.label(self.session, list_name, value, lang) for lang in ("fa", "en")}
        return self.cache[key]

    def group(self, key: str) -> Label | None:
        """A group's label (a lead's sales group, a complaint's team), or None for a key no group has."""
        if self.groups is None:
            self.groups = {g.key: {"fa": g.label_fa or g.key, "en": g.label_en or g.key}
                           for g in known_groups(self.session).values()}
        return self.groups.get(key)

    def person(self, username: Any) -> Label | None:
        """Who a user name (a record's owner, an entry's actor) is: the account's display name, or the words for
        the portal, the scheduler and the other actors without an account; None for a name no one has."""
        if not isinstance(username, str) or not username:
            return None
        if username in MACHINES:
            return MACHINES[username]
        if self.people is None:
            self.people = {name: shown for name, shown in self.session.execute(
                select(User.username, User.display_name)) if shown and shown.strip()}
        shown = self.people.get(username)
        return {"fa": shown, "en": shown} if shown else None


def instances_of(session: Session, record_type: str, record_id: int, own: str | None) -> list[str]:
    """The process instances that serve the record: its own ``process_instance_id`` and those naming it."""
    found = {own} if own else set()
    found |= set(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.record_type == record_type, ProcessInstance.record_id == str(record_id))))
    return sorted(found)


def _seqs(record_type: str, record_id: int, instances: list[str]) -> Select[Any] | CompoundSelect:
    """The journal rows of the record's history: those the index names it in (``journal_record``'s key), and the
    steps of its process instances (the journal's ``process_instance_id`` index)."""
    mine = select(JournalRecord.seq.label("seq")).where(
        JournalRecord.record_type == record_type, JournalRecord.record_id == str(record_id))
    if not instances:
        return mine
    steps = select(JournalEntry.seq.label("seq")).where(
        JournalEntry.process_instance_id.in_(instances), JournalEntry.kind.in_(list(PROCESS_KINDS)))
    return union(mine, steps)


def _cut(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[:MAX_VALUE - 1] + "…"
    if isinstance(value, list | dict):
        text = str(value)
        return value if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"
    return value


def _change(words: Words, record_type: str, name: str, before: Any, after: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "label": field_label(name), "before": _cut(before), "after": _cut(after)}
    said = {"before": words.of(record_type, name, before), "after": words.of(record_type, name, after)}
    if any(said.values()):
        out["text"] = {side: value for side, value in said.items() if value}
    return out


def _record_entry(row: Any, record_type: str, record_id: int, visible: Redact, words: Words) -> dict[str, Any]:
    data = row.data if isinstance(row.data, dict) else {}
    parts = row.kind.split(".")
    if parts[0] == "crm" and len(parts) > 2:
        parts = parts[1:]
    name = data["record"] if isinstance(data.get("record"), str) else parts[0]
    action = parts[-1]
    key = data.get("id", data.get(f"{name}_id"))
    own = name == record_type and str(key) == str(record_id)
    done = ACTIONS.get(action) or {"fa": action, "en": action.replace("_", " ")}
    what = record_label(name)
    shown = {"fa": persian_digits(key), "en": str(key)}  # the row's number in the reader's digits
    title = done if own else {lang: f"{what[lang]} #{shown[lang]} {done[lang]}" if key is not None
                              else f"{what[lang]}: {done[lang]}" for lang in ("fa", "en")}
    changes: list[dict[str, Any]] = []
    hidden = not own and key is not None and not visible(name, str(key))
    if not hidden and isinstance(data.get("changes"), dict):
        changes = [_change(words, name, field, *pair) for field, pair in data["changes"].items()
                   if field not in HIDDEN and isinstance(pair, list) and len(pair) == 2]
    elif not hidden and isinstance(data.get("fields"), dict):
        changes = [_change(words, name, field, None, value) for field, value in data["fields"].items()
                   if field not in HIDDEN and value not in (None, "", [], {})]
    elif not hidden:
        changes = [_change(words, name, field, None, value) for field, value in data.items()
                   if field not in HIDDEN and field not in ("record", "id", "code_id")
                   and isinstance(value, str | int | float)]
    if own and not changes and "process_instance_id" in (data.get("changes") or {}):
        title = JOINED
    return {"category": "record", "record": {"type": name, "id": key, "label": what}, "action": action,
            "title": title, "changes": changes, "redacted": hidden}


def _process_entry(row: Any, names: dict[str, Label]) -> dict[str, Any]:
    data = row.data or {}
    if row.kind.startswith("instance."):
        name = names.get(f"process:{row.process_instance_id}") or _same(data.get("key") or row.process_instance_id)
    else:
        name = names.get(str(data.get("task_id"))) or names.get(f"element:{row.seq}") or \
            _same(data.get("name") or row.element_id or "")
    words = PROCESS_KINDS[row.kind]
    return {"category": "process", "record": None, "action": row.kind, "changes": [], "redacted": False,
            "title": {lang: words[lang].format(name=name.get(lang) or name.get("en") or "") for lang in ("fa", "en")}}


def _same(text: str) -> Label:
    return {"fa": text, "en": text}


def _names(session: Session, rows: list[Any]) -> dict[str, Label]:
    """The names, in Persian and English, of the tasks, elements and processes the process steps on this page
    speak of (the diagrams' names per locale, engine.definitions.names; the English name or the key where there is
    none)."""
    from engine.definitions.names import BOOK

    instance_ids = {r.process_instance_id for r in rows if r.process_instance_id}
    keys: dict[str, str] = {iid: key for iid, key in session.execute(
        select(ProcessInstance.id, ProcessInstance.process_key).where(ProcessInstance.id.in_(instance_ids)))} \
        if instance_ids else {}
    book = BOOK.lookup(session, set(keys.values()))
    task_ids = {str(r.data.get("task_id")) for r in rows if r.kind.startswith("task.") and isinstance(r.data, dict)}
    found: dict[str, Label] = {}
    if task_ids:
        for tid, name, element, iid in session.execute(
                select(HumanTask.id, HumanTask.name, HumanTask.element_id, HumanTask.process_instance_id)
                .where(HumanTask.id.in_(task_ids))):
            found[tid] = book.names(keys.get(iid, ""), element or "", name)
    from api.names import message_catchers

    catchers = message_catchers(session, {r.process_instance_id for r in rows if r.kind == "message.correlated"})
    for row in rows:
        key = keys.get(row.process_instance_id)
        data = row.data if isinstance(row.data, dict) else {}
        element = row.element_id or (catchers.get(row.process_instance_id, {}).get(str(data.get("name")))
                                     if row.kind == "message.correlated" else None)
        if key and row.kind.startswith("instance."):
            found[f"process:{row.process_instance_id}"] = book.process(key)
        elif key and element and not row.kind.startswith("task."):
            named = book.names(key, element)
            found[f"element:{row.seq}"] = named if named.get("en") else {**named, "en": element}
    return found


def history(session: Session, record_type: str, record_id: int, *, instances: list[str], limit: int, offset: int,
            visible: Redact) -> tuple[list[dict[str, Any]], int]:
    """One page of the record's history, newest first, and how many entries it has in all."""
    seqs = _seqs(record_type, record_id, instances).subquery()
    total = int(session.scalar(select(func.count()).select_from(seqs)) or 0)
    wanted = list(session.scalars(select(seqs.c.seq).order_by(seqs.c.seq.desc()).limit(limit).offset(offset)))
    rows = session.execute(select(JournalEntry.seq, JournalEntry.at, JournalEntry.actor, JournalEntry.kind,
                                  JournalEntry.process_instance_id, JournalEntry.element_id, JournalEntry.data)
                           .where(JournalEntry.seq.in_(wanted)).order_by(JournalEntry.seq.desc())).all() \
        if wanted else []
    names, words = _names(session, [r for r in rows if r.kind in PROCESS_KINDS]), Words(session)
    items = []
    for row in rows:
        body = _process_entry(row, names) if row.kind in PROCESS_KINDS else \
            _record_entry(row, record_type, record_id, visible, words)
        at: datetime = as_utc(row.at)
        items.append({"seq": row.seq, "at": at, "actor": row.actor, "actor_text": words.person(row.actor),
                      "kind": row.kind,
                      "process_instance_id": row.process_instance_id, **body})
    return items, total
