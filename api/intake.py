"""Records that a process takes over: the record is validated and written first (bad input is a 422
and nothing starts), then its process is started in the same transaction with the record's id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from api.composition import Ravand, ravand_ctx
from crm import complaints, contracts, leads, referrals
from crm.models import Complaint, Contract, Lead, Referral
from processes import records


def start_lead(ravand: Ravand, session: Session, data: Mapping[str, Any], actor: str | None) -> tuple[Lead, str]:
    lead = leads.capture_lead(ravand_ctx(session, actor), data)
    instance = ravand.engine.start(session, "lead_qualification", f"lead-{lead.id}", {"lead_id": lead.id}, actor,
                                   record=records.lead_record(lead))
    return lead, instance.id


def start_complaint(ravand: Ravand, session: Session, data: Mapping[str, Any],
                    actor: str | None) -> tuple[Complaint, str]:
    complaint = complaints.file_complaint(ravand_ctx(session, actor), data)
    instance = ravand.engine.start(session, "complaint_escalation", complaint.tracking_code,
                                   {"complaint_id": complaint.id}, actor,
                                   record=records.complaint_record(session, complaint))
    return complaint, instance.id


def start_contract(ravand: Ravand, session: Session, data: Mapping[str, Any],
                   actor: str | None) -> tuple[Contract, str]:
    contract = contracts.draft(ravand_ctx(session, actor), data)
    instance = ravand.engine.start(session, "contract_approval", f"contract-{contract.id}",
                                   {"contract_id": contract.id}, actor,
                                   record=records.contract_record(session, contract))
    return contract, instance.id


def start_referral(ravand: Ravand, session: Session, data: Mapping[str, Any],
                   actor: str | None) -> tuple[Referral, str]:
    referral = referrals.refer(ravand_ctx(session, actor), code=str(data.get("code") or ""),
                               referred_name=data.get("referred_name"), referred_mobile=data.get("referred_mobile"),
                               referred_email=data.get("referred_email"))
    instance = ravand.engine.start(session, "referral_rewards", f"referral-{referral.id}",
                                   {"referral_id": referral.id}, actor,
                                   record=records.referral_record(session, referral))
    return referral, instance.id


def purchase_recorded(ravand: Ravand, session: Session, customer_id: int, purchase_id: int, amount: int,
                      actor: str | None) -> list[str]:
    """A referral waiting for this customer's first purchase hears of it; the instances reached."""
    delivery = ravand.engine.correlate(session, "referral_purchase", correlation={"referred_customer_id": customer_id},
                                       variables={"purchase_id": purchase_id, "purchase_amount": amount},
                                       actor=actor, waiting_only=True)
    return delivery.instance_ids


def survey_answered(ravand: Ravand, session: Session, tracking_code: str, actor: str | None) -> None:
    """The complaint's process, waiting for its survey, moves on to closing it."""
    ravand.engine.correlate(session, "survey_answered", correlation={"tracking_code": tracking_code}, actor=actor,
                            waiting_only=True)
