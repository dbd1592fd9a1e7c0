"""The request flow: carry one request as far as it can go, then stop.

A run reads the request's state from our database, runs the next automatic step
(models.lifecycle.next_step) in its own transaction, and repeats until the request waits
for a person (identity check, partner answers, decision, execution, sending). It never
pauses: the next event (an action on the CLI or in the portal, or the daily sweep) starts a
new run. Prefect sees the opaque request id and step names only.

``carry`` is that loop, once. The Prefect flow ``advance-request`` runs it with each step as
a task; ``advance_directly`` runs the very same step bodies without Prefect (the tests of
what people record use it; the flow has tests of its own).

When a step fails, what leaves our code is a ``StepFailed`` with the request id, the step
and the class name of the cause (flows/guard.py); the request is marked failed in our
database and the manager is told once (models/failures.py). Nothing is persisted as a
Prefect result: results and exceptions live only in memory.
"""
import time
from dataclasses import dataclass
from datetime import date
from typing import Callable, Optional, TypeVar

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from sqlmodel import select

from flows import crash, steps
from flows.anchor import publish_audit_anchor
from flows.deliver import deliver, deliver_now
from flows.guard import StepFailed, guarded, is_transient
from flows.lock import request_lock
from models import processing, sla
from models.db import sealed_scope, session_scope
from models.enums import RequestStatus
from models.failures import clear_failure, record_failure
from models.lifecycle import Step, Wait, next_step
from models.state import snapshot
from models.tables import Request

T = TypeVar("T")


def _request(session, request_id: str) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        raise LookupError("unknown request")
    return request


# ------------------------------------------------------------------ the step bodies


# Each step that opens a betrokkene's data leaves its line in the processing log, in the
# step's own transaction (models/processing.py ``record_reads``): rolled back with it, and
# written again by the rerun that does the work again. What only decides (the planner, the
# partners to consult, a failure mark, a check that finds nothing to do) reads sealed
# (models.db.sealed_scope): it never opens personal data, so it has nothing to log.


def do_step(request_id: str, step: str, as_of: str) -> str:
    def body():
        with session_scope() as session:
            steps.STEPS[Step(step)](session, _request(session, request_id), date.fromisoformat(as_of))
            processing.record_reads(session, steps.ACTOR, processing.as_code("stap", step), request_id)

    guarded(request_id, step, body)
    crash.boundary(f"after:{step}")
    return step


def do_consultation(request_id: str, partner_slug: str, as_of: str) -> str:
    def body():
        with sealed_scope() as session:
            if steps.consultation_sent(session, _request(session, request_id), partner_slug):
                return  # done before a crash or by a parallel run: nothing is read again
        with session_scope() as session:
            steps.open_consultation(session, _request(session, request_id), partner_slug,
                                    date.fromisoformat(as_of))
            processing.record_reads(session, steps.ACTOR, processing.as_code("stap", "raadplegen", partner_slug),
                                    request_id)

    guarded(request_id, "fan_out", body)
    crash.boundary(f"after:consult:{partner_slug}")
    return partner_slug


def do_plan(request_id: str) -> str:
    def body():
        with sealed_scope() as session:
            return next_step(snapshot(session, _request(session, request_id))).value

    return guarded(request_id, "plan", body)


def do_partners(request_id: str) -> list[str]:
    def body():
        with sealed_scope() as session:
            return steps.consultation_partners(session, _request(session, request_id))

    return guarded(request_id, "fan_out", body)


def do_remind(request_id: str, as_of: str) -> dict:
    def body():
        today = date.fromisoformat(as_of)
        with sealed_scope() as session:
            request = _request(session, request_id)
            if not steps.reminders_due(session, request, today):
                sla.refresh(session, request, today)  # dates only: an open suspension moves them daily
                return {"reminders": 0, "escalations": 0}
        with session_scope() as session:
            counts = steps.remind_and_escalate(session, _request(session, request_id), today)
            processing.record_reads(session, steps.ACTOR, "stap:herinneren", request_id)
            return counts

    return guarded(request_id, "remind", body)


RETRY_DELAYS = (0.2, 1.0, 3.0)  # as the step tasks' retries with Prefect (_RETRY)


def retrying(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` again after a transient failure, for the parts that run without Prefect's task
    retries (the direct runner, the sweep's reminders). Requests are carried on side by side
    (the sweep's mapped tasks on threads, workers), and on PostgreSQL two transactions can
    deadlock on row and advisory locks (the database then aborts one): each step is one
    transaction and idempotent, so running it again is the cure."""
    def again(*args):
        for delay in (*RETRY_DELAYS, None):
            try:
                return fn(*args)
            except StepFailed as failure:
                if delay is None or not is_transient(failure.code):
                    raise
                time.sleep(delay)
        raise AssertionError("unreachable")

    return again


# ------------------------------------------------------------------ the loop, once


@dataclass(frozen=True)
class Runner:
    """How a run executes its parts: as Prefect tasks, or directly."""

    plan: Callable[[str], str]
    step: Callable[[str, str, str], object]
    partners: Callable[[str], list[str]]
    consult_all: Callable[[str, list[str], str], object]
    deliver: Callable[[str], object]


def carry(request_id: str, as_of: str, run: Runner) -> dict:
    """Run every automatic step that is due; record a failure on the request (and re-raise
    it), or clear an earlier one; then deliver what the run wrote. One run of a request at a
    time (flows/lock.py): a second waits, then finds the request as the first left it."""
    with request_lock(request_id):
        return _carry(request_id, as_of, run)


def _carry(request_id: str, as_of: str, run: Runner) -> dict:
    done: list[str] = []
    try:
        for _ in range(steps.MAX_STEPS):
            nxt = run.plan(request_id)
            if nxt in Wait.__members__:
                break
            if nxt == Step.fan_out:
                run.consult_all(request_id, run.partners(request_id), as_of)
            else:
                run.step(request_id, nxt, as_of)
            done.append(nxt)
            crash.boundary(f"after:{nxt}")
        else:
            raise StepFailed(request_id, "plan", "TooManySteps")
    except StepFailed as failure:
        note_failure(request_id, failure, as_of)
        raise
    _note_success(request_id, as_of)
    run.deliver(as_of)
    return {"request_id": request_id, "steps": done, "waits_for": nxt}


def note_failure(request_id: str, failure: StepFailed, as_of: str) -> None:
    """Record a failed step on the request (its own transaction: the step's rolled back)."""
    with sealed_scope() as session:
        request = session.get(Request, request_id)
        if request is not None:
            record_failure(session, request, failure.step, failure.code, date.fromisoformat(as_of))


def _note_success(request_id: str, as_of: str) -> None:
    with sealed_scope() as session:
        request = session.get(Request, request_id)
        if request is not None and request.failed_step is not None:
            clear_failure(session, request, date.fromisoformat(as_of))


# ------------------------------------------------------------------ with Prefect


def _retry_transient(task, task_run, state) -> bool:  # noqa: ARG001 - Prefect's signature
    """Retry what may pass (a locked database, a lost connection), not bad data."""
    try:
        state.result()
    except StepFailed as failure:
        return is_transient(failure.code)
    except Exception:  # noqa: BLE001
        return False
    return False


_TASK = dict(cache_policy=NO_CACHE, persist_result=False)
_RETRY = dict(_TASK, retries=3, retry_delay_seconds=[0.2, 1, 3], retry_condition_fn=_retry_transient)

# What writes is a task run (a step, each partner's consultation, the outbox): retried when
# the cause is transient, visible per step in the Prefect UI. What only reads (which step is
# next, which partners to consult) runs in the flow itself: a read needs no retry of its own
# and no crash boundary, and as a task run it doubled the task runs of every run (each task
# run is engine work and state events; docs/performance.md). A failure there is still a
# ``StepFailed`` with ids and codes only (``guarded``), and fails the run the same way.
run_step = task(name="step", task_run_name="{step}", **_RETRY)(do_step)
open_consultation = task(name="open-consultation", task_run_name="consult-{partner_slug}", **_RETRY)(do_consultation)


def _consult_all_tasks(request_id: str, partners: list[str], as_of: str) -> None:
    futures = open_consultation.map(unmapped(request_id), partners, unmapped(as_of))
    futures.result()  # every partner's task exists before we look again


PREFECT = Runner(plan=do_plan, step=run_step, partners=do_partners,
                 consult_all=_consult_all_tasks, deliver=deliver_now)


@flow(name="advance-request", flow_run_name="advance-{request_id}", persist_result=False)
def advance_request(request_id: str, as_of: str) -> dict:
    """Run every automatic step that is due for the request on ``as_of`` (ISO date)."""
    log = get_run_logger()
    try:
        result = carry(request_id, as_of, PREFECT)
    except StepFailed as failure:
        log.warning("request %s: step %s failed (%s)", request_id, failure.step, failure.code)
        raise
    log.info("request %s: ran %s; waits for %s", request_id, ",".join(result["steps"]) or "nothing",
             result["waits_for"])
    return result


# ------------------------------------------------------------------ without Prefect


def _consult_all_directly(request_id: str, partners: list[str], as_of: str) -> None:
    for slug in partners:
        retrying(do_consultation)(request_id, slug, as_of)


DIRECT = Runner(plan=do_plan, step=retrying(do_step), partners=do_partners, consult_all=_consult_all_directly,
                deliver=deliver)


def advance_directly(request_id: str, as_of: str) -> dict:
    """The same run as ``advance_request``, step by step in this process, without Prefect."""
    return carry(request_id, as_of, DIRECT)


# ------------------------------------------------------------------ the daily sweep


def open_request_ids() -> list[str]:
    with session_scope() as session:
        return list(session.exec(select(Request.id).where(
            Request.status != RequestStatus.closed.value
        ).order_by(Request.created_at, Request.id)))


def sweep_one(request_id: str, as_of: str, advance: Callable[[str, str], dict] | None = None) -> dict:
    """Reminders and escalations for one request, then carry it on. A failure is recorded on
    that request (and its manager told once) and reported as counts: never raised."""
    counts = {"reminders": 0, "escalations": 0, "failed": 0}
    try:
        found = retrying(do_remind)(request_id, as_of)
    except StepFailed as failure:
        note_failure(request_id, failure, as_of)
        return {**counts, "failed": 1}
    counts.update(reminders=found["reminders"], escalations=found["escalations"])
    try:
        (advance or advance_directly)(request_id, as_of)
    except StepFailed:
        counts["failed"] = 1  # recorded by the request's own run
    crash.boundary("after:sweep:request")  # e.g. RECHTENLOKET_CRASH_AT=after:sweep:request#2
    return counts


def _totals(ids: list[str], results: list[dict]) -> dict:
    totals = {"requests": len(ids), "reminders": 0, "escalations": 0, "failed": 0}
    for r in results:
        for k in ("reminders", "escalations", "failed"):
            totals[k] += r[k]
    return totals


def sweep_directly(as_of: str) -> dict:
    """The daily sweep, request after request in this process, without Prefect."""
    ids = open_request_ids()
    totals = _totals(ids, [sweep_one(rid, as_of) for rid in ids])
    deliver(as_of)
    return totals


sweep_request = task(name="sweep-request", task_run_name="sweep-{request_id}", **_TASK)(sweep_one)


def _sweep_run_name() -> str:
    from prefect.runtime import flow_run

    return f"sla-sweep-{flow_run.parameters.get('as_of') or 'vandaag'}"


def today_in_amsterdam() -> str:
    from models import dutch_time

    return dutch_time.today().isoformat()


@flow(name="sla-sweep", flow_run_name=_sweep_run_name, persist_result=False,
      task_runner=ThreadPoolTaskRunner(max_workers=4))
def sla_sweep(as_of: Optional[str] = None) -> dict:
    """The daily sweep: every open request on its own (a mapped task each: reminders,
    escalations, carry it on; a failure stays with its request), then the outbox, the SLA
    table as an artifact (references only) and the audit trail's head."""
    as_of = as_of or today_in_amsterdam()  # the schedule starts it without a date
    ids = open_request_ids()
    futures = sweep_request.map(ids, unmapped(as_of))
    totals = _totals(ids, [f.result() for f in futures])
    deliver_now(as_of)
    publish_sla_table(as_of)
    publish_statistics_table(as_of)
    publish_audit_anchor()  # the trail's head outside our database (flows/anchor.py)
    get_run_logger().info("sweep %s: %s", as_of, totals)
    return totals


def publish_sla_table(as_of: str) -> None:
    """The SLA table of every open request as a Prefect table artifact: references, codes
    and dates only, from the stored deadlines (models/dashboard.py ``sla_table``)."""
    from prefect.artifacts import create_table_artifact

    from models.dashboard import sla_table

    with session_scope() as session:
        rows = sla_table(session, date.fromisoformat(as_of))
    create_table_artifact(rows or [{"kenmerk": "-", "status": "geen open verzoeken"}], key="sla-tabel",
                          description=f"Open verzoeken op {as_of}: termijnen en status (geen persoonsgegevens).")


def publish_statistics_table(as_of: str) -> None:
    """The annual-report table of the year so far (the statistics page's table) as a Prefect
    table artifact: counts, percentages and days per region, type, channel, outcome and
    partner; no reference, no name (models/statistics.py ``table_rows``)."""
    from prefect.artifacts import create_table_artifact

    from models.statistics import Period, statistics, table_rows

    day = date.fromisoformat(as_of)
    period = Period.year(day.year, until=day)
    with session_scope() as session:
        rows = table_rows(statistics(session, period))
    create_table_artifact(rows, key="statistiek-jaar",
                          description=f"Verzoeken ontvangen {period.label}: aantallen en termijnen (geen persoonsgegevens).")
