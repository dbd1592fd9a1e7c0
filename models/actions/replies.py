"""Approving (the signatory) and sending the replies; extending the legal deadline (AVG
art. 12(3)).

A reply to the betrokkene is a draft until a signatory approves it (``approve_replies``,
four eyes where the region has them); it is then frozen, and ``send_replies`` sends it.
``withdraw_approval`` makes approved, unsent replies drafts again."""
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
from models.letters import store
from models.letters.approval import authors, blockers
from models.letters.replies import redate_drafts
from models.region_config import get_region
from models.state import clock_input, rights
from models.tables import ActionEvent, ClockEvent, Letter, RequestRight


def _unsent_replies(session: Session, request) -> list[Letter]:
    return list(session.exec(select(Letter).where(
        Letter.request_id == request.id, Letter.reply.is_(True), Letter.status != store.SENT,
    ).order_by(Letter.id)))


def _replying(request) -> None:
    if request.status != RequestStatus.replying.value:
        hint = f"; {ADVANCE_HINT}" if request.status in (RequestStatus.executing.value,
                                                          RequestStatus.deliberating.value) else ""
        raise ActionError(f"er liggen geen antwoorden klaar (status: {request.status}){hint}")


class _Undo(Exception):
    pass


def blockers_as_signed(session: Session, request, today: date, actor: str) -> list[str]:
    """``blockers`` of the drafts as they would be signed today: rendered again first, inside
    a savepoint that is always rolled back, so nothing is written. A fact the region filled in
    after the draft was made (a mandate, an address: models/region_facts.py) then counts, and
    a draft made before it no longer blocks the approval that renders it anew."""
    problems: list[str] = []
    try:
        with session.begin_nested():
            redate_drafts(session, request, today, actor)
            session.flush()
            problems = blockers(session, request)
            raise _Undo
    except _Undo:
        pass
    session.expire_all()
    return problems


def _latest(session: Session, request, action: str):
    return session.exec(select(ActionEvent).where(ActionEvent.request_id == request.id, ActionEvent.action == action)
                        .order_by(ActionEvent.id.desc())).first()


def approve_replies(session: Session, request_id: str, principal: Principal, today: date) -> Recorded:
    """The signatory approves every reply that is still a draft: it is dated ``today`` (the
    day it is signed) and frozen (no more edits until the approval is withdrawn). Where the
    region has four eyes (``signatory.four_eyes``, on by default), the signatory may not be
    one of the people who wrote it (models.letters.approval ``authors``). The result's ids
    are the letters approved."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, Role.signatory)
    _replying(request)
    letters = _unsent_replies(session, request)
    drafts = [x for x in letters if x.status == store.DRAFT]
    if not drafts:
        if letters and (earlier := _latest(session, request, "approve")) is not None:
            return repeat_of(earlier, request)  # e.g. a second click on the same button
        raise ActionError(f"alle antwoorden zijn al verstuurd; {ADVANCE_HINT}")
    key = event_key("approve", request.id, {"on": today.isoformat(),
                                            "drafts": [[x.id, store.content_hash(x.html)] for x in drafts]})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    problems = blockers_as_signed(session, request, today, actor)  # before anything is written (issue 9)
    if problems:
        raise ActionError("de antwoorden kunnen niet worden goedgekeurd: " + "; ".join(problems))
    four_eyes = get_region(request.region_id).signatory.four_eyes
    if four_eyes and principal.id in authors(session, request):
        raise ActionError("vier ogen: u heeft zelf aan deze antwoorden gewerkt (het besluit, een uitleg, de bron "
                          "of de tekst van de brief); een andere ondertekenaar keurt ze goed")
    redate_drafts(session, request, today, actor)  # a letter carries the date it is signed
    for letter in drafts:
        store.approve(session, letter.id, actor)
    audit.record(session, actor, "replies.approved", request.id, letters=[x.id for x in drafts], on=today,
                 four_eyes=four_eyes)
    return finish(session, request, "approve", key, actor, today, ids=tuple(x.id for x in drafts))


def withdraw_approval(session: Session, request_id: str, principal: Principal, today: date) -> Recorded:
    """Approved replies that were not sent become drafts again (to change their text); they
    need a new approval. The coordinator or the signatory may do this."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, Role.coordinator, Role.signatory)
    _replying(request)
    approved = [x for x in _unsent_replies(session, request) if x.status == store.APPROVED]
    if not approved:
        if (earlier := _latest(session, request, "withdraw")) is not None:
            return repeat_of(earlier, request)
        raise ActionError("er is geen goedgekeurd antwoord dat nog niet is verstuurd")
    key = event_key("withdraw", request.id, {"on": today.isoformat(),
                                             "letters": [[x.id, x.approved_at.isoformat()] for x in approved]})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    for letter in approved:
        store.withdraw_approval(session, letter.id, actor)
    audit.record(session, actor, "replies.approval_withdrawn", request.id, letters=[x.id for x in approved], on=today)
    return finish(session, request, "withdraw", key, actor, today, ids=tuple(x.id for x in approved))


def send_replies(session: Session, request_id: str, principal: Principal, today: date) -> Recorded:
    """Send every approved reply (the coordinator or the signatory): each is frozen with its
    hash and put in the outbox, and the rights it answers are marked replied on ``today``.
    A reply that is still a draft is refused: a signatory approves it first
    (``approve_replies``). The result's ids are the letters sent."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, Role.coordinator, Role.signatory)
    key = event_key("send", request.id, {"on": today.isoformat()})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    _replying(request)
    letters = _unsent_replies(session, request)
    if not letters:
        raise ActionError(f"alle antwoorden zijn al verstuurd; {ADVANCE_HINT}")
    if any(x.status == store.DRAFT for x in letters):
        raise ActionError("de antwoorden zijn nog niet goedgekeurd: een ondertekenaar keurt ze eerst goed")
    problems = blockers(session, request)  # before anything is written (issue 9)
    if problems:
        raise ActionError("de antwoorden kunnen niet worden verstuurd: " + "; ".join(problems))
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


def approved_replies_block(session: Session, request, what: str) -> None:
    """An edit of what the replies say is refused while they are approved and not sent: the
    approval is withdrawn first, so that no one approves one text and sends another."""
    if any(x.status == store.APPROVED for x in _unsent_replies(session, request)):
        raise ActionError(f"de antwoorden zijn al goedgekeurd; trek de goedkeuring eerst in om {what} te wijzigen")


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
