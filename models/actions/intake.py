"""Registering a request (domain.md §4 step 1) and the case registrations it is about."""
from datetime import date
from typing import Optional

from pydantic import Field, field_validator
from sqlmodel import Session, func, select

from models import audit
from models.actions.common import (
    ActionError,
    authorise,
    EventKey,
    Recorded,
    canonical,
    finish,
    not_before,
    not_in_future,
    partner_row,
    previous,
    repeat_of,
)
from models.actions.inputs import (
    CATEGORY,
    DESCRIPTION,
    LINE,
    STATEMENT,
    BirthDate,
    Day,
    Input,
    Name,
    PostalAddress,
    optional_text,
    text,
)
from models.bsn import normalize_bsn
from models.crypto import keyed_digest, keyed_digests, lookup_hash, lookup_hashes
from models.enums import Channel, RequesterKind, RequestType, Role
from models.identity import IDENTITY_AT_INTAKE
from models.letters.contacts import blocked
from models import keys  # noqa: F401  (the key type in rehashed_intake_key)
from models.principal import NotAllowed, Principal
from models.region_config import ConfigError, RegionConfig, get_region
from models.tables import CaseRegistration, DataSubject, IdentityCheck, Representative, Request, RequestRight


class SubjectInput(Input):
    bsn: str
    name: Name
    birth_date: Optional[BirthDate] = None
    address: Optional[PostalAddress] = None

    @field_validator("bsn")
    @classmethod
    def _elfproef(cls, value: str) -> str:
        return normalize_bsn(value)


class RepresentativeInput(Input):
    kind: RequesterKind
    name: Name
    address: Optional[PostalAddress] = None
    proof_of_authority: text(200)

    @field_validator("kind")
    @classmethod
    def _not_self(cls, value: RequesterKind) -> RequesterKind:
        if value == RequesterKind.betrokkene:
            raise ValueError("een vertegenwoordiger is niet de betrokkene zelf")
        return value


class IntakeIdentityInput(Input):
    """The identity check of a request made in person at the desk (balie), done at intake:
    the facts the identity action records (models/actions/identity.py), on the day of receipt.
    Never a copy of the document, only its type and last digits."""

    method: text(32) = "in_persoon"
    place: text(LINE)
    officer: text(LINE)
    document_type: str = Field(pattern=r"^(paspoort|identiteitskaart|rijbewijs|verblijfsdocument)$")
    document_last_digits: str = Field(pattern=r"^[0-9A-Z]{2,4}$")


class RequestInput(Input):
    region: text(64)
    subject: SubjectInput
    types: list[RequestType] = Field(min_length=1, max_length=len(RequestType))
    received_on: Day  # first receipt by any party: the clock starts here
    received_by: Optional[text(120)] = None  # partner slug when a partner received it first
    forwarded_on: Optional[Day] = None  # when that partner forwarded it to the ZVH
    channel: Channel = Channel.brief
    representative: Optional[RepresentativeInput] = None
    # The betrokkene's own words per right: the grounds of a verzet, the correction asked for.
    statements: dict[RequestType, optional_text(STATEMENT)] = Field(default_factory=dict)
    # Balie (in person at the desk): the identity check at intake, required there and only there.
    identity: Optional[IntakeIdentityInput] = None


class RegistrationInput(Input):
    region: text(64)
    subject: SubjectInput
    casus: text(64)
    partner: text(120)
    category: text(CATEGORY)
    description: text(DESCRIPTION)
    supplied_on: Optional[Day] = None


def region_of(region_id: str) -> RegionConfig:
    try:
        return get_region(region_id)
    except ConfigError as exc:
        raise ActionError(str(exc)) from None


def find_or_create_subject(session: Session, subject: SubjectInput) -> DataSubject:
    """The one subject with this BSN (the keyed hash finds it), created if new."""
    # Every configured key's hash: during a key rotation a subject may still carry the old one.
    row = session.exec(select(DataSubject).where(DataSubject.bsn_hash.in_(lookup_hashes(subject.bsn)))).first()
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


def _current_details(session: Session, row: DataSubject, subject: SubjectInput, actor: str) -> None:
    """A new request with other details (a move, a new name) makes those the subject's current
    details; earlier requests keep the details they were given with (the history)."""
    new = {
        "name": subject.name,
        "address": subject.address,
        "birth_date": subject.birth_date.isoformat() if subject.birth_date else row.birth_date,
    }
    changed = sorted(k for k, v in new.items() if v is not None and getattr(row, k) != v)
    if not changed:
        return
    for k in changed:
        setattr(row, k, new[k])
    row.name_hash = lookup_hash(row.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "subject.details_updated", None, subject_id=row.id, fields=changed)


def add_registration(session: Session, data: RegistrationInput, principal: Principal,
                     today: date) -> CaseRegistration:
    """A data item in the ZVH file (the file is kept elsewhere; this is its import)."""
    region = region_of(data.region)
    actor = authorise(principal, region.id, Role.coordinator, Role.system)
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


def intake_key(data: RequestInput, given: Optional[str] = None) -> EventKey:
    """The registration's idempotency key: the key the operator gave, or one derived from
    what makes a request the same request (region, subject, types, receipt date, channel).
    It knows its digests under every configured key (a repeat during a key rotation)."""
    if given is not None:
        if not given.strip() or len(given) > 100:
            raise ActionError("--key moet 1 tot 100 tekens zijn")
        return EventKey(keyed_digests("intake-key", f"{data.region}\x00{given.strip()}"))
    channel = Channel.via_partner if data.received_by else data.channel
    return EventKey(keyed_digests("intake", derived_intake_input(
        data.region, data.subject.bsn, [t.value for t in data.types], data.received_on, channel.value)))


def derived_intake_input(region: str, bsn: str, types: list[str], received_on: date, channel: str) -> str:
    """What a registration's derived key is a digest of. All of it is kept in the request
    itself, so a key rotation can compute the key again (models.rotation)."""
    return canonical({"region": region, "bsn": bsn, "types": sorted(types),
                      "received_on": received_on.isoformat(), "channel": channel})


def rehashed_intake_key(request: Request, bsn: str, types: list[str], old: "keys.MasterKey",
                        new: "keys.MasterKey", stored: str) -> Optional[str]:
    """The registration's derived key under ``new`` if ``stored`` is its derived key under
    ``old``; None when the operator gave the key (``--key``: not kept, cannot be computed)."""
    source = derived_intake_input(request.region_id, bsn, types, request.first_received_on, request.channel)
    if keyed_digest("intake", source, old) != stored:
        return None
    return keyed_digest("intake", source, new)


#: The content digest of a registration whose key was computed again by a key rotation: the
#: registration's full input is not kept, so its digest cannot be; a repeat with the same key
#: is then taken as the same request.
ROTATED_DIGEST = "rotated"


def _check(session: Session, data: RequestInput, region: RegionConfig, today: date):
    unsendable = blocked(region)  # the receipt letter could not go out: refuse now, not in a step
    if unsendable:
        more = f" (en nog {len(unsendable) - 1})" if len(unsendable) > 1 else ""
        raise ActionError(f"de brieven van deze regio kunnen nog niet worden verstuurd: {unsendable[0]}{more}; "
                          "vul de gegevens aan in het regiobestand")
    not_in_future(data.received_on, today, "ontvangstdatum")
    if data.subject.birth_date:
        not_in_future(data.subject.birth_date, today, "geboortedatum")
    receiver = None
    if data.received_by:
        receiver = partner_row(session, region, data.received_by)
        if data.forwarded_on is None:
            raise ActionError("doorstuurdatum ontbreekt voor een verzoek dat via een partner binnenkwam")
    if data.forwarded_on:
        not_in_future(data.forwarded_on, today, "doorstuurdatum")
        not_before(data.forwarded_on, data.received_on, "doorstuurdatum", "de eerste ontvangst")
        if receiver is None:
            raise ActionError("doorstuurdatum zonder partner die het verzoek ontving (received_by)")
    reply_address = data.representative.address if data.representative else data.subject.address
    if not reply_address:
        raise ActionError("adres ontbreekt: zonder adres kan het antwoord niet worden verstuurd")
    _check_intake_identity(data, region)
    stray = set(data.statements) - set(data.types)
    if stray:
        raise ActionError(f"toelichting bij een recht dat niet is gevraagd: {sorted(t.value for t in stray)}")
    return receiver


def _check_intake_identity(data: RequestInput, region: RegionConfig) -> None:
    """Issue 18 point 3: a balie request is identified at intake (and its clock never stops
    for it); any other request is not: its identity is checked later, or the coordinator
    records why it cannot yet be established."""
    at_desk = data.channel in IDENTITY_AT_INTAKE and not data.received_by
    if at_desk and data.identity is None:
        raise ActionError("identity: een verzoek aan de balie krijgt de identiteitscontrole bij de intake; "
                          "vul methode, plaats, medewerker, soort document en laatste tekens in")
    if data.identity is None:
        return
    if not at_desk:
        raise ActionError("identity: alleen een verzoek aan de balie krijgt de identiteitscontrole bij de intake; "
                          "leg de controle daarna vast met 'rechtenloket request identity'")
    if data.identity.method not in region.identity.methods:
        allowed = ", ".join(region.identity.methods)
        raise ActionError(f"identity.method: {data.identity.method!r} is in deze regio niet toegestaan (wel: {allowed})")


def register_request(session: Session, data: RequestInput, principal: Principal, today: date,
                     key: Optional[str] = None) -> Recorded:
    """Register a request, or find the one registered before with the same key.

    The same registration twice (a rerun after a kill, a second click) returns the existing
    request and writes nothing. The same key with other content is refused: a second,
    different request needs its own key (``key``)."""
    region = region_of(data.region)
    actor = authorise(principal, region.id, Role.coordinator, Role.partner)
    if principal.role == Role.partner and data.received_by != principal.partner_slug:
        # A partner forwards a request that reached it: as the party that received it first.
        raise NotAllowed("een partner kan alleen een verzoek doorsturen dat bij de eigen organisatie binnenkwam")
    ikey = intake_key(data, key)
    content = data.model_dump(mode="json")
    content["types"] = sorted(set(content["types"]))  # the same rights, in whatever order
    if content.get("identity") is None:  # as before issue 18: a repeat of an older registration
        content.pop("identity", None)
    digest = keyed_digest("intake-content", canonical(content))
    earlier = previous(session, ikey)
    if earlier is not None:
        request = session.get(Request, earlier.request_id)
        if earlier.input_digest == ROTATED_DIGEST or earlier.input_digest in keyed_digests(
                "intake-content", canonical(content)):
            return repeat_of(earlier, request)
        raise ActionError(
            f"er is al een verzoek {request.reference} met dezelfde betrokkene, soorten, ontvangstdatum en "
            "kanaal, maar met andere gegevens; is dit een ander verzoek, geef het dan een eigen sleutel (--key)")
    receiver = _check(session, data, region, today)

    subject = find_or_create_subject(session, data.subject)
    _current_details(session, subject, data.subject, actor)
    types = list(dict.fromkeys(data.types))  # one right once, order kept
    year = data.received_on.year
    prefix = f"{region.reference_prefix}-{year}-"
    # Two registrations at once (two coordinators, two web instances) would count the same
    # number: writers take turns from here (PostgreSQL: the audit trail's writer lock, which
    # this transaction takes for its audit event anyway; SQLite has one writer at a time).
    audit._serialise_writers(session)
    count = session.exec(select(func.count()).select_from(Request).where(Request.reference.startswith(prefix))).one()
    request = Request(
        reference=f"{prefix}{count + 1:04d}",
        region_id=region.id,
        subject_id=subject.id,
        subject_name=data.subject.name,
        subject_name_hash=lookup_hash(data.subject.name),
        subject_address=data.subject.address,
        subject_birth_date=data.subject.birth_date.isoformat() if data.subject.birth_date else None,
        first_received_on=data.received_on,
        received_by_partner_id=receiver.id if receiver else None,
        forwarded_on=data.forwarded_on,
        channel=(Channel.via_partner if receiver else data.channel).value,
        requester_kind=(data.representative.kind if data.representative else RequesterKind.betrokkene).value,
    )
    session.add(request)
    session.flush()
    for rtype in types:
        session.add(RequestRight(request_id=request.id, type=rtype.value, statement=data.statements.get(rtype)))
    if data.representative:
        rep = data.representative
        session.add(Representative(
            request_id=request.id, kind=rep.kind.value, name=rep.name, address=rep.address,
            proof_of_authority=rep.proof_of_authority,
        ))
    if data.identity is not None:  # balie: checked at intake, on the day of receipt
        session.add(IdentityCheck(request_id=request.id, checked_on=data.received_on, **data.identity.model_dump()))
    session.flush()
    audit.record(
        session, actor, "request.registered", request.id,
        region=region.id, types=[t.value for t in types], received_on=data.received_on,
        via_partner=data.received_by, representative=bool(data.representative),
    )
    if data.identity is not None:
        audit.record(session, actor, "identity.verified", request.id, method=data.identity.method,
                     document_type=data.identity.document_type, checked_on=data.received_on,
                     clock_resumed=False, at_intake=True)
    return finish(session, request, "register", ikey, actor, today, input_digest=digest)
