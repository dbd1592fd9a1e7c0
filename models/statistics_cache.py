"""The statistics of a period kept between views, and exactly as long as they are right.

Aggregating a year (tens of thousands of requests, five times as many consultation tasks)
costs far more than a page may (issue 12: a median under 150 ms at 100,000 requests). So
the groups of the aggregate queries (``models.statistics.queries``: counts and codes only)
are stored per period and scope in ``statisticssnapshot``, with a fingerprint of the
requests they were computed from: how many requests the period and scope hold, and the sum
of their ``stats_version``. A view recomputes them when the fingerprint differs.

Every change the statistics can see raises a ``stats_version``: a listener on every ORM
session (``before_flush``) raises it by one for each request changed in the flush, and for
the request of each right, consultation task, item decision and item answer added, changed
or deleted, in the same transaction as the change, before the flush writes the children
(the request row first, as the flush itself orders them). A new request changes the count.
The counter only goes up, so a sum once seen never comes back. Retention (models.retention)
sets ``anonymised_on`` on the request it erases, so its period is recomputed too (and
gives the same figures: the rows the statistics count are kept).

Why no race: a view reads the fingerprint before the groups. A change that commits in
between leaves a snapshot with the old fingerprint and newer groups, which the next view
replaces; a change after the groups raises the fingerprint. A write that bypasses the ORM
(a bulk UPDATE of those tables; none in the code, a data migration) must delete the
snapshots (``clear``).
"""
import json
import logging
from datetime import date
from typing import Optional

from sqlalchemy import delete, event, func, or_, select as sa_select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from models.tables import ConsultationTask, ItemAnswer, ItemDecision, Request, RequestRight, StatisticsSnapshot

log = logging.getLogger(__name__)
_CHILDREN = (RequestRight, ConsultationTask, ItemDecision)


def _changed(session: OrmSession) -> tuple[set[str], set[int]]:
    """The ids of the stored requests whose statistics this flush changes, and the ids of
    the tasks whose item answers it changes."""
    requests: set[str] = set()
    tasks: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Request):
            if obj not in session.new:
                requests.add(obj.id)
        elif isinstance(obj, _CHILDREN):
            if obj.request_id:
                requests.add(obj.request_id)
        elif isinstance(obj, ItemAnswer) and obj.task_id is not None:
            tasks.add(obj.task_id)
    return requests, tasks


@event.listens_for(OrmSession, "before_flush")
def _raise_versions(session: OrmSession, _context, _instances) -> None:
    requests, tasks = _changed(session)
    if not requests and not tasks:
        return
    table = Request.__table__
    which = [table.c.id.in_(sorted(requests))] if requests else []
    if tasks:
        which.append(table.c.id.in_(sa_select(ConsultationTask.__table__.c.request_id)
                                    .where(ConsultationTask.__table__.c.id.in_(sorted(tasks)))))
    session.connection().execute(table.update().where(or_(*which))
                                 .values(stats_version=table.c.stats_version + 1))


def scope_key(regions: Optional[frozenset[str]]) -> str:
    return "*" if regions is None else ",".join(sorted(regions))


def fingerprint(session: Session, period, regions: Optional[frozenset[str]]) -> tuple[int, int]:
    """How many requests the period and scope hold, and the sum of their stats_version."""
    from models.statistics import _in_period

    n, versions = session.exec(_in_period(select(func.count(), func.coalesce(func.sum(Request.stats_version), 0)),
                                          period, regions)).one()
    return int(n), int(versions)


def groups(session: Session, period, regions: Optional[frozenset[str]]) -> dict[str, list[tuple]]:
    """The groups of the statistics' aggregate queries: kept ones where still right, else
    computed (and kept, in a transaction of their own: a view never fails for the cache)."""
    from models.statistics import queries

    key = scope_key(regions)
    seen = fingerprint(session, period, regions)
    kept = session.exec(select(StatisticsSnapshot.requests, StatisticsSnapshot.versions, StatisticsSnapshot.groups)
                        .where(StatisticsSnapshot.period_start == period.start,
                               StatisticsSnapshot.period_end == period.end,
                               StatisticsSnapshot.scope == key)).first()
    if kept is not None and (kept[0], kept[1]) == seen:
        return {name: [tuple(row) for row in rows] for name, rows in json.loads(kept[2]).items()}
    computed = {name: [tuple(row) for row in session.exec(q).all()] for name, q in queries(period, regions).items()}
    _keep(session, period, key, seen, computed)
    return computed


def _keep(session: Session, period, key: str, seen: tuple[int, int], computed: dict) -> None:
    payload = json.dumps({name: [list(row) for row in rows] for name, rows in computed.items()}, default=_plain)
    try:
        with Session(session.get_bind()) as own:
            own.exec(delete(StatisticsSnapshot).where(StatisticsSnapshot.period_start == period.start,
                                                      StatisticsSnapshot.period_end == period.end,
                                                      StatisticsSnapshot.scope == key))
            own.add(StatisticsSnapshot(period_start=period.start, period_end=period.end, scope=key,
                                       requests=seen[0], versions=seen[1], groups=payload))
            own.commit()
    except SQLAlchemyError as exc:  # two views at once, or a busy database: the next view keeps them
        log.info("statistics not kept: %s", type(exc).__name__)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return int(value)  # Decimal from a SUM on PostgreSQL


def clear(session: Session) -> int:
    """Forget every kept period (after a write that bypassed the ORM)."""
    return session.exec(delete(StatisticsSnapshot)).rowcount or 0  # type: ignore[call-overload]
