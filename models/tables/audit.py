"""Append-only, keyed and anchored audit trail: who did what, when, to which request.

``detail`` holds ids and codes only, never personal data. Each event has its position
``seq`` (1, 2, 3, ...) and ``hash``, an HMAC-SHA256 with a key derived from the master key
(not in the database) over its position, its content, the key id and the previous event's
``hash``. Database triggers refuse UPDATE and DELETE; models.audit checks the chain and
its anchors outside the database.
"""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class AuditEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    # The event's position in the trail, covered by its MAC: a gap is a deleted event.
    seq: int = Field(unique=True, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=64)
    request_id: Optional[str] = Field(default=None, index=True, max_length=32)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    key_id: str = Field(max_length=16)  # the master key whose audit key made ``hash``
    # unique: two writers racing for the same predecessor cannot both commit (no fork).
    prev_hash: str = Field(unique=True, max_length=64)
    hash: str = Field(unique=True, max_length=64)  # HMAC-SHA256, hex (models.audit)
