"""Reading a request's durable state into the pure domain objects: the lifecycle snapshot
(models.lifecycle) and one clock per requested right (models.deadlines)."""
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session, select

from models.deadlines import Clock, ClockInput, ConsultationTask as TaskDue, Extension, Suspension, compute_clock
from models.enums import Channel, ClockEventKind, DecisionOutcome, RequestStatus, RequestType, TaskStatus
from models.holiday_config import load_decree_days
from models.holidays import DecreeDay
from models.identity import decode_reason
from models.lifecycle import RightState, Snapshot
from models.region_config import get_region
from models.routing import Item, RoutingPlan, plan_routing
from models.tables import (
    CaseRegistration,
    ClockEvent,
    ConsultationTask,
    IdentityCheck,
    Letter,
    Partner,
    Request,
    RequestRight,
)



@lru_cache
def _decree_days(config_dir: str) -> tuple[DecreeDay, ...]:
    return tuple(load_decree_days(Path(config_dir) / "holidays.yaml"))


def decree_days() -> tuple[DecreeDay, ...]:
    from models.settings import get_settings

    return _decree_days(str(get_settings().config_dir))


def rights(session: Session, request_id: str) -> list[RequestRight]:
    return list(session.exec(select(RequestRight).where(RequestRight.request_id == request_id).order_by(RequestRight.id)))


def registrations(session: Session, request: Request) -> list[CaseRegistration]:
    """Scope (domain.md §4 step 3): every registration about the subject in this region,
    across casussen."""
    return list(session.exec(
        select(CaseRegistration).where(
            CaseRegistration.subject_id == request.subject_id, CaseRegistration.region_id == request.region_id
        ).order_by(CaseRegistration.id)
    ))


def routing_plan(session: Session, request: Request) -> RoutingPlan:
    region = get_region(request.region_id)
    partners = {p.id: p for p in session.exec(select(Partner).where(Partner.region_id == request.region_id))}
    items = [Item(r.id, partners[r.partner_id].slug, r.regime) for r in registrations(session, request)]
    types = [RequestType(r.type) for r in rights(session, request.id)]
    return plan_routing(region, types, items)


def snapshot(session: Session, request: Request) -> Snapshot:
    region = get_region(request.region_id)
    tasks = list(session.exec(select(ConsultationTask).where(ConsultationTask.request_id == request.id)))
    replies = list(session.exec(
        select(Letter).where(Letter.request_id == request.id, Letter.reply.is_(True))
    ))
    planned = len(routing_plan(session, request).consultations) if request.status == RequestStatus.consulting else 0
    return Snapshot(
        status=RequestStatus(request.status),
        identity_verified=session.exec(
            select(IdentityCheck).where(IdentityCheck.request_id == request.id)
        ).first() is not None,
        planned_consultations=planned,
        open_consultation_rows=sum(t.status == TaskStatus.open.value for t in tasks),
        existing_consultation_rows=len(tasks),
        rights=tuple(
            RightState(
                type=RequestType(r.type),
                available=region.rights[RequestType(r.type)].available,
                outcome=DecisionOutcome(r.outcome) if r.outcome else None,
                executed=r.executed_on is not None,
                replied=r.replied_on is not None,
            )
            for r in rights(session, request.id)
        ),
        replies_unsent=sum(letter.status != "sent" for letter in replies),
        identity_lapsed=session.exec(select(ClockEvent.id).where(
            ClockEvent.request_id == request.id, ClockEvent.kind == ClockEventKind.no_identity.value
        )).first() is not None,
    )


def clock_events(session: Session, request_id: str) -> list[ClockEvent]:
    return list(session.exec(select(ClockEvent).where(ClockEvent.request_id == request_id).order_by(ClockEvent.id)))


#: Events that make a stopped clock run again: the identity was established, or the term of
#: the invitation passed unused (then the request ends with a decision; models/identity.py).
RESTARTS = (ClockEventKind.resume.value, ClockEventKind.no_identity.value)


def suspensions(events: list[ClockEvent]) -> tuple[Suspension, ...]:
    """The suspensions the events record. A second doubt while the clock stands still (a new
    invitation with a new term) does not stop it twice."""
    out: list[Suspension] = []
    start = None
    for ev in events:
        if ev.kind == ClockEventKind.suspend.value and start is None:
            start = ev.on_date
        elif ev.kind in RESTARTS and start is not None:
            out.append(Suspension(start, ev.on_date))
            start = None
    if start is not None:
        out.append(Suspension(start, None))
    return tuple(out)


def clock_input(session: Session, request: Request, right: RequestRight, now: date) -> ClockInput:
    own = any(r.regime == "avg" for r in registrations(session, request))
    tasks = session.exec(select(ConsultationTask).where(ConsultationTask.request_id == request.id)).all()
    return build_clock_input(
        received=request.first_received_on, region_id=request.region_id, status=request.status, right=right,
        events=clock_events(session, request.id), tasks=[(t.due_on, t.status != TaskStatus.open.value) for t in tasks],
        has_own_items=own, now=now, channel=request.channel,
    )


def build_clock_input(*, received: date, region_id: str, status: str, right, events, tasks, has_own_items: bool,
                      now: date, channel: str | None = None) -> ClockInput:
    """The deadline engine's input for one right, from the rows around it (pure: the caller
    reads them). ``right`` and ``events`` are anything with the attributes of RequestRight and
    ClockEvent; ``tasks`` are (due date, answered) pairs. The migration that first fills the
    stored deadlines (0010) builds its inputs here too, so there is one way to do it."""
    region = get_region(region_id)
    ext = next(
        (e for e in events if e.kind == ClockEventKind.extend.value and e.right_type == right.type), None
    )
    return ClockInput(
        received=received,
        request_type=RequestType(right.type),
        policy=region.deadlines,
        now=max(now, received),
        suspensions=suspensions(events) if region.deadlines.suspend_for_identity else (),
        extension=Extension(ext.reason, ext.on_date) if ext else None,
        decided_on=right.decided_on,
        replied_on=right.replied_on,
        executed_on=right.executed_on,
        execution_required=execution_needed(right.type, right.outcome, has_own_items, status),
        consultations=tuple(TaskDue(due, answered) for due, answered in tasks),
        decree_days=decree_days(),
        channel=_checked_channel(channel, events),
    )


def _checked_channel(channel: str | None, events) -> Channel | None:
    """The channel for the engine's balie rule. A request whose clock was stopped before
    issue 18 (every request then suspended at acknowledgement, balie ones too: its reason is
    no doubt code) keeps the dates it was told: the rule is not applied to it afterwards."""
    legacy = any(e.kind == ClockEventKind.suspend.value and decode_reason(e.reason)[0] is None for e in events)
    return Channel(channel) if channel and not legacy else None


def execution_required(session: Session, request: Request, right: RequestRight) -> bool | None:
    """Whether a verzet still has something for the ZVH to carry out (see ``execution_needed``)."""
    if right.type != RequestType.verzet.value:
        return None
    own = any(r.regime == "avg" for r in registrations(session, request))
    return execution_needed(right.type, right.outcome, own, request.status)


def execution_needed(right_type: str, outcome: str | None, has_own_items: bool, status: str) -> bool | None:
    """Whether a verzet still has something for the ZVH to carry out (issue 9 point 2). Pure.

    Not when the objection was refused entirely, and not when nothing of the ZVH's own is
    left to decide: no data found, or only police/OM data, which were referred (the
    referral notice or the "geen gegevens" letter is the answer). None: the engine's
    default (verzet needs execution until decided otherwise)."""
    if right_type != RequestType.verzet.value:
        return None
    if outcome in (DecisionOutcome.refused.value, DecisionOutcome.not_handled.value):
        return False  # refused, or not dealt with (the identity was never established)
    if outcome in (DecisionOutcome.granted.value, DecisionOutcome.partly.value):
        return True
    if not has_own_items:
        return False
    if status in (RequestStatus.replying.value, RequestStatus.closed.value):
        return False  # answered without a decision of our own: nothing to carry out
    return None


def clocks(session: Session, request: Request, now: date) -> dict[str, Clock]:
    return {r.type: compute_clock(clock_input(session, request, r, now)) for r in rights(session, request.id)}
