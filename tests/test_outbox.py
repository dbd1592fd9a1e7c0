"""The outbox: one row per message, delivered once by file, SMTP or webhook, nothing personal to Prefect.

The SMTP and webhook tests talk to real servers on 127.0.0.1 (threads in this process).
"""
import json
import logging
import socketserver
import threading
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session, select

from flows.transports import deliver_pending, file_paths
from models import outbox
from models.crypto import lookup_hash
from models.settings import reset_settings
from models.tables import AuditEvent, DataSubject, OutboxMessage, Region, Request

NOW = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
PDF = b"%PDF-1.4 brief\n%%EOF\n"
RECIPIENT = "j.jansen@example.org"
BODY = "<p>Geachte heer Jansen, wij hebben uw verzoek ontvangen.</p>"


@pytest.fixture
def outbox_dir(tmp_path, monkeypatch):
    """A fresh outbox directory and no SMTP/webhook configuration, per test."""
    target = tmp_path / "outbox"
    monkeypatch.setenv("RECHTENLOKET_OUTBOX_DIR", str(target))
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_USER", "MAIL_FROM", "WEBHOOK_ALLOW_HTTP"):
        monkeypatch.delenv(f"RECHTENLOKET_{name}", raising=False)
    reset_settings()
    yield target
    reset_settings()  # the next get_settings() reads the environment monkeypatch restores


@pytest.fixture
def sessions(engine):
    return lambda: Session(engine, expire_on_commit=False)


def _request(db) -> str:
    db.add(Region(id="testregio", name="Testregio", config_hash="0" * 64))
    subject = DataSubject(
        bsn="111222333", bsn_hash=lookup_hash("111222333"), name="Jan Jansen",
        name_hash=lookup_hash("Jan Jansen"), birth_date="1980-02-29", address="Dorpsstraat 1",
    )
    db.add(subject)
    db.flush()
    req = Request(
        reference="TST-2026-0001", region_id="testregio", subject_id=subject.id,
        subject_name=subject.name, subject_name_hash=subject.name_hash,
        first_received_on=date(2026, 1, 5), channel="brief",
    )
    db.add(req)
    db.flush()
    return req.id


def _enqueue(db, key="k-1", channel="file", recipient=RECIPIENT, request_id=None, **kw) -> OutboxMessage:
    msg = outbox.enqueue(
        db, key=key, request_id=request_id, kind=kw.pop("kind", "letter"), channel=channel,
        recipient=recipient, subject="TST-2026-0001 ontvangstbevestiging", body=BODY, **kw,
    )
    db.commit()
    return msg


def _reload(engine, msg_id) -> OutboxMessage:
    with Session(engine) as s:
        return s.get(OutboxMessage, msg_id)


# --- the record ------------------------------------------------------------------------

def test_enqueue_twice_with_same_key_gives_one_row(db):
    first = _enqueue(db)
    again = outbox.enqueue(
        db, key="k-1", request_id=None, kind="reminder", channel="email",
        recipient="other@example.org", subject="X", body="<p>anders</p>",
    )
    db.commit()
    assert again.id == first.id
    rows = db.exec(select(OutboxMessage)).all()
    assert len(rows) == 1
    assert (rows[0].kind, rows[0].channel, rows[0].recipient) == ("letter", "file", RECIPIENT)
    assert outbox.content_of(rows[0]).html == BODY


@pytest.mark.parametrize("subject", ["Brief aan j.jansen@example.org", "BSN 111222333", "a\nBcc: x"])
def test_subject_with_personal_data_is_refused(db, subject):
    with pytest.raises(ValueError):
        outbox.enqueue(db, key="k", request_id=None, kind="letter", channel="file",
                       recipient=RECIPIENT, subject=subject, body=BODY)


def test_failures_retry_then_give_up_without_personal_data_in_last_error(db):
    msg = _enqueue(db)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        outbox.mark_failed(db, msg, RuntimeError(f"550 mailbox {RECIPIENT} unknown"))
        assert msg.attempts == attempt
        assert msg.status == ("failed" if attempt == outbox.MAX_ATTEMPTS else "pending")
    db.commit()
    assert msg.last_error == "RuntimeError"
    assert outbox.pending(db, 10) == []
    events = db.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == ["outbox.failed"]
    assert RECIPIENT not in json.dumps(events[0].detail)


# --- file transport --------------------------------------------------------------------

def test_file_transport_writes_a_readable_eml_and_html(db, sessions, outbox_dir, monkeypatch):
    monkeypatch.setenv("RECHTENLOKET_MAIL_FROM", "zvh@example.nl")
    request_id = _request(db)
    msg = _enqueue(db, request_id=request_id, attachments=[("brief.pdf", PDF, "application/pdf")])

    assert deliver_pending(sessions, NOW) == {"sent": 1, "failed": 0, "gave_up": 0, "pending": 0}

    eml_path, html_path = file_paths(msg)
    assert eml_path == outbox_dir / request_id / f"{msg.id:05d}-letter.eml"
    parsed = BytesParser(policy=policy.default).parsebytes(eml_path.read_bytes())
    assert parsed["From"] == "zvh@example.nl"
    assert parsed["To"] == RECIPIENT
    assert parsed["Subject"] == "TST-2026-0001 ontvangstbevestiging"
    assert parsed["Message-ID"].endswith("@example.nl>")
    assert parsed.get_body(("html",)).get_content().strip() == BODY
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "brief.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    assert html_path.read_text(encoding="utf-8") == BODY
    assert eml_path.stat().st_mode & 0o077 == 0  # readable by the service account only


def test_delivery_twice_sends_once(db, engine, sessions, outbox_dir):
    msg = _enqueue(db)
    assert deliver_pending(sessions, NOW)["sent"] == 1
    files = sorted(outbox_dir.rglob("*"))
    assert [p.name for p in files] == ["general", f"{msg.id:05d}-letter.eml", f"{msg.id:05d}-letter.html"]
    assert deliver_pending(sessions, NOW) == {"sent": 0, "failed": 0, "gave_up": 0, "pending": 0}
    assert sorted(outbox_dir.rglob("*")) == files
    row = _reload(engine, msg.id)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.sent_at.replace(tzinfo=row.sent_at.tzinfo or UTC) == NOW


def test_crash_after_writing_before_marking_does_not_write_again(db, engine, sessions, outbox_dir):
    msg = _enqueue(db)
    deliver_pending(sessions, NOW)
    eml_path, _ = file_paths(msg)
    before = (eml_path.read_bytes(), eml_path.stat().st_mtime_ns)
    with Session(engine) as s:  # as if the process died before mark_sent committed
        row = s.get(OutboxMessage, msg.id)
        row.status, row.sent_at = "pending", None
        s.add(row)
        s.commit()
    assert deliver_pending(sessions, NOW)["sent"] == 1
    assert (eml_path.read_bytes(), eml_path.stat().st_mtime_ns) == before
    assert _reload(engine, msg.id).status == "sent"


def test_unconfigured_channels_fall_back_to_files(db, engine, sessions, outbox_dir):
    email = _enqueue(db, key="e", channel="email")  # no RECHTENLOKET_SMTP_HOST
    hook = _enqueue(db, key="w", channel="webhook", recipient="politie-eenheid-x")  # a slug, no URL
    portal = _enqueue(db, key="p", channel="portal")
    assert deliver_pending(sessions, NOW)["sent"] == 3
    for m in (email, hook, portal):
        assert file_paths(m)[0].exists()


def test_logs_and_counts_carry_no_personal_data(db, sessions, outbox_dir, caplog):
    _enqueue(db, key="ok")
    _enqueue(db, key="bad", channel="webhook", recipient="http://127.0.0.1:9/jansen")  # nothing listens
    with caplog.at_level(logging.DEBUG, logger="flows"):
        counts = deliver_pending(sessions, NOW)
    assert counts == {"sent": 1, "failed": 1, "gave_up": 0, "pending": 1}
    text = caplog.text + json.dumps(counts)
    for personal in (RECIPIENT, "Jansen", "jansen", "127.0.0.1"):
        assert personal not in text


# --- webhook against a real HTTP server -----------------------------------------------

class _Hook:
    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, dict]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append((dict(self.headers), json.loads(data)))
                self.send_response(hook.statuses.pop(0))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/inbox"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    servers = []

    def start(*statuses):
        servers.append(_Hook(statuses))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def test_webhook_retries_after_500_and_sends_key(db, engine, sessions, outbox_dir, webhook):
    hook = webhook(500, 200)
    msg = _enqueue(db, key="req-1:consultation:3", channel="webhook", recipient=hook.url,
                   kind="consultation", attachments=[("lijst.pdf", PDF, "application/pdf")])

    assert deliver_pending(sessions, NOW) == {"sent": 0, "failed": 1, "gave_up": 0, "pending": 1}
    row = _reload(engine, msg.id)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "DeliveryError: HTTP 500")

    assert deliver_pending(sessions, NOW)["sent"] == 1
    assert _reload(engine, msg.id).status == "sent"
    assert len(hook.received) == 2
    for headers, payload in hook.received:
        assert headers["Idempotency-Key"] == "req-1:consultation:3"
        assert payload["idempotency_key"] == "req-1:consultation:3"
        assert payload["kind"] == "consultation"
        assert payload["body_html"] == BODY
        assert payload["attachments"][0]["name"] == "lijst.pdf"
    assert not list(outbox_dir.rglob("*.eml"))  # delivered by webhook, not as a file


def test_webhook_409_means_already_received(db, engine, sessions, outbox_dir, webhook):
    hook = webhook(409)
    msg = _enqueue(db, channel="webhook", recipient=hook.url)
    assert deliver_pending(sessions, NOW)["sent"] == 1
    assert _reload(engine, msg.id).status == "sent"


def test_webhook_over_plain_http_to_another_host_is_refused(db, engine, sessions, outbox_dir):
    msg = _enqueue(db, channel="webhook", recipient="http://partner.example.org/inbox")
    deliver_pending(sessions, NOW)
    assert _reload(engine, msg.id).last_error == "DeliveryError: webhook refused: not https"


# --- SMTP against a real (tiny) SMTP server -------------------------------------------

class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append(b"".join(data))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb in ("EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_server(monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("RECHTENLOKET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RECHTENLOKET_SMTP_PORT", str(server.server_address[1]))
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_resend_after_crash_keeps_the_message_id(db, engine, sessions, outbox_dir, smtp_server):
    msg = _enqueue(db, channel="email", attachments=[("brief.pdf", PDF, "application/pdf")])
    assert deliver_pending(sessions, NOW)["sent"] == 1
    with Session(engine) as s:  # as if the process died between the send and mark_sent
        row = s.get(OutboxMessage, msg.id)
        row.status = "pending"
        s.add(row)
        s.commit()
    assert deliver_pending(sessions, NOW)["sent"] == 1

    first, second = (BytesParser(policy=policy.default).parsebytes(m) for m in smtp_server.messages)
    assert first["Message-ID"] == second["Message-ID"]
    assert "k-1" not in first["Message-ID"]  # derived from the key, not the key itself
    assert first["To"] == RECIPIENT
    assert first.get_body(("html",)).get_content().strip() == BODY
    assert [a.get_content() for a in first.iter_attachments()] == [PDF]
    assert not list(outbox_dir.rglob("*.eml"))


def test_smtp_down_is_a_retry(db, engine, sessions, outbox_dir, monkeypatch):
    monkeypatch.setenv("RECHTENLOKET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RECHTENLOKET_SMTP_PORT", "9")  # discard port: nothing listens
    msg = _enqueue(db, channel="email")
    assert deliver_pending(sessions, NOW)["failed"] == 1
    row = _reload(engine, msg.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("DeliveryError: SMTP connection")


# --- the Prefect flow ------------------------------------------------------------------

def test_flow_delivers_and_tells_prefect_nothing_personal(db, engine, outbox_dir, prefect_harness):
    from prefect.client.orchestration import get_client

    from flows.deliver import deliver_outbox

    msg = _enqueue(db, attachments=[("brief.pdf", PDF, "application/pdf")])
    state = deliver_outbox(as_of="2026-02-02T10:00:00+00:00", return_state=True)
    counts = state.result()
    assert counts == {"sent": 1, "failed": 0, "gave_up": 0, "pending": 0}
    assert _reload(engine, msg.id).status == "sent"
    assert file_paths(msg)[0].exists()

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.parameters == {"as_of": "2026-02-02T10:00:00+00:00", "limit": 100} or \
        run.parameters == {"as_of": "2026-02-02T10:00:00+00:00"}
    seen = json.dumps(run.parameters) + json.dumps(counts) + run.name
    for personal in (RECIPIENT, "Jansen", "ontvangstbevestiging"):
        assert personal not in seen
