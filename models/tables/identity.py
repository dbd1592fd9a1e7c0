"""Identity verification before anything is disclosed or changed. No copy of the document is kept."""
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class IdentityCheck(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="request.id", unique=True, max_length=32)
    method: str = Field(max_length=32)  # e.g. "in_persoon"
    place: str = Field(max_length=120)
    checked_on: date
    officer: str = Field(max_length=120)
    document_type: str = Field(max_length=32)  # paspoort, identiteitskaart, rijbewijs, ...
    document_last_digits: str = Field(max_length=4)
    verified: bool = True
    recorded_at: datetime = Field(default_factory=utcnow)
