"""Registering a request (domain.md §4 step 1) and the case registrations it is about."""
from datetime import date
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, func, select

from models import audit
from models.actions.common import ActionError, not_in_future, partner_row
from models.bsn import normalize_bsn
from models.crypto import lookup_hash
from models.enums import Channel, RequesterKind, RequestType
from models.region_config import get_region
from models.tables import CaseRegistration, DataSubject, Representative, Request, RequestRight


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubjectInput(_Input):
    bsn: str
    name: str = Field(min_length=1)
    birth_date: Optional[date] = None
    address: Optional[str] = None

    @field_validator("bsn")
    @classmethod
    def _elfproef(cls, value: str) -> str:
        return normalize_bsn(value)


class RepresentativeInput(_Input):
    kind: RequesterKind
    name: str = Field(min_length=1)
    address: Optional[str] = None
    proof_of_authority: str = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _not_self(cls, value: RequesterKind) -> RequesterKind:
        if value == RequesterKind.betrokkene:
            raise ValueError("een vertegenwoordiger is niet de betrokkene zelf")
        return value


class RequestInput(_Input):
    region: str
    subject: SubjectInput
    types: list[RequestType] = Field(min_length=1)
    received_on: date  # first receipt by any party: the clock starts here
    received_by: Optional[str] = None  # partner slug when a partner received it first
    forwarded_on: Optional[date] = None  # when that partner forwarded it to the ZVH
    channel: Channel = Channel.brief
    representative: Optional[RepresentativeInput] = None
    # The betrokkene's own words per right: the grounds of a verzet, the correction asked for.
    statements: dict[RequestType, str] = Field(default_factory=dict)


class RegistrationInput(_Input):
    region: str
    subject: SubjectInput
    casus: str = Field(min_length=1)
    partner: str
    category: str = Field(min_length=1)
    description: str = Field(min_length=1)
    supplied_on: Optional[date] = None


def find_or_create_subject(session: Session, subject: SubjectInput) -> DataSubject:
    row = session.exec(select(DataSubject).where(DataSubject.bsn_hash == lookup_hash(subject.bsn))).first()
    if row is not None:
        return row
    row = DataSubject(
        bsn=subject.bsn,
        bsn_hash=lookup_hash(subject.bsn),
        name=subject.name,
        name_hash=lookup_hash(subject.name),
        birth_date=subject.birth_date.isoformat() if subject.birth_date else None,
        address=subject.address,
    )
    session.add(row)
    session.flush()
    return row


def add_registration(session: Session, data: RegistrationInput, actor: str, today: date) -> CaseRegistration:
    region = get_region(data.region)
    partner = partner_row(session, region, data.partner)
    if data.supplied_on:
        not_in_future(data.supplied_on, today, "leverdatum")
    subject = find_or_create_subject(session, data.subject)
    reg = CaseRegistration(
        region_id=region.id,
        subject_id=subject.id,
        casus_ref=data.casus,
        partner_id=partner.id,
        category=data.category,
        regime=partner.regime,
        description=data.description,
        supplied_on=data.supplied_on,
    )
    session.add(reg)
    session.flush()
    audit.record(session, actor, "registration.added", None, registration_id=reg.id, partner=partner.slug)
    return reg


def register_request(session: Session, data: RequestInput, actor: str, today: date) -> Request:
    region = get_region(data.region)
    not_in_future(data.received_on, today, "ontvangstdatum")
    receiver = None
    if data.received_by:
        receiver = partner_row(session, region, data.received_by)
        if data.forwarded_on is None:
            raise ActionError("doorstuurdatum ontbreekt voor een verzoek dat via een partner binnenkwam")
    if data.forwarded_on:
        not_in_future(data.forwarded_on, today, "doorstuurdatum")
        if data.forwarded_on < data.received_on:
            raise ActionError("doorstuurdatum ligt vóór de eerste ontvangst")
        if receiver is None:
            raise ActionError("doorstuurdatum zonder partner die het verzoek ontving (received_by)")
    reply_address = data.representative.address if data.representative else data.subject.address
    if not reply_address:
        raise ActionError("adres ontbreekt: zonder adres kan het antwoord niet worden verstuurd")
    types = list(dict.fromkeys(data.types))  # one right once, order kept
    stray = set(data.statements) - set(types)
    if stray:
        raise ActionError(f"toelichting bij een recht dat niet is gevraagd: {sorted(t.value for t in stray)}")
    subject = find_or_create_subject(session, data.subject)
    year = data.received_on.year
    prefix = f"{region.reference_prefix}-{year}-"
    count = session.exec(select(func.count()).select_from(Request).where(Request.reference.startswith(prefix))).one()
    request = Request(
        reference=f"{prefix}{count + 1:04d}",
        region_id=region.id,
        subject_id=subject.id,
        first_received_on=data.received_on,
        received_by_partner_id=receiver.id if receiver else None,
        forwarded_on=data.forwarded_on,
        channel=(Channel.via_partner if receiver else data.channel).value,
        requester_kind=(data.representative.kind if data.representative else RequesterKind.betrokkene).value,
    )
    session.add(request)
    session.flush()
    for rtype in types:
        statement = (data.statements.get(rtype) or "").strip() or None
        session.add(RequestRight(request_id=request.id, type=rtype.value, statement=statement))
    if data.representative:
        rep = data.representative
        session.add(Representative(
            request_id=request.id, kind=rep.kind.value, name=rep.name, address=rep.address,
            proof_of_authority=rep.proof_of_authority,
        ))
    session.flush()
    audit.record(
        session, actor, "request.registered", request.id,
        region=region.id, types=[t.value for t in types], received_on=data.received_on,
        via_partner=data.received_by, representative=bool(data.representative),
    )
    return request
