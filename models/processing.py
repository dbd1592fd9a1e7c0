"""The processing log: every read and change of a betrokkene's personal data, in the form of
Logius' standard "Logboek dataverwerkingen" (LDV; docs/security.md cites the version).

One call records one processing of one or more betrokkenen::

    processing.record(session, principal, "inzien:verzoek", VIEW, request_id=request.id)

It writes one row per betrokkene (the standard asks one log line per data subject) in the
caller's transaction, so a change and its log line are committed together, or neither.
Web pages call it through ``web.audit.record_view``; the actions through
``models.actions.common.finish``; letters through ``models.letters.compose.issue``.

The trace and span ids, the parent-child relation of the actions within one processing and
the times come from the OpenTelemetry SDK: ``trace(name)`` opens a Dataverwerking (a
command, a flow run, a web request), ``record`` adds an action span to it (or starts its
own trace). The spans are exported to our own table ``processinglog`` by an exporter in
this module, never to a network collector, and never sampled away. The betrokkene appears
as a pseudonym only: the random ``row_uid`` of the subject's row, which means nothing
outside our database and survives key rotations. Rows are append-only (database
triggers) and chained with an HMAC under the audit key, like the audit trail (``check``).
"""
import contextvars
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Optional, Sequence, Union

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import ALWAYS_ON
from opentelemetry.trace import Status, StatusCode, format_span_id, format_trace_id
from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from models import keys
from models.audit import AUDIT_LOCK
from models.principal import Principal
from models.tables import DataSubject, ProcessingLogEntry, Request

STANDARD = "Logboek dataverwerkingen (Logius), component Logboek"
GENESIS = "0" * 64
SUBJECT_ID_TYPE = "rechtenloket-betrokkene-pseudoniem"  # dpl.core.data_subject_id_type
ACTIVITY_PREFIX = "urn:rechtenloket:verwerkingsactiviteit:"
# The PostgreSQL advisory lock that orders the chain's writers is the audit trail's own:
# one transaction often appends to both chains, and two locks taken in either order by
# parallel tasks (the sweep's fan-out) deadlock. Re-entrant within a transaction.
LOG_LOCK = AUDIT_LOCK

# The processing activities (AVG art. 30 register): map each URN to the ZVH's own register.
ACTIVITIES = {
    "verzoek-behandelen": "Een verzoek van een betrokkene behandelen: vastleggen wat er gebeurt (AVG art. 12-22)",
    "verzoek-inzien": "Een verzoek of de gegevens van een betrokkene bekijken om het verzoek te behandelen",
    "brief-opstellen": "Een brief met persoonsgegevens opstellen (ontvangstbevestiging, besluit, doorverwijzing)",
    "bewaartermijn": "Een afgesloten dossier verwijderen na afloop van de bewaartermijn",
    "verwerkingen-inzien": "Het verwerkingenlogboek van een betrokkene opvragen (wie heeft mijn gegevens bekeken)",
    "verstrekken": "Een bericht met persoonsgegevens versturen aan de betrokkene, een partner of een loket",
    "automatische-stap": "Een automatische stap van het systeem leest de gegevens van een betrokkene om het "
                         "verzoek verder te brengen (ontvangst, doorverwijzing, raadpleging, herinnering)",
}
CHANGE, VIEW, LETTER, RETENTION, LOG_EXPORT, DISCLOSE, STEP = ACTIVITIES
# Tables with encrypted values that are not a betrokkene's personal data.
NOT_PERSONAL = frozenset({"keyring"})

# The attribute names of the standard, and ours in their own namespace.
A_ACTIVITY = "dpl.core.processing_activity_id"
A_SUBJECT = "dpl.core.data_subject_id"
A_SUBJECT_TYPE = "dpl.core.data_subject_id_type"
A_PRINCIPAL = "dpl.rechtenloket.principal"
A_REQUEST = "dpl.rechtenloket.request_id"

Who = Union[Principal, str]


class ProcessingLogError(RuntimeError):
    """A processing could not be logged: the processing itself must not go ahead."""


def activity_id(code: str) -> str:
    if code not in ACTIVITIES:
        raise ValueError(f"unknown processing activity {code!r}")
    return ACTIVITY_PREFIX + code


# --- OpenTelemetry: our own provider, exporting to our own table ------------------------

_session: contextvars.ContextVar[Optional[Session]] = contextvars.ContextVar("processing_session", default=None)
_written: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("processing_written", default=None)
_failed: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("processing_failed", default=None)


class LogboekExporter(SpanExporter):
    """Writes every span that names a betrokkene as a row of ``processinglog``, in the
    session of the ``record`` call that made it (the same transaction as the processing).
    Spans without a betrokkene (a whole command, a flow run) are the traces' roots only."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        for span in spans:
            attributes = dict(span.attributes or {})
            if A_SUBJECT not in attributes:
                continue
            session, written, failed = _session.get(), _written.get(), _failed.get()
            if session is None or written is None:
                return SpanExportResult.FAILURE
            try:
                written.append(_append(session, span, attributes))
            except Exception as exc:  # noqa: BLE001 - handed to ``record``, which raises it
                # The SDK swallows an exporter's exception (it logs it): keep it, so that
                # ``record`` raises the real cause (a database error the step's retry knows).
                if failed is not None:
                    failed.append(exc)
                return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None


@lru_cache
def _tracer():
    # Not the global provider: nothing else in the process (Prefect's own telemetry, if
    # configured) gets these spans, and ours go nowhere but our table. No sampling (LDV).
    provider = TracerProvider(resource=Resource.create({"service.name": "rechtenloket"}), sampler=ALWAYS_ON)
    provider.add_span_processor(SimpleSpanProcessor(LogboekExporter()))
    return provider.get_tracer("rechtenloket.processing")


@contextmanager
def trace(name: str) -> Iterator[None]:
    """One Dataverwerking (a command, a flow run, a web request): every ``record`` inside it
    shares its ``trace_id`` and names it as ``parent_span_id``."""
    with _tracer().start_as_current_span(name):
        yield


# --- recording --------------------------------------------------------------------------


def _actor(principal: Who) -> str:
    return principal.actor if isinstance(principal, Principal) else str(principal)


def subject_pseudonyms(session: Session, request_id: Optional[str] = None,
                       subject_ids: Iterable[int] = ()) -> list[str]:
    """The pseudonyms (subject ``row_uid``) of a request's betrokkene and of the subjects named."""
    ids = set(subject_ids)
    if request_id is not None:
        sid = session.exec(select(Request.subject_id).where(Request.id == request_id)).first()
        if sid is not None:
            ids.add(sid)
    if not ids:
        return []
    return sorted(session.exec(select(DataSubject.row_uid).where(DataSubject.id.in_(ids))).all())


def record(session: Session, principal: Who, name: str, activity: str, *, request_id: Optional[str] = None,
           subject_ids: Iterable[int] = (), ok: bool = True) -> list[ProcessingLogEntry]:
    """Log one processing (``name``: what was done, e.g. "inzien:verzoek"; ``activity``: one
    of ``ACTIVITIES``) of the betrokkene of ``request_id`` and of ``subject_ids``, by
    ``principal``, in the caller's transaction (one row per betrokkene; the caller commits).
    ``name`` is a code: ids, never a name or BSN. Returns the rows written."""
    if not _is_code(name):
        raise ValueError("processing name must be a code")
    pseudonyms = subject_pseudonyms(session, request_id, subject_ids)
    if not pseudonyms:
        return []
    written: list = []
    failed: list = []
    session_token, written_token = _session.set(session), _written.set(written)
    failed_token = _failed.set(failed)
    try:
        tracer = _tracer()
        with tracer.start_as_current_span(name) as parent:
            for pseudonym in pseudonyms:  # LDV: one action (span) per betrokkene
                attributes = {A_ACTIVITY: activity_id(activity), A_SUBJECT: pseudonym,
                              A_SUBJECT_TYPE: SUBJECT_ID_TYPE, A_PRINCIPAL: _actor(principal)}
                if request_id:
                    attributes[A_REQUEST] = request_id
                span = tracer.start_span(name, attributes=attributes)
                span.set_status(Status(StatusCode.OK if ok else StatusCode.ERROR))
                span.end()
            parent.set_status(Status(StatusCode.OK if ok else StatusCode.ERROR))
    finally:
        _session.reset(session_token)
        _written.reset(written_token)
        _failed.reset(failed_token)
    if failed:
        raise failed[0]
    if len(written) != len(pseudonyms):
        raise ProcessingLogError("de verwerking kon niet in het verwerkingenlogboek worden vastgelegd")
    return written


def record_reads(session: Session, principal: Who, name: str, request_id: str, *, ok: bool = True,
                 activity: str = STEP) -> list[ProcessingLogEntry]:
    """Log what an automatic step read, if it read anything: one line (per betrokkene of
    ``request_id``) when ``session`` has opened a betrokkene's encrypted values
    (models.sealing ``opened_tables``), none when it opened nothing (a rerun that found its
    work done in a sealed read, a reminder check with nothing due). In the step's
    transaction: a step that is rolled back leaves no line, its rerun writes its own."""
    from models.sealing import opened_tables

    if not opened_tables(session) - NOT_PERSONAL:
        return []
    return record(session, principal, name, activity, request_id=request_id, ok=ok)


def as_code(*parts: str) -> str:
    """A processing name from codes (a page, an action, a letter kind): lower case, the
    characters of a code only, e.g. ``as_code("inzien", "api.task")`` -> "inzien:api.task"."""
    import re

    return ":".join(re.sub(r"[^a-z0-9_.-]", "-", part.lower()) for part in parts)[:120]


def _is_code(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"[a-z][a-z0-9_.:-]{0,119}", value)) and not re.search(r"\d{8,9}", value)


def _time(nanoseconds: int) -> datetime:
    return datetime.fromtimestamp(nanoseconds / 1e9, tz=UTC)


_STATUS = {StatusCode.UNSET: 0, StatusCode.OK: 1, StatusCode.ERROR: 2}


def _append(session: Session, span: ReadableSpan, attributes: dict) -> ProcessingLogEntry:
    _serialise_writers(session)
    keys.ensure_verified(session.connection())
    key = keys.current()
    last = session.exec(select(ProcessingLogEntry).order_by(ProcessingLogEntry.seq.desc()).limit(1)).first()
    context = span.get_span_context()
    row = ProcessingLogEntry(
        seq=last.seq + 1 if last else 1,
        trace_id=format_trace_id(context.trace_id),
        span_id=format_span_id(context.span_id),
        parent_span_id=format_span_id(span.parent.span_id) if span.parent else None,
        name=span.name,
        status_code=_STATUS[span.status.status_code],
        start_time=_time(span.start_time),
        end_time=_time(span.end_time),
        processing_activity_id=attributes[A_ACTIVITY],
        data_subject_id=attributes[A_SUBJECT],
        data_subject_id_type=attributes[A_SUBJECT_TYPE],
        principal=attributes[A_PRINCIPAL],
        request_id=attributes.get(A_REQUEST),
        key_id=key.key_id,
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    row.hash = mac(key, row)
    session.add(row)
    session.flush()
    session.info[WRITTEN] = session.info.get(WRITTEN, 0) + 1
    return row


WRITTEN = "rechtenloket.processing_lines"  # session.info: lines this transaction wrote


def lines_written(session: Session) -> int:
    """How many processing-log lines the session's current transaction has written."""
    return session.info.get(WRITTEN, 0)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_written(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITTEN, None)


def _serialise_writers(session: Session) -> None:
    """Writers of the chain take turns before they read its last row, so two parallel
    transactions never both take the next ``seq``. PostgreSQL: the audit trail's advisory
    lock (one transaction often appends to both). SQLite: the database's one write lock,
    taken now by a statement that changes nothing (Python's sqlite3 begins the transaction
    at the first write, so without this the last row is read outside it and a writer that
    commits in between makes the insert collide); it waits up to the busy timeout."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=LOG_LOCK))
    elif dialect == "sqlite":
        session.exec(text("UPDATE processinglog SET seq = seq WHERE 0"))


def mac(key, row: ProcessingLogEntry) -> str:
    """The row's HMAC-SHA256 with ``key``'s audit key (``key``: a MasterKey or the
    AuditOnlyKey of a retired key), domain-separated from the audit trail's."""
    payload = json.dumps(["processinglog", 1, row.seq, key.key_id, row.prev_hash, row.trace_id, row.span_id,
                          row.parent_span_id, row.name, row.status_code, _iso(row.start_time), _iso(row.end_time),
                          row.processing_activity_id, row.data_subject_id, row.data_subject_id_type, row.principal,
                          row.request_id], separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key.audit_key, payload.encode(), hashlib.sha256).hexdigest()


def _iso(moment: datetime) -> str:
    """The same text whether the database hands the time back with or without its zone."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# --- checking and exporting -------------------------------------------------------------


@dataclass
class LogCheck:
    entries: int = 0
    problem: Optional[str] = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def check(session: Session) -> LogCheck:
    """Walk the whole chain; the first problem (a changed, removed or moved row) is named."""
    from models.audit import verification_keys

    known = verification_keys(session)
    result, expected, prev = LogCheck(), 1, GENESIS
    for row in session.exec(select(ProcessingLogEntry).order_by(ProcessingLogEntry.seq)
                            .execution_options(yield_per=1000)):
        where = f"regel {row.id} (volgnummer {row.seq}) van het verwerkingenlogboek"
        key = known.get(row.key_id)
        if row.seq != expected:
            result.problem = f"{where}: verwacht volgnummer {expected}; regels zijn verwijderd of verplaatst"
        elif row.prev_hash != prev:
            result.problem = f"{where} verwijst niet naar de vorige regel: de keten is onderbroken"
        elif key is None:
            result.problem = f"{where} is ondertekend met sleutel-id {row.key_id}, die deze installatie niet kent"
        elif not hmac.compare_digest(row.hash, mac(key, row)):
            result.problem = f"{where} klopt niet met zijn HMAC: de regel is gewijzigd"
        if result.problem:
            return result
        expected, prev = row.seq + 1, row.hash
        result.entries += 1
    return result


_STATUS_NAMES = {0: "STATUS_CODE_UNSET", 1: "STATUS_CODE_OK", 2: "STATUS_CODE_ERROR"}


def as_ldv(row: ProcessingLogEntry) -> dict:
    """One row in the field names of the standard (times in milliseconds since 1970, UTC)."""
    def ms(moment: datetime) -> int:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)

    attributes = {A_ACTIVITY: row.processing_activity_id, A_SUBJECT: row.data_subject_id,
                  A_SUBJECT_TYPE: row.data_subject_id_type, A_PRINCIPAL: row.principal}
    if row.request_id:
        attributes[A_REQUEST] = row.request_id
    return {"trace_id": row.trace_id, "span_id": row.span_id, "parent_span_id": row.parent_span_id,
            "name": row.name, "status_code": _STATUS_NAMES[row.status_code], "start_time": ms(row.start_time),
            "end_time": ms(row.end_time), "resource": {"attributes": {"service.name": "rechtenloket"}},
            "attributes": attributes}


def find_subject(session: Session, bsn: str) -> Optional[DataSubject]:
    """The subject with this BSN (under every configured key's hash), or None."""
    from models.bsn import normalize_bsn
    from models.crypto import lookup_hashes

    return session.exec(select(DataSubject).where(DataSubject.bsn_hash.in_(lookup_hashes(normalize_bsn(bsn))))).first()


def entries_for(session: Session, pseudonym: str) -> list[ProcessingLogEntry]:
    return list(session.exec(select(ProcessingLogEntry).where(ProcessingLogEntry.data_subject_id == pseudonym)
                             .order_by(ProcessingLogEntry.seq)))


# --- append-only, below the application -------------------------------------------------

APPEND_ONLY_MESSAGE = "processinglog is append-only"
_TRIGGERS = {
    "sqlite": (
        [f"CREATE TRIGGER processinglog_no_update BEFORE UPDATE ON processinglog "
         f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
         f"CREATE TRIGGER processinglog_no_delete BEFORE DELETE ON processinglog "
         f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"],
        ["DROP TRIGGER IF EXISTS processinglog_no_update", "DROP TRIGGER IF EXISTS processinglog_no_delete"],
    ),
    "postgresql": (
        ["CREATE OR REPLACE FUNCTION processinglog_append_only() RETURNS trigger LANGUAGE plpgsql AS "
         f"$$ BEGIN RAISE EXCEPTION USING MESSAGE = '{APPEND_ONLY_MESSAGE} (' || TG_OP || ')'; END $$",
         "CREATE TRIGGER processinglog_no_update_delete BEFORE UPDATE OR DELETE ON processinglog "
         "FOR EACH ROW EXECUTE FUNCTION processinglog_append_only()",
         "CREATE TRIGGER processinglog_no_truncate BEFORE TRUNCATE ON processinglog "
         "FOR EACH STATEMENT EXECUTE FUNCTION processinglog_append_only()"],
        ["DROP TRIGGER IF EXISTS processinglog_no_update_delete ON processinglog",
         "DROP TRIGGER IF EXISTS processinglog_no_truncate ON processinglog",
         "DROP FUNCTION IF EXISTS processinglog_append_only()"],
    ),
}


def create_append_only_triggers(connection) -> None:
    for statement in _TRIGGERS[connection.dialect.name][0]:
        connection.exec_driver_sql(statement)


def drop_append_only_triggers(connection) -> None:
    for statement in _TRIGGERS[connection.dialect.name][1]:
        connection.exec_driver_sql(statement)
