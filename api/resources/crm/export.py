"""Exports of the record lists: ``GET /api/v1/exports/{list}?format=csv|xlsx`` with the list's own filters,
search and sort gives every record the list would page through, in the list's order, with the columns its web
list shows, streamed (no row cap, no whole file in memory). The records are selected by the list endpoint's
own query function, so whatever narrows the list (filters, search, who may see what) narrows its export."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, request, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from api.context import db, ravand
from api.guard import BEARER, current_principal, requires
from api.identity.groups import known_groups
from api.resources.crm import complaints as complaint_routes
from api.resources.crm import contracts as contract_routes
from api.resources.crm import customers as customer_routes
from api.resources.crm import leads as lead_routes
from api.resources.crm import opportunities as opportunity_routes
from api.resources.crm import purchase_lists as purchase_routes
from api.resources.crm import referral_detail
from api.resources.crm import referrals as referral_routes
from api.resources.crm.export_columns import COLUMNS, GROUPS, LABELLED, Lookups
from api.resources.crm.export_files import csv_chunks, shown, xlsx_chunks
from api.resources.crm.shared import READ
from crm import complaints, contracts, customers, leads, lists, opportunities, purchase_lists, referrals
from crm.errors import InvalidRecord
from crm.jalali import jalali
from crm.sorting import ordered
from engine.store.db import is_postgres

blp = Blueprint("crm_exports", __name__, url_prefix="/api/v1/exports",
                description="CSV and Excel exports of the record lists")

BATCH = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Names = Callable[[Session, Sequence[Any]], dict[int, str]]
Prepare = Callable[[Session, Sequence[Any]], Sequence[Any]]


def _no_names(_session: Session, _batch: Sequence[Any]) -> dict[int, str]:
    return {}


def _as_is(_session: Session, batch: Sequence[Any]) -> Sequence[Any]:
    return batch


def _unpaged(args: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in args.items() if name not in ("limit", "offset")}


def _opportunity_names(session: Session, batch: Sequence[Any]) -> dict[int, str]:
    return opportunities.customer_names(session, {record.customer_id for record in batch})


def _referral_rows(session: Session, batch: Sequence[Any]) -> Sequence[Any]:
    return [{**{c.key: getattr(n["referral"], c.key) for c in n["referral"].__table__.columns},
             "referrer_name": n["referrer_name"]} for n in referral_detail.names(session, list(batch))]


def _picked(names: tuple[str, ...]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda args: {name: args.get(name) for name in names}


@dataclass(frozen=True)
class Source:
    """One list: its arguments' schema and how its endpoint turns them into its query function's filters; what
    the columns read of a batch of records (the records, or the rows the list answers with) and the customer
    names the batch needs."""

    args: type[Schema]
    filters: Callable[[dict[str, Any]], dict[str, Any]]
    query: Callable[..., Select[Any]]
    names: Names = _no_names
    prepare: Prepare = _as_is
    orders: bool = False  # the query function orders by the list's own sort names (newest, amount_desc, …)


SOURCES: dict[str, Source] = {
    "customers": Source(customer_routes.CustomerArgs, _picked(customer_routes.CUSTOMER_FILTERS),
                        customers.customer_query),
    "leads": Source(lead_routes.LeadArgs, _picked(lead_routes.LEAD_FILTERS), leads.lead_query),
    "opportunities": Source(opportunity_routes.OpportunityArgs, opportunity_routes.opportunity_filters,
                            opportunities.opportunity_query, _opportunity_names),
    "complaints": Source(complaint_routes.ComplaintArgs, complaint_routes.complaint_filters,
                         complaints.complaint_query, complaints.customer_names),
    "contracts": Source(contract_routes.ContractArgs, contract_routes.contract_filters, contracts.contract_query,
                        prepare=contract_routes.rows),
    "referrals": Source(referral_routes.ReferralArgs, referral_routes.referral_filters, referrals.referral_query,
                        prepare=_referral_rows),
    "purchases": Source(purchase_routes.PurchaseArgs, _unpaged, purchase_lists.purchase_query, _opportunity_names,
                        orders=True),
    "loyalty": Source(purchase_routes.AccountArgs, _unpaged, purchase_lists.account_query, _opportunity_names,
                      orders=True),
}


class ExportArgs(Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "xlsx")))
    lang = fields.String(validate=validate.OneOf(("fa", "en")),
                         metadata={"description": "headers, words, calendar; the caller's language when left out"})


def _list_args(source: Source) -> dict[str, Any]:
    """The list's filters, search and sort from the query string, checked by the list's own schema."""
    asked = {k: v for k, v in request.args.items() if k not in ("format", "lang", "limit", "offset")}
    try:
        return source.args().load(asked, unknown=EXCLUDE)
    except ValidationError as error:
        messages = {k: v if isinstance(v, list) else [str(v)] for k, v in error.normalized_messages().items()}
        raise InvalidRecord("some filters are invalid / برخی از پالایه‌ها نادرست‌اند", messages) from error


@contextmanager
def _snapshot() -> Iterator[Session]:
    """A session of its own for one export: one read-only transaction (on PostgreSQL a repeatable-read snapshot,
    which its server-side cursor needs), so the file is one consistent picture however long it streams. It
    carries the request's read session's ``info``: whatever scopes that session to the records the caller may
    read scopes the export the same way."""
    request_session = db()
    with request_session.get_bind().connect() as connection:
        if is_postgres(connection):
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin(), Session(bind=connection, info=dict(request_session.info)) as session:
            yield session


def _rows(name: str, source: Source, stmt: Select[Any], locale: str, zone: ZoneInfo) -> Iterator[list[Any]]:
    """The rows of the file, read a batch at a time through a server-side cursor."""
    columns = COLUMNS[name]
    with _snapshot() as session:
        labels = {list_name: lists.labels(session, list_name, locale) for list_name in LABELLED[name]}
        labels[GROUPS] = {key: (group.label_fa if locale == "fa" else group.label_en) or key
                          for key, group in known_groups(session).items()}
        for batch in session.scalars(stmt.execution_options(yield_per=BATCH)).partitions():
            look = Lookups(locale, labels, source.names(session, batch))
            for record in source.prepare(session, batch):
                yield [shown(column.value(record, look), column.kind, locale, zone) for column in columns]


def file_name(name: str, locale: str, extension: str, now: datetime) -> str:
    """``leads-1405-09-16.csv`` in Persian (the Jalali day), ``leads-2026-12-07.csv`` in English."""
    day = now.date()
    if locale == "fa":
        shamsi = jalali(day)
        return f"{name}-{shamsi.year:04d}-{shamsi.month:02d}-{shamsi.day:02d}.{extension}"
    return f"{name}-{day.isoformat()}.{extension}"


@blp.route("/<list_name>")
class Export(MethodView):
    @blp.doc(security=BEARER, parameters=[{"in": "query", "name": "sort", "schema": {"type": "string"},
                                           "description": "the list's sort"}])
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description="the file: text/csv (UTF-8 with BOM) or .xlsx", content_type="text/csv",
                  schema={"type": "string"})
    @blp.alt_response(404, description="No such list (customers, leads, opportunities, complaints, contracts, "
                                       "referrals, purchases, loyalty)")
    @requires(*READ)
    def get(self, args: dict, list_name: str) -> Response:
        """Every record the list shows with the same filters, search and sort (the list's own query string),
        as CSV or Excel; the columns of the web list, in the caller's language unless ``lang`` says otherwise."""
        source = SOURCES.get(list_name)
        if source is None:
            raise NotFound(f"no list {list_name!r} to export; one of: {', '.join(SOURCES)} / "
                           f"فهرستی به نام «{list_name}» برای خروجی نیست")
        asked = _list_args(source)
        locale = args.get("lang") or current_principal().locale
        zone = ZoneInfo(ravand().settings.timezone)
        stmt = source.query(**source.filters(asked))
        if not source.orders:
            stmt = ordered(stmt, list_name, asked.get("sort"))
        rows = _rows(list_name, source, stmt, locale, zone)
        now = datetime.now(zone)
        columns = COLUMNS[list_name]
        if args["format"] == "xlsx":
            body: Iterator[Any] = xlsx_chunks(columns, rows, locale, list_name)
            mimetype = XLSX
        else:
            body, mimetype = csv_chunks(columns, rows, locale), "text/csv"  # werkzeug adds the charset
        name = file_name(list_name, locale, args["format"], now)
        return Response(stream_with_context(body), mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "no-store"})
