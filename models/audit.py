"""Writing and checking the append-only audit trail.

Every state change calls ``record`` in the same transaction as the change itself, so a
change without its audit event (or the reverse) cannot be committed. ``detail`` must hold
ids, codes and dates only: no names, BSNs or data items.
"""
import hashlib
import json
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import event, text
from sqlmodel import Session, select

from models.tables.audit import AuditEvent
from models.tables.common import utcnow

GENESIS = "0" * 64


class AuditTampered(RuntimeError):
    pass


def _digest(prev_hash: str, at: datetime, actor: str, action: str, request_id, detail) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor, action, request_id, detail],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    request_id: Optional[str] = None,
    **detail: Any,
) -> AuditEvent:
    """Append one event, chained to the last one. Runs inside the caller's transaction."""
    _serialise_writers(session)
    last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    prev = last.hash if last else GENESIS
    at = utcnow()
    detail = json.loads(json.dumps(detail, default=str))  # dates to strings, as stored
    ev = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        request_id=request_id,
        detail=detail,
        prev_hash=prev,
        hash=_digest(prev, at, actor, action, request_id, detail),
    )
    session.add(ev)
    session.flush()
    return ev


AUDIT_LOCK = 0x5245434854  # an arbitrary constant: "RECHT"


def _serialise_writers(session: Session) -> None:
    """Parallel tasks (the consultation fan-out) write events at the same moment. On
    PostgreSQL a transaction-scoped advisory lock makes them take turns, so the chain never
    forks; elsewhere the unique ``prev_hash`` refuses a fork and the task's retry redoes it."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=AUDIT_LOCK))


def verify_chain(session: Session) -> int:
    """Recompute every hash; raise AuditTampered at the first break. Returns the count."""
    prev = GENESIS
    count = 0
    for ev in session.exec(select(AuditEvent).order_by(AuditEvent.id)):
        expected = _digest(prev, ev.at, ev.actor, ev.action, ev.request_id, ev.detail)
        if ev.prev_hash != prev or ev.hash != expected:
            raise AuditTampered(f"audit trail broken at event {ev.id}")
        prev = ev.hash
        count += 1
    return count


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target):  # noqa: ARG001
    raise AuditTampered("audit events are append-only")
