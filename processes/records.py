"""How each CRM record is named beside its tasks: the title people read and the folded search text the
task search matches (``crm.text.name_key`` per word, the way the API folds what is searched for).

lead: company — person — phone; complaint: tracking code — customer or contact; contract: #number — customer
— title; referral: referrer → referred; opportunity: title — customer; customer: name — phone."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.documents import national_phone
from crm.models import Complaint, Contract, Customer, Lead, Opportunity, Referral
from crm.text import ascii_digits, clean, name_key
from engine.facade import Engine
from engine.records import RecordRef

SEPARATOR = " — "


def search_text(*parts: str | None) -> str:
    """Every word of every part folded as ``crm.text.words`` folds a query's words, phone numbers also in
    their national form (0912...), so that each word searched for is a substring of it."""
    keys: list[str] = []
    for part in parts:
        own = [key for key in (name_key(w) for w in (clean(part) or "").replace("\u200c", " ").split(" ")) if key]
        if len(own) > 1:
            own.append("".join(own))  # "Arya Software" is also found as "aryasoftware" (typed without a space)
        keys += [key for key in own if key not in keys]
    return " ".join(keys)


def _phones(*numbers: str | None) -> list[str]:
    found = []
    for number in numbers:
        if number:
            national = national_phone(number, "en") or number
            found += [national, ascii_digits(national).replace(" ", ""), number.lstrip("+")]
    return found


def _title(*parts: str | None) -> str:
    return SEPARATOR.join(p for p in (clean(part) for part in parts) if p) or "—"


def customer_name(customer: Customer | None) -> str | None:
    return None if customer is None else customer.company_name or customer.person_name


def _customer(session: Session, customer_id: int | None) -> Customer | None:
    return None if customer_id is None else session.get(Customer, customer_id)


def lead_record(lead: Lead) -> RecordRef:
    phone = lead.mobile or lead.phone
    title = _title(lead.company_name, lead.person_name, national_phone(phone, "en"))
    return RecordRef("lead", str(lead.id), title,
                     search_text(lead.company_name, lead.person_name, lead.email, *_phones(lead.mobile, lead.phone)))


def complaint_record(session: Session, complaint: Complaint) -> RecordRef:
    customer = _customer(session, complaint.customer_id)
    name = customer_name(customer) or complaint.contact_name
    title = _title(complaint.tracking_code, name)
    return RecordRef("complaint", str(complaint.id), title,
                     search_text(complaint.tracking_code, name, complaint.contact_name,
                                 *_phones(complaint.contact_mobile)))


def contract_record(session: Session, contract: Contract) -> RecordRef:
    customer = _customer(session, contract.customer_id)
    title = _title(f"#{contract.id}", customer_name(customer), contract.title)
    return RecordRef("contract", str(contract.id), title,
                     search_text(str(contract.id), customer_name(customer), contract.title))


def referral_record(session: Session, referral: Referral) -> RecordRef:
    referrer = customer_name(_customer(session, referral.referrer_id))
    title = f"{clean(referrer) or '—'} → {clean(referral.referred_name) or '—'}"
    return RecordRef("referral", str(referral.id), title,
                     search_text(referrer, referral.referred_name, referral.code, *_phones(referral.referred_mobile)))


def opportunity_record(session: Session, opportunity: Opportunity) -> RecordRef:
    customer = customer_name(_customer(session, opportunity.customer_id))
    return RecordRef("opportunity", str(opportunity.id), _title(opportunity.title, customer),
                     search_text(opportunity.title, customer))


def customer_record(customer: Customer) -> RecordRef:
    phone = customer.mobile or customer.phone
    return RecordRef("customer", str(customer.id),
                     _title(customer.company_name, customer.person_name, national_phone(phone, "en")),
                     search_text(customer.company_name, customer.person_name,
                                 *_phones(customer.mobile, customer.phone)))


def records_of_customer(session: Session, customer: Customer) -> Iterable[RecordRef]:
    """The records whose titles name this customer (after the customer's name or phone changed)."""
    yield customer_record(customer)
    for complaint in session.scalars(select(Complaint).where(Complaint.customer_id == customer.id)):
        yield complaint_record(session, complaint)
    for contract in session.scalars(select(Contract).where(Contract.customer_id == customer.id)):
        yield contract_record(session, contract)
    for opportunity in session.scalars(select(Opportunity).where(Opportunity.customer_id == customer.id)):
        yield opportunity_record(session, opportunity)
    for referral in session.scalars(select(Referral).where(Referral.referrer_id == customer.id)):
        yield referral_record(session, referral)


def record_of(session: Session, kind: str, record_id: str) -> RecordRef | None:
    """The record of this kind and id as it reads now (None: no such row)."""
    if not record_id.isdigit():
        return None
    model = {"lead": Lead, "complaint": Complaint, "contract": Contract, "referral": Referral,
             "opportunity": Opportunity, "customer": Customer}.get(kind)
    row = session.get(model, int(record_id)) if model is not None else None
    if row is None:
        return None
    if isinstance(row, Lead):
        return lead_record(row)
    if isinstance(row, Customer):
        return customer_record(row)
    build = {Complaint: complaint_record, Contract: contract_record, Referral: referral_record,
             Opportunity: opportunity_record}[type(row)]
    return build(session, row)


def describe_untitled(engine: Engine, session: Session, limit: int = 10_000) -> int:
    """Titles for instances that know their record's type and id but no title (the migration's backfill from
    business keys): each record described once; how many records were."""
    done = 0
    for kind, record_id in engine.untitled_records(session, limit):
        record = record_of(session, kind, record_id)
        if record is not None:
            engine.describe_record(session, record)
            done += 1
    return done
