"""Helpers for the flow tests: a comparable picture of everything a run left behind."""
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from models.settings import get_settings
from models.tables import AuditEvent, Letter, OutboxMessage, Request
from models.views import request_view

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _masked_hash(html: str) -> str:
    return hashlib.sha256(re.sub(r"/taak/[0-9a-f]{64}", "/taak/<token>", html).encode()).hexdigest()


def state(engine, request_id: str, now) -> dict:
    """Request view, letters, outbox and audit trail, without ids and timestamps."""
    with Session(engine) as s:
        view = request_view(s, s.get(Request, request_id), now).model_dump(mode="json")
        for letter in view["letters"]:
            letter.pop("id")
        view.pop("id")
        outbox = sorted(
            (m.idempotency_key.split(":", 1)[1], m.kind, m.channel, m.status, m.attempts)
            for m in s.exec(select(OutboxMessage).where(OutboxMessage.request_id == request_id))
        )
        rows = s.exec(select(Letter).where(Letter.request_id == request_id)).all()
        # A consultation letter's task link is random per world (models/task_links.py): two
        # worlds are compared with the token masked, so every other byte of a letter counts.
        masked = {x.content_hash: _masked_hash(x.html) for x in rows if x.content_hash}
        for letter in view["letters"]:
            letter["sha256"] = masked.get(letter.get("sha256"), letter.get("sha256"))
        letters = sorted((x.key.split(":", 1)[1], x.kind, x.status, masked.get(x.content_hash)) for x in rows)
        audit = sorted(
            (e.actor, e.action, repr(sorted((k, str(masked.get(v, v)) if k == "sha256" else str(v))
                                            for k, v in e.detail.items() if k not in ("letter_id", "message_id", "id"))))
            for e in s.exec(select(AuditEvent).where(AuditEvent.request_id == request_id))
        )
    outbox_dir = get_settings().effective_outbox_dir / request_id
    files = sorted(p.suffix for p in outbox_dir.iterdir()) if outbox_dir.exists() else []
    return {"view": view, "outbox": outbox, "letters": letters, "audit": audit, "files": files}


def state_diff(got: dict, expected: dict) -> dict:
    """What differs between two ``state`` pictures, per part: what is extra, what is missing
    (for the message of a failed comparison; the whole pictures are too long to read)."""
    def missing(a, b):
        return [x for x in a if x not in b] if isinstance(a, list) else a

    out = {}
    for k in expected:
        if got[k] != expected[k]:
            if k == "view":
                out[k] = {f: (got[k].get(f), expected[k][f]) for f in expected[k] if got[k].get(f) != expected[k][f]}
            else:
                out[k] = {"extra": missing(got[k], expected[k]), "missing": missing(expected[k], got[k])}
    return out


def run_cli(*args: str, env_extra: dict | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    """The real command in a new process, with this test session's settings; it runs the
    Prefect flow in that process (so a crash test can kill it in the middle of a run)."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "RECHTENLOKET_DISPATCH": "inline", **(env_extra or {})}  # the real flow
    if PREFECT_API_URL.value():  # the test harness's server, not a server of its own
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=timeout,
    )
