"""Service tasks of ``lead_qualification``: read the lead for the call (who to call and how, the score and why,
earlier calls), record the score, keep each call on the lead, and the three outcomes of the call."""

from __future__ import annotations

from typing import Any

from crm import lead_calls, leads, lists
from crm.errors import InvalidRecord
from crm.funnel import funnel_of
from crm.models import Lead
from crm.unit import Ctx
from engine.runtime.services import HandlerRegistry, ServiceCall
from processes import notices, records
from processes.common import as_date, as_datetime, ctx_of, need

DEFAULT_NURTURE_DAYS = 30
WHY = {  # the scoring table's reasons (its ``why`` output), as the caller reads them
    "budget": ("بودجه تأیید شده", "budget confirmed"), "authority": ("با تصمیم‌گیرنده", "speaks to the decision maker"),
    "need_high": ("نیاز جدی", "strong need"), "need_medium": ("نیاز متوسط", "some need"),
    "buys_now": ("خرید فوری", "buys now"), "buys_quarter": ("خرید در این فصل", "buys this quarter"),
    "referral": ("معرفی‌شده از سوی مشتری", "referred by a customer"), "walk_in": ("مراجعهٔ حضوری", "came in person"),
    "revenue": ("درآمد پیش‌بینی‌شده بالا", "large expected revenue"),
}


def _labels(call: ServiceCall, name: str, key: str | None) -> dict[str, str] | None:
    return {loc: lists.label(call.session, name, key, loc) for loc in ("fa", "en")} if key else None


def _card(call: ServiceCall, lead: Lead) -> dict[str, Any]:
    """Who to call and how, and what is known: what the caller needs on the call task."""
    return {
        "lead_name": lead.company_name or lead.person_name, "person_name": lead.person_name,
        "company_name": lead.company_name, "mobile": lead.mobile, "phone": lead.phone, "email": lead.email,
        "source": lead.source, "source_label": _labels(call, "lead_source", lead.source),
        "product": lead.product or "", "product_label": _labels(call, "product", lead.product),
        "region": lead.region or "", "region_label": _labels(call, "province", lead.region),
        "estimated_revenue": lead.estimated_revenue or 0, "budget_confirmed": bool(lead.budget_confirmed),
        "authority": bool(lead.authority), "need": lead.need or "low", "timeline": lead.timeline or "unknown",
        "earlier_calls": [lead_calls.summary(c) for c in lead_calls.calls_of(call.session, lead.id)],
    }


def capture(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Record the lead (or take the one the API recorded) and read it afresh (after a call, a correction or a
    nurture too), handing the scoring tables clean inputs and the caller the lead's card."""
    ctx = ctx_of(call)
    if variables.get("lead_id"):
        lead = leads.get_lead(ctx.session, int(variables["lead_id"]))
        if lead.process_instance_id is None:
            ctx.change(lead, "lead", {"process_instance_id": call.instance_id})
    else:
        lead = leads.capture_lead(ctx, {**variables, "process_instance_id": call.instance_id})
    call.set_record(records.lead_record(lead))  # read afresh: a corrected name or phone retitles the call
    return {
        "lead_id": lead.id, "duplicate_of": lead.duplicate_of, "customer_id": lead.duplicate_of,
        "referral_id": lead.referral_id, **_card(call, lead), "outcome": variables.get("outcome"),
        "call_assignee": variables.get("call_assignee"), "call_problem": variables.get("call_problem"),
    }


def scored(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Keep the score, its parts (why) and the group on the lead, and on the call it was recomputed after."""
    ctx = ctx_of(call)
    parts = leads.score_parts(variables.get("points"), variables.get("why"))
    score, grade = int(need(variables, "score")), need(variables, "grade")
    leads.set_score(ctx, int(need(variables, "lead_id")), score=score, grade=grade,
                    sales_group=need(variables, "sales_group"), parts=parts)
    if variables.get("call_id"):
        lead_calls.score_call(ctx, int(variables["call_id"]), score=score, grade=grade)
    why = [dict(part, **dict(zip(("fa", "en"), WHY.get(part["why"], (part["why"], part["why"]))))) for part in parts]
    return {"score_why": why, "call_id": None}


def record_call(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Keep the call on the lead (notes, BANT answers, outcome). Answers that cannot be taken (a call-back day
    in the past, an unknown reason) send the call back to the caller with the problem, not to an incident."""
    ctx = ctx_of(call)
    try:
        row, values = lead_calls.record_call(ctx, int(need(variables, "lead_id")), variables,
                                             default_days=int(variables.get("nurture_days") or DEFAULT_NURTURE_DAYS))
    except InvalidRecord as exc:
        problems = "; ".join(f"{field}: {', '.join(messages)}" for field, messages in exc.field_errors.items())
        return {"outcome": None, "call_problem": problems or exc.message, "call_assignee": call.actor}
    recontact = values.get("recontact_at")
    return {**{k: v for k, v in values.items() if k not in ("recontact_at", "comment", "notes")},
            "reason_comment": values.get("comment"), "recontact_at": recontact.isoformat() if recontact else None,
            "call_id": row.id, "call_problem": None, "call_assignee": None}


def qualify(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """A customer (potential) and an opportunity in the funnel; a referral waiting on this lead hears of it."""
    customer, opportunity = leads.qualify(
        ctx_of(call), int(need(variables, "lead_id")),
        title=variables.get("opportunity_title") or f"{variables.get('lead_name') or 'Lead'}",
        amount=int(variables.get("amount") or variables.get("estimated_revenue") or 0),
        expected_close=as_date(variables.get("expected_close"), field="expected_close"), owner=call.actor,
        funnel=funnel_of(call.settings.get("funnel_stages")))
    if variables.get("referral_id"):
        call.send_message("referral_lead_qualified", correlation={"referral_id": variables["referral_id"]},
                          variables={"referred_customer_id": customer.id}, if_waiting=True)  # a lapsed one: []
    return {"customer_id": customer.id, "opportunity_id": opportunity.id}


def disqualify(variables: dict[str, Any], call: ServiceCall) -> None:
    leads.disqualify(ctx_of(call), int(need(variables, "lead_id")), need(variables, "reason"),
                     variables.get("reason_comment"))
    if variables.get("referral_id"):
        call.send_message("referral_lead_lost", correlation={"referral_id": variables["referral_id"]},
                          variables={"lost_reason": variables["reason"]}, if_waiting=True)


def nurture(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Park the lead until the call-back time the caller chose (a day, or a number of days; else the grade's
    ``nurture_days``); the call then comes back to whoever nurtured it."""
    recontact_at = as_datetime(need(variables, "recontact_at"), field="recontact_at")
    leads.nurture(ctx_of(call), int(need(variables, "lead_id")), recontact_at, by=call.actor)
    return {"recontact_at": recontact_at.isoformat(), "recontact_by": call.actor}


def _tell_rep(call: ServiceCall, ctx: Ctx, lead: Lead) -> None:
    """L9: the rep who nurtured the lead hears it is time to call again (``lead_recontact``, in their language,
    by name, the agreed time in their zone), with the way to reach the lead."""
    if not lead.recontact_by:
        return
    contact = lead.mobile or lead.phone or lead.email or ""
    notices.tell_staff(call, ctx, [lead.recontact_by], template="lead_recontact", link="/app/tasks",
                       params={"lead_name": lead.company_name or lead.person_name or "",
                               "recontact_at": lead.recontact_at or "", "contact": contact})


def reopen(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """The call-back time came: the lead is worked again, its call assigned to the rep who nurtured it, who
    is told; last call's answers are cleared (the lead is read and scored afresh before the call)."""
    ctx = ctx_of(call)
    lead = leads.get_lead(ctx.session, int(need(variables, "lead_id")))
    rep = lead.recontact_by
    _tell_rep(call, ctx, lead)
    leads.reopen(ctx, lead.id)
    return {"outcome": None, "recontact_days": None, "recontact_on": None, "recontact_at": None,
            "call_assignee": rep, "call_problem": None}


def register(registry: HandlerRegistry) -> None:
    for name, handler in {"leadCapture": capture, "leadScored": scored, "leadCallRecorded": record_call,
                          "leadQualify": qualify, "leadDisqualify": disqualify, "leadNurture": nurture,
                          "leadReopen": reopen}.items():
        registry.register(name, handler)
