"""The forum's decision (domain.md §4 steps 5-6) and the carrying out of it (step 7)."""
from datetime import date
from typing import Optional

from pydantic import Field, model_validator
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
from models.actions.inputs import STATEMENT, Day, Input, optional_text, text
from models import statement as statements
from models.enums import DecisionOutcome, Regime, RequestStatus, RequestType
from models.lifecycle import NEEDS_EXECUTION
from models.principal import Principal
from models.region_config import get_region
from models.state import registrations
from models.tables import CaseRegistration, ConsultationTask, Deliberation, ItemAnswer, ItemDecision, RequestRight

# AVG art. 21(1): an objection may be refused only on compelling legitimate grounds.
VERZET_REFUSAL_GROUND = "dwingende_gerechtvaardigde_gronden"


class DecisionInput(Input):
    type: RequestType
    outcome: DecisionOutcome
    registration_id: Optional[int] = Field(default=None, ge=1)  # None: the decision covers the whole right
    ground: optional_text(64) = None  # a refusal-ground id of the region, or the verzet ground
    motivation: optional_text(STATEMENT) = None  # the reasons, written for the betrokkene (they go in the letter)
    # Verzet (AVG art. 21(1); "altijd gemotiveerd", e.g. Fryslân and Drenthe 21.4): the
    # betrokkene's particular situation as stated, the compelling legitimate grounds put
    # against it, and the outcome of the weighing. The letter shows all three.
    situation: optional_text(STATEMENT) = None
    compelling_grounds: optional_text(STATEMENT) = None
    weighing: optional_text(STATEMENT) = None

    @model_validator(mode="after")
    def _reasoned(self):
        if self.type == RequestType.verzet:
            if not (self.weighing or "").strip():
                raise ValueError("bij verzet hoort de afweging (weighing): uw situatie tegen de belangen")
            if self.outcome != DecisionOutcome.granted:
                if self.ground != VERZET_REFUSAL_GROUND:
                    raise ValueError(
                        "verzet kan alleen worden afgewezen op dwingende gerechtvaardigde gronden "
                        f"(ground: {VERZET_REFUSAL_GROUND})"
                    )
                if not (self.compelling_grounds or "").strip():
                    raise ValueError("bij afwijzing van verzet horen de dwingende gerechtvaardigde gronden "
                                     "(compelling_grounds)")
            return self
        if self.outcome != DecisionOutcome.granted and not self.motivation:
            raise ValueError("een (gedeeltelijke) weigering is schriftelijk en gemotiveerd: motivation ontbreekt")
        if self.type == RequestType.eigen_verklaring and self.outcome != DecisionOutcome.granted:
            # Issue 18 point 6: added unless there is a ground, with a reason for the betrokkene.
            if not self.ground:
                raise ValueError("een eigen verklaring wordt toegevoegd, tenzij er een grond is om haar te weigeren: "
                                 f"ground ontbreekt ({', '.join(statements.STATEMENT_GROUNDS)} of een grond van "
                                 "artikel 41 lid 1 UAVG)")
            if statements.rests_on_correctness(self.motivation):
                raise ValueError(statements.CORRECTNESS_REFUSED)
            from models.actions.answers import for_the_betrokkene

            for_the_betrokkene(self.motivation)
        return self


class DeliberationInput(Input):
    forum: text(32)
    held_on: Day
    participants: list[text(120)] = Field(min_length=1, max_length=200)  # organisations (partner slugs), not persons
    decisions: list[DecisionInput] = Field(min_length=1, max_length=1000)


def record_decision(session: Session, request_id: str, data: DeliberationInput, principal: Principal, today: date) -> Recorded:
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("decide", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    region = get_region(request.region_id)
    if request.status != RequestStatus.deliberating.value:
        hint = f"; {ADVANCE_HINT}" if request.status == RequestStatus.consulting.value else ""
        raise ActionError(f"het verzoek wacht niet op een besluit (status: {request.status}){hint}")
    not_in_future(data.held_on, today, "datum overleg")
    not_before(data.held_on, request.first_received_on, "datum overleg", "de ontvangst van het verzoek")
    last_answer = max((t.answered_on for t in session.exec(
        select(ConsultationTask).where(ConsultationTask.request_id == request.id)) if t.answered_on), default=None)
    if last_answer:
        not_before(data.held_on, last_answer, "datum overleg", "het laatste antwoord van een partner")
    if len(set(data.participants)) != len(data.participants):
        raise ActionError("participants: een organisatie staat er twee keer in")
    for n, slug in enumerate(data.participants):
        try:
            region.partner(slug)
        except KeyError as exc:
            raise ActionError(f"participants.{n}: {exc.args[0]}") from None
    rights = {r.type: r for r in session.exec(select(RequestRight).where(RequestRight.request_id == request.id))}
    own_items = {r.id: r for r in registrations(session, request)}
    seen: set[tuple[str, Optional[int]]] = set()
    for n, d in enumerate(data.decisions):
        where = f"decisions.{n}"
        if (d.type.value, d.registration_id) in seen:
            raise ActionError(f"{where}: over dit recht en dit gegeven staat al een besluit in de invoer")
        seen.add((d.type.value, d.registration_id))
        right = rights.get(d.type.value)
        if right is None:
            raise ActionError(f"{where}: het verzoek bevat geen {d.type.value}")
        if right.outcome is not None:
            raise ActionError(f"{where}: over {d.type.value} is al besloten; {ADVANCE_HINT}")
        rule = region.rights[d.type]
        if not rule.available:
            raise ActionError(f"{where}: {d.type.value} krijgt in deze regio een standaardweigering ({rule.rule.article})")
        if rule.forum != data.forum:
            raise ActionError(f"{where}: over {d.type.value} beslist in deze regio het {rule.forum}, niet het {data.forum}")
        if d.registration_id is not None:
            reg = own_items.get(d.registration_id)
            if reg is None:
                raise ActionError(f"{where}: gegeven {d.registration_id} hoort niet bij dit verzoek")
            if reg.regime != Regime.avg.value:
                raise ActionError(f"{where}: over gegeven {d.registration_id} (politie of OM) beslist het ZVH niet; "
                                  "dat deel is doorgestuurd")
        if d.ground and d.ground != VERZET_REFUSAL_GROUND and not (
                d.type == RequestType.eigen_verklaring and statements.statement_ground(d.ground)):
            try:
                region.refusal_ground(d.ground)  # its id or an older alias
            except KeyError as exc:
                raise ActionError(f"{where}.ground: {exc.args[0]}") from None
        if d.type == RequestType.verzet and not (d.situation or right.statement):
            raise ActionError(f"{where}.situation: bij verzet hoort de bijzondere situatie van de betrokkene, "
                              "zoals die haar beschreef")
        if (d.type in (RequestType.correctie, RequestType.aanvulling) and d.outcome != DecisionOutcome.refused
                and d.registration_id is not None and correction(session, request.id, d.registration_id) is None):
            raise ActionError(f"{where}: voor gegeven {d.registration_id} ontbreekt de verbeterde tekst van de partner")
        if (d.type in (RequestType.correctie, RequestType.aanvulling) and d.outcome != DecisionOutcome.refused
                and d.registration_id is None and not any(correction(session, request.id, i) for i in own_items)):
            raise ActionError(f"{where}: geen partner gaf een verbeterde tekst: {d.type.value} kan niet worden toegewezen")
    delib = Deliberation(
        request_id=request.id, forum=data.forum, held_on=data.held_on, participants=list(data.participants)
    )
    session.add(delib)
    for d in data.decisions:
        ground = d.ground
        if ground and ground != VERZET_REFUSAL_GROUND and not statements.statement_ground(ground):
            ground = region.refusal_ground(ground).id  # stored by its canonical id
        situation = d.situation or (rights[d.type.value].statement if d.type == RequestType.verzet else None)
        session.add(ItemDecision(
            request_id=request.id, right_type=d.type.value, registration_id=d.registration_id,
            outcome=d.outcome.value, ground=ground, motivation=d.motivation, decided_on=data.held_on,
            situation=situation, compelling_grounds=d.compelling_grounds, weighing=d.weighing,
        ))
    session.flush()
    for rtype in {d.type.value for d in data.decisions}:
        right = rights[rtype]
        right.outcome = overall_outcome([d.outcome for d in data.decisions if d.type.value == rtype])
        right.decided_on = data.held_on
        session.add(right)
    session.flush()
    audit.record(
        session, actor, "decision.recorded", request.id, forum=data.forum, held_on=data.held_on,
        outcomes={d.type.value: d.outcome.value for d in data.decisions},
    )
    return finish(session, request, "decide", key, actor, today, ids=(delib.id,))


def overall_outcome(outcomes: list[DecisionOutcome]) -> str:
    """A right's outcome from its item decisions: all granted, all refused, or partly."""
    distinct = set(outcomes)
    return distinct.pop().value if len(distinct) == 1 else DecisionOutcome.partly.value


class StatementPartInput(Input):
    """The part of an eigen verklaring about one item: attached to that item only, and told only
    to the recipients of that item (AVG art. 19; issue 18 point 6)."""

    registration_id: int = Field(ge=1)
    statement: text(STATEMENT)


class ExecutionInput(Input):
    type: RequestType
    executed_on: Day
    # eigen verklaring: the subject's own statement; default: the words of the request itself.
    # It goes whole to the one granted item; with more than one, the coordinator splits it
    # (``parts``: each part to the item it is about).
    statement: optional_text(STATEMENT) = None
    parts: list[StatementPartInput] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _parts(self):
        if self.parts and self.type != RequestType.eigen_verklaring:
            raise ValueError("parts hoort alleen bij een eigen verklaring")
        if self.parts and self.statement:
            raise ValueError("geef de verklaring heel (statement) of verdeeld per gegeven (parts), niet beide")
        ids = [p.registration_id for p in self.parts]
        if len(set(ids)) != len(ids):
            raise ValueError("parts: elk gegeven krijgt één deel van de verklaring")
        return self


def record_execution(session: Session, request_id: str, data: ExecutionInput, principal: Principal, today: date) -> Recorded:
    """Carry out a granted change in the file; returns the ids of the changed registrations.

    correctie/aanvulling: the supplier's corrected text replaces the item; verwijdering and
    verzet: the item is anonymised (ZVH practice for erasure); beperking: the item is flagged;
    eigen verklaring: the statement is attached. Recipients are told by the flow (AVG art. 19).
    """
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("execute", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    if request.status != RequestStatus.executing.value:
        raise ActionError(f"er staat geen uitvoering open (status: {request.status}); {ADVANCE_HINT}")
    not_in_future(data.executed_on, today, "datum uitvoering")
    if data.type not in NEEDS_EXECUTION:
        raise ActionError(f"{data.type.value} vraagt geen uitvoering")
    right = session.exec(
        select(RequestRight).where(RequestRight.request_id == request.id, RequestRight.type == data.type.value)
    ).first()
    if right is None or right.outcome not in (DecisionOutcome.granted.value, DecisionOutcome.partly.value):
        raise ActionError(f"er is geen toegewezen besluit over {data.type.value} om uit te voeren")
    if right.executed_on is not None:
        raise ActionError(f"{data.type.value} is al uitgevoerd (op {right.executed_on}); {ADVANCE_HINT}")
    if right.decided_on:
        not_before(data.executed_on, right.decided_on, "datum uitvoering", "het besluit")
    granted = [(reg, d) for reg, d in affected(session, request, data.type) if d.outcome == DecisionOutcome.granted.value]
    parts = _statement_parts(request, right, data, [reg for reg, _ in granted]) \
        if data.type == RequestType.eigen_verklaring else {}
    changed = []
    for reg, decision in granted:
        if data.type in (RequestType.correctie, RequestType.aanvulling):
            reg.description = correction(session, request.id, reg.id)
        elif data.type in (RequestType.verwijdering, RequestType.verzet):
            reg.description = "[geanonimiseerd]"
            reg.anonymised = True
        elif data.type == RequestType.beperking:
            reg.restricted = True
        elif data.type == RequestType.eigen_verklaring:
            reg.eigen_verklaring = parts[reg.id]
        session.add(reg)
        changed.append(reg.id)
    right.executed_on = data.executed_on
    session.add(right)
    session.flush()
    audit.record(
        session, actor, "decision.executed", request.id, type=data.type.value,
        executed_on=data.executed_on, registrations=changed,
        **({"statement_parts": len(set(parts.values()))} if parts else {}),
    )
    return finish(session, request, "execute", key, actor, today, ids=tuple(changed))


def _statement_parts(request, right, data: ExecutionInput, granted: list[CaseRegistration]) -> dict[int, str]:
    """Registration id -> the part of the eigen verklaring attached to it (issue 18 point 6).
    One granted item: the whole statement (given, or the words of the request). More: the
    coordinator splits it, one part per granted item, so that no recipient gets a part about
    an item it never received (health details in one part stay with that part)."""
    ids = {reg.id for reg in granted}
    if data.parts:
        given = {p.registration_id: p.statement for p in data.parts}
        strangers = sorted(set(given) - ids)
        if strangers:
            raise ActionError(f"parts: gegeven {', '.join(map(str, strangers))} hoort niet bij een toegewezen "
                              "eigen verklaring van dit verzoek")
        missing = sorted(ids - set(given))
        if missing:
            raise ActionError(f"parts: bij gegeven {', '.join(map(str, missing))} ontbreekt het deel van de "
                              "verklaring dat erover gaat")
        return given
    whole = data.statement or right.statement
    if not whole:
        raise ActionError("de eigen verklaring (statement) ontbreekt")
    if len(ids) > 1:
        raise ActionError(
            f"de eigen verklaring hoort bij {len(ids)} gegevens: verdeel haar per gegeven (parts: "
            "registration_id en statement), elk deel bij het gegeven waar het over gaat; een ontvanger "
            "krijgt dan alleen het deel over het gegeven dat hij kreeg (artikel 19 AVG)")
    return {reg_id: whole for reg_id in ids}


def affected(session: Session, request, rtype: RequestType) -> list[tuple[CaseRegistration, ItemDecision]]:
    """The AVG items a decision on ``rtype`` covers, each with the decision that applies:
    its own item decision, else the decision on the whole right. A whole-right correctie
    or aanvulling covers only the items for which the supplier gave the corrected text.
    Execution and the decision letter both use this, so they never disagree."""
    decisions = {
        d.registration_id: d for d in session.exec(
            select(ItemDecision).where(ItemDecision.request_id == request.id, ItemDecision.right_type == rtype.value)
        )
    }
    whole = decisions.get(None)
    out = []
    for reg in (r for r in registrations(session, request) if r.regime == Regime.avg.value):
        decision = decisions.get(reg.id) or whole
        if decision is None:
            continue
        needs_text = rtype in (RequestType.correctie, RequestType.aanvulling)
        if needs_text and decision is whole and correction(session, request.id, reg.id) is None:
            continue  # the supplier gave no new text: nothing to correct in this item
        out.append((reg, decision))
    return out


def correction(session: Session, request_id: str, registration_id: int) -> Optional[str]:
    """The corrected or completed text the supplying partner gave for an item."""
    row = session.exec(
        select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id).where(
            ConsultationTask.request_id == request_id, ItemAnswer.registration_id == registration_id
        )
    ).first()
    return row.correction if row and row.correction else None
