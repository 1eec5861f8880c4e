"""Demo users for the embedded default: created once, with passwords kept beside the database."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.identity.models import User
from api.identity.service import create_user

DEMO_USERS = (
    ("admin", "admin", [], "Administrator", "en"),
    ("designer", "designer", [], "Dana Designer", "en"),
    ("sara", "employee", ["sales", "sales-enterprise"], "سارا احمدی", "fa"),
    ("reza", "employee", ["sales", "sales-regions", "managers"], "رضا محمدی", "fa"),
    ("maryam", "employee", ["support-1"], "مریم حسینی", "fa"),
    ("omid", "employee", ["support-2", "managers", "ceo"], "امید کریمی", "fa"),
    ("nima", "employee", ["finance", "legal"], "نیما رضایی", "fa"),
    ("john", "employee", ["sales", "sales-regions", "support-1"], "John Carter", "en"),
    # the customer care team lead: told of escalations and breaches, follows up dissatisfied customers
    ("elham", "employee", ["support-leads", "finance-leads"], "الهام نادری", "fa"),
    ("auditor", "auditor", [], "Audrey Auditor", "en"),
    # the e-signature provider's and the web shop's callbacks: contract_signed, lead_received, purchases
    ("webhooks", "integration", [], "Integrations", "en"),
)
# their notices are mailed to <name>@ravand.example
MAILED = ("sara", "reza", "maryam", "omid", "nima", "john", "elham")


def ensure_demo_users(session: Session, credentials_file: Path) -> list[tuple[str, str, str]]:
    """Create any missing demo user; return (name, role, password) for every demo user."""
    known = dict(line.split("\t", 1) for line in credentials_file.read_text().splitlines() if "\t" in line) \
        if credentials_file.exists() else {}
    existing = {user.username: user for user in session.scalars(select(User))}
    result = []
    for username, role, groups, display, locale in DEMO_USERS:
        email = f"{username}@ravand.example" if username in MAILED else None
        if username not in existing:
            known[username] = secrets.token_urlsafe(9)
            create_user(session, username, known[username], role, groups, display, locale, email=email)
        elif email and existing[username].email is None:
            existing[username].email = email
        result.append((username, role, known.get(username, "(set earlier; not known here)")))
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text("".join(f"{name}\t{password}\n" for name, password in known.items()))
    credentials_file.chmod(0o600)
    return result
