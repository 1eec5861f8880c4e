"""The sales funnel's stages, in order, and the chance (percent) that an opportunity at a stage is won.

The open stages and their chances are a setting (``funnel_stages``: ``"name:percent"`` entries in order,
read by ``Funnel.parse``); ``won`` (100) and ``lost`` (0) always close the funnel. ``DEFAULT`` is the
shipped funnel; the module constants below describe it for code that has no settings at hand."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

CLOSED_STAGES: tuple[str, ...] = ("won", "lost")
DEFAULT_STAGES: tuple[str, ...] = ("prospecting:10", "qualification:25", "proposal:50", "negotiation:75")
ENTRY_STAGE = "qualification"  # where a qualified lead's opportunity opens, if the funnel has it
_ENTRY = re.compile(r"\s*([a-z][a-z0-9_]{0,19})\s*:\s*(\d{1,3})\s*")


@dataclass(frozen=True)
class Funnel:
    open_stages: tuple[str, ...]
    chances: dict[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Funnel:
        """``("prospecting:10", "proposal:50", …)`` → a funnel; ValueError for a malformed setting."""
        stages: list[str] = []
        chances: dict[str, int] = {}
        for entry in entries:
            found = _ENTRY.fullmatch(str(entry))
            if not found or found[1] in CLOSED_STAGES or found[1] in chances or int(found[2]) > 100:
                raise ValueError(f"funnel_stages: {entry!r} is not a new stage as name:percent (0–100)")
            stages.append(found[1])
            chances[found[1]] = int(found[2])
        if not stages:
            raise ValueError("funnel_stages: name at least one open stage")
        return cls(tuple(stages), {**chances, "won": 100, "lost": 0})

    @property
    def stages(self) -> tuple[str, ...]:
        return (*self.open_stages, *CLOSED_STAGES)

    @property
    def path(self) -> tuple[str, ...]:
        """The path a sale walks; ``lost`` can follow any open stage."""
        return (*self.open_stages, "won")

    @property
    def entry(self) -> str:
        return ENTRY_STAGE if ENTRY_STAGE in self.open_stages else self.open_stages[0]

    def probability(self, stage: str) -> int:
        return self.chances.get(stage, 0)


DEFAULT = Funnel.parse(DEFAULT_STAGES)
STAGES: tuple[str, ...] = DEFAULT.stages
PROBABILITY: dict[str, int] = dict(DEFAULT.chances)
OPEN_STAGES: tuple[str, ...] = DEFAULT.open_stages
PATH: tuple[str, ...] = DEFAULT.path


def funnel_of(setting: Iterable[str] | None) -> Funnel:
    """The funnel a ``funnel_stages`` setting describes (the shipped one when unset)."""
    return Funnel.parse(setting) if setting else DEFAULT
