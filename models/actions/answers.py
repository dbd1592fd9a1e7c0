"""A partner's answer to a consultation task (domain.md §4 step 4)."""
from datetime import date
from typing import Optional

from pydantic import Field, model_validator
from sqlmodel import Session, select

from models import audit
from models.actions.common import (
    ADVANCE_HINT,
    ActionError,
    Recorded,
    event_key,
    finish,
    get_request,
    not_before,
    not_in_future,
    partner_row,
    previous,
    repeat_of,
)
from models.actions.inputs import LINE, NOTE, STATEMENT, Day, Input, optional_text, text
from models.enums import TaskStatus
from models.region_config import get_region
from models.state import registrations
from models.tables import ConsultationTask, ItemAnswer


class ItemAnswerInput(Input):
    registration_id: int = Field(ge=1)
    supplied_by_us: bool = True
    correct: Optional[bool] = None
    correction: optional_text(STATEMENT) = None
    withhold: bool = False
    withhold_ground: optional_text(64) = None
    note: optional_text(NOTE) = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.withhold and not self.withhold_ground:
            raise ValueError("bij 'niet verstrekken' hoort een weigeringsgrond (withhold_ground)")
        if self.withhold_ground and not self.withhold:
            raise ValueError("een weigeringsgrond hoort alleen bij 'niet verstrekken' (withhold: true)")
        if self.correct is False and not self.correction:
            raise ValueError("bij 'onjuist' hoort de juiste tekst (correction)")
        return self


class AnswerInput(Input):
    partner: text(120)
    answered_on: Day
    answered_by: text(LINE)
    items: list[ItemAnswerInput] = Field(min_length=1, max_length=1000)
    note: optional_text(NOTE) = None


def record_answer(session: Session, request_id: str, data: AnswerInput, actor: str, today: date) -> Recorded:
    request = get_request(session, request_id)
    key = event_key("answer", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
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
        raise ActionError(f"deze raadpleging is al beantwoord (op {task.answered_on}); {ADVANCE_HINT}")
    not_before(data.answered_on, task.created_on, "datum antwoord", "de raadpleging")
    own = {r.id for r in registrations(session, request) if r.partner_id == partner.id}
    answered = [i.registration_id for i in data.items]
    if set(answered) != own or len(answered) != len(own):
        raise ActionError(f"items: het antwoord moet elk gegeven van {data.partner} precies één keer noemen "
                          f"(registration_id: {', '.join(str(i) for i in sorted(own))})")
    for n, item in enumerate(data.items):
        if item.withhold_ground:
            try:
                region.refusal_ground(item.withhold_ground)
            except KeyError as exc:
                raise ActionError(f"items.{n}.withhold_ground: {exc.args[0]}") from None
    for item in data.items:
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
    return finish(session, request, "answer", key, actor, today, ids=(task.id,))
