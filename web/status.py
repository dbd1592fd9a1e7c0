"""What the start page counts: numbers only, no personal data, within the principal's reach."""
from datetime import datetime
from typing import Optional

from sqlmodel import Session, func, select

from models.enums import RequestStatus, Role, TaskStatus
from models.principal import Principal
from models.tables import ConsultationTask, Partner, Region, Request

FINISHED = (RequestStatus.closed.value, RequestStatus.withdrawn.value)


def open_requests(db: Session, principal: Principal) -> int:
    """Requests not closed or withdrawn, in the principal's regions."""
    query = select(func.count()).select_from(Request).where(Request.status.not_in(FINISHED))
    if not principal.all_regions:
        query = query.where(Request.region_id.in_(sorted(principal.regions)))
    return db.exec(query).one()


def open_tasks(db: Session, principal: Principal) -> int:
    """Open consultation tasks of a partner user's own organisation (0 for anyone else)."""
    if principal.role != Role.partner or not principal.partner_slug:
        return 0
    return db.exec(
        select(func.count()).select_from(ConsultationTask)
        .join(Partner, Partner.id == ConsultationTask.partner_id)
        .where(ConsultationTask.status == TaskStatus.open.value,
               Partner.slug == principal.partner_slug,
               Partner.region_id.in_(sorted(principal.regions)))
    ).one()


def region_names(db: Session, principal: Principal) -> list[str]:
    query = select(Region.name).order_by(Region.name)
    if not principal.all_regions:
        query = query.where(Region.id.in_(sorted(principal.regions)))
    return list(db.exec(query))


def partner_name(db: Session, principal: Principal) -> Optional[str]:
    if not principal.partner_slug:
        return None
    return db.exec(select(Partner.name).where(Partner.slug == principal.partner_slug,
                                              Partner.region_id.in_(sorted(principal.regions)))).first()


def next_sweep_at() -> Optional[datetime]:
    """When the daily SLA sweep runs next, or None while that is not known.

    The runtime (issue 10: the scheduled ``sla-sweep`` deployment) fills this in; until then
    the start page says "nog niet bekend"."""
    return None
