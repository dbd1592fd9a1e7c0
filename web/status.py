"""What the start page counts: numbers only, no personal data, within the principal's reach."""
from datetime import datetime
from typing import Optional

from sqlmodel import Session, func, select

from models.enums import RequestStatus, Role, TaskStatus
from models.principal import Principal
from models.tables import ConsultationTask, Partner, Region, Request

FINISHED = (RequestStatus.closed.value,)


def open_requests(db: Session, principal: Principal) -> int:
    """Requests not closed, in the principal's regions."""
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


_NEXT_SWEEP: dict = {}
_CACHE_SECONDS = 60


def next_sweep_at() -> Optional[datetime]:
    """When the scheduled ``sla-sweep`` deployment runs next, asked of the Prefect server
    (at most once a minute per process); None when there is no server, no deployment or no
    answer within two seconds — the start page then says "nog niet bekend"."""
    import time

    cached = _NEXT_SWEEP.get("value")
    # "Not known" is asked again soon: the server schedules the runs a little after it starts.
    if cached is not None and time.monotonic() - cached[0] < (_CACHE_SECONDS if cached[1] else 5):
        return cached[1]
    value = _ask_prefect()
    _NEXT_SWEEP["value"] = (time.monotonic(), value)
    return value


def _ask_prefect() -> Optional[datetime]:
    from flows.dispatch import SWEEP_DEPLOYMENT, _api_url

    if not _api_url():
        return None
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterName, FlowRunFilter,
                                                    FlowRunFilterState, FlowRunFilterStateType)
        from prefect.client.schemas.objects import StateType
        from prefect.client.schemas.sorting import FlowRunSort

        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[SWEEP_DEPLOYMENT.split("/")[1]])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                    any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
    except Exception:  # noqa: BLE001 - the start page must never fail for this
        return None
    return runs[0].expected_start_time if runs else None
