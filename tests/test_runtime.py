"""The running product, for real: a Prefect server, the deployments and the command line as
separate processes against the test database (tests/stack.py), no test harness.

- SQLite pass, the embedded default: a Prefect server on SQLite and the deployments served
  by ``python -m flows.serve`` (what ``rechtenloket run`` starts).
- PostgreSQL pass, the scale-out setup of docs/deployment.md: a Prefect server backed by
  PostgreSQL, the ``rechtenloket`` process work pool, ``prefect deploy --all`` from
  prefect.yaml, and two ``rechtenloket worker`` processes (``python -m flows.worker``:
  Prefect's process worker, with runs forked warm by a launcher beside it).

The same tests run on both: a batch of requests registered through ``rechtenloket request
register`` (dispatch mode deployment) each reaches its next wait once; and two events for
one request in the same second (two partners answering at once, plus that day's sweep)
leave the request exactly as the same events one after another do, with no letter sent
twice (issue 10, points 3 and 5).
"""
import json
import time
from pathlib import Path
from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session, select

from flows.advance import advance_directly, sweep_one
from models import audit
from models.principal import CLI
from models.settings import get_settings
from models.tables import AuditEvent, ClockEvent, ConsultationTask, ItemAnswer, Letter, OutboxMessage, Request
from tests import batch
from tests.flowtools import state_diff
from tests.stack import Stack, finish, prefect_database, process_tree

DAY = date(2026, 3, 2)
ANSWER_DAY = date(2026, 3, 9)
FAST_POLL = {"PREFECT_RUNNER_POLL_FREQUENCY": "1", "PREFECT_WORKER_QUERY_SECONDS": "1"}


class Product:
    def __init__(self, stack: Stack, variant: str, batch_size: int):
        self.stack, self.variant, self.batch_size = stack, variant, batch_size


@pytest.fixture(scope="module")
def product(_schema, tmp_path_factory):
    """One Prefect server and what runs the flows, for the whole module."""
    import os

    from models.bootstrap import initialise

    initialise(get_settings())  # key check and regions, as `rechtenloket init` before the product starts
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    stack = Stack(tmp_path_factory.mktemp("runtime"), env)
    drop = None
    try:
        if _schema.dialect.name == "postgresql":
            prefect_url, drop = prefect_database(get_settings().effective_database_url)
            stack.start_server(prefect_url)
            stack.deploy_and_start_workers(2, **FAST_POLL)
            # Six: more runs at once than one worker takes (--limit 4), so the batch is shared
            # by the two workers; ten proved nothing more and cost a minute of CI.
            yield Product(stack, "two process workers on PostgreSQL", batch_size=6)
        else:
            stack.start_server()
            stack.serve(**FAST_POLL)
            yield Product(stack, "served deployments on SQLite", batch_size=4)
    finally:
        stack.stop()
        if drop:
            drop()


def _finished(stack: Stack, procs, what: str) -> list[tuple[int, str, str]]:
    done = finish(procs)
    for code, out, err in done:
        assert code == 0, f"{what}: exit {code}: {err[-2000:]}"
    stack.wait_idle(240)
    return done


def _runs(stack: Stack, flow: str) -> list[dict]:
    return stack.flow_runs(flow, due_only=True)


def _no_failed_runs(stack: Stack) -> None:
    bad = [(r["name"], r["state_type"]) for r in stack.flow_runs() if r["state_type"] in
           ("FAILED", "CRASHED", "CANCELLED")]
    assert not bad, f"flow runs that did not complete: {bad}"


def _audit_verifies(stack: Stack, *extra: str) -> None:
    code, out, err = finish([stack.command("audit", "verify", *extra)])[0]
    assert code == 0, err


def test_a_batch_registered_through_the_command_line_reaches_its_wait_once_each(product, loaded, tmp_path):
    stack, n = product.stack, product.batch_size
    files = [batch.write_request(tmp_path, i, DAY) for i in range(n)]
    before = len(_runs(stack, "advance-request"))
    started = time.monotonic()
    _finished(stack, [stack.command("request", "register", str(f), "--today", DAY.isoformat(), "--json")
                      for f in files], "register")
    # The same registrations again (a second click, a rerun): recorded once, no second run.
    again = _finished(stack, [stack.command("request", "register", str(f), "--today", DAY.isoformat())
                              for f in files[:1]], "register again")
    assert all("al vastgelegd" in err for _, _, err in again)
    took = time.monotonic() - started

    with Session(loaded) as s:
        requests = s.exec(select(Request)).all()
        assert len(requests) == n, f"{product.variant}: {len(requests)} requests for {n} registrations"
        assert len({r.reference for r in requests}) == n
        assert {r.status for r in requests} == {"awaiting_identity"}, Counter(r.status for r in requests)
        assert all(r.failed_step is None for r in requests)
        # Letters: the receipt only. The clock runs; nobody asked for identification yet (AVG
        # art. 12 lid 6: only where there is a reason to doubt).
        letters = Counter((x.request_id, x.kind) for x in s.exec(select(Letter)))
        assert letters == Counter({(r.id, "ontvangstbevestiging"): 1 for r in requests})
        assert not s.exec(select(ClockEvent)).all()
    _sent_once(loaded, n, {r.id: 1 for r in requests})
    runs = _runs(stack, "advance-request")[before:]
    assert len(runs) == n, f"{len(runs)} advance runs for {n} events (the repeats must not start a run)"
    assert sorted(r["parameters"]["request_id"] for r in runs) == sorted(r.id for r in requests)
    assert {r["state_type"] for r in runs} == {"COMPLETED"}

    # The coordinator records for each why the identity cannot yet be established, all at
    # once: each gets its invitation once, its clock stops once, one more run each.
    refs = sorted(r.reference for r in requests)
    _finished(stack, [stack.command("request", "identity-doubt", ref, "--reason", "geen_vergelijking",
                                    "--today", DAY.isoformat()) for ref in refs], "identity-doubt")
    with Session(loaded) as s:
        letters = Counter((x.request_id, x.kind) for x in s.exec(select(Letter)))
        for r in requests:
            assert letters[(r.id, "ontvangstbevestiging")] == 1 and letters[(r.id, "uitnodiging_identificatie")] == 1
        assert sum(letters.values()) == 2 * n
        stops = Counter((e.request_id, e.kind) for e in s.exec(select(ClockEvent)))
        assert stops == Counter({(r.id, "suspend"): 1 for r in requests})
        assert all(s.get(Request, r.id).sla_suspended_since == DAY for r in requests)
    _sent_once(loaded, 2 * n, {r.id: 2 for r in requests})
    runs = _runs(stack, "advance-request")[before:]
    assert len(runs) == 2 * n and {r["state_type"] for r in runs} == {"COMPLETED"}
    _no_failed_runs(stack)
    with Session(loaded) as s:
        checked = audit.check(s)
        assert checked.problem is None and checked.events > 0, checked.problem
    print(f"{product.variant}: {n} registrations to their next wait in {took:.1f} s")


def _sent_once(engine, total: int, per_request: dict[str, int]) -> None:
    """Every message in the outbox sent exactly once, with one .eml file each."""
    with Session(engine) as s:
        messages = s.exec(select(OutboxMessage)).all()
    assert len(messages) == total and len({m.idempotency_key for m in messages}) == total
    assert {(m.status, m.attempts) for m in messages} == {("sent", 1)}, "a message not sent exactly once"
    outbox = get_settings().effective_outbox_dir
    for rid, count in per_request.items():
        assert len(list((outbox / rid).glob("*.eml"))) == count


def _consulting(n: int) -> tuple[str, list[str]]:
    """Request ``n`` registered, identified and routed (directly, in this process): it
    waits for the answers of two partners; police and OM data went to their own bodies."""
    from models.actions.identity import IdentityInput, record_identity
    from models.actions.intake import RequestInput, register_request
    from models.db import session_scope

    consulted = batch.add_registrations(n, 2, DAY)
    with session_scope() as s:
        rid = register_request(s, RequestInput.model_validate(batch.request_input(n, DAY)), CLI, DAY).request_id
    advance_directly(rid, DAY.isoformat())
    with session_scope() as s:
        region = s.get(Request, rid).region_id
        from models.region_config import get_region

        record_identity(s, rid, IdentityInput(method="in_persoon", place=get_region(region).identity.places[0],
                                              checked_on=DAY, officer="procesregisseur", document_type="paspoort",
                                              document_last_digits="1234"), CLI, DAY)
    advance_directly(rid, DAY.isoformat())
    return rid, consulted


def _picture(engine, rid: str) -> dict:
    """What the events left of one request, without ids, times and actors."""
    with Session(engine) as s:
        request = s.get(Request, rid)
        tasks = s.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid)).all()
        answers = s.exec(select(ItemAnswer).join(ConsultationTask).where(ConsultationTask.request_id == rid)).all()
        letters = s.exec(select(Letter).where(Letter.request_id == rid)).all()
        messages = s.exec(select(OutboxMessage).where(OutboxMessage.request_id == rid)).all()
        audit = s.exec(select(AuditEvent).where(AuditEvent.request_id == rid)).all()

        def key(k: str) -> str:  # "<request id>:referral:<reference>-D1": the same for the twin
            return k.split(":", 1)[1].replace(request.reference, "REF")

        return {
            "status": request.status, "failed": request.failed_step,
            "tasks": sorted((t.status, str(t.answered_on)) for t in tasks),
            "answers": len(answers),
            "letters": sorted((key(x.key), x.kind, x.status) for x in letters),
            "outbox": sorted((key(m.idempotency_key), m.kind, m.status, m.attempts) for m in messages),
            "audit": sorted(Counter(e.action for e in audit).items()),
        }


def test_two_answers_and_the_sweep_in_the_same_second_leave_the_request_as_one_after_another(
        product, loaded, tmp_path):
    stack = product.stack
    # Betrokkenen of one region (n = 100, 105, ...), so their letters and partners compare.
    # Four requests at once: at least one of them shows two runs at the same time even when
    # a busy machine starts the others one after another (the proof below needs one).
    rounds = [_consulting(100 + 5 * i) for i in range(4)]
    twin, twin_partners = _consulting(120)  # the same events, one after another
    for partner in twin_partners:
        from models.actions.answers import AnswerInput, record_answer
        from models.db import session_scope

        with session_scope() as s:
            record_answer(s, twin, AnswerInput.model_validate(batch.answer_input(twin, partner, ANSWER_DAY)),
                          CLI, ANSWER_DAY)
        advance_directly(twin, ANSWER_DAY.isoformat())
    sweep_one(twin, ANSWER_DAY.isoformat())
    expected = _picture(loaded, twin)
    assert expected["status"] == "deliberating" and expected["answers"] == 2

    commands = []
    for rid, consulted in rounds:
        for partner in consulted:
            path = tmp_path / f"antwoord-{rid}-{partner}.json"
            path.write_text(json.dumps(batch.answer_input(rid, partner, ANSWER_DAY)), encoding="utf-8")
            commands.append(["request", "answer", rid, str(path), "--today", ANSWER_DAY.isoformat()])
    commands.append(["sweep", "--today", ANSWER_DAY.isoformat()])
    advance_before = len(_runs(stack, "advance-request"))
    with stack.held("serve", "worker"):  # their runs start together when all are recorded
        done = finish([stack.command(*c) for c in commands])  # the commands started together
    assert all(code == 0 for code, _, _ in done), [err[-500:] for _, _, err in done]
    stack.wait_idle(240)

    for rid, _ in rounds:
        got = _picture(loaded, rid)
        assert got == expected, f"{product.variant}: request {rid} differs from one after another: {state_diff(got, expected)}"
    with Session(loaded) as s:
        assert {(m.status, m.attempts) for m in s.exec(select(OutboxMessage))} == {("sent", 1)}
    outbox = get_settings().effective_outbox_dir
    for rid, _ in rounds:
        sent = [m for m in _picture(loaded, rid)["outbox"]]
        assert len(list((outbox / rid).glob("*.eml"))) == len(sent)
    runs = _runs(stack, "advance-request")[advance_before:]
    assert len(runs) == 2 * len(rounds) and {r["state_type"] for r in runs} == {"COMPLETED"}, (
        [(r["name"], r["state_type"], (r.get("state") or {}).get("message")) for r in runs],
        {name: stack.log(name)[-1500:] for name, _ in stack.children if "Traceback" in stack.log(name)})
    sweeps = [r for r in _runs(stack, "sla-sweep") if r["parameters"].get("as_of") == ANSWER_DAY.isoformat()]
    assert len(sweeps) == 1 and sweeps[0]["state_type"] == "COMPLETED"
    _no_failed_runs(stack)
    _audit_verifies(stack, "--prefect")  # the sweep published the trail's head as an artifact
    # The sweep carries each request on in a task of its own, under the same lock: its span
    # counts as one of the request's runs (with runs of 0.4 s, two advances alone did not
    # always overlap on a busy machine, and then the test proved nothing).
    sweep_spans = _sweep_spans(stack, [rid for rid, _ in rounds])
    assert len(sweep_spans) == len(rounds), sweep_spans
    spans = runs + sweep_spans
    assert _overlaps(spans) >= 1, "no two runs of one request ran at the same time: nothing was proven"


def _sweep_spans(stack: Stack, request_ids: list[str]) -> list[dict]:
    """The sweep's task run per request (``sweep-<id>``), shaped as a run of that request."""
    rows = stack.api("POST", "/task_runs/filter", {
        "task_runs": {"name": {"any_": [f"sweep-{rid}" for rid in request_ids]}}, "limit": 200})
    return [{"start_time": r["start_time"], "end_time": r["end_time"],
             "parameters": {"request_id": r["name"].removeprefix("sweep-")}} for r in rows]


def _overlaps(runs: list[dict]) -> int:
    """How many pairs of runs of the same request ran at the same time (the lock's work)."""
    from datetime import datetime

    by_request: dict[str, list[tuple[datetime, datetime]]] = {}
    for r in runs:
        if r["start_time"] and r["end_time"]:
            by_request.setdefault(r["parameters"]["request_id"], []).append(
                (datetime.fromisoformat(r["start_time"]), datetime.fromisoformat(r["end_time"])))
    pairs = 0
    for spans in by_request.values():
        spans.sort()
        pairs += sum(1 for a, b in zip(spans, spans[1:]) if b[0] < a[1])
    return pairs


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _read(path: str) -> str:
    try:
        return Path(path).read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _parent(pid: int) -> int:
    try:
        return int(_stat(pid)[1])
    except (OSError, IndexError, ValueError):
        return 0


def test_the_runs_were_forked_warm(product):
    """What ran this module's runs (the tests above: this one comes last) forked them warm
    (flows/warmstart.py for the served process, flows/warmlaunch.py beside each worker): a
    forkserver sits in its process tree, and the CPU time of the children it has reaped
    shows that the runs were its children."""
    stack = product.stack
    workers = product.variant.startswith("two process workers")
    for pid in stack.pids("worker" if workers else "serve"):
        tree = process_tree([pid])
        # (a run may end while the tree is read: what is gone by then is left out)
        found = {p: (_read(f"/proc/{p}/cmdline").replace("\0", " "), _parent(p)) for p in tree}
        commands = {p: c for p, (c, _) in found.items() if c}
        # A run forked from the forkserver shows its command line too: the forkserver is the
        # one whose parent is not a forkserver (a run may be going on, the outbox's every minute).
        forkservers = [p for p, c in commands.items() if "multiprocessing.forkserver" in c
                       and "multiprocessing.forkserver" not in commands.get(found[p][1], "")]
        assert len(forkservers) == 1, commands
        if workers:
            launchers = [p for p, c in commands.items() if "flows.warmlaunch" in c]
            assert len(launchers) == 1 and int(_stat(forkservers[0])[1]) == launchers[0], commands
        fields = _stat(forkservers[0])
        reaped_cpu_ticks = int(fields[13]) + int(fields[14])  # cutime + cstime
        assert reaped_cpu_ticks > 0, f"{product.variant}: no run was forked from the forkserver of {pid}"
    if workers:
        for n in (1, 2):
            assert "start cold" not in stack.log(f"worker-{n}")
