"""Column helpers shared by the tables."""
import uuid
from datetime import UTC, datetime

from sqlalchemy import Column
from sqlmodel import Field

from models.crypto import EncryptedString


def utcnow() -> datetime:
    """Aware UTC: SQLModel stores timestamps as UTC and refuses naive ones."""
    return datetime.now(UTC)


def new_id() -> str:
    """Opaque id: the only handle on a request that may reach the orchestrator."""
    return uuid.uuid4().hex


def encrypted(nullable: bool = False, **kwargs):
    """A field stored encrypted at rest (see models.crypto)."""
    return Field(sa_column=Column(EncryptedString(), nullable=nullable), **kwargs)
