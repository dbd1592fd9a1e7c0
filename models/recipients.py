"""The recipients log (AVG art. 19; Rotterdam PP 23.1): who received each registration.

Two sources write it:

- the casusoverleg: every partner that takes part in a casus (it supplied data to it) sees
  the data of that casus; the system records those disclosures itself (``derived``) when it
  first needs them, in the ``route`` step, police and OM included;
- any other disclosure, recorded by a person (``models.actions.disclosures``), for instance
  to a third party outside the partners, with its name and address.

Item c of the inzage reply lists these recipients; the notices of AVG art. 19 go to every
recipient of a changed registration except the partner that supplied it.
"""
from dataclasses import dataclass
from typing import Optional

from sqlmodel import Session, select

from models.tables import CaseRegistration, Disclosure, Partner, Request

DERIVED_ACTOR = "system:recipients"


@dataclass(frozen=True)
class Recipient:
    """One recipient of one or more registrations: a partner, or a third party by address."""

    key: str  # partner slug or "derde:<hash>"
    name: str
    partner_id: Optional[int] = None
    address: Optional[str] = None  # comma-separated lines, for a third party


def subject_registrations(session: Session, request: Request) -> list[CaseRegistration]:
    return list(session.exec(
        select(CaseRegistration).where(
            CaseRegistration.subject_id == request.subject_id, CaseRegistration.region_id == request.region_id
        ).order_by(CaseRegistration.id)
    ))


def ensure_casus_disclosures(session: Session, request: Request) -> int:
    """Record that every participant of a casus received the betrokkene's registrations in
    it (idempotent: one row per registration and participant). Returns the rows added."""
    regs = subject_registrations(session, request)
    added = 0
    for casus in sorted({r.casus_ref for r in regs}):
        participant_ids = sorted(set(session.exec(
            select(CaseRegistration.partner_id).where(
                CaseRegistration.region_id == request.region_id, CaseRegistration.casus_ref == casus
            )
        )))
        participants = [session.get(Partner, pid) for pid in participant_ids]
        for reg in (r for r in regs if r.casus_ref == casus):
            existing = {d.recipient_key for d in session.exec(
                select(Disclosure).where(Disclosure.registration_id == reg.id, Disclosure.how == "casusoverleg")
            )}
            for partner in participants:
                if partner.id == reg.partner_id or partner.slug in existing:
                    continue
                session.add(Disclosure(
                    registration_id=reg.id, recipient_partner_id=partner.id, recipient_key=partner.slug,
                    how="casusoverleg", casus_ref=casus, disclosed_on=None, derived=True,
                    recorded_by=DERIVED_ACTOR,
                ))
                added += 1
    if added:
        session.flush()
    return added


def recipients_of(session: Session, registration: CaseRegistration) -> list[Recipient]:
    """Everyone who received this registration, except the partner that supplied it."""
    out: dict[str, Recipient] = {}
    rows = session.exec(select(Disclosure).where(Disclosure.registration_id == registration.id).order_by(Disclosure.id))
    for d in rows:
        if d.recipient_partner_id == registration.partner_id:
            continue
        if d.recipient_partner_id is not None:
            partner = session.get(Partner, d.recipient_partner_id)
            out.setdefault(d.recipient_key, Recipient(key=d.recipient_key, name=partner.name, partner_id=partner.id))
        else:
            out.setdefault(d.recipient_key, Recipient(key=d.recipient_key, name=d.recipient_name or d.recipient_key,
                                                      address=d.recipient_address))
    return list(out.values())


def all_recipients(session: Session, registrations: list[CaseRegistration]) -> list[Recipient]:
    """The recipients of any of these registrations, each once, sorted by name."""
    out: dict[str, Recipient] = {}
    for reg in registrations:
        for r in recipients_of(session, reg):
            out.setdefault(r.key, r)
    return sorted(out.values(), key=lambda r: r.name.casefold())
