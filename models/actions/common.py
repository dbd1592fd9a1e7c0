"""What every action shares: its error, its result, its idempotency, and the rehearsal of
the automatic steps that follow it.

An action is one transaction: it reads the request, checks its input against the domain
rules, writes its rows and its audit event, records itself as an ``ActionEvent`` and then
*rehearses* the automatic steps the next flow run will take (inside a savepoint that is
rolled back). So a refused input, or an input the next step could not work with (no name
for the letter, a date the deadline engine refuses, a region whose letters cannot go out),
is refused before anything is committed, and the database stays exactly as it was.
"""
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from pydantic import BaseModel
from sqlmodel import Session, select

from models import processing
from models.crypto import keyed_digests
from models.enums import Role
from models.principal import Principal
from models.region_config import RegionConfig
from models.tables import ActionEvent, Partner, Request
from models.validation import one_line


class ActionError(ValueError):
    """Bad input for an action: a Dutch one-line message; nothing was written."""


def authorise(principal: Principal, region_id: str, *roles: Role) -> str:
    """May ``principal`` act here? Its role must be one of ``roles`` and the region one of
    its own (NotAllowed otherwise, before anything is read or written). Every action asks
    this, whatever route the call came by (command line, web page, API). Returns how the
    audit trail names the principal."""
    if not isinstance(principal, Principal):
        raise TypeError("an action needs a models.principal.Principal")
    principal.require_role(*roles)
    principal.require_region(region_id)
    return principal.actor


#: Who may record what a person decides or does in a request: the coordinator.
STAFF = (Role.coordinator,)


ADVANCE_HINT = "'rechtenloket request advance' zet de verwerking voort"


@dataclass(frozen=True)
class Recorded:
    """What an action did. ``repeated``: the same action with the same input was recorded
    before (on ``recorded_on``), so nothing was written now; the caller still advances the
    request, which finishes what an interrupted run left."""

    action: str
    request_id: str
    reference: str
    event_key: str
    repeated: bool = False
    recorded_on: Optional[date] = None
    ids: tuple[int, ...] = field(default=())

    @property
    def message(self) -> str:
        if self.repeated:
            return (f"{self.reference}: dit was al vastgelegd op {self.recorded_on.isoformat()}; "
                    "er is niets dubbel vastgelegd en de verwerking is voortgezet")
        return f"{self.reference}: vastgelegd"


def not_in_future(value: date, today: date, what: str) -> None:
    if value > today:
        raise ActionError(f"{what} ({value.isoformat()}) ligt in de toekomst")


def not_before(value: date, earliest: date, what: str, earlier_what: str) -> None:
    if value < earliest:
        raise ActionError(f"{what} ({value.isoformat()}) ligt vóór {earlier_what} ({earliest.isoformat()})")


def get_request(session: Session, request_id: str) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        request = session.exec(select(Request).where(Request.reference == request_id)).first()
    if request is None:
        raise ActionError(f"onbekend verzoek {request_id!r}")
    return request


def partner_row(session: Session, region: RegionConfig, slug: str) -> Partner:
    try:
        region.partner(slug)
    except KeyError as exc:
        raise ActionError(str(exc.args[0])) from None
    row = session.exec(
        select(Partner).where(Partner.region_id == region.id, Partner.slug == slug)
    ).first()
    if row is None:
        raise ActionError(f"partner {slug!r} staat niet in de database: voer 'rechtenloket init' uit")
    return row


# ------------------------------------------------------------------ idempotency


def canonical(data: Any) -> str:
    """The input as one stable string: equal inputs, equal strings."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


class EventKey(str):
    """An action's key (the digest under the current key) that also knows its digests under
    the other configured key, so a repeat during a key rotation is still recognised."""

    candidates: tuple[str, ...]

    def __new__(cls, digests: list[str]):
        key = super().__new__(cls, digests[0])
        key.candidates = tuple(digests)
        return key


def event_key(action: str, request_id: str, data: Any) -> EventKey:
    return EventKey(keyed_digests("action", f"{action}\x00{request_id}\x00{canonical(data)}"))


def previous(session: Session, key: str) -> Optional[ActionEvent]:
    candidates = list(getattr(key, "candidates", (key,)))
    return session.exec(select(ActionEvent).where(ActionEvent.key.in_(candidates))).first()


def repeat_of(event: ActionEvent, request: Request) -> Recorded:
    return Recorded(event.action, request.id, request.reference, event.key, repeated=True,
                    recorded_on=event.recorded_on)


def finish(session: Session, request: Request, action: str, key: str, actor: str, today: date,
           input_digest: Optional[str] = None, ids: tuple[int, ...] = ()) -> Recorded:
    """Record the action itself, then rehearse the steps that follow (see the module doc)."""
    session.add(ActionEvent(key=key, input_digest=input_digest or key, request_id=request.id,
                            action=action, recorded_on=today, actor=actor))
    session.flush()
    # Every change of a betrokkene's data is a line of the processing log, in this transaction.
    processing.record(session, actor, processing.as_code("wijzigen", action), processing.CHANGE, request_id=request.id)
    refresh_deadlines(session, request, today)
    rehearse(session, request, today)
    return Recorded(action, request.id, request.reference, key, ids=ids)


def refresh_deadlines(session: Session, request: Request, today: date) -> None:
    """The request's stored deadlines after what was just recorded (models/sla.py)."""
    from models.deadlines import DeadlineError
    from models.sla import refresh

    try:
        refresh(session, request, today)
    except DeadlineError as exc:
        raise ActionError(str(exc)) from None


class _RollBack(Exception):
    pass


def rehearse(session: Session, request: Request, today: date) -> None:
    """Run the automatic steps that are now due inside a savepoint, then roll it back.

    Whatever they would refuse (a letter that cannot be written, a date the deadline engine
    refuses) becomes this action's error, before anything is committed."""
    from flows.steps import run_due_steps  # the steps are the layer below the actions

    try:
        with session.begin_nested():
            run_due_steps(session, request, today)
            raise _RollBack
    except _RollBack:
        return
    except ActionError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the next step refuses the action
        raise ActionError(f"dit kan niet worden vastgelegd, want de volgende stap zou mislukken: "
                          f"{one_line(exc)}") from exc
