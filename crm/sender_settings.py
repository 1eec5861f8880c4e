"""The outbox's senders as the settings configure them: e-mail over SMTP (``smtp_host``), SMS through a panel
(``sms_provider``: Kavenegar or SMS.ir, ``crm.sms_panels``) or a generic HTTP gateway (``sms_endpoint``)."""

from __future__ import annotations

from typing import Any

from crm.senders import DEFAULT_SMS_TEMPLATE, HttpSmsSender, Sender, SmtpSender
from crm.sms_panels import panel_from


def senders_from(settings: Any) -> dict[str, Sender]:
    """The senders the settings configure; none → ``{}``. Raises ``InvalidRecord`` on settings that cannot
    work (a panel without its API key, an address that is not http(s))."""
    senders: dict[str, Sender] = {}
    if getattr(settings, "smtp_host", ""):
        senders["email"] = SmtpSender(
            settings.smtp_host, settings.smtp_port, settings.smtp_from or settings.smtp_user,
            user=settings.smtp_user or None, password=settings.smtp_password or None,
            starttls=settings.smtp_starttls)
    panel = panel_from(settings)
    if panel is not None:
        senders["sms"] = panel
    elif getattr(settings, "sms_endpoint", ""):
        senders["sms"] = HttpSmsSender(settings.sms_endpoint, settings.sms_template or DEFAULT_SMS_TEMPLATE,
                                       token=settings.sms_token or None)
    return senders
