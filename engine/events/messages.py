"""Messages correlated and signals broadcast to waiting instances and to start events, as ``POST /messages``
and ``POST /signals`` and the handlers' outgoing calls send them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.clock import utcnow
from engine.definitions.declarations import (
    Caller,
    admit,
    declared_anywhere,
    refuse_correlation_overwrite,
    refuse_undeclared,
    require_sender,
)
from engine.errors import Conflict, NotFound
from engine.events.mismatch import refuse_mistyped
from engine.runtime import unit_of_work as runtime
from engine.runtime.waits import matches
from engine.spiff.types import BpmnEvent, MessageEventDefinition, SignalEventDefinition
from engine.store.models import BufferedMessage, ProcessInstance, Subscription


@dataclass(frozen=True)
class Delivery:
    """Where a message went: ``instance`` received it (``started`` if it started it) or ``buffered``."""

    instance_ids: list[str]
    started: bool = False
    buffered: bool = False


def _waiting(session: Session, kind: str, name: str, business_key: str | None,
             correlation: Mapping[str, Any]) -> list[Subscription]:
    stmt = select(Subscription).where(Subscription.kind == kind, Subscription.name == name,
                                      Subscription.process_instance_id.is_not(None))
    if business_key is not None:
        stmt = stmt.where(Subscription.business_key == business_key)
    rows = list(session.scalars(stmt.order_by(Subscription.id)))
    if correlation:
        instances = {i.id: i for i in session.scalars(select(ProcessInstance).where(
            ProcessInstance.id.in_({r.process_instance_id for r in rows})))}
        rows = [r for r in rows if matches(instances[r.process_instance_id], correlation)]
    return rows


def waiting_instances(session: Session, name: str, business_key: str | None,
                      correlation: Mapping[str, Any]) -> set[str]:
    return {s.process_instance_id for s in _waiting(session, "message", name, business_key, correlation)}


def deliver(ctx: runtime.Context, session: Session, instance_id: str, kind: str, name: str,
            variables: Mapping[str, Any], actor: str | None) -> None:
    """Hand one (already admitted) message or signal to a waiting instance."""
    loaded = runtime.load(ctx, session, instance_id)
    definition = MessageEventDefinition(name) if kind == "message" else SignalEventDefinition(name)
    now = utcnow()
    loaded.workflow.catch(BpmnEvent(definition, runtime.plain(dict(variables))))
    journal.record(session, f"{kind}.correlated", actor, instance_id=instance_id,
                   business_key=loaded.instance.business_key, data={"name": name, "variables": dict(variables)})
    runtime.run_steps(ctx, session, loaded, actor, now)
    runtime.save(session, loaded, actor, now)


def _admit_all(ctx: runtime.Context, session: Session, rows: list[Subscription], kind: str, name: str,
               variables: Mapping[str, Any], caller: Caller | None) -> None:
    """Every catching element reached lets the caller send this payload (checked before any delivery).
    An event-based gateway waits in the name of its catch events: theirs are the declarations. A version
    deployed before declarations were read holds none: the latest version of its process speaks for it."""
    for element, definition_id in sorted({(r.element_id, r.definition_id) for r in rows}):
        definition = ctx.specs.definition(session, definition_id)
        meta = definition.elements.get(element, {})
        catches = [meta] if (meta.get("catches"), meta.get("event")) == (kind, name) else \
            _catching(definition.elements, kind, name)
        if not catches and "catches" not in meta:
            catches = _catching(ctx.specs.latest(session, definition.key).elements, kind, name)
        for declared in catches or [{}]:
            admit(declared, kind, name, variables, caller)


def _catching(elements: Mapping[str, Any], kind: str, name: str) -> list[Mapping[str, Any]]:
    return [m for m in elements.values() if (m.get("catches"), m.get("event")) == (kind, name)]


def _starters(session: Session, kind: str, name: str) -> list[Subscription]:
    return list(session.scalars(select(Subscription).where(
        Subscription.kind == kind, Subscription.name == name, Subscription.process_instance_id.is_(None))
        .order_by(Subscription.id.desc())))


def correlate(ctx: runtime.Context, session: Session, name: str, business_key: str | None,
              correlation: Mapping[str, Any], variables: Mapping[str, Any], actor: str | None,
              buffer_for: timedelta | None = None, *, sender: str | None = None,
              waiting_only: bool = False, caller: Caller | None = None) -> Delivery:
    """Deliver a message to the one instance waiting for it, or start the process whose start event
    it names, or keep it for ``buffer_for`` until someone waits; otherwise NotFound. ``waiting_only``:
    reach a waiting instance or nobody (an empty delivery). An instance (``sender``) cannot message
    itself. ``caller``: someone outside (an API user) whom the catch event's ``ravand:senders`` must
    name; None is Ravand itself. Either way the payload sets only the variables the catch declares."""
    if caller is not None:
        require_sender(session, ctx.specs, "message", name, caller)
    refuse_correlation_overwrite(variables, correlation)
    rows = _waiting(session, "message", name, business_key, correlation)
    instances = sorted({r.process_instance_id for r in rows})
    if sender in instances:
        raise Conflict(f"an instance cannot send {name!r} to itself; use an event inside the diagram")
    if len(instances) > 1:
        raise Conflict(f"the message {name!r} matches {len(instances)} instances; narrow the correlation")
    if instances:
        _admit_all(ctx, session, rows, "message", name, variables, caller)
        deliver(ctx, session, instances[0], "message", name, variables, actor)
        return Delivery(instances)
    if waiting_only:
        return Delivery([])
    starter = next(iter(_starters(session, "message", name)), None)
    if starter is not None:
        _admit_all(ctx, session, [starter], "message", name, variables, caller)
        definition = ctx.specs.definition(session, starter.definition_id)
        instance = runtime.start_definition(ctx, session, definition, business_key, variables, actor,
                                            trigger=("message", starter.element_id, name))
        return Delivery([instance.id], started=True)
    if correlation:  # nobody matched: a value of the wrong type says so (422), not "nobody waits" (404)
        refuse_mistyped(session, _waiting(session, "message", name, business_key, {}), name, correlation)
    if buffer_for:
        refuse_undeclared("message", name, variables, declared_anywhere(session, ctx.specs, "message", name))
        now = utcnow()
        session.add(BufferedMessage(name=name, business_key=business_key, correlation=dict(correlation),
                                    variables=runtime.plain(dict(variables)), created_at=now,
                                    expires_at=now + buffer_for, sender=actor))
        journal.record(session, "message.buffered", actor, business_key=business_key,
                       data={"name": name, "expires_at": (now + buffer_for).isoformat()})
        return Delivery([], buffered=True)
    raise NotFound(f"no instance waits for the message {name!r} and no process starts with it")


def broadcast(ctx: runtime.Context, session: Session, name: str, variables: Mapping[str, Any],
              actor: str | None, *, caller: Caller | None = None) -> Delivery:
    """A signal reaches every instance waiting for it and starts every process it starts; each of
    their catch events must let ``caller`` (None: Ravand itself) send it and declare its variables."""
    if caller is not None:
        require_sender(session, ctx.specs, "signal", name, caller)
    rows, starters = _waiting(session, "signal", name, None, {}), _starters(session, "signal", name)
    _admit_all(ctx, session, rows + starters, "signal", name, variables, caller)
    reached = sorted({s.process_instance_id for s in rows})
    for instance_id in reached:
        deliver(ctx, session, instance_id, "signal", name, variables, actor)
    started = []
    for starter in reversed(starters):
        definition = ctx.specs.definition(session, starter.definition_id)
        started.append(runtime.start_definition(ctx, session, definition, None, variables, actor,
                                                trigger=("signal", starter.element_id, name)).id)
    journal.record(session, "signal.broadcast", actor, data={"name": name, "reached": reached, "started": started})
    return Delivery(reached + started, started=bool(started))
