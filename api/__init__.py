"""Ravand's HTTP face: ``create_app`` builds the Flask application."""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from api.app import create_app as build

    return build(*args, **kwargs)
