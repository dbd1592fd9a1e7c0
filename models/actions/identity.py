"""Identity verification before anything is disclosed or changed (domain.md §4 step 2).

Only the facts of the check are kept: never a copy of the document, only its last digits.
"""
from datetime import date

from pydantic import Field
from sqlmodel import Session, select

from models import audit
from models.actions.common import (
    STAFF,
    authorise,
    ADVANCE_HINT,
    ActionError,
    Recorded,
    event_key,
    finish,
    get_request,
    not_before,
    not_in_future,
    previous,
    repeat_of,
)
from models.actions.inputs import LINE, Day, Input, text
from models.enums import ClockEventKind, RequestStatus
from models.principal import Principal
from models.region_config import get_region
from models.tables import ClockEvent, IdentityCheck


class IdentityInput(Input):
    method: text(32)
    place: text(LINE)
    checked_on: Day
    officer: text(LINE)  # the ZVH staff member who checked (name or function)
    document_type: str = Field(pattern=r"^(paspoort|identiteitskaart|rijbewijs|verblijfsdocument)$")
    document_last_digits: str = Field(pattern=r"^[0-9A-Z]{2,4}$")


def record_identity(session: Session, request_id: str, data: IdentityInput, principal: Principal, today: date) -> Recorded:
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("identity", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    region = get_region(request.region_id)
    if data.method not in region.identity.methods:
        allowed = ", ".join(region.identity.methods)
        raise ActionError(f"method: {data.method!r} is in deze regio niet toegestaan (wel: {allowed})")
    not_in_future(data.checked_on, today, "datum identificatie")
    not_before(data.checked_on, request.first_received_on, "datum identificatie", "de ontvangst van het verzoek")
    if request.status == RequestStatus.closed.value:
        raise ActionError("het verzoek is al afgesloten")
    existing = session.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).first()
    if existing is not None:
        raise ActionError(f"de identiteit is voor dit verzoek al vastgesteld (op {existing.checked_on}); {ADVANCE_HINT}")
    check = IdentityCheck(request_id=request.id, **data.model_dump())
    session.add(check)
    open_suspension = _open_suspension(session, request.id)
    if open_suspension is not None:
        resume_on = max(data.checked_on, open_suspension.on_date)
        session.add(ClockEvent(
            request_id=request.id, kind=ClockEventKind.resume.value, on_date=resume_on,
            reason="identiteit vastgesteld", recorded_by=actor,
        ))
    session.flush()
    audit.record(
        session, actor, "identity.verified", request.id,
        method=data.method, document_type=data.document_type, checked_on=data.checked_on,
        clock_resumed=open_suspension is not None,
    )
    return finish(session, request, "identity", key, actor, today, ids=(check.id,))


def _open_suspension(session: Session, request_id: str) -> ClockEvent | None:
    events = session.exec(
        select(ClockEvent).where(ClockEvent.request_id == request_id, ClockEvent.kind != ClockEventKind.extend.value)
        .order_by(ClockEvent.id)
    ).all()
    last = events[-1] if events else None
    return last if last is not None and last.kind == ClockEventKind.suspend.value else None
