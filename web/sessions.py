"""Server-side sessions in our database, and the CSRF token bound to each.

The cookie carries 32 random bytes; the table ``websession`` keeps only their SHA-256, so
a copy of the database holds no usable session. Login always makes a new id (an id set
before login never becomes a signed-in session: no fixation); logout deletes the row; a
session ends after ``session_idle_minutes`` without a request and after
``session_absolute_hours`` in any case. Every check happens here, on the server.

The CSRF token of a form is a keyed hash (HMAC with the server's key) of the session's
random id, or, before login, of a random id in a separate anonymous cookie: it is bound to
that one browser session, never stored, and changes at login.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Optional

from sqlalchemy import delete
from sqlmodel import Session

from models.crypto import keyed_digest, keyed_digests
from models.tables import Account, WebSession
from models.tables.common import utcnow
from web.settings import WebSettings

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute
CSRF_FIELD = "csrf_token"  # the hidden form field
CSRF_HEADER = "x-csrf-token"  # or this header (scripts of progressive enhancement)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def id_hash(raw_id: str) -> str:
    return hashlib.sha256(raw_id.encode()).hexdigest()


@dataclass(frozen=True)
class Loaded:
    """The outcome of looking up a session cookie."""

    account: Optional[Account]
    ended: Optional[Literal["idle", "absolute", "unknown"]] = None  # why there is none


def start(db: Session, account: Account, now: Optional[datetime] = None) -> str:
    """A new session for ``account``; returns the raw id for the cookie (caller commits)."""
    now = now or utcnow()
    raw = new_session_id()
    db.add(WebSession(id_hash=id_hash(raw), account_id=account.id, created_at=now, last_seen_at=now))
    db.flush()
    return raw


def load(db: Session, raw_id: str, settings: WebSettings, now: Optional[datetime] = None) -> Loaded:
    """The signed-in account of a cookie, or why there is none. An expired session, or one
    of a disabled account, is deleted here; an active one is touched (idle timeout).
    Commits its own small writes."""
    now = now or utcnow()
    row = db.get(WebSession, id_hash(raw_id))
    if row is None:
        return Loaded(None, "unknown")
    ended = None
    if now - as_utc(row.created_at) >= timedelta(hours=settings.session_absolute_hours):
        ended = "absolute"
    elif now - as_utc(row.last_seen_at) >= timedelta(minutes=settings.session_idle_minutes):
        ended = "idle"
    account = db.get(Account, row.account_id)
    if ended or account is None or not account.active:
        db.delete(row)
        db.commit()
        return Loaded(None, ended or "unknown")
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        db.add(row)
        db.commit()
    return Loaded(account)


def end(db: Session, raw_id: str) -> bool:
    """Delete a session (logout). True if there was one (caller commits)."""
    return db.execute(delete(WebSession).where(WebSession.id_hash == id_hash(raw_id))).rowcount > 0


def purge_expired(db: Session, settings: WebSettings, now: Optional[datetime] = None) -> int:
    """Delete every session past either timeout (called at each login; caller commits)."""
    now = now or utcnow()
    idle = now - timedelta(minutes=settings.session_idle_minutes)
    absolute = now - timedelta(hours=settings.session_absolute_hours)
    return db.execute(delete(WebSession).where(
        (WebSession.last_seen_at <= idle) | (WebSession.created_at <= absolute))).rowcount


def csrf_token(binding: str) -> str:
    """The CSRF token for a session (or anonymous) id."""
    return keyed_digest("web-csrf", binding)


def csrf_valid(binding: Optional[str], token: Optional[str]) -> bool:
    if not binding or not token:
        return False
    # Under every configured key: a form rendered just before a key rotation still counts.
    return any(hmac.compare_digest(t, token) for t in keyed_digests("web-csrf", binding))


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
