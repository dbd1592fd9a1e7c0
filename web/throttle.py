"""Login throttling: exponential back-off per account name and per client address.

Both are counted in the table ``loginthrottle`` (so the limit holds across processes and
web-app instances), under keyed hashes: no username of a failed login, existing or not, and
no address is stored in the clear. A name that does not exist is throttled exactly like one
that does, so the answer never tells which names exist.

After ``free`` failures within the window each further failure locks the key for
``base * 2**(n - free)`` seconds, at most ``max`` (30 s, 1 min, 2 min, ... 15 min by
default). While a key is locked no password is checked at all. A success clears the
account's count; the address's count only fades with the window (an attacker with one
valid account cannot reset it).
"""
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.crypto import keyed_digest
from models.tables import LoginThrottle
from models.tables.common import utcnow
from web.sessions import as_utc
from web.settings import WebSettings


def account_key(username: str) -> str:
    return keyed_digest("login-throttle-account", username.strip().lower())


def client_key(address: str) -> str:
    return keyed_digest("login-throttle-client", address)


def locked_for(db: Session, keys: list[str], now: Optional[datetime] = None) -> int:
    """Seconds until every one of ``keys`` may try again (0: not locked)."""
    now = now or utcnow()
    wait = 0
    for key in keys:
        row = db.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None:
            wait = max(wait, int((as_utc(row.locked_until) - now).total_seconds() + 0.999))
    return max(wait, 0)


def record_failure(db: Session, key: str, free: int, settings: WebSettings,
                   now: Optional[datetime] = None) -> bool:
    """Count a failure for ``key``; True if the key is now locked (caller commits)."""
    now = now or utcnow()
    for attempt in range(2):  # a first failure racing another process: insert lost, update
        try:
            with db.begin_nested():
                row = _row_for_update(db, key)
                if row is None:
                    row = LoginThrottle(key=key, failures=0, window_started_at=now)
                elif now - as_utc(row.window_started_at) > timedelta(minutes=settings.throttle_window_minutes):
                    row.failures, row.window_started_at, row.locked_until = 0, now, None
                row.failures += 1
                if row.failures >= free:
                    delay = min(settings.throttle_base_seconds * 2 ** (row.failures - free),
                                settings.throttle_max_seconds)
                    row.locked_until = now + timedelta(seconds=delay)
                db.add(row)
            return row.locked_until is not None and as_utc(row.locked_until) > now
        except IntegrityError:
            if attempt:
                raise
    return False


def clear(db: Session, key: str) -> None:
    row = db.get(LoginThrottle, key)
    if row is not None:
        db.delete(row)


def _row_for_update(db: Session, key: str) -> Optional[LoginThrottle]:
    return db.get(LoginThrottle, key, with_for_update=True, populate_existing=True)


def token_client_key(kind: str, address: str) -> str:
    """The throttle key of one client address for attempts with a token of ``kind``
    ("task-link", "api-token"): counted apart from logins, with the same back-off."""
    return keyed_digest(f"{kind}-throttle-client", address)
