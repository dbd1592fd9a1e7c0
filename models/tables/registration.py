"""A data item in the ZVH file: what a partner supplied about a subject in a casus."""
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class CaseRegistration(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    region_id: str = Field(foreign_key="region.id", index=True, max_length=64)
    subject_id: int = Field(foreign_key="datasubject.id", index=True)
    casus_ref: str = Field(max_length=64, index=True)  # the casus number in the ZVH system
    partner_id: int = Field(foreign_key="partner.id", index=True)
    category: str = Field(max_length=120)  # e.g. "justitiële gegevens", "zorggegevens"
    regime: str = Field(max_length=16)  # models.enums.Regime, copied from the partner at supply
    description: str = encrypted()  # the data item itself
    supplied_on: Optional[date] = None
    # Execution outcomes (issue 4): a correction rewrites description, erasure anonymises.
    restricted: bool = False
    anonymised: bool = False
    eigen_verklaring: Optional[str] = encrypted(nullable=True)
    created_at: datetime = Field(default_factory=utcnow)
