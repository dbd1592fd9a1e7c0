"""People who sign in: local accounts, the regions each belongs to, their web sessions, and
the login throttle.

No password, session id or username of a failed login is stored in the clear: passwords
as argon2 hashes, session ids as SHA-256 hashes, throttle keys as keyed hashes
(models.crypto.keyed_digest) of the username or client address.
"""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import new_id, utcnow


class Account(SQLModel, table=True):
    """A local account. One role (models.enums.Role, never ``system``); a partner user is
    bound to exactly one partner organisation, of its one region."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    username: str = Field(unique=True, max_length=64)  # lower case; what the person types
    role: str = Field(max_length=16)  # models.enums.Role
    partner_id: Optional[int] = Field(default=None, foreign_key="partner.id", index=True)
    password_hash: str = Field(max_length=255)  # argon2id, parameters in the hash itself
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    disabled_at: Optional[datetime] = None
    password_changed_at: datetime = Field(default_factory=utcnow)


class AccountRegion(SQLModel, table=True):
    """The regions an account works in (one or more)."""

    account_id: str = Field(foreign_key="account.id", primary_key=True, max_length=32)
    region_id: str = Field(foreign_key="region.id", primary_key=True, max_length=64)


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random id; we keep only its SHA-256, so a
    copy of the database does not let anyone take over a session."""

    id_hash: str = Field(primary_key=True, max_length=64)
    account_id: str = Field(foreign_key="account.id", index=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)  # absolute timeout counts from here
    last_seen_at: datetime = Field(default_factory=utcnow)  # idle timeout counts from here


class LoginThrottle(SQLModel, table=True):
    """Failed logins per account name and per client address (each a keyed hash), so the
    back-off holds across processes and web-app instances."""

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utcnow)
    locked_until: Optional[datetime] = None
