"""The CRM's records. Amounts are integer rials; times are UTC. A record that a process drives
points at its process instance by id (``process_instance_id``), never by a foreign key: the CRM
knows nothing of the engine's tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates
from sqlalchemy.types import TypeDecorator

from crm.clock import as_utc
from crm.text import name_key

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC in and out, also on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), date: Date(), dict[str, Any]: JSON, list[Any]: JSON}


class Stamped:
    """Who created and last changed a record, and when."""

    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(150))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str | None] = mapped_column(String(150))


class Placed:
    """Whose a record is (Salesforce's owner) and where it sits: the owner's team and branch, set when it is
    made; record access (``crm.access``) reads them."""

    team_key: Mapped[str | None] = mapped_column(String(80), index=True)
    branch_key: Mapped[str | None] = mapped_column(String(80), index=True)


class Customer(Placed, Stamped, Base):
    """A person or a company; ``status`` potential (not yet bought) or actual."""

    __tablename__ = "customer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | company
    company_name: Mapped[str | None] = mapped_column(String(255))
    person_name: Mapped[str | None] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(512), index=True)  # normalised, for search and duplicates
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(255), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(String(120))
    interests: Mapped[list[Any]] = mapped_column(JSON)
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    channel: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), index=True)  # potential | actual
    segment: Mapped[str | None] = mapped_column(String(80))
    owner: Mapped[str | None] = mapped_column(String(150), index=True)
    referral_code: Mapped[str] = mapped_column(String(16), unique=True)
    locale: Mapped[str] = mapped_column(String(8))  # language the customer is written to in
    national_id: Mapped[str | None] = mapped_column(String(11))  # a person's 10-digit code or a company's 11-digit ID
    economic_code: Mapped[str | None] = mapped_column(String(14))
    postal_code: Mapped[str | None] = mapped_column(String(10))


class Contact(Stamped, Base):
    """A person to talk to at a customer (a company's buyer, an accountant)."""

    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    mobile: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(255))


class Lead(Placed, Stamped, Base):
    __tablename__ = "lead"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(255))
    company_name: Mapped[str | None] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(512), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(20))  # web_form | phone | walk_in | referral | campaign
    product: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    estimated_revenue: Mapped[int] = mapped_column(BigInteger)  # rials
    budget_confirmed: Mapped[bool] = mapped_column(Boolean)
    authority: Mapped[bool] = mapped_column(Boolean)
    need: Mapped[str | None] = mapped_column(String(16))  # low | medium | high
    timeline: Mapped[str | None] = mapped_column(String(16))  # now | quarter | year | unknown
    score: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(8))
    sales_group: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), index=True)  # new | qualifying | qualified | disqualified | nurture
    disqualify_reason: Mapped[str | None] = mapped_column(Text)  # a key of the disqualify_reason list
    disqualify_comment: Mapped[str | None] = mapped_column(Text)
    score_parts: Mapped[list[Any] | None] = mapped_column(JSON)  # [{"why": key, "points": n}], the score's parts
    recontact_at: Mapped[datetime | None]
    recontact_by: Mapped[str | None] = mapped_column(String(150))  # who nurtured it: the call comes back to them
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    referral_id: Mapped[int | None] = mapped_column(Integer)
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner: Mapped[str | None] = mapped_column(String(150), index=True)


class Opportunity(Placed, Stamped, Base):
    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_stage_expected_close", "stage", "expected_close", "id"),  # the board
                      Index("ix_opportunity_owner_stage", "owner", "stage"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"))
    title: Mapped[str] = mapped_column(String(255))
    # the title's search key (crm.text.name_key: letter forms, spaces and dashes folded), kept with the title
    title_key: Mapped[str] = mapped_column(String(255), server_default="")
    stage: Mapped[str] = mapped_column(String(20), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    probability: Mapped[int] = mapped_column(Integer)  # percent
    expected_close: Mapped[date | None]
    owner: Mapped[str | None] = mapped_column(String(150))
    stage_entered_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(16), server_default="new")  # new | upsell | renewal
    loss_reason: Mapped[str | None] = mapped_column(String(40))  # a key of the loss_reason list
    loss_comment: Mapped[str | None] = mapped_column(Text)
    contract_id: Mapped[int | None] = mapped_column(Integer)  # what the won sale is: a contract or a purchase
    purchase_id: Mapped[int | None] = mapped_column(Integer)

    @validates("title")
    def _keep_title_key(self, _name: str, title: str) -> str:
        self.title_key = name_key(title)[:255]
        return title


class PipelineStage(Stamped, Base):
    """A stage of the sales pipeline as an administrator set it (``crm.pipeline``): its key (what opportunities
    hold; never changes), labels, order, default chance and kind (open, won or lost); inactive stages take no
    new deals but keep the ones they hold."""

    __tablename__ = "pipeline_stage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    label_fa: Mapped[str] = mapped_column(String(80))
    label_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)  # percent
    kind: Mapped[str] = mapped_column(String(8))  # open | won | lost
    active: Mapped[bool] = mapped_column(Boolean)


class LeadCall(Base):
    """One qualification call of a lead, as the caller recorded it: never changed afterwards (the score is
    filled in once, when it is recomputed from the call's answers)."""

    __tablename__ = "lead_call"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str | None] = mapped_column(String(150))
    outcome: Mapped[str] = mapped_column(String(16))  # qualified | disqualified | nurture
    notes: Mapped[str | None] = mapped_column(Text)
    budget_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    authority: Mapped[bool | None] = mapped_column(Boolean)
    need: Mapped[str | None] = mapped_column(String(16))
    timeline: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(40))  # disqualify_reason key
    comment: Mapped[str | None] = mapped_column(Text)
    recontact_at: Mapped[datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(8))


class Activity(Stamped, Base):
    """Something done or to do about a record (customer, lead, opportunity, complaint, contract): a call
    (direction, outcome, minutes), a meeting (attendees, place, minutes of it), a note, or a to-do; a due time
    and a reminder for what lies ahead, ``done_at`` once it is done. ``source`` names what recorded it when a
    process did (``lead_call`` and the ``LeadCall`` id)."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_record", "record_type", "record_id", "id"),
                      Index("ix_activity_owner_due", "owner", "due_at"),
                      Index("ix_activity_reminder", "remind_at", "reminded_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # call | meeting | note | todo
    subject: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)  # what was said, the meeting's minutes, the note itself
    direction: Mapped[str | None] = mapped_column(String(8))  # a call's: outbound | inbound
    outcome: Mapped[str | None] = mapped_column(String(16))  # a call's: reached | no_answer | busy | voicemail
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    attendees: Mapped[list[str] | None] = mapped_column(JSON)
    place: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(150))  # whose it is: whom the reminder tells, whose day lists it
    due_at: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(Integer)


class SalesTarget(Stamped, Base):
    """What a salesperson (``owner``) or a team (``team_key``) is to win in a period of days (rials of won
    opportunities); one target per person or team and period (``crm.targets``)."""

    __tablename__ = "sales_target"
    __table_args__ = (UniqueConstraint("owner", "team_key", "first_day", "last_day", name="uq_sales_target_period"),
                      Index("ix_sales_target_days", "first_day", "last_day"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(150))
    team_key: Mapped[str | None] = mapped_column(String(80))
    first_day: Mapped[date]
    last_day: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)


class StageVisit(Base):
    """One stay of an opportunity in a funnel stage (for conversion and time in stage)."""

    __tablename__ = "opportunity_stage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class Complaint(Placed, Stamped, Base):
    __tablename__ = "complaint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(255))
    contact_mobile: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), server_default="complaint")  # list complaint_kind
    category: Mapped[str] = mapped_column(String(40))  # list complaint_category
    severity: Mapped[str] = mapped_column(String(16))  # low | medium | high | critical
    locale: Mapped[str | None] = mapped_column(String(8))  # the complainant's language (fa | en)
    channel: Mapped[str] = mapped_column(String(20))  # portal | api | phone | email | message
    description: Mapped[str] = mapped_column(Text)
    tier: Mapped[int] = mapped_column(Integer)
    team: Mapped[str | None] = mapped_column(String(80))
    assignee: Mapped[str | None] = mapped_column(String(150))
    sla_due: Mapped[datetime | None]
    breaches: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    resolution: Mapped[str | None] = mapped_column(Text)  # internal: what was done
    public_resolution: Mapped[str | None] = mapped_column(Text)  # the answer the customer sees
    paused_at: Mapped[datetime | None]  # waiting for the customer since (the SLA clock stopped)
    sla_left_seconds: Mapped[int | None] = mapped_column(Integer)  # working seconds left when paused
    reopened: Mapped[int] = mapped_column(Integer, server_default="0")
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    handling_seconds: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner: Mapped[str | None] = mapped_column(String(150), index=True)


class ComplaintUpdate(Base):
    """A note on a complaint; public ones are shown to the customer through the portal."""

    __tablename__ = "complaint_update"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    at: Mapped[datetime]
    author: Mapped[str | None] = mapped_column(String(150))
    text: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean)


class ComplaintHandling(Base):
    """Who did what with a complaint at which tier: claimed, assigned, resolved, escalated, handed over,
    waited for the customer, reopened; ``working_seconds`` is the working time the step took."""

    __tablename__ = "complaint_handling"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    at: Mapped[datetime]
    user: Mapped[str | None] = mapped_column(String(150), index=True)
    action: Mapped[str] = mapped_column(String(20))
    tier: Mapped[int] = mapped_column(Integer)
    working_seconds: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Contract(Placed, Stamped, Base):
    __tablename__ = "contract"
    __table_args__ = (Index("ix_contract_amount", "amount"), Index("ix_contract_created_at", "created_at"))  # lists
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    title_key: Mapped[str] = mapped_column(String(255), server_default="")  # as the opportunity's
    amount: Mapped[int] = mapped_column(BigInteger)
    discount_percent: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(Text)
    standard_terms: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), index=True)
    rounds: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    document_html: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    instalments: Mapped[list[Any] | None] = mapped_column(JSON)  # [{"due": "2026-05-01", "amount": rials}, ...]
    vat_percent: Mapped[int | None] = mapped_column(Integer)  # the VAT rate applied, fixed when it is sent
    signed_mobile: Mapped[str | None] = mapped_column(String(20))  # E.164 the one-time code went to
    signed_ip: Mapped[str | None] = mapped_column(String(64))
    signed_via: Mapped[str | None] = mapped_column(String(16))  # code | integration
    purchase_id: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(150), index=True)

    @validates("title")
    def _keep_title_key(self, _name: str, title: str) -> str:
        self.title_key = name_key(title)[:255]
        return title


class ContractCode(Base):
    """A one-time code sent by SMS to let the customer accept a contract: only its hash is kept; it lasts a
    few minutes and allows a few attempts."""

    __tablename__ = "contract_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    mobile: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))


class ContractPdf(Base):
    """A contract's document rendered as PDF, kept for the document it was rendered from (by its SHA-256), so
    each revision's document is rendered once however often it is read."""

    __tablename__ = "contract_pdf"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True)
    document_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime]


class ContractRevision(Base):
    """Every change of a contract: who changed which fields from what to what."""

    __tablename__ = "contract_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    by: Mapped[str | None] = mapped_column(String(150))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)


class ContractDecision(Base):
    __tablename__ = "contract_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))  # manager | finance | legal
    decision: Mapped[str] = mapped_column(String(16))  # approve | reject | changes
    comment: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(150))
    at: Mapped[datetime]


class Referral(Placed, Stamped, Base):
    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_created_at", "created_at"),)  # the referrals list's sort
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), index=True)  # the referrer's referral code
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    referred_name: Mapped[str] = mapped_column(String(255))
    referred_mobile: Mapped[str | None] = mapped_column(String(20))
    referred_email: Mapped[str | None] = mapped_column(String(255))
    referred_customer_id: Mapped[int | None] = mapped_column(Integer)
    lead_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    reward_kind: Mapped[str | None] = mapped_column(String(16))  # points | discount
    reward_value: Mapped[int | None] = mapped_column(Integer)
    purchase_id: Mapped[int | None] = mapped_column(Integer)
    rewarded_at: Mapped[datetime | None]
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    qualified_at: Mapped[datetime | None]  # the referred lead qualified: the purchase window opens
    purchase_total: Mapped[int | None] = mapped_column(BigInteger)  # rials bought in the window, when it qualified
    declined_at: Mapped[datetime | None]  # refused at review (fraud): status ``declined``, ``reject_reason``
    note: Mapped[str | None] = mapped_column(Text)  # what the referrer wrote about the person (e.g. when to call)
    owner: Mapped[str | None] = mapped_column(String(150), index=True)


class ReferralAttempt(Base):
    """Every try to refer someone (staff, portal, message), accepted or refused at intake, with the reason."""

    __tablename__ = "referral_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))  # staff | portal | message
    code: Mapped[str | None] = mapped_column(String(32))  # as typed (cut to 32)
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    referred_name: Mapped[str | None] = mapped_column(String(255))
    referred_mobile: Mapped[str | None] = mapped_column(String(40))
    referred_email: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16), index=True)  # accepted | refused
    reason: Mapped[str | None] = mapped_column(String(32))  # self_referral | existing_customer | …
    detail: Mapped[str | None] = mapped_column(Text)
    referral_id: Mapped[int | None] = mapped_column(Integer)
    by: Mapped[str | None] = mapped_column(String(150))


class Voucher(Base):
    """A discount a customer may spend once on a later purchase: a percent or an amount, until it expires."""

    __tablename__ = "voucher"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # percent | amount
    value: Mapped[int] = mapped_column(BigInteger)  # percent (1-100) or rials
    expires_at: Mapped[datetime]
    referral_id: Mapped[int | None] = mapped_column(Integer)
    redeemed_at: Mapped[datetime | None]
    purchase_id: Mapped[int | None] = mapped_column(Integer)
    discount: Mapped[int | None] = mapped_column(BigInteger)  # rials taken off when redeemed
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(150))


class LoyaltyAccount(Base):
    __tablename__ = "loyalty_account"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(16))  # bronze | silver | gold | platinum
    points: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column()
    lifetime_value: Mapped[int] = mapped_column(BigInteger)  # rials, estimated
    ranked_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_loyalty_account_points", "points", "customer_id"),)  # the loyalty list's sort


class LoyaltyEntry(Base):
    """The points ledger: a balance is the sum of its entries. A credit is a lot: ``remaining`` is what of it
    is neither spent nor expired (debits take from the lot that expires first), ``expires_at`` when what is
    left of it lapses (none: never)."""

    __tablename__ = "loyalty_entry"
    __table_args__ = (Index("ix_loyalty_entry_lots", "expires_at", "remaining"),)  # the expiry job's search
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    at: Mapped[datetime]
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(255))
    referral_id: Mapped[int | None] = mapped_column(Integer)
    by: Mapped[str | None] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(8), default="credit", server_default="credit")
    # earn (a purchase) | credit | debit | redeem (a reward) | expire | refund (a cancelled reward)
    purchase_id: Mapped[int | None] = mapped_column(Integer, index=True)
    remaining: Mapped[int | None] = mapped_column(Integer)  # credits only
    expires_at: Mapped[datetime | None]


class LoyaltyRule(Stamped, Base):
    """How purchases earn points. An ``earn`` rule gives a point per ``rials_per_point`` rials paid, for one
    product (a key of the managed list ``product``) or for every purchase; a ``bonus`` multiplies the points
    (``multiplier`` percent: 200 doubles them), for a product or every purchase, optionally only for the
    customers a campaign reached. Either may hold from ``starts_on`` to ``ends_on`` (days in Tehran)."""

    __tablename__ = "loyalty_rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # earn | bonus
    name: Mapped[str] = mapped_column(String(120))
    product: Mapped[str | None] = mapped_column(String(120))
    rials_per_point: Mapped[int | None] = mapped_column(BigInteger)
    multiplier: Mapped[int | None] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)


class LoyaltyTier(Base):
    """A tier's benefits: the share of a rule's points its members earn (``earn_percent``, 100 = as the
    rule says), how long their points last, and the perks promised to them, in both languages."""

    __tablename__ = "loyalty_tier"
    tier: Mapped[str] = mapped_column(String(16), primary_key=True)  # bronze | silver | gold | platinum
    rank: Mapped[int] = mapped_column(Integer)
    earn_percent: Mapped[int] = mapped_column(Integer)
    points_months: Mapped[int] = mapped_column(Integer)  # how long points earned in this tier last; 0: always
    perks_fa: Mapped[str] = mapped_column(Text)
    perks_en: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(150))


class LoyaltyReward(Stamped, Base):
    """An entry of the redemption catalogue: what ``points`` buy. A ``voucher`` reward issues a voucher
    (``voucher_kind`` percent or amount, ``voucher_value``, valid ``valid_days``); a ``gift`` is handed over
    by staff. ``stock`` counts what is left (none: unlimited)."""

    __tablename__ = "loyalty_reward"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    points: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # voucher | gift
    voucher_kind: Mapped[str | None] = mapped_column(String(8))
    voucher_value: Mapped[int | None] = mapped_column(BigInteger)
    valid_days: Mapped[int | None] = mapped_column(Integer)
    stock: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


class LoyaltyRedemption(Base):
    """A reward taken: the points it cost (the ledger entry), the voucher it issued, or the gift's hand-over
    (``requested`` until staff mark it ``delivered``, or ``cancelled`` with the points given back)."""

    __tablename__ = "loyalty_redemption"
    __table_args__ = (Index("ix_loyalty_redemption_state", "state", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("loyalty_reward.id"))
    points: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[int] = mapped_column(Integer)
    voucher_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))  # issued | requested | delivered | cancelled
    channel: Mapped[str] = mapped_column(String(8))  # portal | staff
    at: Mapped[datetime]
    by: Mapped[str | None] = mapped_column(String(150))
    settled_at: Mapped[datetime | None]
    settled_by: Mapped[str | None] = mapped_column(String(150))


class Purchase(Base):
    __tablename__ = "purchase"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger, index=True)  # rials; indexed for the list's range and sort
    purchased_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(20))  # store | online | phone | agent
    paid_on_time: Mapped[bool] = mapped_column(Boolean)
    reference: Mapped[str | None] = mapped_column(String(80), index=True)  # an invoice number, found by the list
    created_by: Mapped[str | None] = mapped_column(String(150))
    discount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # rials a voucher took off
    # (``amount`` is what was paid, after the discount)
    voucher_id: Mapped[int | None] = mapped_column(Integer)
    product: Mapped[str | None] = mapped_column(String(120), index=True)  # a key of the managed list ``product``


class Notification(Base):
    """The outbox: every message to a customer or employee, sent or not, visible to auditors."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient_created_at", "recipient", "created_at"),  # the daily cap
                      Index("ix_notification_provider_ref", "provider", "provider_ref"))  # delivery reports
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms | app (an employee's in-app inbox)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | sent | failed | kept
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    link: Mapped[str | None] = mapped_column(String(500))  # app: where in the web app the notice leads
    read_at: Mapped[datetime | None]  # app: when the employee marked it read (their in-app inbox)
    # an SMS sent through a panel (crm.sms_panels): its id there, what it cost, and its delivery report
    provider: Mapped[str | None] = mapped_column(String(16))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    cost_rial: Mapped[int | None] = mapped_column(BigInteger)
    delivery: Mapped[str | None] = mapped_column(String(12))  # queued | at_operator | delivered | undelivered | …
    delivery_at: Mapped[datetime | None]  # when the panel was last asked about it (or told of it)
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)  # a campaign's message (crm.campaigns)


class Product(Stamped, Base):
    """A product or service the company sells (``crm.quotes``): its code, names in both languages, the unit it
    is sold by, its list price in rials, and whether VAT applies to it; an inactive one is not offered again."""

    __tablename__ = "product"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(12))  # piece | hour | day | month | year | licence | service
    price: Mapped[int] = mapped_column(BigInteger)  # rials, before VAT
    taxable: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)


class Quote(Placed, Stamped, Base):
    """A quote (پیش‌فاکتور) for an opportunity: its lines, a discount on the whole, VAT at the rate it was
    written with, valid until a day; ``draft`` → (``pending`` approval →) ``sent`` → ``accepted`` or
    ``rejected`` (``crm.quotes``)."""

    __tablename__ = "quote"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), index=True)
    valid_until: Mapped[date]
    discount_percent: Mapped[int] = mapped_column(Integer)
    vat_percent: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(150))
    sent_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    process_instance_id: Mapped[str | None] = mapped_column(String(36))  # its approval (``quote_approval``)
    review_note: Mapped[str | None] = mapped_column(Text)  # why the approver sent it back


class OneTimeCode(Base):
    """A one-time code sent by SMS to let a customer act on a signed link (``crm.one_time_codes``; a quote's
    acceptance): for one ``purpose`` and record, only its HMAC is kept; it lasts a few minutes and allows a few
    attempts."""

    __tablename__ = "one_time_code"
    __table_args__ = (Index("ix_one_time_code_subject", "purpose", "subject_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # quote
    subject_id: Mapped[int] = mapped_column(Integer)
    mobile: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))


class PriceList(Stamped, Base):
    """Prices for a customer group (``crm.price_lists``): the customers of one ``segment`` (as written on the
    customer, letters and case aside) or of one loyalty ``tier``, or every customer when neither is set; valid
    from and until a day; its items price products of the catalogue."""

    __tablename__ = "price_list"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    segment_key: Mapped[str | None] = mapped_column(String(80))  # name_key of Customer.segment
    segment: Mapped[str | None] = mapped_column(String(80))  # as typed
    tier: Mapped[str | None] = mapped_column(String(16))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)


class PriceListItem(Base):
    __tablename__ = "price_list_item"
    __table_args__ = (UniqueConstraint("price_list_id", "product_id", name="uq_price_list_item_product"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    price: Mapped[int] = mapped_column(BigInteger)  # rials, before VAT


class QuoteLine(Base):
    """One line of a quote: a product (or a free description), how many, the unit price and a discount."""

    __tablename__ = "quote_line"
    __table_args__ = (Index("ix_quote_line_quote", "quote_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id"))
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str] = mapped_column(String(12))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)  # thousandths: 1.5 hours is 1500
    unit_price: Mapped[int] = mapped_column(BigInteger)  # rials
    discount_percent: Mapped[int] = mapped_column(Integer)
    taxable: Mapped[bool] = mapped_column(Boolean)


class Invoice(Stamped, Base):
    """The invoice an accepted quote becomes (the accepted quote is the order): what the customer owes and by
    when; ``open`` until its payments reach the amount, then ``paid`` (``crm.invoices``)."""

    __tablename__ = "invoice"
    __table_args__ = (Index("ix_invoice_state_due", "state", "due_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    opportunity_id: Mapped[int] = mapped_column(Integer, index=True)
    issued_on: Mapped[date]
    due_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)  # rials, VAT included
    paid: Mapped[int] = mapped_column(BigInteger)  # rials received so far
    state: Mapped[str] = mapped_column(String(8))  # open | paid
    paid_on: Mapped[date | None]  # the day the last rial came in
    purchase_id: Mapped[int | None] = mapped_column(Integer)  # the purchase it became once paid


class Payment(Base):
    """Money received against an invoice."""

    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(10))  # cash | card | transfer | cheque
    reference: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(150))


class Segment(Stamped, Base):
    """A saved, dynamic set of customers: its ``rules`` are applied whenever it is read (``crm.segments``)."""

    __tablename__ = "segment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)


class Campaign(Stamped, Base):
    """An SMS or e-mail sent to a segment (``crm.campaigns``): written in both languages, queued into the outbox
    in batches (``cursor``: the last customer id queued) at ``rate_per_minute`` from ``start_at``, quiet hours
    kept; leads and purchases within ``attribution_days`` of a message are its return."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))  # e-mail
    body_fa: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), index=True)  # draft | sending | sent | cancelled
    start_at: Mapped[datetime | None]
    rate_per_minute: Mapped[int] = mapped_column(Integer)
    attribution_days: Mapped[int] = mapped_column(Integer)
    cursor: Mapped[int] = mapped_column(Integer)
    queued: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)  # members without an address on the channel, or opted out
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class OptOut(Base):
    """An address that asked for no more campaign messages on a channel: by the opt-out keyword in a reply,
    the link in a message, or an employee who was told so; campaigns skip it (service messages still go)."""

    __tablename__ = "opt_out"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_opt_out_channel_address"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    address: Mapped[str] = mapped_column(String(255))  # E.164 or the e-mail address in lower case
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the campaign it answered, if known
    how: Mapped[str] = mapped_column(String(10))  # keyword | link | staff
    at: Mapped[datetime]


class ImportJob(Base):
    """A customer import run in the background: its file waits in ``import_upload``; each committed batch
    moves ``rows_read`` on in the same transaction, so a job taken over after its runner died goes on
    from the first row not yet committed. A runner holds a job while its ``heartbeat_at`` is fresh."""

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[str | None] = mapped_column(String(150), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    on_duplicate: Mapped[str] = mapped_column(String(8))  # skip | create
    state: Mapped[str] = mapped_column(String(10), index=True)  # queued | running | done | failed
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_read: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    runner: Mapped[str | None] = mapped_column(String(120))
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ImportUpload(Base):
    """The file of a job until the job ends (in the database, so any server may run the job)."""

    __tablename__ = "import_upload"
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ImportRow(Base):
    """A row of an import's report: rejected (and why, field by field) or skipped as a likely duplicate;
    ``data`` is the row as read, so the rejected rows can be downloaded, fixed and imported again."""

    __tablename__ = "import_row"
    __table_args__ = (Index("ix_import_row_job_outcome_row", "job_id", "outcome", "row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))  # rejected | skipped
    reason: Mapped[str] = mapped_column(Text)
    errors: Mapped[dict[str, Any]] = mapped_column(JSON)
    duplicate_ids: Mapped[list[Any]] = mapped_column(JSON)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ListEntry(Stamped, Base):
    """An entry of a managed list (products, provinces, cities, lead sources, reasons, ...): records and decision
    tables hold its ``key``, which never changes; people see ``label_fa`` or ``label_en``. An entry is
    deactivated, never deleted, so records that hold its key keep their meaning."""

    __tablename__ = "list_entry"
    __table_args__ = (
        UniqueConstraint("list_name", "key", name="uq_list_entry_list_name_key"),
        Index("ix_list_entry_list_name_parent_key", "list_name", "parent_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    label_fa: Mapped[str] = mapped_column(String(255))
    label_en: Mapped[str] = mapped_column(String(255))
    parent_key: Mapped[str | None] = mapped_column(String(80))  # a city's province key
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


class JournalRecord(Base):
    """Which CRM record a journal row speaks of, derived when the row is written (never hashed): a record's own
    history is read by this index. One journal row may speak of a record and of its parent (an opportunity's
    creation is also in its customer's history)."""

    __tablename__ = "journal_record"
    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
