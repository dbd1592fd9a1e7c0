"""Identity verification before anything is disclosed or changed (domain.md §4 step 2).

Only the facts of the check are kept: never a copy of the document, only its last digits.

The clock stands still only where there is a reason (issue 18 point 3, AVG art. 12 lid 6):
``record_identity_doubt`` records why the identity could not yet be established, stops the
clock from that day and sends the invitation with its term; ``record_identity_lapse`` (and the
daily sweep, ``lapse_identity``) records that the term passed unused, after which the request
ends with a reasoned decision (flows/steps.py ``not_identified``). The rules: models/identity.py.
"""
from dataclasses import dataclass
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
from models.actions.inputs import LINE, Day, Input, optional_text, text
from models import identity as rules
from models.enums import Channel, ClockEventKind, IdentityDoubt, RequestStatus, RequestType
from models.principal import Principal
from models.region_config import get_region
from models.state import decree_days
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
    if lapsed(session, request.id) is not None:
        raise ActionError("de termijn om u te identificeren is verstreken en het verzoek wordt buiten behandeling "
                          "gesteld; een nieuw verzoek van de betrokkene kan wel worden geregistreerd")
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
    """The first suspend event of the suspension still open (None: the clock runs)."""
    events = session.exec(
        select(ClockEvent).where(ClockEvent.request_id == request_id, ClockEvent.kind != ClockEventKind.extend.value)
        .order_by(ClockEvent.id)
    ).all()
    first = None
    for ev in events:
        if ev.kind == ClockEventKind.suspend.value:
            first = first or ev
        else:  # resume or no_identity: the clock runs again
            first = None
    return first


def _invitations(session: Session, request_id: str) -> list[ClockEvent]:
    """The recorded doubts (each sent an invitation), oldest first."""
    return list(session.exec(select(ClockEvent).where(
        ClockEvent.request_id == request_id, ClockEvent.kind == ClockEventKind.suspend.value,
    ).order_by(ClockEvent.id)))


def lapsed(session: Session, request_id: str) -> ClockEvent | None:
    return session.exec(select(ClockEvent).where(
        ClockEvent.request_id == request_id, ClockEvent.kind == ClockEventKind.no_identity.value)).first()


# ------------------------------------------------------------------ the reason (the clock stops)


class IdentityDoubtInput(Input):
    reason: IdentityDoubt
    explanation: optional_text(rules.EXPLANATION_MAX) = None  # required for "anders"; printed only then
    recorded_on: Day


def record_identity_doubt(session: Session, request_id: str, data: IdentityDoubtInput, principal: Principal,
                          today: date) -> Recorded:
    """Why the identity could not yet be established from the request: the clock stands still
    from ``recorded_on`` (where the region suspends) and the invitation goes out with the term.
    Again while the clock stands still: a new invitation with a new term (the clock is not
    stopped twice)."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("identity-doubt", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    region = get_region(request.region_id)
    try:
        explanation = rules.check_doubt(data.reason, data.explanation)
    except rules.IdentityRuleError as exc:
        raise ActionError(str(exc)) from None
    not_in_future(data.recorded_on, today, "datum reden")
    not_before(data.recorded_on, request.first_received_on, "datum reden", "de ontvangst van het verzoek")
    if not rules.may_suspend(Channel(request.channel)):
        raise ActionError("dit verzoek is aan de balie gedaan: de identiteit is bij de intake vastgesteld en de "
                          "termijn staat niet stil")
    if request.status not in (RequestStatus.registered.value, RequestStatus.awaiting_identity.value):
        raise ActionError("de identiteit is voor dit verzoek al vastgesteld, of het verzoek is verder in behandeling")
    if session.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).first() is not None:
        raise ActionError(f"de identiteit is voor dit verzoek al vastgesteld; {ADVANCE_HINT}")
    if lapsed(session, request.id) is not None:
        raise ActionError("de termijn van de uitnodiging is al verstreken; het verzoek wordt buiten behandeling gesteld")
    earlier_invites = _invitations(session, request.id)
    if earlier_invites and data.recorded_on < earlier_invites[-1].on_date:
        raise ActionError(f"datum reden ligt vóór de vorige uitnodiging ({earlier_invites[-1].on_date})")
    event = ClockEvent(
        request_id=request.id, kind=ClockEventKind.suspend.value, on_date=data.recorded_on,
        reason=rules.encode_reason(data.reason, explanation), recorded_by=actor,
    )
    session.add(event)
    session.flush()
    identify_by = rules.term_end(data.recorded_on, region.deadlines.identity_working_days, decree_days())
    _invite(session, request, data.recorded_on, data.reason, explanation, identify_by, len(earlier_invites) + 1, actor)
    audit.record(session, actor, "identity.doubt_recorded", request.id, reason=data.reason.value,
                 on=data.recorded_on, identify_by=identify_by, invitation=len(earlier_invites) + 1,
                 clock_stopped=region.deadlines.suspend_for_identity and not earlier_invites)
    return finish(session, request, "identity-doubt", key, actor, today, ids=(event.id,))


def _invite(session: Session, request, on: date, reason: IdentityDoubt, explanation: str | None, identify_by: date,
            n: int, actor: str) -> None:
    from models.letters import compose
    from models.letters import context as c
    from models.state import rights

    to = compose.requester_addressee(session, request)
    ctx = c.UitnodigingIdentificatieContext(
        **compose.base(session, request, on, to, "uitnodiging_identificatie"), **compose.received(request),
        request_types=[RequestType(r.type) for r in rights(session, request.id)],
        identify_before=identify_by,
        representative=request.requester_kind != "betrokkene",
        doubt_reason=reason_text(reason, explanation),
        earlier_invitation=n > 1,
    )
    key = "identity-invite" if n == 1 else f"identity-invite:{n}"
    compose.issue(session, request, "uitnodiging_identificatie", key, ctx, actor, send_now=True)


def reason_text(reason: IdentityDoubt, explanation: str | None) -> str:
    return rules.reason_sentence(reason, explanation) or ""


# ------------------------------------------------------------------ the term passed unused


def lapse_due(session: Session, request, today: date) -> date | None:
    """The day the clock runs again when the term of the last invitation has passed unused
    (None: not due). Statuses and dates only, so the sweep may ask it in a sealed read."""
    if request.status != RequestStatus.awaiting_identity.value or lapsed(session, request.id) is not None:
        return None
    if session.exec(select(IdentityCheck.id).where(IdentityCheck.request_id == request.id)).first() is not None:
        return None
    if _open_suspension(session, request.id) is None:
        return None
    last = _invitations(session, request.id)[-1]
    if rules.decode_reason(last.reason)[0] is None:
        return None  # a clock stopped before issue 18, without a recorded reason: the coordinator decides
    days = get_region(request.region_id).deadlines.identity_working_days
    if not rules.term_passed(last.on_date, today, days, decree_days()):
        return None
    return rules.lapse_date(last.on_date, days, decree_days())


def lapse_identity(session: Session, request, today: date, actor: str) -> bool:
    """The daily sweep: record that the term passed unused. The clock runs again from the day
    after the term; the next run drafts the decision."""
    on = lapse_due(session, request, today)
    if on is None:
        return False
    _record_lapse(session, request, on, actor)
    return True


def _record_lapse(session: Session, request, on: date, actor: str) -> None:
    session.add(ClockEvent(request_id=request.id, kind=ClockEventKind.no_identity.value, on_date=on,
                           reason="termijn uitnodiging verstreken", recorded_by=actor))
    session.flush()
    audit.record(session, actor, "identity.not_established", request.id, on=on)


class IdentityLapseInput(Input):
    recorded_on: Day


def record_identity_lapse(session: Session, request_id: str, data: IdentityLapseInput, principal: Principal,
                          today: date) -> Recorded:
    """The coordinator: the term of the invitation passed and nobody came. Refused before the
    term has passed (Awb art. 4:5 lid 1: the applicant first has the chance to complete)."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("identity-lapse", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    not_in_future(data.recorded_on, today, "datum")
    if lapsed(session, request.id) is not None:
        raise ActionError(f"al vastgelegd: de termijn van de uitnodiging is verstreken; {ADVANCE_HINT}")
    if request.status != RequestStatus.awaiting_identity.value:
        raise ActionError("het verzoek wacht niet op identificatie")
    if session.exec(select(IdentityCheck.id).where(IdentityCheck.request_id == request.id)).first() is not None:
        raise ActionError("de identiteit is voor dit verzoek al vastgesteld")
    invites = _invitations(session, request.id)
    if _open_suspension(session, request.id) is None or not invites:
        raise ActionError("er is geen uitnodiging met een termijn verstuurd: leg eerst de reden vast "
                          "('rechtenloket request identity-doubt')")
    days = get_region(request.region_id).deadlines.identity_working_days
    end = rules.term_end(invites[-1].on_date, days, decree_days())
    if data.recorded_on <= end:
        raise ActionError(f"de termijn van de uitnodiging loopt nog tot en met {end}: de betrokkene kan tot dan "
                          "langskomen (art. 4:5 lid 1 Awb)")
    # Also for a clock stopped before issue 18 (no recorded reason), which the sweep leaves
    # to the coordinator: the clock runs again from the day after the term, as the sweep's.
    _record_lapse(session, request, rules.lapse_date(invites[-1].on_date, days, decree_days()), actor)
    return finish(session, request, "identity-lapse", key, actor, today)


# ------------------------------------------------------------------ what the pages show


@dataclass(frozen=True)
class Invitation:
    on: date  # the day the reason was recorded and the invitation sent
    reason: str  # the reason's short label (models/identity.py DOUBT_LABELS)
    identify_by: date  # the last day of its term


@dataclass(frozen=True)
class IdentityStatus:
    """Where a request stands with its identity: what the request page shows and offers."""

    at_intake: bool  # a balie request: checked at intake, the clock never stops for it
    verified: bool
    invitations: tuple[Invitation, ...]
    lapsed_on: date | None  # the term passed unused: the clock ran again from this day
    may_doubt: bool  # a reason can be recorded now (the first, or a new invitation)
    may_lapse: bool  # the last term passed and nobody came: the coordinator may record it
    refusal: str | None  # why no reason can be recorded (None: it can)
    decision_due: date | None = None  # the term passed: send the decision by then (Awb art. 4:5 lid 4)

    @property
    def last(self) -> Invitation | None:
        return self.invitations[-1] if self.invitations else None


def identity_status(session: Session, request, today: date) -> IdentityStatus:
    days = get_region(request.region_id).deadlines.identity_working_days
    invitations = tuple(
        Invitation(ev.on_date, _label(ev.reason), rules.term_end(ev.on_date, days, decree_days()))
        for ev in _invitations(session, request.id))
    verified = session.exec(select(IdentityCheck.id).where(IdentityCheck.request_id == request.id)).first() is not None
    lapse = lapsed(session, request.id)
    at_intake = not rules.may_suspend(Channel(request.channel))
    refusal = None
    if at_intake:
        refusal = "dit verzoek is aan de balie gedaan: de identiteit is bij de intake vastgesteld"
    elif verified:
        refusal = "de identiteit is vastgesteld"
    elif lapse is not None:
        refusal = "de termijn van de uitnodiging is verstreken; het verzoek wordt niet behandeld"
    elif request.status not in (RequestStatus.registered.value, RequestStatus.awaiting_identity.value):
        refusal = "het verzoek is verder in behandeling"
    may_lapse = (request.status == RequestStatus.awaiting_identity.value and not verified and lapse is None
                 and bool(invitations) and _open_suspension(session, request.id) is not None
                 and today > invitations[-1].identify_by)
    due = None
    if invitations and (lapse is not None or may_lapse):
        due = rules.decision_due(invitations[-1].on, days, decree_days())
    return IdentityStatus(at_intake=at_intake, verified=verified, invitations=invitations,
                          lapsed_on=lapse.on_date if lapse is not None else None, may_doubt=refusal is None,
                          may_lapse=may_lapse, refusal=refusal, decision_due=due)


def _label(stored: str | None) -> str:
    code, _ = rules.decode_reason(stored)
    if code is None:  # a clock stopped at acknowledgement, before issue 18
        return "geen reden vastgelegd (oudere registratie)"
    return rules.DOUBT_LABELS[code]
