"""The request flow: carry one request as far as it can go, then stop.

A run reads the request's state from our database, runs the next automatic step
(models.lifecycle.next_step) as a task in its own transaction, and repeats until the
request waits for a person (identity check, partner answers, decision, execution,
sending). It never pauses: the next event (an action on the CLI or in the portal, or the
daily sweep) starts a new run. Prefect sees the opaque request id and step names only.
"""
from datetime import date

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from flows import crash, steps
from flows.anchor import publish_audit_anchor
from flows.deliver import deliver_now
from models.db import session_scope
from models.enums import RequestStatus
from models.lifecycle import Step, Wait, next_step
from models.state import snapshot
from models.tables import Request

MAX_STEPS = 20  # a guard: a request never needs more automatic steps than this in one run

_STEPS = {
    Step.acknowledge: steps.acknowledge,
    Step.route: steps.route,
    Step.to_deliberation: steps.to_deliberation,
    Step.after_decision: steps.after_decision,
    Step.close: steps.close,
}
_RETRY = dict(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[0.2, 1, 3])


def _request(session, request_id: str) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        raise LookupError(f"onbekend verzoek {request_id}")
    return request


@task(name="step", task_run_name="{step}", **_RETRY)
def run_step(request_id: str, step: str, as_of: str) -> str:
    with session_scope() as session:
        _STEPS[Step(step)](session, _request(session, request_id), date.fromisoformat(as_of))
    crash.boundary(f"after:{step}")
    return step


@task(name="open-consultation", task_run_name="consult-{partner_slug}", **_RETRY)
def open_consultation(request_id: str, partner_slug: str, as_of: str) -> str:
    with session_scope() as session:
        steps.open_consultation(session, _request(session, request_id), partner_slug, date.fromisoformat(as_of))
    crash.boundary(f"after:consult:{partner_slug}")
    return partner_slug


@task(name="plan", cache_policy=NO_CACHE)
def plan_next(request_id: str) -> str:
    with session_scope() as session:
        return next_step(snapshot(session, _request(session, request_id))).value


@task(name="consultation-partners", cache_policy=NO_CACHE)
def consultation_partners(request_id: str) -> list[str]:
    with session_scope() as session:
        return steps.consultation_partners(session, _request(session, request_id))


@flow(name="advance-request", flow_run_name="advance-{request_id}")
def advance_request(request_id: str, as_of: str) -> dict:
    """Run every automatic step that is due for the request on ``as_of`` (ISO date)."""
    log = get_run_logger()
    done: list[str] = []
    for _ in range(MAX_STEPS):
        nxt = plan_next(request_id)
        if nxt in Wait.__members__:
            break
        if nxt == Step.fan_out:
            partners = consultation_partners(request_id)
            futures = open_consultation.map(unmapped(request_id), partners, unmapped(as_of))
            futures.result()  # every partner's task exists before we look again
        else:
            run_step(request_id, nxt, as_of)
        done.append(nxt)
        crash.boundary(f"after:{nxt}")
    else:
        raise RuntimeError(f"request {request_id}: more than {MAX_STEPS} steps in one run")
    log.info("request %s: ran %s; waits for %s", request_id, ",".join(done) or "nothing", nxt)
    deliver_now(as_of)
    return {"request_id": request_id, "steps": done, "waits_for": nxt}


@task(name="remind-and-escalate", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=1)
def remind_and_escalate(request_id: str, as_of: str) -> dict:
    with session_scope() as session:
        return steps.remind_and_escalate(session, _request(session, request_id), date.fromisoformat(as_of))


@flow(name="sla-sweep", flow_run_name="sla-sweep-{as_of}")
def sla_sweep(as_of: str) -> dict:
    """The daily sweep: reminders and escalations, then advance every open request."""
    with session_scope() as session:
        open_ids = list(session.exec(select(Request.id).where(
            Request.status.not_in([RequestStatus.closed.value, RequestStatus.withdrawn.value])
        ).order_by(Request.created_at)))
    totals = {"requests": len(open_ids), "reminders": 0, "escalations": 0}
    for request_id in open_ids:
        counts = remind_and_escalate(request_id, as_of)
        totals["reminders"] += counts["reminders"]
        totals["escalations"] += counts["escalations"]
        advance_request(request_id, as_of)
    publish_audit_anchor()  # the trail's head outside our database (flows/anchor.py)
    get_run_logger().info("sweep %s: %s", as_of, totals)
    return totals
