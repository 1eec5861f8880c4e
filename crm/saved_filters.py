"""Saved filters of the record lists: a person names the filters, search and sort of a list (the list page's
query string) to open them again; an administrator may share one with everyone. Names are unique per owner
and list. A few built-in filters ("my open complaints", "leads from the web this week") are computed for
each person when asked, never stored, so a new user has them. Every change is journaled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordNotFound, Rejected
from crm.models import Base, UtcDateTime
from crm.text import clean
from crm.unit import Ctx, plain

LISTS = ("customers", "leads", "opportunities", "complaints", "contracts", "referrals", "purchases", "loyalty")
MAX_NAME = 120
MAX_QUERY = 2000
PAGING = frozenset({"limit", "offset"})  # a saved filter opens at the first page


class SavedFilter(Base):
    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("owner", "list_name", "name", name="uq_saved_filter_owner_list_name"),
                      Index("ix_saved_filter_list_name_shared", "list_name", "shared"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(150))
    list_name: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    query: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class BuiltIn:
    """A filter every person has: its key, its names, and the query string it stands for (for ``user``)."""

    key: str
    list_name: str
    fa: str
    en: str
    query: str


def _refuse(field: str, en: str, fa: str) -> InvalidRecord:
    message = f"{en} / {fa}"
    return InvalidRecord(message, {field: [message]})


def _list_name(value: Any) -> str:
    if value not in LISTS:
        raise _refuse("list", f"no such list; one of: {', '.join(LISTS)}", "چنین فهرستی نیست")
    return str(value)


def _name(value: Any) -> str:
    name = clean(value) if isinstance(value, str) else None
    if not name:
        raise _refuse("name", "a name is needed", "نام لازم است")
    if len(name) > MAX_NAME:
        raise _refuse("name", f"at most {MAX_NAME} characters", f"حداکثر {MAX_NAME} نویسه")
    return name


def tidy_query(value: Any) -> str:
    """The list page's query string, without the page (``?`` and paging dropped, order kept)."""
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > MAX_QUERY:
        raise _refuse("query", f"a query string of at most {MAX_QUERY} characters",
                      f"رشته‌ی پرس‌وجو حداکثر {MAX_QUERY} نویسه")
    if any(ord(ch) < 32 for ch in value):
        raise _refuse("query", "a query string has no control characters", "رشته‌ی پرس‌وجو نویسه‌ی کنترلی ندارد")
    pairs = [(k, v) for k, v in parse_qsl(value.strip().lstrip("?"), keep_blank_values=False)
             if k not in PAGING]
    return urlencode(pairs)


def _taken(session: Session, owner: str, list_name: str, name: str, but: int | None = None) -> None:
    query = select(SavedFilter.id).where(SavedFilter.owner == owner, SavedFilter.list_name == list_name,
                                         SavedFilter.name == name)
    if but is not None:
        query = query.where(SavedFilter.id != but)
    if session.scalar(query) is not None:
        raise _refuse("name", "you already have a filter of that name on this list",
                      "فیلتری با همین نام در این فهرست دارید")


def visible(session: Session, owner: str, list_name: str) -> list[SavedFilter]:
    """``owner``'s own filters of the list and those shared with everyone, by name."""
    query = (select(SavedFilter).where(SavedFilter.list_name == _list_name(list_name),
                                       or_(SavedFilter.owner == owner, SavedFilter.shared.is_(True)))
             .order_by(SavedFilter.name, SavedFilter.id))
    return list(session.scalars(query))


def create(ctx: Ctx, owner: str, data: Mapping[str, Any], *, may_share: bool) -> SavedFilter:
    """Save a filter for ``owner``; only those who ``may_share`` (administrators) share one."""
    list_name, name = _list_name(data.get("list")), _name(data.get("name"))
    query, shared = tidy_query(data.get("query")), bool(data.get("shared"))
    if shared and not may_share:
        raise _refuse("shared", "only administrators share filters with everyone",
                      "فقط مدیر سامانه فیلتر را با همه به اشتراک می‌گذارد")
    _taken(ctx.session, owner, list_name, name)
    record = SavedFilter(owner=owner, list_name=list_name, name=name, query=query, shared=shared,
                         created_at=utcnow())
    return ctx.add(record, "saved_filter")


def find(session: Session, filter_id: int, owner: str) -> SavedFilter:
    """A filter ``owner`` sees (theirs or shared); someone else's unshared one is not found."""
    record = session.get(SavedFilter, filter_id)
    if record is None or (record.owner != owner and not record.shared):
        raise RecordNotFound(f"saved filter {filter_id} not found / فیلتر ذخیره‌شده پیدا نشد")
    return record


def _own(session: Session, filter_id: int, owner: str) -> SavedFilter:
    record = find(session, filter_id, owner)
    if record.owner != owner:
        raise Rejected(f"saved filter {filter_id} is {record.owner}'s: only they change it / "
                       f"این فیلتر از آنِ {record.owner} است")
    return record


def rename(ctx: Ctx, filter_id: int, owner: str, name: Any) -> SavedFilter:
    record = _own(ctx.session, filter_id, owner)
    new = _name(name)
    _taken(ctx.session, owner, record.list_name, new, but=record.id)
    ctx.change(record, "saved_filter", {"name": new})
    return record


def delete(ctx: Ctx, filter_id: int, owner: str) -> None:
    record = _own(ctx.session, filter_id, owner)
    fields = plain(record)
    ctx.session.delete(record)
    ctx.session.flush()
    ctx.record("crm.saved_filter.deleted", record="saved_filter", id=filter_id, fields=fields)


def week_start(now: datetime, zone: str) -> datetime:
    """The start of the week (Saturday, as in Iran) containing ``now`` in ``zone``, as a UTC moment."""
    local = now.astimezone(ZoneInfo(zone))
    day: date = local.date() - timedelta(days=(local.weekday() - 5) % 7)
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def built_ins(user: str, list_name: str, *, now: datetime, zone: str) -> list[BuiltIn]:
    """The filters every person has on ``list_name``, computed for ``user`` now."""
    since = week_start(now, zone).strftime("%Y-%m-%dT%H:%M:%SZ")
    every = [
        BuiltIn("my_open_complaints", "complaints", "شکایت‌های باز من", "My open complaints",
                urlencode({"status": "open", "assignee": user, "sort": "sla_due"})),
        BuiltIn("open_complaints", "complaints", "همه‌ی شکایت‌های باز", "All open complaints",
                urlencode({"status": "open", "sort": "sla_due"})),
        BuiltIn("web_leads_this_week", "leads", "سرنخ‌های وب در این هفته", "Leads from the web this week",
                urlencode({"source": "web_form", "created_from": since})),
        BuiltIn("new_leads", "leads", "سرنخ‌های تازه", "New leads", urlencode({"status": "new"})),
        BuiltIn("my_open_deals", "opportunities", "فرصت‌های باز من", "My open deals",
                urlencode({"owner": "mine", "stage": "open", "sort": "expected_close"})),
        BuiltIn("biggest_open_deals", "opportunities", "بزرگ‌ترین فرصت‌های باز", "Biggest open deals",
                urlencode({"stage": "open", "sort": "-amount"})),
        BuiltIn("actual_customers", "customers", "مشتریان بالفعل", "Actual customers",
                urlencode({"status": "actual"})),
        BuiltIn("contracts_in_approval", "contracts", "قراردادهای در حال تأیید", "Contracts in approval",
                urlencode({"status": "in_approval"})),
        BuiltIn("pending_referrals", "referrals", "معرفی‌های در انتظار", "Pending referrals",
                urlencode({"status": "pending"})),
        BuiltIn("paid_late", "purchases", "خریدهای با پرداخت دیرهنگام", "Paid late", urlencode({"paid": "no"})),
        BuiltIn("gold_customers", "loyalty", "مشتریان طلایی", "Gold customers", urlencode({"tier": "gold"})),
    ]
    return [b for b in every if b.list_name == _list_name(list_name)]


__all__ = ["LISTS", "BuiltIn", "SavedFilter", "built_ins", "create", "delete", "find", "rename", "tidy_query",
           "visible", "week_start"]
