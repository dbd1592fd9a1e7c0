"""Approving and sending the replies; extending the legal deadline (AVG art. 12(3))."""
from dataclasses import replace
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from models import audit
from models.actions.common import ActionError, get_request, not_in_future
from models.deadlines import Extension, compute_clock
from models.enums import ClockEventKind, RequestStatus, RequestType
from models.letters import compose
from models.letters import context as c
from models.letters.approval import blockers
from models.letters.replies import redate_drafts
from models.state import REPLY_PREFIX, clock_input, rights
from models.tables import ClockEvent, Letter, RequestRight


def send_replies(session: Session, request_id: str, actor: str, today: date) -> list[int]:
    """Approve and send every reply letter that is still a draft; the rights it answers
    are marked replied on ``today``. Returns the ids of the letters sent."""
    request = get_request(session, request_id)
    if request.status != RequestStatus.replying.value:
        raise ActionError(f"er liggen geen antwoorden klaar (status: {request.status})")
    letters = session.exec(select(Letter).where(
        Letter.request_id == request.id, Letter.key.startswith(f"{request.id}:{REPLY_PREFIX}"),
        Letter.status != "sent",
    ).order_by(Letter.id)).all()
    if not letters:
        raise ActionError("alle antwoorden zijn al verstuurd")
    problems = blockers(session, request)  # before anything is written (issue 9)
    if problems:
        raise ActionError("de antwoorden kunnen niet worden verstuurd: " + "; ".join(problems))
    redate_drafts(session, request, today, actor)  # a letter carries the date it is sent
    by_type = {r.type: r for r in rights(session, request.id)}
    for letter in letters:
        compose.send(session, request, letter, actor)
        answered = letter.key.rsplit(":", 1)[1]
        targets = list(by_type.values()) if answered == "geen_gegevens" else [by_type[answered]]
        for right in targets:
            right.replied_on = right.replied_on or today
            session.add(right)
    session.flush()
    audit.record(session, actor, "replies.sent", request.id, letters=[x.id for x in letters], on=today)
    return [x.id for x in letters]


class ExtensionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    reason: str = Field(min_length=10)
    recorded_on: date


def record_extension(session: Session, request_id: str, data: ExtensionInput, actor: str, today: date) -> ClockEvent:
    """Extend the legal deadline by two months: only with a reason, only within the first
    month, and the betrokkene is told at once (the extension letter goes out now)."""
    request = get_request(session, request_id)
    not_in_future(data.recorded_on, today, "datum verlenging")
    if request.status in (RequestStatus.closed.value, RequestStatus.withdrawn.value):
        raise ActionError("het verzoek is al afgesloten")
    right = session.exec(select(RequestRight).where(
        RequestRight.request_id == request.id, RequestRight.type == data.type.value)).first()
    if right is None:
        raise ActionError(f"het verzoek bevat geen {data.type.value}")
    already = session.exec(select(ClockEvent).where(
        ClockEvent.request_id == request.id, ClockEvent.kind == ClockEventKind.extend.value,
        ClockEvent.right_type == data.type.value)).first()
    if already is not None:
        raise ActionError(f"de termijn voor {data.type.value} is al verlengd")
    base = clock_input(session, request, right, data.recorded_on)
    clock = compute_clock(replace(base, extension=Extension(data.reason, data.recorded_on)))  # refuses a late one
    event = ClockEvent(
        request_id=request.id, kind=ClockEventKind.extend.value, on_date=data.recorded_on,
        right_type=data.type.value, reason=data.reason, recorded_by=actor,
    )
    session.add(event)
    session.flush()
    audit.record(session, actor, "clock.extended", request.id, type=data.type.value,
                 recorded_on=data.recorded_on, legal_due_extended=clock.legal_due_extended)
    ctx = c.VerlengingContext(
        **compose.base(session, request, data.recorded_on, compose.requester_addressee(session, request), "verlenging"),
        **compose.received(request), request_types=[data.type], original_deadline=clock.legal_due,
        announced_deadline=compute_clock(base).target_due,  # the date the betrokkene was told
        new_deadline=clock.legal_due_extended, reason=data.reason,
    )
    compose.issue(session, request, "verlenging", f"extension:{data.type.value}", ctx, actor, send_now=True)
    return event
