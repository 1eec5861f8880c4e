"""Why a message found nobody: a correlation value of another type than the waiting instances hold under
that name (``"C-4"`` or ``true`` where they hold the number 4) is the sender's mistake to correct, a 422
naming ``correlation.<name>``, not the misleading "no instance waits" (404)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.store.models import ProcessInstance, Subscription


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "text" if isinstance(value, str) else "a list" if isinstance(value, list) else "an object"


def mistyped(instances: Iterable[ProcessInstance], correlation: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors for the correlation values of another kind than every waiting instance holds there."""
    held: dict[str, set[str]] = {}
    for instance in instances:
        for key in correlation:
            if key in (instance.variables or {}):
                held.setdefault(key, set()).add(kind_of(instance.variables[key]))
    return {f"correlation.{key}": [f"the instances waiting for this message hold {' or '.join(sorted(held[key]))} "
                                   f"here, not {kind_of(value)}"]
            for key, value in correlation.items() if held.get(key) and kind_of(value) not in held[key]}


def refuse_mistyped(session: Session, waiting: list[Subscription], name: str, correlation: Mapping[str, Any]) -> None:
    """Nobody matched ``correlation``; ``waiting``: the subscriptions to ``name`` whatever their values."""
    if not correlation or not waiting:
        return
    instances = session.scalars(select(ProcessInstance).where(
        ProcessInstance.id.in_({s.process_instance_id for s in waiting})))
    errors = mistyped(instances, correlation)
    if errors:
        raise InvalidData(errors, f"no instance waiting for {name!r} holds the correlation values as sent: "
                          f"{', '.join(k.removeprefix('correlation.') for k in errors)} of another type")
