"""The engine's one error hierarchy. The API maps each class to an HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    title = "Engine error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(EngineError):
    title = "Not found"


class Conflict(EngineError):
    """The state changed under the caller (stale version, lost claim race, task no longer open)."""

    title = "Conflict"


class TaskNotOpen(Conflict):
    """A person acted on a task that exists but is no longer open (completed or cancelled). ``state`` is its
    state; ``open_tasks`` (``{"id", "name"}``) are the open tasks of the same instance the person may work:
    where the work went, e.g. after a correction routed it again."""

    title = "Task no longer open"

    def __init__(self, detail: str, state: str, open_tasks: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.state = state
        self.open_tasks = list(open_tasks or [])


class Forbidden(EngineError):
    """The actor may not do this (e.g. completing a task claimed by someone else)."""

    title = "Forbidden"


@dataclass(frozen=True)
class Problem:
    """One located problem in a deployment."""

    message: str
    file: str | None = None
    element_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element}: {self.message}" if where or element else self.message


class InvalidDefinition(EngineError):
    """A deployment was refused; ``problems`` says where and why."""

    title = "Invalid deployment"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class InvalidData(EngineError):
    """Submitted data failed validation; ``field_errors`` maps field names to messages."""

    title = "Invalid data"

    def __init__(self, field_errors: dict[str, list[str]], detail: str = "the submitted data is invalid") -> None:
        super().__init__(detail)
        self.field_errors = field_errors


class InvalidValue(InvalidData):
    """A value from outside is not plain, bounded JSON (``engine.values``); ``path`` names it."""

    title = "Invalid value"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__({path: [reason]}, f"{path}: {reason}" if path else reason)
        self.path = path


class ScriptError(EngineError):
    """A script or expression failed: bad syntax, a sandbox violation, a limit, or a runtime error."""

    title = "Script error"

    def __init__(self, detail: str, line: int | None = None) -> None:
        super().__init__(detail)
        self.line = line


class SandboxViolation(ScriptError):
    """A script tried something the sandbox forbids (imports, dunder access, a resource limit)."""

    title = "Sandbox violation"
