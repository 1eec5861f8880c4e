"""The OpenAPI document: errors documented as problem details, and the error statuses every route
can answer listed on each operation."""

from __future__ import annotations

from flask_smorest import Api

from api.errors import PROBLEM
from api.resources.common import ProblemSchema

METHODS = {"get", "post", "put", "patch", "delete"}


class RavandApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM  # errors only; restored for the operations
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


def _statuses(path: str, method: str, secured: bool) -> list[tuple[str, str]]:
    wanted = []
    if secured:
        wanted += [("401", "UNAUTHORIZED"), ("403", "FORBIDDEN")]
    if "{" in path:
        wanted.append(("404", "NOT_FOUND"))
    if method != "get":
        wanted += [("400", "BAD_REQUEST"), ("409", "CONFLICT"), ("422", "UNPROCESSABLE_ENTITY")]
    return wanted


def document_errors(api: Api) -> None:
    """Add the error answers each operation can give, where it does not list them itself."""
    for path, item in api.spec._paths.items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, name in _statuses(path, method, bool(operation.get("security"))):
                if status not in responses:
                    responses[status] = api.spec.components.get_ref("response", name)
