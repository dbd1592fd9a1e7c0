"""The database session of one web request."""
from collections.abc import Iterator

from sqlmodel import Session

from models.db import get_engine


def get_db() -> Iterator[Session]:
    """A session for the handler (a FastAPI dependency). Handlers commit their own writes,
    after validating everything (validate, then write); whatever is not committed is rolled
    back when the session closes."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
