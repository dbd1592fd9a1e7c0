"""The manager's dashboard of open requests: one page of rows, the counts per status, the
consultation load per partner, the sweep's escalations and the requests closed lately.

A fixed number of queries whatever the number of requests (no query per row): the rows
come from the stored deadlines (models/sla.py), the status of the day is a SQL expression,
and only the page's own rows get their rights and tasks, in one query each. References,
codes and dates only: a name never appears here (opening a request is a logged read).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import case, exists, func, literal
from sqlmodel import Session, select

from models.enums import RequestStatus, RequestType, TaskStatus
from models.holidays import count_working_days
from models.sla import OPEN_STATUSES, URGENCY, SlaStatus, status_expression, urgency_expression
from models.state import decree_days
from models.tables import ConsultationTask, Partner, Request, RequestRight

PER_PAGE = 25
#: The ways the rows can be sorted: name -> the columns, most significant first.
SORTS = {
    "urgentie": lambda today: [urgency_expression(today), Request.sla_target_due, Request.reference],
    "ontvangen": lambda today: [Request.first_received_on, Request.reference],
    "protocoltermijn": lambda today: [Request.sla_protocol_due, Request.reference],
    "wettelijke_termijn": lambda today: [Request.sla_legal_due, Request.reference],
    "kenmerk": lambda today: [Request.reference],
}
#: How long a closed request stays in the "closed lately" list.
RECENT_DAYS = 30


@dataclass(frozen=True)
class Filters:
    """What the manager asked for; ``regions``: the principal's (None: every region)."""

    regions: Optional[frozenset[str]] = None
    region: Optional[str] = None
    status: Optional[SlaStatus] = None
    phase: Optional[RequestStatus] = None
    type: Optional[RequestType] = None
    sort: str = "urgentie"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Row:
    id: str
    reference: str
    region_id: str
    types: list[str]
    received_on: date
    protocol_due: Optional[date]
    legal_due: Optional[date]
    working_days_left: Optional[int]
    status: SlaStatus
    phase: str
    failed_step: Optional[str]
    tasks_open: int
    tasks_overdue: int


@dataclass(frozen=True)
class PartnerLoad:
    partner_id: int
    name: str
    region_id: str
    open: int
    overdue: int


@dataclass(frozen=True)
class Escalation:
    request_id: str
    reference: str
    partner: str
    due_on: date
    escalated_on: date


@dataclass(frozen=True)
class Closed:
    request_id: str
    reference: str
    region_id: str
    received_on: date
    closed_on: date
    status: SlaStatus  # done_on_time or done_late (against the target of each right)
    protocol_met: Optional[bool]
    legal_met: Optional[bool]


@dataclass(frozen=True)
class Dashboard:
    today: date
    filters: Filters
    rows: list[Row]
    counts: dict[SlaStatus, int]  # per status, within the other filters
    total: int  # rows matching every filter
    partners: list[PartnerLoad] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    closed: list[Closed] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filters.per_page))


def _scope(query, filters: Filters):
    if filters.regions is not None:
        query = query.where(Request.region_id.in_(sorted(filters.regions)))
    if filters.region:
        query = query.where(Request.region_id == filters.region)
    return query


#: The open requests: ``status <> 'closed'`` written out as the partial index
#: ix_request_open_target has it (an inline literal, not a parameter: SQLite and PostgreSQL
#: only use a partial index when the query's condition visibly implies the index's), so only
#: the open requests are read. (The same set as ``status IN OPEN_STATUSES``, every status but
#: closed; that second condition is left out, as it only spoiled PostgreSQL's row estimates.)
NOT_CLOSED = Request.status != literal(RequestStatus.closed.value, literal_execute=True)
#: The same for the open consultation tasks (partial index ix_consultationtask_open).
TASK_OPEN = ConsultationTask.status == literal(TaskStatus.open.value, literal_execute=True)


def _open(query, filters: Filters, today: date, with_status: bool = True):
    query = _scope(query.where(NOT_CLOSED), filters)
    if filters.phase:
        query = query.where(Request.status == filters.phase.value)
    if filters.type:
        query = query.where(exists().where(RequestRight.request_id == Request.id,
                                           RequestRight.type == filters.type.value))
    if with_status and filters.status:
        query = query.where(status_expression(today) == filters.status.value)
    return query


def dashboard(session: Session, filters: Filters, today: date) -> Dashboard:
    status = status_expression(today)
    counted = session.exec(_open(select(status, func.count()).select_from(Request), filters, today,
                                 with_status=False).group_by(status)).all()
    counts = {s: 0 for s in URGENCY if s not in (SlaStatus.done_late, SlaStatus.done_on_time)}
    for code, n in counted:
        counts[SlaStatus(code)] = counts.get(SlaStatus(code), 0) + n
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())

    order = SORTS.get(filters.sort, SORTS["urgentie"])(today)
    if filters.descending:
        order = [c.desc() for c in order]
    page = max(1, filters.page)
    found = session.exec(_open(select(
        Request.id, Request.reference, Request.region_id, Request.first_received_on, Request.sla_protocol_due,
        Request.sla_legal_due, Request.sla_target_due, Request.sla_completed_on, Request.status,
        Request.failed_step, status.label("sla"),
    ), filters, today).order_by(*order).offset((page - 1) * filters.per_page).limit(filters.per_page)).all()
    ids = [r.id for r in found]
    types: dict[str, list[str]] = {i: [] for i in ids}
    tasks: dict[str, tuple[int, int]] = {}
    if ids:
        for request_id, rtype in session.exec(select(RequestRight.request_id, RequestRight.type)
                                              .where(RequestRight.request_id.in_(ids)).order_by(RequestRight.id)):
            types[request_id].append(rtype)
        for request_id, n_open, n_overdue in session.exec(
                select(ConsultationTask.request_id, func.count(),
                       func.sum(case((ConsultationTask.due_on < today, 1), else_=0)))
                .where(ConsultationTask.request_id.in_(ids), TASK_OPEN)
                .group_by(ConsultationTask.request_id)):
            tasks[request_id] = (n_open, int(n_overdue or 0))
    cal = decree_days()
    rows = [Row(
        id=r.id, reference=r.reference, region_id=r.region_id, types=types[r.id], received_on=r.first_received_on,
        protocol_due=r.sla_protocol_due, legal_due=r.sla_legal_due,
        working_days_left=(count_working_days(today, r.sla_target_due, cal)
                           if r.sla_target_due and not r.sla_completed_on else None),
        status=SlaStatus(r.sla), phase=r.status, failed_step=r.failed_step,
        tasks_open=tasks.get(r.id, (0, 0))[0], tasks_overdue=tasks.get(r.id, (0, 0))[1],
    ) for r in found]
    return Dashboard(today=today, filters=filters, rows=rows, counts=counts, total=total,
                     partners=partner_load(session, filters, today), escalations=escalations(session, filters),
                     closed=recently_closed(session, filters, today))


def partner_load(session: Session, filters: Filters, today: date) -> list[PartnerLoad]:
    """Open and overdue consultation tasks per partner, over the open requests in scope.
    Counted per partner first from the open requests' open tasks, then named (so neither
    database walks every task of a partner)."""
    per_partner = (_scope(select(ConsultationTask.partner_id, func.count().label("n"),
                                 func.sum(case((ConsultationTask.due_on < today, 1), else_=0)).label("late"))
                          .join(Request, Request.id == ConsultationTask.request_id)
                          .where(TASK_OPEN, NOT_CLOSED), filters)
                   .group_by(ConsultationTask.partner_id).subquery())
    rows = session.exec(select(Partner.id, Partner.name, Partner.region_id, per_partner.c.n, per_partner.c.late)
                        .join(per_partner, per_partner.c.partner_id == Partner.id)).all()
    loads = [PartnerLoad(pid, name, region, n, int(late or 0)) for pid, name, region, n, late in rows]
    return sorted(loads, key=lambda p: (-p.overdue, -p.open, p.name))


def escalations(session: Session, filters: Filters, limit: int = 10) -> list[Escalation]:
    """The daily sweep's escalations still open (the manager also got them by letter)."""
    query = _scope(select(Request.id, Request.reference, Partner.name, ConsultationTask.due_on,
                          ConsultationTask.escalated_on)
                   .select_from(ConsultationTask)
                   .join(Request, Request.id == ConsultationTask.request_id)
                   .join(Partner, Partner.id == ConsultationTask.partner_id)
                   .where(TASK_OPEN, ConsultationTask.escalated_on.is_not(None), NOT_CLOSED), filters)
    rows = session.exec(query.order_by(ConsultationTask.escalated_on.desc(), Request.reference).limit(limit)).all()
    return [Escalation(*row) for row in rows]


def recently_closed(session: Session, filters: Filters, today: date, limit: int = 10) -> list[Closed]:
    """Requests closed in the last ``RECENT_DAYS`` days, with whether they were on time."""
    query = _scope(select(Request.id, Request.reference, Request.region_id, Request.first_received_on,
                          Request.closed_on, Request.sla_status, Request.sla_protocol_met, Request.sla_legal_met)
                   .where(Request.status == RequestStatus.closed.value,
                          Request.closed_on >= today - timedelta(days=RECENT_DAYS)), filters)
    rows = session.exec(query.order_by(Request.closed_on.desc(), Request.reference).limit(limit)).all()
    return [Closed(rid, ref, region, received, closed,
                   SlaStatus.done_on_time if sla == "done_on_time" else SlaStatus.done_late, pm, lm)
            for rid, ref, region, received, closed, sla, pm, lm in rows]


def sla_table(session: Session, today: date) -> list[dict]:
    """Every open request as one row of codes and dates, most urgent first: the SLA table
    the daily sweep publishes as a Prefect artifact (references only, no personal data)."""
    status = status_expression(today)
    types = {}
    rows = session.exec(select(Request.id, Request.reference, Request.region_id, Request.status,
                               Request.first_received_on, Request.sla_protocol_due, Request.sla_legal_due, status)
                        .where(Request.status.in_(OPEN_STATUSES))
                        .order_by(urgency_expression(today), Request.sla_target_due, Request.reference)).all()
    for request_id, rtype in session.exec(select(RequestRight.request_id, RequestRight.type).join(
            Request, Request.id == RequestRight.request_id).where(Request.status.in_(OPEN_STATUSES))):
        types.setdefault(request_id, []).append(rtype)
    return [{
        "kenmerk": ref, "regio": region, "status": phase, "soorten": ",".join(sorted(types.get(rid, []))),
        "ontvangen": received.isoformat(),
        "protocoltermijn": protocol.isoformat() if protocol else None,
        "wettelijke_termijn": legal.isoformat() if legal else None,
        "termijnstatus": sla,
    } for rid, ref, region, phase, received, protocol, legal, sla in rows]

