"""Approving and sending the replies; extending the legal deadline (AVG art. 12(3))."""
from dataclasses import replace
from datetime import date

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
from models.actions.inputs import REASON, Day, Input, text
from models.deadlines import DeadlineError, Extension, compute_clock
from models.enums import ClockEventKind, RequestStatus, RequestType, Role
from models.principal import Principal
from models.letters import compose
from models.letters import context as c
from models.letters.approval import blockers
from models.letters.replies import redate_drafts
from models.state import clock_input, rights
from models.tables import ClockEvent, Letter, RequestRight


def send_replies(session: Session, request_id: str, principal: Principal, today: date) -> Recorded:
    """Approve and send every reply letter that is still a draft; the rights it answers
    are marked replied on ``today``. The result's ids are the letters sent."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, Role.coordinator, Role.signatory)
    key = event_key("send", request.id, {"on": today.isoformat()})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    if request.status != RequestStatus.replying.value:
        hint = f"; {ADVANCE_HINT}" if request.status in (RequestStatus.executing.value,
                                                          RequestStatus.deliberating.value) else ""
        raise ActionError(f"er liggen geen antwoorden klaar (status: {request.status}){hint}")
    letters = session.exec(select(Letter).where(
        Letter.request_id == request.id, Letter.reply.is_(True),
        Letter.status != "sent",
    ).order_by(Letter.id)).all()
    if not letters:
        raise ActionError(f"alle antwoorden zijn al verstuurd; {ADVANCE_HINT}")
    problems = blockers(session, request)  # before anything is written (issue 9)
    if problems:
        raise ActionError("de antwoorden kunnen niet worden verstuurd: " + "; ".join(problems))
    redate_drafts(session, request, today, actor)  # a letter carries the date it is sent
    by_type = {r.type: r for r in rights(session, request.id)}
    for letter in letters:
        compose.send(session, request, letter, actor)
        targets = [by_type[letter.right_type]] if letter.right_type else list(by_type.values())
        for right in targets:
            right.replied_on = right.replied_on or today
            session.add(right)
    session.flush()
    audit.record(session, actor, "replies.sent", request.id, letters=[x.id for x in letters], on=today)
    return finish(session, request, "send", key, actor, today, ids=tuple(x.id for x in letters))


class ExtensionInput(Input):
    type: RequestType
    reason: text(REASON)
    recorded_on: Day


def record_extension(session: Session, request_id: str, data: ExtensionInput, principal: Principal, today: date) -> Recorded:
    """Extend the legal deadline by two months: only with a reason, only within the first
    month, and the betrokkene is told at once (the extension letter goes out now)."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("extend", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    not_in_future(data.recorded_on, today, "datum verlenging")
    not_before(data.recorded_on, request.first_received_on, "datum verlenging", "de ontvangst van het verzoek")
    if len(data.reason) < 10:
        raise ActionError("reason: geef een reden van minstens 10 tekens (AVG art. 12 lid 3)")
    if request.status == RequestStatus.closed.value:
        raise ActionError("het verzoek is al afgesloten")
    right = session.exec(select(RequestRight).where(
        RequestRight.request_id == request.id, RequestRight.type == data.type.value)).first()
    if right is None:
        raise ActionError(f"het verzoek bevat geen {data.type.value}")
    already = session.exec(select(ClockEvent).where(
        ClockEvent.request_id == request.id, ClockEvent.kind == ClockEventKind.extend.value,
        ClockEvent.right_type == data.type.value)).first()
    if already is not None:
        raise ActionError(f"de termijn voor {data.type.value} is al verlengd (op {already.on_date}); {ADVANCE_HINT}")
    if right.replied_on is not None:
        raise ActionError(f"op {data.type.value} is al geantwoord: verlengen kan niet meer")
    base = clock_input(session, request, right, data.recorded_on)
    try:  # refuses a late one (AVG art. 12(3): within the first month)
        clock = compute_clock(replace(base, extension=Extension(data.reason, data.recorded_on)))
    except DeadlineError as exc:
        raise ActionError(str(exc)) from None
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
    return finish(session, request, "extend", key, actor, today, ids=(event.id,))
