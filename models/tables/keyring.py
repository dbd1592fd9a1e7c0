"""Which master keys this database was encrypted with: id and verifier, never the key.

The first write with a key checks it against this table (models.keys.ensure_verified),
so a wrong or new key is refused with one clear line before it writes anything.
"""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class KeyringEntry(SQLModel, table=True):
    __tablename__ = "keyring"

    key_id: str = Field(primary_key=True, max_length=16)  # models.keys.MasterKey.key_id
    verifier: str = Field(max_length=64)  # HMAC of a fixed label with a key derived for it
    created_at: datetime = Field(default_factory=utcnow)
    # Set by a key rotation (issue 13): the key still decrypts but no longer encrypts.
    retired_at: Optional[datetime] = None
