"""Writing and checking the append-only, keyed and anchored audit trail.

Every state change calls ``record`` in the same transaction as the change itself, so a
change without its audit event (or the reverse) cannot be committed. ``detail`` must hold
ids, codes and dates only: no names, BSNs or data items.

Why it is tamper-evident (docs/architecture.md, "Audit trail"):

- each event has its position ``seq`` (1, 2, 3, ...) and ``hash``: an HMAC-SHA256 with the
  audit key (derived from the master key, which is not in the database) over its position,
  content, key id and the previous event's ``hash``. Changing, inserting, deleting or
  moving an event, or recomputing the chain without the key, breaks it;
- after each commit that wrote events, the head (``seq``, ``hash``) is appended to the
  anchor file outside the database (models.anchor), and the daily sweep publishes it as a
  Prefect artifact (flows.anchor): deleting the last events, or all of them, breaks an
  anchored point;
- database triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the table,
  and the ORM refuses them too.

``check`` reports the first problem; ``verify_chain`` raises AuditTampered with it.
"""
import hashlib
import hmac
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from models import anchor, keys, legacy
from models.tables.audit import AuditEvent
from models.tables.common import utcnow

GENESIS = "0" * 64
CHAIN_VERSION = 1
_PENDING_HEAD = "audit.pending_head"
log = logging.getLogger(__name__)


class AuditTampered(RuntimeError):
    """The trail is not what was written. The message names the first bad event."""

    def __init__(self, message: str, event_id: Optional[int] = None, seq: Optional[int] = None):
        super().__init__(message)
        self.event_id, self.seq = event_id, seq


def mac(key: keys.MasterKey, seq: int, prev_hash: str, at: datetime, actor: str, action: str,
        request_id: Optional[str], detail: dict) -> str:
    """The event's HMAC-SHA256 (hex) with ``key``'s audit key."""
    payload = json.dumps(
        [CHAIN_VERSION, seq, key.key_id, prev_hash, at.isoformat(), actor, action, request_id, detail],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(key.audit_key, payload.encode(), hashlib.sha256).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    request_id: Optional[str] = None,
    **detail: Any,
) -> AuditEvent:
    """Append one event, chained to the last one. Runs inside the caller's transaction;
    its commit anchors the new head (``_anchor_after_commit``)."""
    _serialise_writers(session)
    keys.ensure_verified(session.connection())
    key = keys.current()
    last = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq = last.seq + 1 if last else 1
    prev = last.hash if last else GENESIS
    at = utcnow()
    detail = json.loads(json.dumps(detail, default=str))  # dates to strings, as stored
    ev = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        request_id=request_id,
        detail=detail,
        key_id=key.key_id,
        prev_hash=prev,
        hash=mac(key, seq, prev, at, actor, action, request_id, detail),
    )
    session.add(ev)
    session.flush()
    session.info[_PENDING_HEAD] = (ev.seq, ev.hash)
    return ev


AUDIT_LOCK = 0x5245434854  # an arbitrary constant: "RECHT"


def _serialise_writers(session: Session) -> None:
    """Parallel tasks (the consultation fan-out) write events at the same moment. On
    PostgreSQL a transaction-scoped advisory lock makes them take turns, so the chain never
    forks. On SQLite a statement that changes nothing takes the database's write lock
    before the head is read (Python's sqlite3 begins the transaction only at the first
    write; without this the head is read outside it and a writer committing in between
    makes the insert collide). The unique ``seq`` and ``prev_hash`` still refuse a fork,
    and a step's retry redoes it (flows/guard.py), as a safety net."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=AUDIT_LOCK))
    elif dialect == "sqlite":
        session.exec(text("UPDATE auditevent SET seq = seq WHERE 0"))


# --- anchoring --------------------------------------------------------------------------


@event.listens_for(OrmSession, "after_commit")
def _anchor_after_commit(session) -> None:
    head = session.info.pop(_PENDING_HEAD, None)
    if head is None:
        return
    try:
        anchor.append(*head)
    except OSError as exc:
        # The events are committed; a missing anchor only makes the next one count.
        log.warning("audit anchor not written (%s): %s", type(exc).__name__, exc.strerror)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_pending_head(session, _previous_transaction) -> None:
    session.info.pop(_PENDING_HEAD, None)


def head(session: Session) -> Optional[tuple[int, str]]:
    """The last event's (seq, hash), or None for an empty trail."""
    last = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else None


def checkpoint(session: Session) -> Optional[tuple[int, str]]:
    """Anchor the current head unless it is anchored already (``init`` does this, so a
    trail re-chained by a migration gets its first anchor)."""
    current = head(session)
    if current is not None:
        try:
            anchored = {(a.seq, a.hash) for a in anchor.read()}
        except anchor.AnchorUnreadable:
            anchored = set()  # ``audit verify`` reports the unreadable line
        if current not in anchored:
            anchor.append(*current)
    return current


# --- checking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    message: str
    event_id: Optional[int] = None
    seq: Optional[int] = None


@dataclass
class Verification:
    events: int = 0
    head: Optional[tuple[int, str]] = None
    anchors: int = 0  # anchored points checked
    anchor_sources: list[str] = field(default_factory=list)
    unanchored: int = 0  # events after the highest anchored point (written since)
    problem: Optional[Problem] = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verification_keys(session: Session) -> dict:
    """Every key that may have signed an event: the configured keys, and the audit keys of
    retired keys, kept sealed in the keyring table by the rotation that retired them."""
    import base64

    from models.tables.keyring import KeyringEntry

    known: dict = {}
    for entry in session.exec(select(KeyringEntry).where(KeyringEntry.audit_key.is_not(None))):
        known[entry.key_id] = keys.AuditOnlyKey(entry.key_id, base64.b64decode(entry.audit_key))
    known.update({k.key_id: k for k in keys.keyring().keys})
    return known


def _event_problem(ev: AuditEvent, expected_seq: int, prev: str, last_id: int, known: dict) -> Optional[str]:
    where = f"gebeurtenis {ev.id} (volgnummer {ev.seq})"
    if ev.seq > expected_seq:
        missing = str(expected_seq) if ev.seq == expected_seq + 1 else f"{expected_seq} t/m {ev.seq - 1}"
        return f"{where}: volgnummer {missing} ontbreekt ervoor; gebeurtenissen zijn verwijderd"
    if ev.seq != expected_seq:
        return f"{where}: verwacht volgnummer {expected_seq}; het volgnummer is gewijzigd"
    if ev.id <= last_id:
        return f"{where} staat na gebeurtenis {last_id} maar heeft een lager id: de volgorde is gewijzigd"
    if ev.prev_hash != prev:
        return (f"{where} verwijst niet naar de vorige gebeurtenis: de keten is onderbroken "
                "(gebeurtenis verwijderd, ingevoegd of verplaatst)")
    key = known.get(ev.key_id)
    if key is None:
        return (f"{where} is ondertekend met sleutel-id {ev.key_id}, die deze installatie niet kent: "
                "de keten is herberekend met een andere sleutel")
    if hmac.compare_digest(ev.hash, mac(key, ev.seq, ev.prev_hash, ev.at, ev.actor, ev.action, ev.request_id, ev.detail)):
        return None
    if ev.hash == legacy.chain_digest(ev.prev_hash, ev.at, ev.actor, ev.action, ev.request_id, ev.detail):
        return f"{where} heeft een ongesleutelde SHA-256 in plaats van een HMAC: de keten is herberekend zonder de sleutel"
    return (f"{where} klopt niet met zijn HMAC: de gebeurtenis is gewijzigd, of de keten is herberekend "
            "zonder de juiste sleutel")


def check(session: Session, extra_anchors: Iterable[anchor.Anchor] = ()) -> Verification:
    """Check the whole trail and every anchored point; report the first problem.

    Raises WrongKey (a configuration error, not tampering) when the configured key is not
    the database's. ``extra_anchors``: points published elsewhere (Prefect artifacts)."""
    keys.ensure_verified(session.connection())
    result = Verification()
    path = anchor.anchor_file()
    try:
        anchors = anchor.read(path) + list(extra_anchors)
    except (anchor.AnchorUnreadable, OSError) as exc:
        result.problem = Problem(f"ankerbestand onleesbaar: {exc}")
        return result
    result.anchor_sources = sorted({a.origin or a.source for a in anchors})
    by_seq: dict[int, list[anchor.Anchor]] = defaultdict(list)
    for a in anchors:
        by_seq[a.seq].append(a)

    expected, prev, last_id = 1, GENESIS, 0
    known = verification_keys(session)
    in_order = select(AuditEvent).order_by(AuditEvent.seq, AuditEvent.id).execution_options(yield_per=1000)
    for ev in session.exec(in_order):  # streamed: a long trail is not held in memory at once
        message = _event_problem(ev, expected, prev, last_id, known)
        if message is None:
            wrong = next((a for a in by_seq.get(ev.seq, ()) if a.hash != ev.hash), None)
            if wrong is not None:
                message = (f"gebeurtenis {ev.id} (volgnummer {ev.seq}) wijkt af van het anker in {wrong.source}: "
                           "het spoor is vervangen of herberekend")
        if message is not None:
            result.problem = Problem(message, ev.id, ev.seq)
            return result
        result.anchors += len(by_seq.get(ev.seq, ()))
        expected, prev, last_id = ev.seq + 1, ev.hash, ev.id
        result.events += 1
    result.head = (expected - 1, prev) if result.events else None

    beyond = [a for a in anchors if a.seq > result.events]
    if beyond:
        a = max(beyond, key=lambda x: x.seq)
        if result.events == 0:
            message = f"het auditspoor is leeg, maar {a.source} verankert volgnummer {a.seq}: alle gebeurtenissen zijn verwijderd"
        else:
            message = (f"het spoor eindigt bij volgnummer {result.events}, maar {a.source} verankert volgnummer "
                       f"{a.seq}: gebeurtenissen aan het eind zijn verwijderd")
        result.problem = Problem(message, None, result.events + 1)
    elif result.events and not anchors:
        result.problem = Problem(
            f"het spoor heeft {result.events} gebeurtenissen, maar geen enkel anker ({path} ontbreekt of is leeg): "
            "het ankerbestand is verwijderd of geleegd"
        )
    else:
        highest = max((a.seq for a in anchors), default=0)
        result.unanchored = result.events - highest
    return result


def verify_chain(session: Session) -> int:
    """Check the trail and its anchors; raise AuditTampered at the first problem.
    Returns the number of events."""
    result = check(session)
    if result.problem is not None:
        raise AuditTampered(result.problem.message, result.problem.event_id, result.problem.seq)
    return result.events


# --- append-only, below the application ------------------------------------------------


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target):  # noqa: ARG001
    raise AuditTampered("audit events are append-only")


APPEND_ONLY_MESSAGE = "auditevent is append-only"

_TRIGGERS = {
    "sqlite": (
        [
            f"CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
            f"CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        ],
        ["DROP TRIGGER IF EXISTS auditevent_no_update", "DROP TRIGGER IF EXISTS auditevent_no_delete"],
    ),
    "postgresql": (
        [
            "CREATE OR REPLACE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION USING MESSAGE = '{APPEND_ONLY_MESSAGE} (' || TG_OP || ')'; END $$",
            "CREATE TRIGGER auditevent_no_update_delete BEFORE UPDATE OR DELETE ON auditevent "
            "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()",
            "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION auditevent_append_only()",
        ],
        [
            "DROP TRIGGER IF EXISTS auditevent_no_update_delete ON auditevent",
            "DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent",
            "DROP FUNCTION IF EXISTS auditevent_append_only()",
        ],
    ),
}


def create_append_only_triggers(connection) -> None:
    """Database triggers that refuse UPDATE and DELETE (and TRUNCATE) on the audit table."""
    for statement in _TRIGGERS[connection.dialect.name][0]:
        connection.exec_driver_sql(statement)


def drop_append_only_triggers(connection) -> None:
    for statement in _TRIGGERS[connection.dialect.name][1]:
        connection.exec_driver_sql(statement)
