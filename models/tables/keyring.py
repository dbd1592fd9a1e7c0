"""Which master keys this database was encrypted with: id and verifier, never the key.

The first write with a key checks it against this table (models.keys.ensure_verified),
so a wrong or new key is refused with one clear line before it writes anything. A key
rotation (models.rotation) registers the next key here (from then on it encrypts) and, at
its end, retires the old one: ``retired_at`` is set and ``audit_key`` keeps only the old
key's audit key, sealed with the current key, so the events it signed stay verifiable
after the old master key is removed from the configuration.
"""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class KeyringEntry(SQLModel, table=True):
    __tablename__ = "keyring"

    key_id: str = Field(primary_key=True, max_length=16)  # models.keys.MasterKey.key_id
    row_uid: str = row_identity()  # binds the sealed audit key to this row
    verifier: str = Field(max_length=64)  # HMAC of a fixed label with a key derived for it
    created_at: datetime = Field(default_factory=utcnow)
    # Set at the end of a rotation: nothing is encrypted with this key any more.
    retired_at: Optional[datetime] = None
    # A retired key's audit key (base64), sealed: verifies the events that key signed.
    audit_key: Optional[str] = encrypted(nullable=True)
