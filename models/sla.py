"""The deadlines of every request in columns, so that lists of thousands of requests (the
manager's dashboard, the statistics) are one SQL query and never a deadline computation
per row.

One source of truth: the pure deadline engine (models/deadlines.py, through
``models.state.clocks``) computes every date; ``refresh`` stores its answer on the request's
rights and a summary on the request. It runs after every action (models/actions/common.py
``finish``), every automatic step (flows/steps.py) and every day in the sweep, so the stored
dates are those of the last change and at most one day old.

What depends on the day itself (overdue, at risk, an overdue consultation) is not stored:
``status_expression(today)`` derives it in SQL from the stored dates, in the order of
``status_of``, its pure twin, which a test holds equal to the engine's own status on every
day. Codes and dates only; nothing here is personal data.
"""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Optional

from sqlalchemy import and_, case, literal, or_
from sqlmodel import Session, select

from models.deadlines import Clock, ClockStatus
from models.enums import RequestStatus, TaskStatus
from models.region_config import get_region
from models.tables import ConsultationTask, Request, RequestRight


class SlaStatus(StrEnum):
    """What the dashboard says about an open request, most urgent first."""

    failed = "failed"  # an automatic step failed: the request stands still (models/failures.py)
    overdue = "overdue"
    at_risk = "at_risk"
    suspended = "suspended"  # the clock stands still (waiting for the identity check)
    execution_pending = "execution_pending"  # decided; a granted change is still to be carried out
    extended = "extended"
    on_track = "on_track"
    done_late = "done_late"
    done_on_time = "done_on_time"


URGENCY = list(SlaStatus)
#: The order of a clock's own status, most urgent first (the worst right decides).
CLOCK_URGENCY = [ClockStatus.overdue, ClockStatus.at_risk, ClockStatus.suspended, ClockStatus.extended,
                 ClockStatus.on_track, ClockStatus.done_late, ClockStatus.done_on_time]
OPEN_STATUSES = tuple(s.value for s in RequestStatus if s != RequestStatus.closed)


@dataclass(frozen=True)
class Summary:
    """A request's deadlines over its rights: the earliest of the rights still open."""

    status: ClockStatus  # the worst right's status on the day of the refresh
    protocol_due: date
    legal_due: date  # the legal deadline that applies (the extended one where extended)
    target_due: date
    at_risk_from: Optional[date]
    extended: bool  # a right still open has an extended legal deadline
    completed_on: Optional[date]  # when every right was answered (and carried out)
    protocol_met: Optional[bool]  # every right by its protocol deadline; None while open
    legal_met: Optional[bool]  # every right by its legal deadline; None while open


def legal_due(clock: Clock) -> date:
    return clock.legal_due_extended or clock.legal_due


def summarise(clocks: dict[str, Clock]) -> Optional[Summary]:
    """The summary of a request's clocks (pure). None: a request without rights."""
    if not clocks:
        return None
    values = list(clocks.values())
    open_ = [c for c in values if c.completed_on is None] or values
    done = all(c.completed_on is not None for c in values)
    return Summary(
        status=min((c.status for c in values), key=CLOCK_URGENCY.index),
        protocol_due=min(c.protocol_due for c in open_),
        legal_due=min(legal_due(c) for c in open_),
        target_due=min(c.target_due for c in open_),
        at_risk_from=min((c.at_risk_from for c in open_ if c.at_risk_from), default=None),
        extended=any(c.legal_extended is not None for c in open_),
        completed_on=max(c.completed_on for c in values) if done else None,
        protocol_met=all(c.protocol_met for c in values) if done else None,
        legal_met=all(c.completed_on <= legal_due(c) for c in values) if done else None,
    )


def refresh(session: Session, request: Request, today: date) -> None:
    """Store what the deadline engine says today about ``request`` and each of its rights
    (in the caller's transaction; flushes)."""
    from models.state import clock_events, clocks, rights, suspensions

    by_type = clocks(session, request, today)
    for right in rights(session, request.id):
        clock = by_type[right.type]
        right.protocol_due, right.legal_due = clock.protocol_due, clock.legal_due
        right.legal_due_extended, right.target_due = clock.legal_due_extended, clock.target_due
        right.at_risk_from, right.completed_on = clock.at_risk_from, clock.completed_on
        right.protocol_met = clock.protocol_met
        right.legal_met = None if clock.completed_on is None else clock.completed_on <= legal_due(clock)
        right.clock_status = clock.status.value
        session.add(right)
    summary = summarise(by_type)
    region = get_region(request.region_id)
    open_since = None
    if region.deadlines.suspend_for_identity:
        open_since = next((s.start for s in suspensions(clock_events(session, request.id)) if s.end is None), None)
    task_due = min((t.due_on for t in session.exec(select(ConsultationTask).where(
        ConsultationTask.request_id == request.id, ConsultationTask.status == TaskStatus.open.value))), default=None)
    store(request, summary, open_since, task_due, today)
    session.add(request)
    session.flush()


def store(request: Request, summary: Optional[Summary], suspended_since: Optional[date],
          task_due: Optional[date], today: date) -> None:
    """Put a summary in the request's columns (the migration that fills them uses this too)."""
    request.sla_status = summary.status.value if summary else None
    request.sla_protocol_due = summary.protocol_due if summary else None
    request.sla_legal_due = summary.legal_due if summary else None
    request.sla_target_due = summary.target_due if summary else None
    request.sla_at_risk_from = summary.at_risk_from if summary else None
    request.sla_extended = bool(summary and summary.extended)
    request.sla_completed_on = summary.completed_on if summary else None
    request.sla_protocol_met = summary.protocol_met if summary else None
    request.sla_legal_met = summary.legal_met if summary else None
    request.sla_suspended_since = suspended_since
    request.sla_task_due = task_due
    request.sla_refreshed_on = today


def refresh_all(session: Session, today: date, region_id: Optional[str] = None) -> int:
    """Refresh every request (e.g. after a region's periods changed); returns how many."""
    query = select(Request)
    if region_id:
        query = query.where(Request.region_id == region_id)
    count = 0
    for request in session.exec(query):
        refresh(session, request, today)
        count += 1
    return count


# ------------------------------------------------------------------ the status of a day


def status_of(request_status: str, failed: bool, suspended_since: Optional[date],
              target_due: Optional[date], at_risk_from: Optional[date], task_due: Optional[date],
              extended: bool, completed_on: Optional[date], target_met: Optional[bool], today: date) -> SlaStatus:
    """The dashboard's status of a request on ``today`` from its stored columns (pure; the
    same rule as ``status_expression``, which the dashboard sorts and counts by).

    The engine's order (models/deadlines.py): done, overdue, suspended, at risk (a consultation
    overdue, or the last working days), extended, on track. A failed step comes first (the
    request stands still); a decision waiting to be carried out shows as such when nothing is
    more urgent. While the clock stands still its deadlines move on every day, so a suspended
    request is never overdue, unless its deadline had passed before the clock stopped."""
    if failed:
        return SlaStatus.failed
    if completed_on is not None:
        return SlaStatus.done_on_time if target_met else SlaStatus.done_late
    if target_due is None:
        return SlaStatus.on_track
    if suspended_since is not None and suspended_since <= target_due:
        return SlaStatus.suspended
    if today > target_due:
        return SlaStatus.overdue
    if (at_risk_from is not None and today >= at_risk_from) or (task_due is not None and today > task_due):
        return SlaStatus.at_risk
    if request_status == RequestStatus.executing.value:
        return SlaStatus.execution_pending
    if extended:
        return SlaStatus.extended
    return SlaStatus.on_track


def _status_branches(today: date) -> list[tuple]:
    """``status_of`` as (SQL condition, status) pairs on ``request``, first match wins."""
    r = Request
    completed = r.sla_completed_on.is_not(None)
    return [
        (r.failed_step.is_not(None), SlaStatus.failed),
        # ``target met`` is the engine's own ``done_on_time`` (kept in sla_status).
        (and_(completed, r.sla_status == ClockStatus.done_on_time.value), SlaStatus.done_on_time),
        (completed, SlaStatus.done_late),
        (r.sla_target_due.is_(None), SlaStatus.on_track),
        (and_(r.sla_suspended_since.is_not(None), r.sla_suspended_since <= r.sla_target_due), SlaStatus.suspended),
        (r.sla_target_due < today, SlaStatus.overdue),
        (or_(and_(r.sla_at_risk_from.is_not(None), r.sla_at_risk_from <= today),
             and_(r.sla_task_due.is_not(None), r.sla_task_due < today)), SlaStatus.at_risk),
        (r.status == RequestStatus.executing.value, SlaStatus.execution_pending),
        (r.sla_extended.is_(True), SlaStatus.extended),
    ]


def status_expression(today: date):
    """``status_of`` as a SQL expression on ``request``: what the dashboard filters, counts
    and sorts by."""
    return case(*[(cond, literal(s.value)) for cond, s in _status_branches(today)],
                else_=literal(SlaStatus.on_track.value))


def urgency_expression(today: date):
    """The rank of ``status_expression`` (0 most urgent): the dashboard's first sort key. The
    same branches giving the rank directly (not the status compared nine times: at 100,000
    requests that evaluation was most of the first page's time on PostgreSQL)."""
    return case(*[(cond, literal(URGENCY.index(s))) for cond, s in _status_branches(today)],
                else_=literal(URGENCY.index(SlaStatus.on_track)))


def status_for(request: Request, today: date) -> SlaStatus:
    """``status_of`` for one loaded request."""
    return status_of(request.status, request.failed_step is not None, request.sla_suspended_since,
                     request.sla_target_due, request.sla_at_risk_from, request.sla_task_due, bool(request.sla_extended), request.sla_completed_on,
                     request.sla_status == ClockStatus.done_on_time.value, today)

