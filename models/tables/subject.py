"""The betrokkene. Every identifying field is encrypted; BSN and name are searchable by keyed hash."""
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow
from datetime import datetime


class DataSubject(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    bsn: Optional[str] = encrypted(nullable=True)
    bsn_hash: Optional[str] = Field(default=None, index=True, max_length=64)
    name: str = encrypted()
    name_hash: str = Field(index=True, max_length=64)
    birth_date: Optional[str] = encrypted(nullable=True)  # ISO date, encrypted like the rest
    address: Optional[str] = encrypted(nullable=True)
    created_at: datetime = Field(default_factory=utcnow)
