"""A partner's answer to a consultation task (domain.md §4 step 4)."""
from datetime import date
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, select

from models import audit
from models.actions.common import ActionError, get_request, not_in_future, partner_row
from models.enums import TaskStatus
from models.region_config import get_region
from models.tables import CaseRegistration, ConsultationTask, ItemAnswer


class ItemAnswerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_id: int
    supplied_by_us: bool = True
    correct: Optional[bool] = None
    correction: Optional[str] = None
    withhold: bool = False
    withhold_ground: Optional[str] = None
    note: Optional[str] = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.withhold and not self.withhold_ground:
            raise ValueError("bij 'niet verstrekken' hoort een weigeringsgrond")
        if self.correct is False and not self.correction:
            raise ValueError("bij 'onjuist' hoort de juiste tekst (correction)")
        return self


class AnswerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str
    answered_on: date
    answered_by: str = Field(min_length=1)
    items: list[ItemAnswerInput]
    note: Optional[str] = None


def record_answer(session: Session, request_id: str, data: AnswerInput, actor: str, today: date) -> ConsultationTask:
    request = get_request(session, request_id)
    region = get_region(request.region_id)
    partner = partner_row(session, region, data.partner)
    not_in_future(data.answered_on, today, "datum antwoord")
    task = session.exec(
        select(ConsultationTask).where(
            ConsultationTask.request_id == request.id, ConsultationTask.partner_id == partner.id
        )
    ).first()
    if task is None:
        raise ActionError(f"er is geen raadpleging van {data.partner} voor dit verzoek")
    if task.status != TaskStatus.open.value:
        raise ActionError("deze raadpleging is al beantwoord")
    if data.answered_on < task.created_on:
        raise ActionError("antwoord ligt vóór de raadpleging")
    own = {
        r.id for r in session.exec(
            select(CaseRegistration).where(
                CaseRegistration.subject_id == request.subject_id, CaseRegistration.partner_id == partner.id
            )
        )
    }
    answered = [i.registration_id for i in data.items]
    if set(answered) != own or len(answered) != len(own):
        raise ActionError(f"het antwoord moet elk gegeven van {data.partner} precies één keer noemen")
    for item in data.items:
        if item.withhold_ground:
            region.refusal_ground(item.withhold_ground)  # unknown ground: clear error
        session.add(ItemAnswer(task_id=task.id, **item.model_dump()))
    task.status = TaskStatus.answered.value
    task.answered_on = data.answered_on
    task.answered_by = data.answered_by
    task.note = data.note
    session.add(task)
    session.flush()
    audit.record(
        session, actor, "consultation.answered", request.id,
        partner=data.partner, items=len(data.items),
        withheld=sum(i.withhold for i in data.items), incorrect=sum(i.correct is False for i in data.items),
    )
    return task
