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
    motivation: Optional[str] = None

    @model_validator(mode="after")
    def _reasoned(self):
        if self.outcome != DecisionOutcome.granted and not self.motivation:
            raise ValueError("een (gedeeltelijke) weigering is schriftelijk en gemotiveerd: motivation ontbreekt")
        if self.type == RequestType.verzet and self.outcome != DecisionOutcome.granted:
            if self.ground != VERZET_REFUSAL_GROUND:
                raise ValueError(
                    "verzet kan alleen worden afgewezen op dwingende gerechtvaardigde gronden "
                    f"(ground: {VERZET_REFUSAL_GROUND})"
                )
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
            region.refusal_ground(d.ground)
    delib = Deliberation(
        request_id=request.id, forum=data.forum, held_on=data.held_on, participants=",".join(data.participants)
    )
    session.add(delib)
    for d in data.decisions:
        session.add(ItemDecision(
            request_id=request.id, right_type=d.type.value, registration_id=d.registration_id,
            outcome=d.outcome.value, ground=d.ground, motivation=d.motivation, decided_on=data.held_on,
        ))
        right = rights[d.type.value]
        if d.registration_id is None or right.outcome is None:
            right.outcome = _overall(right.outcome, d)
            right.decided_on = data.held_on
        session.add(right)
    session.flush()
    audit.record(
        session, actor, "decision.recorded", request.id, forum=data.forum, held_on=data.held_on,
        outcomes={d.type.value: d.outcome.value for d in data.decisions},
    )
    return delib


def _overall(current: Optional[str], d: DecisionInput) -> str:
    """A right's outcome: the whole-right decision, or 'partly' when item outcomes differ."""
    if d.registration_id is None or current is None:
        return d.outcome.value
    return current if current == d.outcome.value else DecisionOutcome.partly.value


class ExecutionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RequestType
    executed_on: date
    statement: Optional[str] = None  # eigen verklaring: the subject's own statement


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
    if data.type == RequestType.eigen_verklaring and not data.statement:
        raise ActionError("de eigen verklaring (statement) ontbreekt")
    changed = []
    for reg in _granted_items(session, request, data.type):
        if data.type in (RequestType.correctie, RequestType.aanvulling):
            corrected = _correction(session, request.id, reg.id)
            if corrected is None:
                continue
            reg.description = corrected
        elif data.type in (RequestType.verwijdering, RequestType.verzet):
            reg.description = "[geanonimiseerd]"
            reg.anonymised = True
        elif data.type == RequestType.beperking:
            reg.restricted = True
        elif data.type == RequestType.eigen_verklaring:
            reg.eigen_verklaring = data.statement
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


def _granted_items(session: Session, request, rtype: RequestType) -> list[CaseRegistration]:
    """The AVG items the decision grants: item decisions, else every consulted item."""
    decisions = session.exec(
        select(ItemDecision).where(ItemDecision.request_id == request.id, ItemDecision.right_type == rtype.value)
    ).all()
    whole = [d for d in decisions if d.registration_id is None]
    regs = session.exec(
        select(CaseRegistration).where(
            CaseRegistration.subject_id == request.subject_id,
            CaseRegistration.region_id == request.region_id,
            CaseRegistration.regime == "avg",
        ).order_by(CaseRegistration.id)
    ).all()
    if whole and whole[0].outcome == DecisionOutcome.granted.value:
        return list(regs)
    granted = {d.registration_id for d in decisions if d.outcome == DecisionOutcome.granted.value}
    return [r for r in regs if r.id in granted]


def _correction(session: Session, request_id: str, registration_id: int) -> Optional[str]:
    row = session.exec(
        select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id).where(
            ConsultationTask.request_id == request_id, ItemAnswer.registration_id == registration_id
        )
    ).first()
    return row.correction if row and row.correction else None
