"""The outbox, database side: every outgoing message is a row before anything is sent.

A letter, referral, consultation or reminder is first written here (``enqueue``), in the
same transaction as the change that caused it; ``flows.transports`` delivers it later.
The row is the exactly-once record: its ``idempotency_key`` is unique, so a rerun of the
code that enqueues finds the existing row instead of adding a second one.

Nothing here touches the network. Personal data stays in the encrypted columns
(``recipient``, ``body``); ``subject`` and ``last_error`` are stored in the clear, so they
carry a reference and a kind, or an error class and a fixed reason, and nothing more.
"""
import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from sqlmodel import Session, select

from models import audit
from models.bsn import is_valid_bsn
from models.enums import NotificationChannel
from models.tables.outbox import OutboxMessage

MAX_ATTEMPTS = 5
AUDIT_ACTOR = "system:outbox"
_ENVELOPE_VERSION = 1
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


class DeliveryError(Exception):
    """A transport failure whose ``reason`` is known to hold no personal data.

    Transports translate library errors (whose messages may quote an address, a URL or a
    server reply about a person) into this, with a fixed reason such as "HTTP 500".
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Content:
    """What a transport sends: the HTML body and its attachments (name, bytes, content type)."""

    html: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def pack_body(html: str, attachments: Optional[list[tuple[str, bytes, str]]] = None) -> str:
    """HTML and attachments as one JSON envelope, so they share the encrypted body column."""
    return json.dumps(
        {
            "v": _ENVELOPE_VERSION,
            "html": html,
            "attachments": [
                {"name": name, "content_type": ctype, "base64": base64.b64encode(data).decode()}
                for name, data, ctype in attachments or []
            ],
        },
        ensure_ascii=False,
    )


def content_of(msg: OutboxMessage) -> Content:
    """Unpack the body. A body that is not an envelope (written directly) is plain HTML."""
    try:
        env = json.loads(msg.body)
    except ValueError:
        return Content(html=msg.body)
    if not isinstance(env, dict) or env.get("v") != _ENVELOPE_VERSION:
        return Content(html=msg.body)
    return Content(
        html=env["html"],
        attachments=[
            (a["name"], base64.b64decode(a["base64"]), a["content_type"]) for a in env["attachments"]
        ],
    )


def _check_subject(subject: str) -> None:
    # The subject is stored in the clear and becomes an e-mail header: a cheap guard
    # against the two personal data that slip in most easily, and against header injection.
    if not subject or len(subject) > 200 or "\n" in subject or "\r" in subject:
        raise ValueError("subject must be one line of 1-200 characters")
    if "@" in subject or any(is_valid_bsn(m) for m in _NINE_DIGITS.findall(subject)):
        raise ValueError("subject may hold a reference and a kind only, no personal data")


def enqueue(
    session: Session,
    *,
    key: str,
    request_id: Optional[str],
    kind: str,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    attachments: Optional[list[tuple[str, bytes, str]]] = None,
) -> OutboxMessage:
    """Record one outgoing message, once. Runs in the caller's transaction (flushes, no commit).

    ``key`` identifies the message for good (e.g. ``f"{request_id}:ack"``): if a row with
    this key exists it is returned unchanged, whatever the other arguments say now, so a
    rerun never adds a second message. ``subject`` is stored unencrypted and travels as a
    mail header: pass the request's reference and the kind of message only (for example
    "ZVHRR-2026-0001 ontvangstbevestiging"), never a name, BSN or address. ``recipient`` is
    an e-mail address, a webhook URL or a partner slug; ``body`` is HTML. Attachments are
    (file name, bytes, content type), stored with the body in its encrypted column.

    Two processes enqueueing the same key at the same moment: the unique constraint lets
    one commit and makes the other fail; its rerun then finds the row.
    """
    existing = session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()
    if existing is not None:
        return existing
    if not key or len(key) > 200:
        raise ValueError("idempotency key must be 1-200 characters")
    if len(kind) > 48:
        raise ValueError("kind is at most 48 characters")
    _check_subject(subject)
    msg = OutboxMessage(
        idempotency_key=key,
        request_id=request_id,
        kind=kind,
        channel=NotificationChannel(channel).value,
        recipient=recipient,
        subject=subject,
        body=pack_body(body, attachments),
    )
    session.add(msg)
    session.flush()
    return msg


def pending(session: Session, limit: int) -> list[OutboxMessage]:
    """The oldest messages still to deliver (retries included), at most ``limit``."""
    stmt = select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id).limit(limit)
    return list(session.exec(stmt))


def mark_sent(session: Session, msg: OutboxMessage, at: datetime) -> None:
    """The transport accepted the message. A second call is a no-op."""
    if msg.status == "sent":
        return
    msg.attempts += 1
    msg.status = "sent"
    msg.sent_at = at
    msg.last_error = None
    session.add(msg)
    audit.record(
        session, AUDIT_ACTOR, "outbox.sent", msg.request_id,
        message_id=msg.id, kind=msg.kind, channel=msg.channel, attempts=msg.attempts,
    )
    if msg.request_id:  # the disclosure itself, in the processing log (LDV), with the same commit
        from models import processing

        processing.record(session, AUDIT_ACTOR, processing.as_code("verstrekken", msg.kind, msg.channel),
                          processing.DISCLOSE, request_id=msg.request_id)


def error_text(error: BaseException | str) -> str:
    """A storable description of a failure: the class name plus a reason known to be safe.

    Only ``DeliveryError`` reasons are kept; any other exception's message may quote an
    address or a server's reply and is dropped (an OSError keeps its errno, a number).
    """
    if isinstance(error, str):
        return error[:400]
    name = type(error).__name__
    if isinstance(error, DeliveryError):
        return f"{name}: {error.reason}"[:400]
    if isinstance(error, OSError) and error.errno is not None:
        return f"{name}: errno {error.errno}"
    return name


def mark_failed(session: Session, msg: OutboxMessage, error: BaseException | str) -> None:
    """One failed attempt: stays "pending" for a retry until MAX_ATTEMPTS, then "failed".

    A str ``error`` is stored as given: pass a fixed reason, never a message text.
    """
    if msg.status != "pending":
        return
    msg.attempts += 1
    msg.last_error = error_text(error)
    if msg.request_id:  # the body was opened for the attempt: a processing, that failed (LDV)
        from models import processing

        processing.record(session, AUDIT_ACTOR, processing.as_code("verstrekken", msg.kind, msg.channel),
                          processing.DISCLOSE, request_id=msg.request_id, ok=False)
    if msg.attempts >= MAX_ATTEMPTS:
        msg.status = "failed"
        audit.record(
            session, AUDIT_ACTOR, "outbox.failed", msg.request_id,
            message_id=msg.id, kind=msg.kind, channel=msg.channel, attempts=msg.attempts,
        )
    session.add(msg)
