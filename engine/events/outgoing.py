"""Service handlers reaching other instances: a message correlated, a process started, inside the
command's transaction (as a Camunda delegate does with the runtime service). If the target cannot
be reached the handler fails, and with it the service task (retry, then incident).

A chain of instances messaging each other is cut at ``MAX_DEPTH`` so that two diagrams answering
each other forever end as an incident instead of a hung request."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import EngineError
from engine.events import messages
from engine.runtime import unit_of_work as runtime

MAX_DEPTH = 16
DEPTH = "ravand.outgoing.depth"


class Messenger:
    def __init__(self, ctx: Any, session: Session, instance_id: str, actor: str | None) -> None:
        self.ctx, self.session, self.instance_id, self.actor = ctx, session, instance_id, actor

    def _enter(self) -> None:
        depth = self.session.info.get(DEPTH, 0) + 1
        if depth > MAX_DEPTH:
            raise EngineError(f"instances messaging each other more than {MAX_DEPTH} deep (a loop?)")
        self.session.info[DEPTH] = depth

    def _leave(self) -> None:
        self.session.info[DEPTH] -= 1

    def send_message(self, name: str, *, business_key: str | None = None,
                     correlation: Mapping[str, Any] | None = None,
                     variables: Mapping[str, Any] | None = None, if_waiting: bool = False) -> list[str]:
        """``if_waiting``: reach a waiting instance or nobody (``[]``): no start, no buffering, no error."""
        buffers = self.ctx.settings.get("message_buffers", {})
        seconds = 0 if if_waiting else buffers.get(name, buffers.get("*", 0))
        self._enter()
        try:
            delivery = messages.correlate(self.ctx, self.session, name, business_key, dict(correlation or {}),
                                        dict(variables or {}), self.actor,
                                        timedelta(seconds=seconds) if seconds else None, sender=self.instance_id,
                                        waiting_only=if_waiting)
        finally:
            self._leave()
        return delivery.instance_ids

    def start_process(self, key: str, *, business_key: str | None = None,
                      variables: Mapping[str, Any] | None = None, record: Any = None) -> str:
        self._enter()
        try:
            return runtime.start(self.ctx, self.session, key, business_key, dict(variables or {}), self.actor,
                                 record).id
        finally:
            self._leave()
