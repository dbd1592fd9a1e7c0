"""Delivering outbox rows: files on disk by default, SMTP or a partner webhook by configuration.

Guarantees. The outbox row is the exactly-once *record* of a message (unique idempotency
key, see models.outbox). *Delivery* is at-least-once: the table has no "sending" state, so
``deliver_pending`` sends first and marks the row sent afterwards, in one transaction per
message. A crash between the two leaves the row pending and the next run sends again. That
second send must not show up as a second message at the other end, so every transport
carries the row's identity:

* file    - the target file name is fixed by the row id; if the .eml exists the write is
            skipped, and each file is written to a temporary name and moved into place with
            os.replace, so a reader never sees half a file. Naturally idempotent.
* email   - SMTP has no idempotency, so the re-send happens, but with the same Message-ID
            header (derived from the key): mail clients and archives recognise it as the
            same message. This is the at-least-once guarantee with a stable Message-ID.
* webhook - the partner receives the key in the "Idempotency-Key" header and in the JSON;
            it answers 409 (or 2xx) for a key it has already seen, and both count as sent.

On PostgreSQL the row is locked (FOR UPDATE SKIP LOCKED) while it is being sent, so two
workers do not both pick it up; SQLite runs one worker.

Nothing personal leaves this module towards the orchestrator: the counts that
``deliver_pending`` returns and the log lines carry ids, kinds and numbers only.

Configuration is read from the environment at send time (models/settings.py has no fields
for it): RECHTENLOKET_MAIL_FROM, RECHTENLOKET_SMTP_HOST/PORT/STARTTLS/USER/PASSWORD and
RECHTENLOKET_WEBHOOK_ALLOW_HTTP. A channel whose address or server is not configured falls
back to files, so nothing is lost and the coordinator can send it by hand.
"""
import base64
import hashlib
import ipaddress
import logging
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session, func, select

from flows import crash
from models.outbox import Content, DeliveryError, content_of, error_text, mark_failed, mark_sent
from models.settings import get_settings
from models.tables.outbox import OutboxMessage

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0
SMTP_TIMEOUT = 30.0


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"RECHTENLOKET_{name}", default)


def mail_from() -> str:
    return _env("MAIL_FROM", "rechtenloket@localhost")


def message_id(key: str) -> str:
    """A Message-ID that is the same on every send of one outbox row (and hides the key)."""
    domain = mail_from().rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def build_email(msg: OutboxMessage, content: Content) -> EmailMessage:
    """The message as RFC 5322: the same bytes for the same row, whichever transport."""
    em = EmailMessage()
    em["From"] = mail_from()
    em["To"] = msg.recipient
    em["Subject"] = msg.subject
    em["Date"] = format_datetime(msg.created_at)
    em["Message-ID"] = message_id(msg.idempotency_key)
    em.set_content(content.html, subtype="html")
    for name, data, ctype in content.attachments:
        maintype, _, subtype = ctype.partition("/")
        em.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return em


# --- file -------------------------------------------------------------------------------

def _write_once(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` unless it exists; atomic via a temp file and os.replace."""
    if target.exists():
        return False
    # mkstemp creates the file 0600: the outbox holds police and justice data.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def file_paths(msg: OutboxMessage) -> tuple[Path, Path]:
    """Where the file transport puts a row: <outbox>/<request id or general>/<id>-<kind>.eml/.html."""
    folder = get_settings().effective_outbox_dir / (msg.request_id or "general")
    stem = f"{msg.id:05d}-{re.sub(r'[^a-z0-9_-]', '_', msg.kind.lower())}"
    return folder / f"{stem}.eml", folder / f"{stem}.html"


def send_file(msg: OutboxMessage, content: Content) -> None:
    eml, html = file_paths(msg)
    if eml.exists():  # written before a crash: this row is already delivered
        return
    eml.parent.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    eml.parent.mkdir(exist_ok=True, mode=0o700)
    # The .html first, the .eml last: the .eml's presence means "all written".
    _write_once(html, content.html.encode("utf-8"))
    crash.boundary("after:file:html")  # the .html is there, the .eml not yet
    _write_once(eml, bytes(build_email(msg, content)))


# --- email (SMTP) -----------------------------------------------------------------------

def send_email(msg: OutboxMessage, content: Content) -> None:
    em = build_email(msg, content)
    host, port = _env("SMTP_HOST"), int(_env("SMTP_PORT", "25"))
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT) as smtp:
            if _env("SMTP_STARTTLS") == "1":
                smtp.starttls(context=ssl.create_default_context())
            if _env("SMTP_USER"):
                smtp.login(_env("SMTP_USER"), _env("SMTP_PASSWORD"))
            smtp.send_message(em, from_addr=mail_from(), to_addrs=[msg.recipient])
    # The library's messages quote addresses and server replies: keep codes only.
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError("SMTP recipient refused") from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"SMTP {exc.smtp_code}") from exc
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP {type(exc).__name__}") from exc
    except OSError as exc:
        raise DeliveryError(f"SMTP connection {type(exc).__name__}") from exc


# --- webhook ----------------------------------------------------------------------------

def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def send_webhook(msg: OutboxMessage, content: Content) -> None:
    url = urlsplit(msg.recipient)
    # The body is personal data: plain HTTP only to this machine, unless explicitly allowed.
    if url.scheme != "https" and not _is_loopback(url.hostname or "") and _env("WEBHOOK_ALLOW_HTTP") != "1":
        raise DeliveryError("webhook refused: not https")
    payload = {
        "idempotency_key": msg.idempotency_key,
        "kind": msg.kind,
        "subject": msg.subject,
        "request_id": msg.request_id,
        "body_html": content.html,
        "attachments": [
            {"name": name, "content_type": ctype, "base64": base64.b64encode(data).decode()}
            for name, data, ctype in content.attachments
        ],
    }
    try:
        resp = httpx.post(
            msg.recipient, json=payload, headers={"Idempotency-Key": msg.idempotency_key},
            timeout=WEBHOOK_TIMEOUT,
        )
    except httpx.HTTPError as exc:  # its message names the URL: keep the class only
        raise DeliveryError(f"webhook {type(exc).__name__}") from exc
    # 409: the partner already has this key, i.e. an earlier send arrived.
    if not (resp.is_success or resp.status_code == 409):
        raise DeliveryError(f"HTTP {resp.status_code}")


# --- choosing and running ---------------------------------------------------------------

Transport = Callable[[OutboxMessage, Content], None]
TRANSPORTS: dict[str, Transport] = {"file": send_file, "email": send_email, "webhook": send_webhook}


def transport_name(msg: OutboxMessage) -> str:
    """The transport for a row: its channel, or "file" when that channel cannot be used."""
    if msg.channel == "email" and _env("SMTP_HOST") and "@" in msg.recipient:
        return "email"
    if msg.channel == "webhook" and urlsplit(msg.recipient).scheme in ("http", "https"):
        return "webhook"
    return "file"  # file, portal, or an address/server that is not configured


def _deliver_one(session: Session, msg_id: int, now: datetime) -> str:
    """Send one row and record the outcome; returns "sent", "retry", "failed" or "skipped"."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.id == msg_id, OutboxMessage.status == "pending")
        .with_for_update(skip_locked=True)
    )
    msg = session.exec(stmt).first()
    if msg is None:  # done meanwhile, or another worker holds it
        return "skipped"
    try:
        TRANSPORTS[transport_name(msg)](msg, content_of(msg))
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
        mark_failed(session, msg, exc)
        log.warning("outbox message %s: attempt %s failed (%s)", msg.id, msg.attempts, error_text(exc))
        return "failed" if msg.status == "failed" else "retry"
    crash.boundary("after:transport")  # sent but not yet recorded: the crash test's worst case
    mark_sent(session, msg, now)
    return "sent"


def deliver_pending(session_factory: Callable[[], Session], now: datetime, limit: int = 100) -> dict:
    """Deliver up to ``limit`` pending rows, each in its own transaction.

    Returns counts only: ``sent`` this run, ``failed`` attempts this run (``gave_up`` of
    them reached MAX_ATTEMPTS and are now "failed"), ``pending`` rows left for a later run.
    """
    with session_factory() as session:
        stmt = select(OutboxMessage.id).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id)
        ids = list(session.exec(stmt.limit(limit)))
    counts = {"sent": 0, "failed": 0, "gave_up": 0, "pending": 0}
    for msg_id in ids:
        with session_factory() as session:
            outcome = _deliver_one(session, msg_id, now)
            session.commit()
        if outcome == "sent":
            counts["sent"] += 1
        elif outcome in ("retry", "failed"):
            counts["failed"] += 1
            counts["gave_up"] += outcome == "failed"
    with session_factory() as session:
        counts["pending"] = session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        ).one()
    log.info("outbox: %(sent)s sent, %(failed)s failed attempts, %(pending)s pending", counts)
    return counts
