"""The record a process instance serves (a lead, a complaint, a contract, ...): its type and id, a title to
show beside its tasks, and search text. The engine knows nothing of what the record is or of any language:
the caller gives the title and the search text already folded as it folds the words searched for; a search
here matches every word as a substring of that text. ``engine.store.records`` writes these columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_

from engine.errors import InvalidValue
from engine.store.models import ProcessInstance
from engine.values import check_text

TYPE_LENGTH, ID_LENGTH, TITLE_LENGTH, SEARCH_LENGTH = 40, 64, 500, 4000
MAX_WORDS = 8  # words of one search, each a substring match


@dataclass(frozen=True)
class RecordRef:
    """A record as its caller describes it; ``title`` and ``search`` are cut to their column's length."""

    type: str
    id: str
    title: str
    search: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or not self.type or len(self.type) > TYPE_LENGTH or \
                not self.type.replace("_", "").isalnum() or not self.type.isascii():
            raise InvalidValue("record.type", f"a name of 1 to {TYPE_LENGTH} letters, digits or _")
        check_text(self.id, "record.id", ID_LENGTH)
        if not self.id:
            raise InvalidValue("record.id", "must not be empty")
        check_text(self.title, "record.title", None)
        check_text(self.search, "record.search", None)
        if len(self.title) > TITLE_LENGTH:
            object.__setattr__(self, "title", self.title[:TITLE_LENGTH - 1] + "…")
        object.__setattr__(self, "search", self.search[:SEARCH_LENGTH])

    def columns(self) -> dict[str, Any]:
        """The instance's column values."""
        return {"record_type": self.type, "record_id": self.id, "record_title": self.title,
                "record_search": self.search}


def search_words(search: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The words of a search as given (already folded by the caller): empty ones dropped, at most MAX_WORDS."""
    kept = tuple(word for word in search if isinstance(word, str) and word)
    if len(kept) > MAX_WORDS:
        raise InvalidValue("q", f"at most {MAX_WORDS} words")
    return kept


def matching(search: tuple[str, ...]) -> Any:
    """The condition on instances whose search text holds every word."""
    return and_(*(ProcessInstance.record_search.contains(word, autoescape=True) for word in search))
