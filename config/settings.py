"""Ravand's settings: defaults, then an optional TOML file, then ``RAVAND_*`` environment variables.

A leaf module: it imports nothing of Ravand. The composition root (``api.create_app`` and the
``ravand`` CLI) loads the settings once and passes them down; nothing deeper reads globals.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path(os.environ.get("RAVAND_DATA_DIR", "instance"))
ENV_ONLY = frozenset({"smtp_password", "sms_token", "sms_inbound_token"})  # secrets: never read from the settings file


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'ravand.sqlite'}"
    secret_key: str = ""
    token_ttl_s: int = 3600
    script_timeout_s: float = 2.0
    script_memory_mb: int = 256
    script_max_iterations: int = 1_000_000
    script_workers: int = 2
    script_isolation: bool = True
    expression_timeout_s: float = 0.5  # an expression outside the fast path, in the worker pool
    max_multi_instance: int = 1_000  # instances one multi-instance activity may create
    max_deployment_bytes: int = 5 * 1024 * 1024
    locale: str = "en"
    timezone: str = "Asia/Tehran"
    cors_origins: tuple[str, ...] = ()
    # reverse proxies in front of Ravand whose X-Forwarded-For/-Proto/-Host are trusted (0: none; the client's
    # address is then the connection's, and behind a proxy every client shares the proxy's address)
    proxy_hops: int = 0
    scheduler_enabled: bool = True
    scheduler_interval_s: float = 0.5
    timer_max_failures: int = 3  # failed firings of one timer before it is an incident and stops
    max_call_depth: int = 25  # nested call activities and subprocesses before the call is an incident
    # the notification outbox: e-mail over SMTP, SMS over an HTTP gateway; nothing set → messages are kept
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)  # RAVAND_SMTP_PASSWORD only
    smtp_from: str = ""
    smtp_starttls: bool = True
    sms_endpoint: str = ""
    sms_template: str = '{"to": "{recipient}", "text": "{body}"}'
    sms_token: str = field(default="", repr=False)  # RAVAND_SMS_TOKEN only (a panel's API key)
    sms_provider: str = ""  # kavenegar | smsir (crm.sms_panels); "" for the generic gateway at sms_endpoint
    sms_line: str = ""  # the panel's line messages go from (e.g. 30007732000000)
    sms_part_price_rial: int = 0  # what one SMS part costs, for a panel that reports credits (SMS.ir); 0: unknown
    sms_inbound_token: str = field(default="", repr=False)  # the secret last part of /api/v1/sms/inbound/<token>
    notify_max_attempts: int = 5
    notify_interval_s: float = 30.0
    notify_due_soon_s: int = 4 * 3600  # an open task's people are told once this long before its due time; 0: never
    notify_quiet_hours: str = "21:00-08:00"  # customer SMS queued then wait for its end (work_zone); "" for none
    # the working calendar: deadlines people are held to count working time on it (working_time("PT4H"))
    work_zone: str = "Asia/Tehran"
    work_week: str = "sat-wed 08:00-16:00, thu 08:00-12:00"  # days or day ranges, one window each
    work_holidays_country: str = "IR"  # public holidays of this country (the holidays package); "" for none
    work_holidays: tuple[str, ...] = ()  # more days off, Jalali or Gregorian ("1405-01-03, 2026-04-01")
    public_url: str = ""  # the address customers open links at (a loopback default when empty)
    # web sessions (rows of web_session): an absolute lifetime, and an idle one without a request
    session_ttl_s: int = 12 * 3600
    session_idle_s: int = 2 * 3600
    session_cookie_secure: bool = False
    # rate limits, counted in the database (shared by every worker and server), per minute
    sign_in_failures_per_name: int = 10  # per client address and user name
    sign_in_failures_per_address: int = 20  # per client address, whatever the user names
    portal_writes_per_minute: int = 20  # filings and survey answers per client address
    portal_reads_per_minute: int = 60
    # customer import (crm.importing): what one file may hold, and how its background job writes
    import_max_bytes: int = 20 * 1024 * 1024
    import_max_rows: int = 200_000
    import_max_unzipped_bytes: int = 200 * 1024 * 1024  # an .xlsx's members, unpacked, together
    import_max_zip_ratio: float = 100.0  # unpacked / packed, for a member of 1 MiB or more
    import_batch_rows: int = 100  # rows per committed transaction (each holds the write lock)
    import_lease_s: float = 60.0  # a running job whose runner is silent this long is taken over
    # contracts: the seller's legal details printed on every contract, the VAT rate (percent), how long an offer
    # stands, and how long the customer's signed link to it opens it
    seller_name: str = ""
    seller_national_id: str = ""  # شناسه ملی
    seller_economic_code: str = ""  # کد اقتصادی
    seller_registration_number: str = ""  # شماره ثبت
    seller_address: str = ""
    seller_phone: str = ""
    vat_percent: int = 10
    invoice_days: int = 30  # an accepted quote's invoice is due this many days after it is issued
    contract_sign_days: int = 14
    contract_link_days: int = 14
    # the sales funnel's open stages in order, each with its chance of winning (percent); won and lost close it
    funnel_stages: tuple[str, ...] = ("prospecting:10", "qualification:25", "proposal:50", "negotiation:75")
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        """Where the embedded default keeps its files (the SQLite file's folder)."""
        url = self.database_url
        return Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else DEFAULT_DATA_DIR

    def with_overrides(self, **values: Any) -> Settings:
        return replace(self, **values)


def _coerce(raw: Any, like: Any) -> Any:
    if isinstance(like, bool):
        if isinstance(raw, str):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        return bool(raw)
    if isinstance(like, int) and not isinstance(like, bool):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    if isinstance(like, tuple):
        if isinstance(raw, str):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return tuple(raw)
    return raw


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Build settings from defaults, the TOML file (``path`` or ``$RAVAND_CONFIG``), the environment
    and explicit ``overrides``, in that order of increasing precedence."""
    environ = os.environ if environ is None else environ
    base = Settings()
    known = {f.name: getattr(base, f.name) for f in fields(Settings)}
    values: dict[str, Any] = {}
    toml_path = path or environ.get("RAVAND_CONFIG")
    if toml_path:
        with open(toml_path, "rb") as handle:
            document = tomllib.load(handle)
        section = document.get("ravand", document)
        secrets_in_file = sorted(ENV_ONLY & set(section))
        if secrets_in_file:
            raise ValueError(f"{', '.join(secrets_in_file)} may only be set in the environment "
                             f"(RAVAND_{secrets_in_file[0].upper()}), not in {toml_path}")
        extra = {k: v for k, v in section.items() if k not in known}
        values.update({k: _coerce(v, known[k]) for k, v in section.items() if k in known})
        if extra:
            values["extra"] = extra
    for name, default in known.items():
        env_value = environ.get(f"RAVAND_{name.upper()}")
        if env_value is not None and name != "extra":
            values[name] = _coerce(env_value, default)
    values.update(overrides)
    return replace(base, **values)
