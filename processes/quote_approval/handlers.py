"""Service tasks of ``quote_approval``: the quote read (its figures for the decision table and the approver's
form) and held ``pending``; sent to the customer with its link (let through, or approved by a manager who did
not write it); or sent back to its writer as a draft with the approver's reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crm import quote_links, quotes
from crm.customers import get_customer
from crm.errors import RecordConflict
from crm.money import format_number
from crm.notify import daily_cap
from crm.unit import Ctx
from engine.runtime.services import HandlerRegistry, ServiceCall
from processes.common import ctx_of, need
from processes.notices import DEFAULT_PUBLIC_URL, tell_staff


def _quote(ctx: Ctx, variables: dict[str, Any], *, lock: bool = False) -> Any:
    return quotes.get_quote(ctx.session, int(need(variables, "quote_id")), lock=lock)


def _today(call: ServiceCall) -> Any:
    return datetime.now(ZoneInfo(str(call.settings.get("quote_link_zone") or "Asia/Tehran"))).date()


def _lines_text(ctx: Ctx, quote: Any) -> str:
    lines = quotes.lines_of(ctx.session, quote.id)
    figures = quotes.totals(quote, lines)
    return "\n".join(f"{line.description} × {line.quantity_milli / 1000:g}: {format_number(f.net)}"
                     + (f" (−{line.discount_percent}%)" if line.discount_percent else "")
                     for line, f in zip(lines, figures.lines, strict=True))


def open_quote(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The draft held ``pending`` for its approval; what the decision table and the approver read."""
    ctx = ctx_of(call)
    quote = _quote(ctx, variables, lock=True)
    quotes.submit(ctx, quote, today=_today(call), instance_id=call.instance_id)
    lines = quotes.lines_of(ctx.session, quote.id)
    customer = get_customer(ctx.session, quote.customer_id)
    return {"quote_id": quote.id, "opportunity_id": quote.opportunity_id, "owner": quote.owner,
            "customer_name": customer.company_name or customer.person_name, "quote_title": f"#{quote.id}",
            "largest_discount": quotes.largest_discount(quote, lines),
            "payable": quotes.totals(quote, lines).payable, "valid_until": quote.valid_until.isoformat(),
            "lines_text": _lines_text(ctx, quote)}


def guard_approver(variables: dict[str, Any], call: ServiceCall) -> None:
    """Four eyes: whoever wrote the quote does not approve it (409; the task stays open for another)."""
    if call.actor and call.actor == variables.get("owner"):
        raise RecordConflict("you wrote this quote: another manager approves it / "
                             "این پیش‌فاکتور را خودتان نوشته‌اید؛ مدیر دیگری آن را تأیید می‌کند")


def send(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The quote sent; its link goes by SMS and e-mail to the customer's number and address on record."""
    ctx = ctx_of(call)
    key = call.settings.get("quote_link_secret")
    if not key:
        raise RecordConflict("the quote link key is missing: set RAVAND_SECRET_KEY (secret_key)")
    quote = quotes.send_quote(ctx, _quote(ctx, variables, lock=True), today=_today(call))
    queued = quote_links.send_quote_link(
        ctx, quote, key=str(key), base=str(call.settings.get("public_url") or DEFAULT_PUBLIC_URL),
        zone=str(call.settings.get("quote_link_zone") or "Asia/Tehran"), daily_cap=daily_cap(call.settings))
    call.record("quote.sent", {"quote_id": quote.id, "messages": queued})
    return {"messages_queued": queued}


def send_back(variables: dict[str, Any], call: ServiceCall) -> None:
    """Turned down: a draft again with the reason, and its writer is told."""
    ctx = ctx_of(call)
    quote = quotes.send_back(ctx, _quote(ctx, variables, lock=True), variables.get("reason"))
    if quote.owner:
        tell_staff(call, ctx, [quote.owner], template="quote_returned", params={
            "quote_id": quote.id, "customer": variables.get("customer_name") or "", "reason": quote.review_note or "-",
            "by": call.actor or ""}, link=f"/app/opportunities/{quote.opportunity_id}")


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"quoteOpen": open_quote, "quoteApprover": guard_approver, "quoteSend": send,
                          "quoteSendBack": send_back}.items():
        registry.register(name, handler)
