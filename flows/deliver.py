"""Prefect flow that delivers the outbox (issue 4).

Prefect sees a timestamp going in and counts coming out, nothing else: recipients and
bodies are read from the encrypted table inside the run and never become parameters,
task names, log lines or results. Retries are not Prefect's: the table's ``attempts``
counter is the durable retry mechanism, and a scheduled rerun picks up what is pending.
"""
from datetime import UTC, datetime
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session

from flows.guard import guarded
from flows.lock import outbox_lock
from flows.transports import deliver_pending
from models.db import get_engine


def _as_datetime(as_of: Optional[str]) -> datetime:
    if not as_of:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(as_of)  # a date alone means its midnight
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def deliver(as_of: Optional[str] = None, limit: int = 100) -> dict:
    """Deliver pending outbox messages (plain function; the flow and task below wrap it)."""
    def body():
        with outbox_lock():
            return deliver_pending(_session, _as_datetime(as_of), limit=limit)

    return guarded("outbox", "deliver", body)


def _deliver(as_of: Optional[str], limit: int) -> dict:
    counts = deliver(as_of, limit)
    get_run_logger().info(
        "outbox: %d sent, %d failed attempts (%d given up), %d pending",
        counts["sent"], counts["failed"], counts["gave_up"], counts["pending"],
    )
    return counts


@task(name="deliver", cache_policy=NO_CACHE, persist_result=False)
def deliver_now(as_of: Optional[str] = None, limit: int = 100) -> dict:
    """The outbox as a task of the request flow: what a run wrote goes out in that run."""
    return _deliver(as_of, limit)


@flow(name="deliver-outbox", log_prints=False, persist_result=False)
def deliver_outbox(as_of: Optional[str] = None, limit: int = 100) -> dict:
    """Deliver pending outbox messages; ``as_of`` (ISO timestamp) is recorded as sent_at.
    Scheduled on its own, this flow also retries what failed in earlier runs."""
    return _deliver(as_of, limit)
