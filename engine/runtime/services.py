"""The service-task registry: a name (from camunda:delegateExpression, camunda:expression,
camunda:class, camunda:topic, zeebe:taskDefinition, or the element id) → a Python function.

A handler takes the instance's variables (a copy) and, if it declares a second parameter, a
``ServiceCall`` carrying the database session, so CRM rows are written in the same transaction.
It returns a dict of variables to set (or None)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from engine import journal

Handler = Callable[..., Mapping[str, Any] | None]


class Outgoing(Protocol):
    """What a handler may ask of other instances, in the same transaction."""

    def send_message(self, name: str, *, business_key: str | None = None,
                     correlation: Mapping[str, Any] | None = None,
                     variables: Mapping[str, Any] | None = None, if_waiting: bool = False) -> list[str]: ...

    def start_process(self, key: str, *, business_key: str | None = None,
                      variables: Mapping[str, Any] | None = None, record: Any = None) -> str: ...


@dataclass(frozen=True)
class ServiceCall:
    session: Session
    instance_id: str
    business_key: str | None
    element_id: str
    actor: str | None
    settings: Mapping[str, Any]
    outgoing: Outgoing | None = None
    instance: Any = None  # the instance's row object, for ``set_record``

    def set_record(self, record: Any) -> None:
        """The instance serves this record (an ``engine.records.RecordRef``), written with the instance's own
        save: a handler that records the CRM row the process is about names it here."""
        if self.instance is None:
            raise RuntimeError("this call cannot describe its instance")
        for name, value in record.columns().items():
            if getattr(self.instance, name) != value:
                setattr(self.instance, name, value)

    def send_message(self, name: str, *, business_key: str | None = None,
                     correlation: Mapping[str, Any] | None = None,
                     variables: Mapping[str, Any] | None = None, if_waiting: bool = False) -> list[str]:
        """Correlate a message to another instance (or start the process it starts); the ids reached.
        ``if_waiting``: only to an instance waiting for it; nobody waiting is no error but ``[]`` (a
        partner that lapsed or ended must not fail this task)."""
        if self.outgoing is None:
            raise RuntimeError("this call cannot reach other instances")
        return self.outgoing.send_message(name, business_key=business_key, correlation=correlation,
                                          variables=variables, if_waiting=if_waiting)

    def start_process(self, key: str, *, business_key: str | None = None,
                      variables: Mapping[str, Any] | None = None, record: Any = None) -> str:
        """Start the latest version of another process (serving ``record``, an ``engine.records.RecordRef``,
        if given); the new instance's id."""
        if self.outgoing is None:
            raise RuntimeError("this call cannot start processes")
        return self.outgoing.start_process(key, business_key=business_key, variables=variables, record=record)

    def record(self, kind: str, data: dict[str, Any]) -> None:
        """Write an event of this instance to the journal (in the command's transaction)."""
        journal.record(self.session, kind, self.actor, instance_id=self.instance_id,
                       business_key=self.business_key, element_id=self.element_id, data=data)


class HandlerRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, tuple[Handler, bool]] = {}

    def register(self, name: str, handler: Handler | None = None) -> Any:
        """``registry.register("name", fn)`` or ``@registry.register("name")``."""
        def add(fn: Handler) -> Handler:
            takes_call = len(inspect.signature(fn).parameters) >= 2
            self._handlers[name] = (fn, takes_call)
            return fn

        return add(handler) if handler is not None else add

    def call(self, name: str, variables: dict[str, Any], call: ServiceCall) -> Mapping[str, Any] | None:
        fn, takes_call = self._handlers[name]
        return fn(variables, call) if takes_call else fn(variables)

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)
