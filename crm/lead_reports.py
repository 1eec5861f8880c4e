"""Reports that start at the lead: the lead funnel (lead → qualified → each stage of the sales funnel → won)
and why leads are disqualified and deals lost.

The lead funnel follows the leads that came in during the period: how many were qualified, and how many of
them have an opportunity that reached each stage of the funnel (``crm.funnel``: the ``funnel_stages`` setting)
or one after it, up to won. It can be split per sales group, owner, source or product; a lead's owner is its
opportunity's owner, else whoever called it last, else who nurtured it. The reasons report counts the
disqualified leads per ``disqualify_reason`` (when disqualified: a disqualified lead no longer changes) and the
lost opportunities per ``loss_reason`` (when closed), with the lists' labels in the reader's language.
Periods and months as in ``crm.reports``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session

from crm import lists
from crm.errors import InvalidRecord
from crm.funnel import DEFAULT, Funnel
from crm.jalali import check_calendar, month_of
from crm.models import Lead, LeadCall, Opportunity, StageVisit
from crm.reports import Instant, _by_month, _day, _rate, _window
from crm.text import read_locale

GROUPS = ("sales_group", "owner", "source", "product")
GROUP_LISTS = {"source": "lead_source", "product": "product"}  # groups whose keys have labels
OUTCOMES = ("disqualified", "nurture", "open", "lost")  # where the other leads are
NONE = {"fa": "(بدون)", "en": "(none)"}


def steps_of(funnel: Funnel = DEFAULT) -> tuple[str, ...]:
    """The funnel's steps from the lead: ``leads``, ``qualified``, the open stages, ``won``."""
    return ("leads", "qualified", *funnel.path)


def _rank(funnel: Funnel, column: Any) -> ColumnElement[int]:
    return case({stage: i for i, stage in enumerate(funnel.path)}, value=column, else_=-1)


def _reach(funnel: Funnel) -> Subquery:
    """Per lead with an opportunity: the furthest step of the path one reached (-1: none), whether one was lost,
    and an owner."""
    visits = (select(StageVisit.opportunity_id.label("oid"), func.max(_rank(funnel, StageVisit.stage)).label("rank"),
                     func.max(case((StageVisit.stage == "lost", 1), else_=0)).label("lost"))
              .group_by(StageVisit.opportunity_id).subquery())
    own = _rank(funnel, Opportunity.stage)
    reached = case((func.coalesce(visits.c.rank, -1) > own, visits.c.rank), else_=own)
    lost = case((or_(Opportunity.stage == "lost", visits.c.lost == 1), 1), else_=0)
    return (select(Opportunity.lead_id.label("lead_id"), func.max(reached).label("rank"), func.max(lost).label("lost"),
                   func.max(Opportunity.owner).label("owner"))
            .select_from(Opportunity).outerjoin(visits, visits.c.oid == Opportunity.id)
            .where(Opportunity.lead_id.is_not(None)).group_by(Opportunity.lead_id).subquery())


def _leads(session: Session, funnel: Funnel, since: Instant, until: Instant) -> Subquery:
    """One row per lead that came in during the period: its groups, day, how far it went and how it ended."""
    reach = _reach(funnel)
    last_caller = (select(LeadCall.by).where(LeadCall.lead_id == Lead.id)
                   .order_by(LeadCall.id.desc()).limit(1).scalar_subquery())
    qualified = or_(Lead.status == "qualified", reach.c.lead_id.is_not(None))
    return (select(Lead.id, Lead.status, Lead.sales_group, Lead.source, Lead.product,
                   func.coalesce(reach.c.owner, last_caller, Lead.recontact_by).label("owner"),
                   _day(session, Lead.created_at).label("day"), func.coalesce(reach.c.rank, -1).label("rank"),
                   func.coalesce(reach.c.lost, 0).label("lost"), case((qualified, 1), else_=0).label("qualified"))
            .outerjoin(reach, reach.c.lead_id == Lead.id).where(*_window(Lead.created_at, since, until)).subquery())


def _sums(rows: Subquery, funnel: Funnel) -> list[ColumnElement[int]]:
    """The counts of ``steps_of(funnel)`` then of ``OUTCOMES``, in that order."""
    def total(condition: Any) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    won = len(funnel.path) - 1
    return [func.count(), total(rows.c.qualified == 1), *(total(rows.c.rank >= i) for i in range(len(funnel.path))),
            total(rows.c.status == "disqualified"), total(rows.c.status == "nurture"),
            total(rows.c.status.in_(("new", "qualifying"))), total(and_(rows.c.lost == 1, rows.c.rank < won))]


def _figures(funnel: Funnel, values: Any) -> dict[str, Any]:
    names = (*steps_of(funnel), *OUTCOMES)
    counts = dict(zip(names, (int(v or 0) for v in values)))
    return {"counts": counts, "qualification_rate": _rate(counts["qualified"], counts["leads"]),
            "win_rate": _rate(counts["won"], counts["leads"])}


def _steps(funnel: Funnel, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    names = steps_of(funnel)
    return [{"step": name, "count": counts[name], "from_leads": _rate(counts[name], counts["leads"]),
             "conversion_rate": _rate(counts[name], counts[names[i - 1]]) if i else None,
             "chance": funnel.probability(name) if i > 1 else None} for i, name in enumerate(names)]


def _group_label(session: Session, group: str, key: str | None, locale: str) -> str:
    if key is None:
        return NONE[locale]
    return lists.label(session, GROUP_LISTS[group], key, locale) if group in GROUP_LISTS else key


def _groups(session: Session, rows: Subquery, funnel: Funnel, group: str, locale: str) -> list[dict[str, Any]]:
    column = rows.c[group]
    found = session.execute(select(column, *_sums(rows, funnel)).group_by(column)
                            .order_by(func.count().desc(), column.is_(None), column))  # the unknown last
    return [{"group": key, "label": _group_label(session, group, key, locale), **_figures(funnel, values)}
            for key, *values in found]


def lead_funnel(session: Session, *, funnel: Funnel = DEFAULT, since: Instant = None, until: Instant = None,
                calendar: str = "gregorian", group_by: str | None = None, locale: str = "en") -> dict[str, Any]:
    """The funnel of the leads that came in during the period. ``steps``: each step's count (a stage counts the
    leads whose opportunity reached it or a later one), its percent of the previous step and of all leads, and
    the stage's chance; ``counts`` also say where the others are (disqualified, nurture, open, lost);
    ``by_month``: the same counts per month the leads came in; ``groups``: per ``group_by`` value (with labels
    in ``locale`` for sources and products)."""
    check_calendar(calendar)
    locale = read_locale(locale)
    if group_by is not None and group_by not in GROUPS:
        raise InvalidRecord("unknown grouping", {"group_by": [f"one of: {', '.join(GROUPS)}"]})
    rows = _leads(session, funnel, since, until)
    whole = _figures(funnel, session.execute(select(*_sums(rows, funnel))).one())
    names = (*steps_of(funnel), *OUTCOMES)
    days = session.execute(select(rows.c.day, *_sums(rows, funnel)).group_by(rows.c.day))
    months = _by_month(days, calendar, names)
    return {**whole, "steps": _steps(funnel, whole["counts"]), "group_by": group_by,
            "by_month": [{"month": month, **_figures(funnel, [sums[n] for n in names])} for month, sums
                         in sorted(months.items())],
            "groups": _groups(session, rows, funnel, group_by, locale) if group_by else []}


def lead_funnel_table(report: Mapping[str, Any], table: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A table of the lead funnel as flat rows and their columns, for CSV: ``steps``, ``by_month`` or ``groups``."""
    if table == "steps":
        return list(report["steps"]), ["step", "count", "conversion_rate", "from_leads", "chance"]
    first = ["month"] if table == "by_month" else ["group", "label"]
    names = list(report["counts"])
    rows = [{**{c: row[c] for c in first}, **row["counts"], "qualification_rate": row["qualification_rate"],
             "win_rate": row["win_rate"]} for row in report[table]]
    return rows, [*first, *names, "qualification_rate", "win_rate"]


# -- why leads and deals are lost -----------------------------------------------------------------

def _reason_rows(session: Session, name: str, found: Mapping[str | None, tuple[int, int]], kind: str,
                 locale: str) -> list[dict[str, Any]]:
    """Every reason counted, then the list's other active reasons with nothing; most frequent first."""
    order = {entry.key: i for i, entry in enumerate(lists.entries(session, name))}
    keys = sorted({*found, *order}, key=lambda k: (-found.get(k, (0, 0))[0], order.get(k, len(order)), k or ""))
    total = sum(n for n, _ in found.values())
    rows = []
    for key in keys:
        count, amount = found.get(key, (0, 0))
        rows.append({"kind": kind, "reason": key, "count": count, "share": _rate(count, total), "amount": amount,
                     "label": lists.label(session, name, key, locale) if key else NONE[locale]})
    return rows


def _reasons(session: Session, column: Any, amount: Any, when: Any, where: list[Any],
             calendar: str) -> tuple[dict[str | None, tuple[int, int]], dict[tuple[str, str | None], int]]:
    """Per reason key: (count, Σ amount); per (month, reason key): count."""
    summed = func.coalesce(func.sum(amount), 0)
    found = {key: (int(n), int(total)) for key, n, total
             in session.execute(select(column, func.count(), summed).where(*where).group_by(column))}
    day = _day(session, when)
    months: dict[tuple[str, str | None], int] = {}
    for key, on, n in session.execute(select(column, day, func.count()).where(*where).group_by(column, day)):
        if on is not None:
            month = month_of(date.fromisoformat(str(on)), calendar)
            months[(month, key)] = months.get((month, key), 0) + int(n)
    return found, months


def lost_reasons(session: Session, *, since: Instant = None, until: Instant = None, calendar: str = "gregorian",
                 locale: str = "en") -> dict[str, Any]:
    """Why leads were disqualified (per ``disqualify_reason``, leads disqualified in the period) and why deals
    were lost (per ``loss_reason``, opportunities lost in the period, with their amounts): each reason's key,
    label in ``locale``, count, share (percent of its kind) and amount (rials: the leads' estimated revenue, the
    deals' amounts); ``by_month``: the counts per month and reason."""
    check_calendar(calendar)
    locale = read_locale(locale)
    leads, lead_months = _reasons(session, Lead.disqualify_reason, Lead.estimated_revenue, Lead.updated_at,
                                  [Lead.status == "disqualified", *_window(Lead.updated_at, since, until)], calendar)
    deals, deal_months = _reasons(session, Opportunity.loss_reason, Opportunity.amount, Opportunity.closed_at,
                                  [Opportunity.stage == "lost", *_window(Opportunity.closed_at, since, until)],
                                  calendar)
    by_month = [{"month": month, "kind": kind, "reason": key, "count": n,
                 "label": lists.label(session, name, key, locale) if key else NONE[locale]}
                for kind, name, months in (("disqualified", "disqualify_reason", lead_months),
                                           ("lost", "loss_reason", deal_months))
                for (month, key), n in months.items()]
    by_month.sort(key=lambda row: (row["month"], row["kind"], -row["count"], row["reason"] or ""))
    return {"disqualified": {"total": sum(n for n, _ in leads.values()), "amount": sum(a for _, a in leads.values()),
                             "reasons": _reason_rows(session, "disqualify_reason", leads, "disqualified", locale)},
            "lost": {"total": sum(n for n, _ in deals.values()), "amount": sum(a for _, a in deals.values()),
                     "reasons": _reason_rows(session, "loss_reason", deals, "lost", locale)},
            "by_month": by_month}


REASON_COLUMNS = {"reasons": ["kind", "reason", "label", "count", "share", "amount"],
                  "by_month": ["month", "kind", "reason", "label", "count"]}


def lost_reasons_table(report: Mapping[str, Any], table: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A table of the reasons report as flat rows and their columns, for CSV: ``reasons`` or ``by_month``."""
    if table == "reasons":
        return [*report["disqualified"]["reasons"], *report["lost"]["reasons"]], REASON_COLUMNS[table]
    return list(report["by_month"]), REASON_COLUMNS[table]
