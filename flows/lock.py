"""One advance of a request at a time.

Two events for one request in the same second (two partners answering, a sweep during an
answer, two workers picking up runs) must not run its steps side by side: each step is one
transaction and idempotent, but two runs could both decide to draft the same reply or
open the same task. So a run holds the request's lock while it carries the request on:

- PostgreSQL: a session-level advisory lock, on a connection of its own, for as long as the
  run lasts (every worker and web instance shares it);
- SQLite (the embedded default, one machine): an exclusive ``flock`` on a file per request
  under the data dir.

A second run waits for the first and then finds the request as the first left it.
"""
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from models.db import get_engine
from models.settings import get_settings

LOCK_CLASS = 0x52514C4B  # "RQLK": the first key of the advisory lock, the request the second


def _key(request_id: str) -> int:
    return int.from_bytes(hashlib.sha256(request_id.encode()).digest()[:4], "big", signed=True)


@contextmanager
def request_lock(request_id: str) -> Iterator[None]:
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:c, :k)"), {"c": LOCK_CLASS, "k": _key(request_id)})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:c, :k)"), {"c": LOCK_CLASS, "k": _key(request_id)})
                conn.commit()
        return
    with file_lock(request_id[:64]):
        yield


@contextmanager
def file_lock(name: str) -> Iterator[None]:
    """An exclusive lock between the processes and threads of one machine (flock on a file
    per name under the data dir); each holder opens its own descriptor."""
    folder = get_settings().data_dir / "locks"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def outbox_lock() -> Iterator[None]:
    """One deliverer at a time on SQLite, which has no row locks: without it two runs could
    both pick up the same pending message. PostgreSQL locks each row (FOR UPDATE SKIP
    LOCKED, flows/transports.py), so its workers deliver side by side."""
    if get_engine().dialect.name == "postgresql":
        yield
        return
    with file_lock("outbox"):
        yield
