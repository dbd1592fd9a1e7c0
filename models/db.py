"""Engine and sessions. The URL comes from settings: SQLite by default, PostgreSQL by config."""
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine


@lru_cache
def get_engine() -> Engine:
    """The engine. ``hide_parameters``: a database error raised inside a flow becomes a
    Prefect log line, and must not carry the row's values with it."""
    from models.settings import get_settings

    settings = get_settings()
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        _private_sqlite_file(url, settings.data_dir)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # Issue 12 (docs/performance.md): a page cache of 32 MiB per connection instead of
            # SQLite's 2 MiB, and the file mapped into memory (shared by every connection through
            # the OS page cache): the dashboard's and statistics' indexes are read from memory,
            # not page by page through read() calls.
            cur.execute("PRAGMA cache_size=-32768")
            cur.execute("PRAGMA mmap_size=268435456")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _private_sqlite_file(url: str, data_dir: Path) -> None:
    """The data dir 0700 and the database file 0600 before SQLite opens it (SQLite gives
    its -wal and -shm files the mode of the database file)."""
    from models import private

    private.ensure_dir(data_dir)
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        private.create_file(Path(database))


def _after_fork_in_child() -> None:
    """A forked process starts without the parent's pooled connections (SQLAlchemy's advice
    for ``os.fork``): sharing one PostgreSQL socket between two processes corrupts both
    ("server closed the connection unexpectedly", "connection in transaction status INTRANS").
    ``close=False``: the parent's connections stay open for the parent."""
    if get_engine.cache_info().currsize:
        get_engine().dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)


def reset_engine() -> None:
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


@contextmanager
def session_scope(info: dict | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (nothing half-written)."""
    with Session(get_engine(), expire_on_commit=False, info=info or {}) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def sealed_scope():
    """A unit of work that opens no encrypted value (models.sealing: a *sealed read*): for
    code that decides on statuses, dates and ids only (the steps' planner, a failure mark).
    It may write plain columns (commit on success); writing an encrypted one is refused."""
    from models.sealing import SEALED_READ

    return session_scope(info={SEALED_READ: True})
