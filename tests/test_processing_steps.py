"""The automatic steps' own reads of a betrokkene's data are in the processing log (issue 13).

The guard: a whole example scenario (reminders and an escalation included) is played with
the automatic steps run as the flow runs them (flows.advance, without Prefect), and every
transaction that opened (decrypted) a betrokkene's data must have written a processing-log
line before it committed. A new code path that decrypts without logging fails here, with
the place it committed from.
"""
import threading
import traceback
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from flows import scenario as sc
from flows.advance import advance_directly, do_consultation, do_remind, sweep_one
from flows.demo import play_until
from models import processing
from models.db import session_scope
from models.sealing import opened_tables
from models.tables import ConsultationTask, Partner, ProcessingLogEntry

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "fryslan-inzage-herinnering.json"


def _our_frames() -> str:
    root = str(Path(__file__).resolve().parent.parent)
    frames = [f for f in traceback.extract_stack()[:-2] if f.filename.startswith(root)
              and "/.venv/" not in f.filename and not f.filename.endswith("test_processing_steps.py")]
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-4:]))


@pytest.fixture
def unlogged_reads():
    """Every commit that opened a betrokkene's data without a processing-log line."""
    found: list[str] = []

    def before_commit(session):
        personal = opened_tables(session) - processing.NOT_PERSONAL
        if personal and not processing.lines_written(session):
            found.append(f"{sorted(personal)} at {_our_frames()}")

    event.listen(OrmSession, "before_commit", before_commit)
    yield found
    event.remove(OrmSession, "before_commit", before_commit)


@pytest.fixture
def played(loaded, unlogged_reads):
    scenario = sc.load(EXAMPLE)
    request_id = play_until(scenario, len(scenario.events))
    return scenario, request_id


def _lines(engine, request_id: str) -> list[ProcessingLogEntry]:
    with Session(engine) as s:
        return list(s.exec(select(ProcessingLogEntry).where(ProcessingLogEntry.request_id == request_id)
                           .order_by(ProcessingLogEntry.seq)))


def test_every_transaction_that_opens_personal_data_logs_it_and_a_rerun_of_nothing_does_not(played, unlogged_reads,
                                                                                             loaded):
    _, request_id = played
    assert unlogged_reads == []
    lines = _lines(loaded, request_id)
    names = [line.name for line in lines]
    # The steps themselves, by the system's own principal, under their own activity.
    assert {"stap:acknowledge", "stap:route", "stap:herinneren"} <= set(names), names
    assert any(n.startswith("stap:raadplegen:") for n in names), names
    step_lines = [line for line in lines if line.name.startswith("stap:")]
    assert {line.principal for line in step_lines} == {"system:flow"}
    assert {line.processing_activity_id for line in step_lines} == {processing.activity_id(processing.STEP)}
    # The outbox opened each message body to deliver it: the disclosures are there too.
    assert any(n.startswith("verstrekken:") for n in names)
    with Session(loaded) as s:
        assert processing.check(s).intact

    # A rerun that redoes nothing reads sealed and logs nothing (the same played scenario).
    scenario, _ = played
    end = sc.scenario_end(scenario).isoformat()
    before = len(_lines(loaded, request_id))
    # A consultation already sent (a task retried after a crash): nothing read, no line.
    with Session(loaded) as s:
        slug = s.exec(select(Partner.slug).join(ConsultationTask, ConsultationTask.partner_id == Partner.id)
                      .where(ConsultationTask.request_id == request_id)).first()
    assert slug
    do_consultation(request_id, slug, end)
    # The sweep's reminder check on a day with nothing due, and a run with nothing to do.
    assert do_remind(request_id, end) == {"reminders": 0, "escalations": 0}
    advance_directly(request_id, end)
    sweep_one(request_id, end)
    assert len(_lines(loaded, request_id)) == before
    assert unlogged_reads == []


def test_parallel_writers_of_the_log_take_turns(loaded):
    """SQLite as PostgreSQL: writers wait for each other, so no two take the same ``seq``
    (the sweep's parallel tasks; no retry needed)."""
    from tests.test_processing_log import _register

    request_id = _register("111222333", "Fictief Persoon")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def write(n: int):
        try:
            start.wait()
            for _ in range(5):
                with session_scope() as s:
                    processing.record(s, "system:flow", f"stap:test-{n}", processing.STEP, request_id=request_id)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(loaded) as s:
        assert processing.check(s).intact
        assert len([r for r in _lines(loaded, request_id) if r.name.startswith("stap:test-")]) == 20


def test_a_failed_delivery_attempt_is_a_failed_disclosure(loaded):
    """The outbox opened the body to send it: a processing, logged with outcome "mislukt"."""
    from models import outbox
    from tests.test_processing_log import _register

    request_id = _register("111222333", "Fictief Persoon")
    with session_scope() as s:
        msg = outbox.enqueue(s, key=f"{request_id}:test", request_id=request_id, kind="test", channel="file",
                             recipient="betrokkene", subject="ZVHF-2026-0001 test", body="<p>Beste</p>")
        outbox.mark_failed(s, msg, "HTTP 500")
    failed = [r for r in _lines(loaded, request_id) if r.name == "verstrekken:test:file"]
    assert [(r.status_code, r.principal) for r in failed] == [(2, "system:outbox")]
    assert failed[0].processing_activity_id == processing.activity_id(processing.DISCLOSE)
