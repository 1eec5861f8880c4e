"""The app's secret and the keys derived from it: a leaf of the composition root (it imports only the
settings), so that the app, the contract process's settings and the campaign links read the same secret. A
purpose's key is an HMAC of the secret with the purpose's name: the secret itself signs nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from config import Settings


def app_secret(settings: Settings) -> str:
    """The configured key, else one kept beside the embedded database (never in the repository)."""
    if settings.secret_key:
        return settings.secret_key
    if not settings.database_url.startswith("sqlite:///"):
        raise RuntimeError("set RAVAND_SECRET_KEY when the database is not the embedded SQLite file")
    path = settings.data_dir / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def derived_key(settings: Settings, purpose: str) -> str:
    """The key for one purpose (``"opt-out links"``), derived from the app's secret."""
    return hmac.new(app_secret(settings).encode(), f"ravand {purpose}".encode(), hashlib.sha256).hexdigest()
