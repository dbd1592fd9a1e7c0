"""The forum's decision (domain.md §4 steps 5-6) and the carrying out of it (step 7)."""
from datetime import date
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, select

from models import audit
from models.actions.common import ActionError, get_request, not_in_future
from models.enums import DecisionOutcome, RequestStatus, RequestType
from models.lifecycle import NEEDS_EXECUTION
from models.region_config import get_region
from models.tables import CaseRegistration, Deliberation, ItemAnswer, ItemDecision, RequestRight
from models.tables import ConsultationTask

# AVG art. 21(1): an objection may be refused only on compelling legitimate grounds.
VERZET_REFUSAL_GROUND = "dwingende_gerechtvaardigde_gronden"


class DecisionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    outcome: DecisionOutcome
    registration_id: Optional[int] = None  # None: the decision covers the whole right
    ground: Optional[str] = None  # a refusal-ground id of the region, or the verzet ground
    motivation: Optional[str] = None  # the reasons, written for the betrokkene (they go in the letter)
    # Verzet (AVG art. 21(1); "altijd gemotiveerd", e.g. Fryslân and Drenthe 21.4): the
    # betrokkene's particular situation as stated, the compelling legitimate grounds put
    # against it, and the outcome of the weighing. The letter shows all three.
    situation: Optional[str] = None
    compelling_grounds: Optional[str] = None
    weighing: Optional[str] = None

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
        return self


class DeliberationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forum: str
    held_on: date
    participants: list[str] = Field(min_length=1)  # organisations (partner slugs), not persons
    decisions: list[DecisionInput] = Field(min_length=1)


def record_decision(session: Session, request_id: str, data: DeliberationInput, actor: str, today: date) -> Deliberation:
    request = get_request(session, request_id)
    region = get_region(request.region_id)
    if request.status != RequestStatus.deliberating.value:
        raise ActionError(f"het verzoek wacht niet op een besluit (status: {request.status})")
    not_in_future(data.held_on, today, "datum overleg")
    for slug in data.participants:
        region.partner(slug)
    rights = {r.type: r for r in session.exec(select(RequestRight).where(RequestRight.request_id == request.id))}
    own_items = {
        r.id for r in session.exec(select(CaseRegistration).where(CaseRegistration.subject_id == request.subject_id))
    }
    for d in data.decisions:
        right = rights.get(d.type.value)
        if right is None:
            raise ActionError(f"het verzoek bevat geen {d.type.value}")
        if right.outcome is not None:
            raise ActionError(f"over {d.type.value} is al besloten")
        rule = region.rights[d.type]
        if not rule.available:
            raise ActionError(f"{d.type.value} krijgt in deze regio een standaardweigering ({rule.rule.article})")
        if rule.forum != data.forum:
            raise ActionError(f"over {d.type.value} beslist in deze regio het {rule.forum}, niet het {data.forum}")
        if d.registration_id is not None and d.registration_id not in own_items:
            raise ActionError(f"gegeven {d.registration_id} hoort niet bij deze betrokkene")
        if d.ground and d.ground != VERZET_REFUSAL_GROUND:
            try:
                region.refusal_ground(d.ground)  # its id or an older alias
            except KeyError as exc:
                raise ActionError(str(exc.args[0])) from None
        if d.type == RequestType.verzet and not (d.situation or right.statement):
            raise ActionError("bij verzet hoort de bijzondere situatie van de betrokkene (situation), "
                              "zoals die haar beschreef")
        if (d.type in (RequestType.correctie, RequestType.aanvulling) and d.outcome != DecisionOutcome.refused
                and d.registration_id is not None and correction(session, request.id, d.registration_id) is None):
            raise ActionError(f"voor gegeven {d.registration_id} ontbreekt de verbeterde tekst van de partner")
        if (d.type in (RequestType.correctie, RequestType.aanvulling) and d.outcome != DecisionOutcome.refused
                and d.registration_id is None and not any(correction(session, request.id, i) for i in own_items)):
            raise ActionError(f"geen partner gaf een verbeterde tekst: {d.type.value} kan niet worden toegewezen")
    delib = Deliberation(
        request_id=request.id, forum=data.forum, held_on=data.held_on, participants=",".join(data.participants)
    )
    session.add(delib)
    for d in data.decisions:
        ground = d.ground
        if ground and ground != VERZET_REFUSAL_GROUND:
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
    return delib


def overall_outcome(outcomes: list[DecisionOutcome]) -> str:
    """A right's outcome from its item decisions: all granted, all refused, or partly."""
    distinct = set(outcomes)
    return distinct.pop().value if len(distinct) == 1 else DecisionOutcome.partly.value


class ExecutionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    executed_on: date
    # eigen verklaring: the subject's own statement; default: the words of the request itself
    statement: Optional[str] = None


def record_execution(session: Session, request_id: str, data: ExecutionInput, actor: str, today: date) -> list[int]:
    """Carry out a granted change in the file; returns the ids of the changed registrations.

    correctie/aanvulling: the supplier's corrected text replaces the item; verwijdering and
    verzet: the item is anonymised (ZVH practice for erasure); beperking: the item is flagged;
    eigen verklaring: the statement is attached. Recipients are told by the flow (AVG art. 19).
    """
    request = get_request(session, request_id)
    if request.status != RequestStatus.executing.value:
        raise ActionError(f"er staat geen uitvoering open (status: {request.status})")
    not_in_future(data.executed_on, today, "datum uitvoering")
    if data.type not in NEEDS_EXECUTION:
        raise ActionError(f"{data.type.value} vraagt geen uitvoering")
    right = session.exec(
        select(RequestRight).where(RequestRight.request_id == request.id, RequestRight.type == data.type.value)
    ).first()
    if right is None or right.outcome not in (DecisionOutcome.granted.value, DecisionOutcome.partly.value):
        raise ActionError(f"er is geen toegewezen besluit over {data.type.value} om uit te voeren")
    if right.executed_on is not None:
        raise ActionError(f"{data.type.value} is al uitgevoerd")
    if right.decided_on and data.executed_on < right.decided_on:
        raise ActionError("uitvoering ligt vóór het besluit")
    statement = data.statement or (right.statement if data.type == RequestType.eigen_verklaring else None)
    if data.type == RequestType.eigen_verklaring and not statement:
        raise ActionError("de eigen verklaring (statement) ontbreekt")
    changed = []
    for reg, decision in affected(session, request, data.type):
        if decision.outcome != DecisionOutcome.granted.value:
            continue
        if data.type in (RequestType.correctie, RequestType.aanvulling):
            reg.description = correction(session, request.id, reg.id)
        elif data.type in (RequestType.verwijdering, RequestType.verzet):
            reg.description = "[geanonimiseerd]"
            reg.anonymised = True
        elif data.type == RequestType.beperking:
            reg.restricted = True
        elif data.type == RequestType.eigen_verklaring:
            reg.eigen_verklaring = statement
        session.add(reg)
        changed.append(reg.id)
    right.executed_on = data.executed_on
    session.add(right)
    session.flush()
    audit.record(
        session, actor, "decision.executed", request.id, type=data.type.value,
        executed_on=data.executed_on, registrations=changed,
    )
    return changed


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
    regs = session.exec(
        select(CaseRegistration).where(
            CaseRegistration.subject_id == request.subject_id,
            CaseRegistration.region_id == request.region_id,
            CaseRegistration.regime == "avg",
        ).order_by(CaseRegistration.id)
    ).all()
    out = []
    for reg in regs:
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
