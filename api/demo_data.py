"""Demo records for the embedded default: about six months of a small Iranian business's CRM, Persian first
with English customers beside them, every CRM process on each of its paths, driven through the real
processes and CRM functions as the API drives them (``api.intake``), each step moved back to when its
story happened (``api.demo_clock``). Loaded once, the first time ``ravand demo`` finds no customer.

The stories are in ``demo_sales`` (customers, purchases, leads, opportunities), ``demo_service``
(complaints, suggestions, criticism), ``demo_contracts`` (contract approval and signing), ``demo_referrals``
(referrals, vouchers, points), ``demo_loyalty`` (the club's rules, catalogue and rewards taken) and the
others ``load_demo_data`` names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import processes
from api.composition import Ravand, ravand_ctx
from api.demo_clock import DemoClock
from api.demo_users import DEMO_USERS
from crm.models import Customer
from engine.clock import utcnow
from engine.store.models import HumanTask
from engine.store.transactions import transaction
from engine.views import Actor

# the demo employees as the engine sees them (their groups are those ensure_demo_users gives them)
PEOPLE = {name: Actor(name, frozenset(groups)) for name, role, groups, *_ in DEMO_USERS if role == "employee"}
OPEN = ("ready", "claimed")


class Demo:
    """The demo's hands: each call is one committed transaction, as each API request is."""

    def __init__(self, ravand: Ravand) -> None:
        self.ravand, self.engine = ravand, ravand.engine
        self.clock = DemoClock(ravand.sessions, ravand.settings.work_zone)
        self.customers: dict[str, int] = {}

    def run(self, command: Callable[[Session], Any]) -> Any:
        return transaction(self.ravand.sessions, command)

    def records(self, actor: str | None, fn: Callable[[Any], Any]) -> Any:
        """``fn(ctx)``: CRM records changed as ``actor``."""
        return self.run(lambda s: fn(ravand_ctx(s, actor)))

    def intake(self, starter: Callable[..., Any], data: dict[str, Any], actor: str | None) -> tuple[Any, str]:
        """A record and its process, started the way the API starts it (``api.intake``)."""
        return self.run(lambda s: starter(self.ravand, s, data, actor))

    def variables(self, instance_id: str) -> dict[str, Any]:
        return self.run(lambda s: self.engine.instance(s, instance_id).variables)

    def open_task(self, instance_id: str, element: str) -> tuple[str, str | None]:
        """The open task at ``element``: (id, assignee)."""
        found = self.run(lambda s: s.execute(select(HumanTask.id, HumanTask.assignee).where(
            HumanTask.process_instance_id == instance_id, HumanTask.element_id == element,
            HumanTask.state.in_(OPEN))).first())
        if found is None:
            raise LookupError(f"no open task {element!r} in {instance_id}")
        return found[0], found[1]

    def work(self, instance_id: str, element: str, who: str, data: dict[str, Any]) -> None:
        """``who`` claims the open task at ``element`` (unless it is theirs) and completes it with ``data``."""
        actor = PEOPLE[who]
        task_id, assignee = self.open_task(instance_id, element)
        if assignee != actor.name:
            self.run(lambda s: self.engine.claim(s, task_id, actor))
        self.run(lambda s: self.engine.complete(s, task_id, data, actor))

    def claim(self, instance_id: str, element: str, who: str) -> None:
        task_id, _ = self.open_task(instance_id, element)
        self.run(lambda s: self.engine.claim(s, task_id, PEOPLE[who]))

    def comment(self, instance_id: str, element: str, who: str, text: str) -> None:
        task_id, _ = self.open_task(instance_id, element)
        self.run(lambda s: self.engine.add_comment(s, task_id, text, PEOPLE[who]))

    def offered_to(self, instance_id: str, element: str, *people: str) -> str:
        """The first of ``people`` the open task at ``element`` is offered to (by group)."""
        task_id, _ = self.open_task(instance_id, element)
        groups = set(self.run(lambda s: s.get(HumanTask, task_id).candidate_groups) or ())
        return next(name for name in people if PEOPLE[name].groups & groups)

    def fire(self, instance_id: str, element: str) -> None:
        """The instance's timer at ``element`` fires now (an operator's "run this timer now")."""
        timer = next((t for t in self.run(lambda s: self.engine.timers(s, instance_id))
                      if t.element_id == element and not t.retry), None)
        if timer is None:
            raise LookupError(f"no timer {element!r} in {instance_id}")
        self.run(lambda s: self.engine.reschedule_timer(s, timer.id, utcnow() - timedelta(seconds=1), "demo"))

    def correlate(self, name: str, correlation: dict[str, Any], actor: str | None = None,
                  variables: dict[str, Any] | None = None) -> list[str]:
        return self.run(lambda s: self.engine.correlate(s, name, correlation=correlation, variables=variables,
                                                        actor=actor, waiting_only=True).instance_ids)

    @contextmanager
    def at(self, days: float, clock: str = "10:00") -> Iterator[None]:
        """The block happened ``days`` ago at ``clock`` (Tehran time)."""
        with self.clock.happened(self.clock.ago(days, clock)):
            yield


def load_demo_data(ravand: Ravand) -> bool:
    """Deploy the processes and fill them with demo records; False if customers already exist."""
    from api import (
        demo_activities,
        demo_campaigns,
        demo_contracts,
        demo_deals,
        demo_loyalty,
        demo_quotes,
        demo_referrals,
        demo_sales,
        demo_service,
    )

    demo = Demo(ravand)
    demo.run(lambda s: ravand.engine.deploy(s, processes.bundle(), "designer"))
    if demo.run(lambda s: s.scalar(select(func.count()).select_from(Customer))):
        return False
    demo_loyalty.club(demo)
    demo_sales.customers(demo)
    demo.run(lambda s: ravand.engine.start(s, "customer_ranking", None, {}, "admin"))  # the tiers referrals use
    demo_sales.lead_stories(demo)
    demo_deals.deals(demo)
    demo_service.stories(demo)
    demo_contracts.stories(demo)
    demo_referrals.stories(demo)
    demo_activities.stories(demo)
    demo_activities.targets(demo)
    demo_campaigns.stories(demo)
    demo_quotes.stories(demo)
    demo_loyalty.stories(demo)
    demo.run(lambda s: ravand.engine.start(s, "customer_ranking", None, {}, "admin"))
    return True
