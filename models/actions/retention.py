"""Holding a request file beyond its retention period while a procedure about it runs (issue
18 point 7): a bezwaar, a beroep, a verzoekschrift to the rechtbank or a complaint to the
Autoriteit Persoonsgegevens needs the file. The coordinator places the hold and releases it
when the procedure is over; the file is then kept for the remedy period against its outcome
(models/retention.py). The hold is in the audit trail (a reason code and a day, nothing
personal), which outlives the file."""
from datetime import date
from typing import Literal

from pydantic import Field
from sqlmodel import Session

from models import retention
from models.actions.common import STAFF, ActionError, Recorded, authorise, event_key, finish, get_request, previous, repeat_of
from models.actions.inputs import Input
from models.principal import Principal

HoldReason = Literal["bezwaar", "beroep", "verzoekschrift", "klacht"]


class HoldInput(Input):
    reason: HoldReason = Field(title="Reden (bezwaar, beroep, verzoekschrift of klacht)")


def hold_file(session: Session, request_id: str, data: HoldInput, principal: Principal, today: date) -> Recorded:
    """Hold the request file: it is not erased until the hold is released."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("retention_hold", request.id, {**data.model_dump(), "on": today.isoformat()})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    state = retention.hold_state(session, request.id)
    if state.active and state.reason == data.reason:
        raise ActionError(f"{request.reference}: het dossier is al {state.describe(today)}")
    try:
        retention.place_hold(session, request, data.reason, actor, today)
    except ValueError as exc:
        raise ActionError(str(exc)) from None
    return finish(session, request, "retention_hold", key, actor, today)


def release_file(session: Session, request_id: str, principal: Principal, today: date) -> Recorded:
    """Release the hold: the procedure about the request is over."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("retention_release", request.id, {"on": today.isoformat()})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    try:
        retention.release_hold(session, request, actor, today)
    except ValueError as exc:
        raise ActionError(str(exc)) from None
    return finish(session, request, "retention_release", key, actor, today)
