"""Recording a disclosure in the recipients log (AVG art. 19; Rotterdam PP 23.1).

The casusoverleg disclosures are recorded by the system itself (models/recipients.py). Any
other disclosure of a registration is recorded here: to a partner of the region, or to a
third party with its name and address, so that it is told of later corrections, erasures,
restrictions and additions."""
from datetime import date
from typing import Literal, Optional

from pydantic import Field, model_validator
from sqlmodel import Session, select

from models import audit
from models.actions.common import STAFF, ActionError, authorise, not_in_future, partner_row
from models.actions.inputs import NAME, Day, Input, PostalAddress, optional_text
from models.principal import Principal
from models import keys
from models.crypto import lookup_hash
from models.region_config import get_region
from models.tables import CaseRegistration, Disclosure


class DisclosureInput(Input):
    registration_id: int = Field(ge=1)
    partner: optional_text(120) = None  # a partner of the region (slug)
    name: optional_text(NAME) = None  # or: a recipient outside the partners
    address: Optional[PostalAddress] = None  # its postal address
    how: Literal["casusoverleg", "verstrekking"] = "verstrekking"
    disclosed_on: Day
    casus: optional_text(64) = None

    @model_validator(mode="after")
    def _one_recipient(self):
        if bool(self.partner) == bool((self.name or "").strip()):
            raise ValueError("geef een partner of een naam van de ontvanger, niet beide")
        if self.name and not (self.address or "").strip():
            raise ValueError("bij een ontvanger buiten de partners hoort een adres (voor de kennisgeving)")
        return self


def record_disclosure(session: Session, region_id: str, data: DisclosureInput, principal: Principal,
                      today: date) -> Disclosure:
    region = get_region(region_id)
    actor = authorise(principal, region.id, *STAFF)
    not_in_future(data.disclosed_on, today, "datum verstrekking")
    reg = session.get(CaseRegistration, data.registration_id)
    if reg is None or reg.region_id != region.id:
        raise ActionError(f"onbekend gegeven {data.registration_id} in regio {region.id}")
    if reg.supplied_on and data.disclosed_on < reg.supplied_on:
        raise ActionError("verstrekking ligt vóór de levering van het gegeven")
    partner = partner_row(session, region, data.partner) if data.partner else None
    if partner is not None and partner.id == reg.partner_id:
        raise ActionError("de partner die het gegeven leverde, is geen ontvanger ervan")
    key = partner.slug if partner else third_party_key(data.name)
    # Under every configured key: during a key rotation the row may still have the old one.
    candidates = [partner.slug] if partner else [third_party_key(data.name, k) for k in keys.keyring().keys]
    existing = session.exec(select(Disclosure).where(
        Disclosure.registration_id == reg.id, Disclosure.recipient_key.in_(candidates),
        Disclosure.how == data.how)).first()
    if existing is not None:
        return existing  # the same disclosure once: recording it again changes nothing
    row = Disclosure(
        registration_id=reg.id, recipient_partner_id=partner.id if partner else None, recipient_key=key,
        recipient_name=None if partner else data.name.strip(), recipient_address=data.address if not partner else None,
        how=data.how, casus_ref=data.casus or reg.casus_ref, disclosed_on=data.disclosed_on, derived=False,
        recorded_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "disclosure.recorded", None, registration_id=reg.id,
                 partner=partner.slug if partner else None, how=data.how)
    return row


THIRD_PARTY = "derde:"


def third_party_key(name: str, key: "keys.MasterKey | None" = None) -> str:
    """One row per recipient outside the partners, whatever the spelling of the name: a
    keyed hash of it (recomputed by a key rotation from the encrypted name)."""
    return f"{THIRD_PARTY}{lookup_hash(name.strip().casefold(), key)[:24]}"
