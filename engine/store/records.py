"""The rows of the record a process instance serves (``engine.records``): attached to one instance, or
described again on every instance serving it, each with one prepared UPDATE; an instance the transaction
already holds (``engine.store.instances``, or an ORM object) shows the values written without being read or
written again."""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.records import RecordRef
from engine.store import instances
from engine.store.models import ProcessInstance
from engine.store.prepared import Prepared

_INSTANCES = ProcessInstance.__table__
_ATTACH = Prepared(update(_INSTANCES).where(_INSTANCES.c.id == bindparam("pk")).values(
    record_type=bindparam("record_type"), record_id=bindparam("record_id"),
    record_title=bindparam("record_title"), record_search=bindparam("record_search")))
_DESCRIBE = Prepared(update(_INSTANCES).where(
    _INSTANCES.c.record_type == bindparam("record_type"), _INSTANCES.c.record_id == bindparam("record_id"))
    .values(record_title=bindparam("record_title"), record_search=bindparam("record_search")))


def attach(session: Session, instance_id: str, record: RecordRef) -> None:
    """The stored instance serves ``record`` from now on (it joined the process). Its version stays: a command
    running on the instance meanwhile is not refused for it."""
    if _ATTACH.execute(session, {"pk": instance_id, **record.columns()}) != 1:
        raise NotFound(f"no process instance {instance_id!r}")
    instances.committed(session, instance_id, record.columns())


def describe(session: Session, record: RecordRef) -> int:
    """Every instance serving this record takes its new title and search text; how many did."""
    values = record.columns()
    count = _DESCRIBE.execute(session, values)
    held = [*instances.held_rows(session),
            *(obj for obj in list(session.identity_map.values()) if isinstance(obj, ProcessInstance))]
    for instance_id in {obj.id for obj in held if (obj.record_type, obj.record_id) == (record.type, record.id)}:
        instances.committed(session, instance_id, {"record_title": record.title, "record_search": record.search})
    return count
