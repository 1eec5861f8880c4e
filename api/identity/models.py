"""Users, their roles and groups, long-lived API tokens (stored hashed), the web app's sessions, and the
counters of the rate limits shared by every server process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.definitions.declarations import ROLES as DECLARABLE_ROLES
from engine.store.models import Base

ROLES = DECLARABLE_ROLES  # admin, designer, employee, auditor, integration (what a diagram may name)
LOCALES = ("en", "fa")  # the interface languages
NOTICE_CHANNELS = ("auto", "email", "sms", "app")
AMOUNT_UNITS = ("rial", "toman")  # how task forms show and take amounts (always stored in rials)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    groups: Mapped[list[Any]] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    amount_unit: Mapped[str] = mapped_column(String(8), default="rial", server_default="rial")
    # how notices reach them beside the in-app inbox: auto (e-mail if they have one, else SMS), email, sms or app
    notice_channel: Mapped[str] = mapped_column(String(8), default="auto", server_default="auto")
    email: Mapped[str | None] = mapped_column(String(255))  # where staff notices are mailed, if set
    mobile: Mapped[str | None] = mapped_column(String(16))  # E.164; staff notices by SMS when no e-mail
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    team_key: Mapped[str | None] = mapped_column(String(80))  # crm.teams: whose records they work (record access)
    branch_key: Mapped[str | None] = mapped_column(String(80))
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser. The cookie carries a random token; the row is keyed by its SHA-256, so the
    table alone cannot be replayed. Signing out deletes the row; so do a password change and a disable."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the absolute end, whatever the activity


class RateLimitHit(Base):
    """Hits of one rate-limit key (a SHA-256 of the limit's name and key) in one fixed window."""

    __tablename__ = "rate_limit_hit"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # epoch seconds
    hits: Mapped[int] = mapped_column(Integer)
    expires: Mapped[int] = mapped_column(BigInteger, index=True)  # epoch seconds after which it is pruned
