"""The recipients log: to whom each registration in the ZVH file was disclosed (AVG art. 19;
Rotterdam PP 23.1: "Deze verstrekking wordt schriftelijk vastgelegd door het hoofd")."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class Disclosure(SQLModel, table=True):
    """One disclosure of one registration to one recipient: a partner of the region (the
    participants of a casusoverleg, police and OM included), or another recipient with its
    name and address. Art. 19 notices go to every recipient except the supplier itself."""

    __table_args__ = (UniqueConstraint("registration_id", "recipient_key", "how"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    registration_id: int = Field(foreign_key="caseregistration.id", index=True)
    recipient_partner_id: Optional[int] = Field(default=None, foreign_key="partner.id")
    # Partner slug, or "derde:<keyed hash of the name>" for a recipient outside the partners:
    # one row per recipient, whatever the spelling of the name.
    recipient_key: str = Field(max_length=160)
    recipient_name: Optional[str] = encrypted(nullable=True)  # recipient outside the partners
    recipient_address: Optional[str] = encrypted(nullable=True)  # comma-separated lines
    how: str = Field(max_length=32)  # "casusoverleg", "verstrekking"
    casus_ref: Optional[str] = Field(default=None, max_length=64)
    disclosed_on: Optional[date] = None
    derived: bool = False  # recorded by the system from the casus (every participant saw it)
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow)
