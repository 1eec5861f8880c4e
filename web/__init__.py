"""Ravand's browser application: the sign-in page, the cookie session (with CSRF protection) and the
single-page app served from the same Flask app as the API. ``register(app)`` mounts it all."""

from __future__ import annotations

from web.mount import register

__all__ = ["register"]
