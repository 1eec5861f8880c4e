"""Who may send a message or signal from outside, what its payload may set, and who may start a
process. Read from the diagram at deploy (``engine.definitions.dialect``: Camunda extension properties on a
``bpmn:message``/``bpmn:signal`` or on the event that catches it, and the process's
``camunda:candidateStarterGroups``/``candidateStarterUsers``); checked on every delivery and start.

- ``ravand:senders`` = "role:integration, group:sales, user:shop": who may send it over the API.
  Without it the message or signal is internal: only Ravand's own code (service handlers, CRM routes)
  sends it. Nobody is let in implicitly, not even an administrator.
- ``ravand:variables`` = "signed_at, signer": the only variables a payload may set, whoever sends it.
  Without it a payload may set none. A correlation value is never set by a payload.
- A process is started over the API by an administrator or a designer, or by a user the process
  offers its start to (a candidate starter user, or in a candidate starter group)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.definitions.dialect import (
    ACTIVITY,
    ACTIVITY_KINDS,
    ACTIVITY_NOTES,
    BPMN_NS,
    CAMUNDA_NS,
    CATCHING,
    GUARD,
    PAYLOAD,
    SENDERS,
    camunda,
    caught_event,
    local,
    q,
    split_names,
)
from engine.errors import Forbidden, InvalidData, NotFound, Problem
from engine.store.models import ProcessDefinition

ROLES = ("admin", "designer", "employee", "auditor", "integration")  # the roles a user can have
START_ANY = ("admin", "designer")  # may start any process
START_OFFERED = ("employee", "integration")  # may start the processes offered to them (auditors none)
SENDER_KINDS = ("role", "group", "user")


@dataclass(frozen=True)
class Caller:
    """Someone outside the engine (an API user or API token), as a declaration names them."""

    name: str
    role: str
    groups: frozenset[str] = frozenset()


def admits(senders: Iterable[str] | None, caller: Caller) -> bool:
    """Does a ``ravand:senders`` list (None: undeclared, internal) let ``caller`` in?"""
    for entry in senders or ():
        kind, _, name = entry.partition(":")
        if (kind == "role" and caller.role == name) or (kind == "group" and name in caller.groups) \
                or (kind == "user" and caller.name == name):
            return True
    return False


def may_start(elements: Mapping[str, Any], key: str, caller: Caller) -> bool:
    if caller.role in START_ANY:
        return True
    if caller.role not in START_OFFERED:
        return False
    process = elements.get(key, {})
    groups = set(process.get("starter_groups", ()))
    return caller.name in process.get("starter_users", ()) or bool(caller.groups & groups)


def require_starter(elements: Mapping[str, Any], key: str, caller: Caller) -> None:
    if not may_start(elements, key, caller):
        raise Forbidden(f"the process {key!r} is not offered to you to start: its candidate starters "
                        "(camunda:candidateStarterGroups / candidateStarterUsers) do not name you or your groups")


# -- deliveries ------------------------------------------------------------------------------------
def refuse_correlation_overwrite(variables: Mapping[str, Any], correlation: Mapping[str, Any]) -> None:
    clash = sorted(set(variables) & set(correlation))
    if clash:
        raise InvalidData({f"variables.{n}": ["a correlation value; a payload cannot set it"] for n in clash},
                          f"a payload cannot set the values it is correlated by: {', '.join(clash)}")


def admit(meta: Mapping[str, Any], kind: str, name: str, variables: Mapping[str, Any],
          caller: Caller | None) -> None:
    """The catching element ``meta`` lets ``caller`` (None: Ravand itself) send this payload, or
    Forbidden / InvalidData."""
    if caller is not None and not admits(meta.get("senders"), caller):
        raise _refused(kind, name, meta.get("senders"))
    refuse_undeclared(kind, name, variables, meta.get("variables", ()))


def refuse_undeclared(kind: str, name: str, variables: Iterable[str], declared: Iterable[str]) -> None:
    allowed = set(declared)
    undeclared = sorted(set(variables) - allowed)
    if undeclared:
        may = ", ".join(sorted(allowed)) or "no variables"
        raise InvalidData({f"variables.{n}": [f"not declared by the {kind}'s catch event ({PAYLOAD})"]
                           for n in undeclared},
                          f"the {kind} {name!r} may set {may}; refused: {', '.join(undeclared)}")


def _refused(kind: str, name: str, senders: Iterable[str] | None) -> Forbidden:
    if not senders:
        return Forbidden(f"the {kind} {name!r} is internal: only Ravand's own processes send it, "
                         "never the API")
    return Forbidden(f"you may not send the {kind} {name!r}; it may be sent by: {', '.join(senders)}")


def latest_catchers(session: Session, specs: Any, kind: str, name: str) -> list[Mapping[str, Any]]:
    """The declarations of every element catching ``kind`` ``name`` in the latest version of each process."""
    latest = session.scalars(select(func.max(ProcessDefinition.id)).group_by(ProcessDefinition.key))
    return [meta for definition_id in latest for meta in specs.definition(session, definition_id).elements.values()
            if meta.get("catches") == kind and meta.get("event") == name]


def require_sender(session: Session, specs: Any, kind: str, name: str, caller: Caller) -> None:
    """Before any lookup: some deployed process lets ``caller`` send this name from outside."""
    catchers = latest_catchers(session, specs, kind, name)
    if not catchers:
        raise NotFound(f"no deployed process catches the {kind} {name!r}")
    if not any(admits(meta.get("senders"), caller) for meta in catchers):
        senders = sorted({s for meta in catchers for s in meta.get("senders", ())})
        raise _refused(kind, name, senders)


def declared_anywhere(session: Session, specs: Any, kind: str, name: str) -> set[str]:
    """Every variable some latest catcher of the name declares (what a buffered message may carry)."""
    return {v for meta in latest_catchers(session, specs, kind, name) for v in meta.get("variables", ())}


# -- deploy ----------------------------------------------------------------------------------------
def _properties(root: etree._Element) -> Iterator[tuple[etree._Element, etree._Element]]:
    """(owner, camunda:property) for every ``ravand:`` property in the document."""
    for prop in root.iter(q(CAMUNDA_NS, "property")):
        group = prop.getparent()
        ext = group.getparent() if group is not None else None
        owner = ext.getparent() if ext is not None else None
        if owner is not None and (prop.get("name") or "").strip().startswith("ravand:"):
            yield owner, prop


def _sender_problems(raw: str) -> list[str]:
    problems = []
    for entry in split_names(raw):
        kind, _, name = (part.strip() for part in entry.partition(":"))
        if kind not in SENDER_KINDS or not name:
            problems.append(f"{entry!r} in {SENDERS}: write role:NAME, group:NAME or user:NAME")
        elif kind == "role" and name not in ROLES:
            problems.append(f"unknown role {name!r} in {SENDERS} (roles: {', '.join(ROLES)})")
    return problems


def _declares(owner: etree._Element) -> bool:
    kind = local(owner.tag)
    return kind in {"message", "signal"} or (kind in CATCHING and caught_event(owner) is not None)


def _property_problems(owner: etree._Element, prop: etree._Element) -> list[str]:
    name, value = prop.get("name").strip(), prop.get("value") or ""
    if name == GUARD:
        return [] if local(owner.tag) == "userTask" and value.strip() else [
            f"{GUARD} names a guard handler and is read only on a user task"]
    if name in {ACTIVITY, ACTIVITY_NOTES}:
        if local(owner.tag) != "userTask":
            return [f"{name} is read only on a user task"]
        if name == ACTIVITY and value.strip() not in ACTIVITY_KINDS:
            return [f"{ACTIVITY} is {' or '.join(ACTIVITY_KINDS)}, not {value!r}"]
        return [] if name == ACTIVITY or value.strip().isidentifier() else [
            f"{ACTIVITY_NOTES} names the form field whose text the activity keeps, not {value!r}"]
    if name not in {SENDERS, PAYLOAD}:
        return [f"unknown extension property {name!r} (Ravand reads {SENDERS}, {PAYLOAD}, {GUARD}, {ACTIVITY} "
                f"and {ACTIVITY_NOTES})"]
    if not _declares(owner):
        return [f"{name} is read only on a message, a signal, or the event or receive task that catches one"]
    if name == SENDERS:
        return _sender_problems(value)
    return [f"{v!r} in {PAYLOAD} is not a variable name" for v in split_names(value) if not v.isidentifier()]


def check_declarations(root: etree._Element, ctx: Any) -> Iterator[Problem]:
    """Deploy check: the ``ravand:`` properties and the candidate starters are well formed."""
    for owner, prop in _properties(root):
        for message in _property_problems(owner, prop):
            yield Problem(message, ctx.file_name, owner.get("id"), prop.sourceline)
    for process in root.iter(q(BPMN_NS, "process")):
        for attribute in ("candidateStarterGroups", "candidateStarterUsers"):
            if "{" in (camunda(process, attribute) or ""):
                yield Problem(f"camunda:{attribute} must name the groups or users; expressions are not read",
                              ctx.file_name, process.get("id"), process.sourceline)
