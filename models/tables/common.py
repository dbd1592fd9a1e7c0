"""Column helpers shared by the tables."""
import uuid
from datetime import UTC, datetime

from sqlalchemy import Column
from sqlmodel import Field

import models.sealing  # noqa: F401  binds every encrypted column to its row (ORM events)
from models.crypto import EncryptedString


def utcnow() -> datetime:
    """Aware UTC: SQLModel stores timestamps as UTC and refuses naive ones."""
    return datetime.now(UTC)


def new_id() -> str:
    """Opaque id: the only handle on a request that may reach the orchestrator."""
    return uuid.uuid4().hex


def encrypted(nullable: bool = False, **kwargs):
    """A field stored encrypted at rest, bound to its table, column and row (models.crypto).
    A table with such a field also needs ``row_uid: str = row_identity()``."""
    return Field(sa_column=Column(EncryptedString(), nullable=nullable), **kwargs)


def row_identity():
    """The row's own random identity, made with the object and never changed: the
    ciphertexts of its encrypted fields are bound to it (models.sealing)."""
    return Field(default_factory=new_id, unique=True, index=True, max_length=32)
