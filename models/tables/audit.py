"""Append-only, hash-chained audit trail: who did what, when, to which request.

``detail`` holds ids and codes only, never personal data. Each row's hash covers the
previous row's hash, so a changed or deleted row breaks the chain (models.audit.verify_chain).
"""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class AuditEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=64)
    request_id: Optional[str] = Field(default=None, index=True, max_length=32)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # unique: two writers racing for the same predecessor cannot both commit (no fork).
    prev_hash: str = Field(unique=True, max_length=64)
    hash: str = Field(unique=True, max_length=64)
