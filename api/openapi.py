"""The OpenAPI document: errors documented as problem details, the error statuses every route can answer
listed on each operation, and the operations documented when the document is first served."""

from __future__ import annotations

import threading
from typing import Any

from apispec import APISpec
from flask import Flask, request
from flask_smorest import Api, Blueprint

from api.errors import PROBLEM
from api.resources.common import ProblemSchema

METHODS = {"get", "post", "put", "patch", "delete"}
DOCS_BLUEPRINT = "api-docs"  # flask-smorest's blueprint serving the document and the pages that show it


class RavandApi(Api):
    """flask-smorest's Api, documenting the blueprints' operations when the document is first asked for
    (``documented``) instead of when each is registered: an app that never serves it (most gunicorn workers,
    every test's app) is made half a second faster, documenting some 190 operations being most of that."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask, **kwargs: Any) -> None:
        self._undocumented: list[tuple[Blueprint, str, Any]] = []
        self._documenting = threading.Lock()
        super().__init__(app, **kwargs)
        app.before_request(self._document_before_serving)

    def register_blueprint(self, blp: Blueprint, *, parameters: Any = None, **options: Any) -> None:
        """Register the blueprint's routes now; its documentation waits for ``documented``."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def documented(self) -> APISpec:
        """The OpenAPI document with every registered blueprint's operations and their error answers."""
        with self._documenting:
            if self._undocumented:
                for blp, name, parameters in self._undocumented:
                    blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
                    self.spec.tag({"name": name, "description": blp.description})
                self._undocumented.clear()
                document_errors(self)
        return self.spec

    def _document_before_serving(self) -> None:
        if request.blueprint == DOCS_BLUEPRINT:  # the document itself, or a page that reads it
            self.documented()

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
    """Add the error answers each operation can give, where it does not list them itself (the document's
    ``paths`` as ``APISpec.to_dict`` gives them: the spec's own operations, changed in place)."""
    for path, item in api.spec.to_dict()["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, name in _statuses(path, method, bool(operation.get("security"))):
                if status not in responses:
                    responses[status] = api.spec.components.get_ref("response", name)
