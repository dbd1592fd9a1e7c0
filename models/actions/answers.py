"""A partner's answer to a consultation task (domain.md §4 step 4), the explanation for the
betrokkene of a withheld part (the coordinator may edit it), and the source of an item the
partner says it did not supply (a source task the coordinator resolves)."""
import re
from datetime import date
from typing import Optional

from pydantic import Field, field_validator, model_validator
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
    partner_row,
    previous,
    repeat_of,
)
from models.actions.inputs import LINE, NOTE, REASON, STATEMENT, Day, Input, optional_text, text
from models.enums import RequestStatus, Role, SpecialCategory, TaskStatus
from models.principal import Principal
from models.region_config import get_region
from models.state import registrations
from models import lifecycle
from models.tables import ConsultationTask, ItemAnswer, ItemDecision, SourceTask

_SECOND_PERSON = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
# "uw cliënt" is the u-form of a letter to a lawyer (issue 18 point 5); "de cliënt" is not.
_THIRD_PERSON = re.compile(r"\b(betrokkene|de cliënt)\b|(?<!uw )\bcliënt\b", re.IGNORECASE)


def for_the_betrokkene(text_: Optional[str]) -> Optional[str]:
    """An explanation that goes into the letter: addressed to the betrokkene ("u"), not a
    pasted third-person note (issue 9 point 8). Raises ValueError otherwise."""
    if text_ is None:
        return None
    text_ = text_.strip()
    if not text_:
        return None
    if not _SECOND_PERSON.search(text_) or _THIRD_PERSON.search(text_):
        raise ValueError(
            "de uitleg voor de betrokkene moet in de u-vorm zijn geschreven (\"u\", \"uw\"), "
            "niet over \"de betrokkene\"; zet een interne notitie in note"
        )
    return text_


class ItemAnswerInput(Input):
    registration_id: int = Field(ge=1)
    supplied_by_us: bool = True
    correct: Optional[bool] = None
    correction: optional_text(STATEMENT) = None
    withhold: bool = False
    withhold_ground: optional_text(64) = None
    # Why the part is withheld, written for the betrokkene ("u"): it goes into the letter.
    explanation: optional_text(STATEMENT) = None
    note: optional_text(NOTE) = None  # internal, for the coordinator; never in a letter
    # What the item is (health, special, criminal, none) for item b of the inzage reply;
    # None: not said, the supplier's default holds (models/letters/categories.py).
    special_category: Optional[SpecialCategory] = None

    @field_validator("explanation")
    @classmethod
    def _second_person(cls, value: Optional[str]) -> Optional[str]:
        return for_the_betrokkene(value)

    @model_validator(mode="after")
    def _consistent(self):
        if self.withhold and not self.withhold_ground:
            raise ValueError("bij 'niet verstrekken' hoort een weigeringsgrond (withhold_ground)")
        if self.withhold_ground and not self.withhold:
            raise ValueError("een weigeringsgrond hoort alleen bij 'niet verstrekken' (withhold: true)")
        if self.withhold and not self.explanation:
            raise ValueError(
                "bij 'niet verstrekken' hoort een uitleg voor de betrokkene (explanation), in de u-vorm"
            )
        if self.correct is False and not self.correction:
            raise ValueError("bij 'onjuist' hoort de juiste tekst (correction)")
        if self.special_category is not None and not self.supplied_by_us:
            raise ValueError("wat voor gegeven het is (special_category) zegt alleen de organisatie die het leverde")
        return self


class AnswerInput(Input):
    partner: text(120)
    answered_on: Day
    answered_by: text(LINE)
    items: list[ItemAnswerInput] = Field(min_length=1, max_length=1000)
    note: optional_text(NOTE) = None
    # A parent or guardian asked for a child of 12 to 16: the partner's weighing of the child's
    # own interest (art. 41 lid 1 onder i UAVG; issue 18 point 5). Required then; internal.
    child_interest: optional_text(NOTE) = None


CHILD_INTEREST_MISSING = (
    "child_interest: het verzoek komt van een ouder of voogd van een kind van 12 tot 16 jaar; "
    "schrijf hoe u het eigen belang van het kind heeft gewogen (artikel 41 lid 1 onder i UAVG)"
)


def weighs_child(session: Session, request) -> bool:
    """A parent or guardian asked for a child of 12 to 16 (on the day of receipt): the answer
    records the weighing of the child's own interest (models/letters/words.py)."""
    from models.letters.compose import representation

    rep = representation(session, request)
    return bool(rep and rep.words.weigh_child)


def record_answer(session: Session, request_id: str, data: AnswerInput, principal: Principal, today: date) -> Recorded:
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, Role.coordinator, Role.partner)
    principal.require_partner(request.region_id, data.partner)  # a partner answers only its own task
    region = get_region(request.region_id)
    partner = partner_row(session, region, data.partner)
    task = _task_of(session, request, partner, data.partner)
    # After a reopened answer the same input is a new answer, not a repeat of the first.
    key = event_key("answer", request.id, data if not task.reopened else
                    {"round": task.reopened, "answer": data.model_dump(mode="json")})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    not_in_future(data.answered_on, today, "datum antwoord")
    if task.status != TaskStatus.open.value:
        raise ActionError(f"deze raadpleging is al beantwoord (op {task.answered_on}); {ADVANCE_HINT}")
    not_before(data.answered_on, task.created_on, "datum antwoord", "de raadpleging")
    own = {r.id for r in registrations(session, request) if r.partner_id == partner.id}
    answered = [i.registration_id for i in data.items]
    if set(answered) != own or len(answered) != len(own):
        raise ActionError(f"items: het antwoord moet elk gegeven van {data.partner} precies één keer noemen "
                          f"(registration_id: {', '.join(str(i) for i in sorted(own))})")
    child = weighs_child(session, request)
    if child and not data.child_interest:
        raise ActionError(CHILD_INTEREST_MISSING)
    grounds = {}
    for n, item in enumerate(data.items):
        if item.withhold_ground:
            try:
                grounds[item.registration_id] = region.refusal_ground(item.withhold_ground).id  # aliases too
            except KeyError as exc:
                raise ActionError(f"items.{n}.withhold_ground: {exc.args[0]}") from None
    for item in data.items:
        values = item.model_dump()
        if item.registration_id in grounds:
            values["withhold_ground"] = grounds[item.registration_id]  # stored by its canonical id
        if item.special_category is not None:
            values["special_category"] = item.special_category.value
        session.add(ItemAnswer(task_id=task.id, **values))
        if not item.supplied_by_us:
            # Item g names the true source: the coordinator must establish it (issue 9 point 12).
            session.add(SourceTask(request_id=request.id, registration_id=item.registration_id,
                                   reported_by_partner_id=partner.id, opened_on=data.answered_on))
    task.status = TaskStatus.answered.value
    task.answered_on = data.answered_on
    task.answered_by = data.answered_by
    task.note = data.note
    task.child_interest = data.child_interest if child else None
    task.reopen_reason = None
    session.add(task)
    session.flush()
    audit.record(
        session, actor, "consultation.answered", request.id,
        partner=data.partner, items=len(data.items),
        withheld=sum(i.withhold for i in data.items), incorrect=sum(i.correct is False for i in data.items),
        source_tasks=sum(not i.supplied_by_us for i in data.items),
        on_behalf=principal.role != Role.partner,  # recorded by the ZVH for the partner
        **({"child_interest_weighed": True} if child else {}),
    )
    return finish(session, request, "answer", key, actor, today, ids=(task.id,))


def _task_of(session: Session, request, partner, slug: str) -> ConsultationTask:
    task = session.exec(
        select(ConsultationTask).where(
            ConsultationTask.request_id == request.id, ConsultationTask.partner_id == partner.id
        )
    ).first()
    if task is None:
        raise ActionError(f"er is geen raadpleging van {slug} voor dit verzoek")
    return task


class ReopenInput(Input):
    partner: text(120)
    reason: text(REASON)  # why the answer is reopened: the partner reads it on its task page


def reopen_answer(session: Session, request_id: str, data: ReopenInput, principal: Principal, today: date) -> Recorded:
    """The coordinator reopens a partner's submitted answer, so the partner can change it.

    Only while the answers are gathered or deliberated on and nothing was decided yet
    (models.lifecycle.REOPENABLE); a request in deliberation goes back to consulting. What
    the partner sent becomes its draft (it starts from there), the answer itself and the
    source tasks it opened are withdrawn, the reason is kept for the partner (encrypted)
    and the audit trail records who reopened which task. The same reopening twice is
    recorded once; reopening an answer again after the next submission is a new one."""
    from models.partner_answers import form_from_answers, store_draft

    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    region = get_region(request.region_id)
    partner = partner_row(session, region, data.partner)
    task = _task_of(session, request, partner, data.partner)
    # The number of this reopening: a repeat finds the event of the reopening it repeats.
    number = task.reopened + (1 if task.status == TaskStatus.answered.value else 0)
    key = event_key("reopen", request.id, {"round": number, **data.model_dump(mode="json")})
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    if task.status != TaskStatus.answered.value:
        raise ActionError(f"de raadpleging van {data.partner} is niet beantwoord: er is niets te heropenen")
    status = RequestStatus(request.status)
    if status not in lifecycle.REOPENABLE:
        raise ActionError(f"een antwoord kan niet meer worden heropend (status: {request.status}): "
                          "er is al besloten of geantwoord")
    if session.exec(select(ItemDecision).where(ItemDecision.request_id == request.id)).first() is not None:
        raise ActionError("een antwoord kan niet meer worden heropend: er is al een besluit vastgelegd")
    store_draft(session, task, form_from_answers(session, task), actor)
    for answer in session.exec(select(ItemAnswer).where(ItemAnswer.task_id == task.id)).all():
        session.delete(answer)
    withdrawn = session.exec(select(SourceTask).where(SourceTask.request_id == request.id,
                                                      SourceTask.reported_by_partner_id == partner.id)).all()
    for source_task in withdrawn:
        session.delete(source_task)
    task.status = TaskStatus.open.value
    task.answered_on = task.answered_by = task.note = task.child_interest = None
    task.reopened = number
    task.reopen_reason = data.reason
    session.add(task)
    session.flush()
    audit.record(session, actor, "consultation.reopened", request.id, partner=data.partner, round=number,
                 source_tasks_withdrawn=len(withdrawn))
    after = lifecycle.after_reopen(status)
    if after != status:
        request.status = after.value
        session.add(request)
        session.flush()
        audit.record(session, actor, "request.status", request.id, old=status.value, new=after.value, on=today)
    return finish(session, request, "reopen", key, actor, today, ids=(task.id,))


def _answer_for(session: Session, request_id: str, registration_id: int) -> ItemAnswer | None:
    return session.exec(
        select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id).where(
            ConsultationTask.request_id == request_id, ItemAnswer.registration_id == registration_id
        )
    ).first()


def approved_replies_block(session: Session, request, what: str) -> None:
    from models.actions.replies import approved_replies_block as block

    block(session, request, what)


def _redraft(session: Session, request, today: date, actor: str) -> None:
    """A reply already drafted is rendered again with the new text (never a sent one)."""
    if request.status == RequestStatus.replying.value:
        from models.letters.replies import redate_drafts

        redate_drafts(session, request, today, actor)


class ExplanationInput(Input):
    registration_id: int = Field(ge=1)
    explanation: text(STATEMENT)

    @field_validator("explanation")
    @classmethod
    def _second_person(cls, value: str) -> str:
        return for_the_betrokkene(value) or value


def edit_explanation(session: Session, request_id: str, data: ExplanationInput, principal: Principal, today: date) -> Recorded:
    """The coordinator writes or edits the explanation for the betrokkene of a withheld part;
    a reply already drafted is rendered again."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("explain", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    if request.status == RequestStatus.closed.value:
        raise ActionError("het verzoek is al afgesloten")
    approved_replies_block(session, request, "de uitleg")
    answer = _answer_for(session, request.id, data.registration_id)
    if answer is None or not answer.withhold:
        raise ActionError(f"gegeven {data.registration_id} wordt niet achtergehouden: er is geen uitleg nodig")
    answer.explanation = data.explanation
    session.add(answer)
    session.flush()
    audit.record(session, actor, "answer.explanation_edited", request.id, registration_id=data.registration_id)
    _redraft(session, request, today, actor)
    return finish(session, request, "explain", key, actor, today, ids=(answer.id,))


class SourceInput(Input):
    registration_id: int = Field(ge=1)
    source: optional_text(200) = None  # the true source as the letter names it ("uzelf", "uw huisarts")
    partner: optional_text(120) = None  # or: the partner of the region that supplied it

    @model_validator(mode="after")
    def _one(self):
        if bool(self.source) == bool(self.partner):
            raise ValueError("geef de bron (source) of de partner die het leverde (partner), niet beide")
        return self


def establish_source(session: Session, request_id: str, data: SourceInput, principal: Principal, today: date) -> Recorded:
    """Resolve a source task: the item's true source (AVG art. 15(1)(g)). Until every task is
    resolved, the inzage reply cannot be approved."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("establish_source", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    region = get_region(request.region_id)
    approved_replies_block(session, request, "de bron")
    task = session.exec(select(SourceTask).where(
        SourceTask.request_id == request.id, SourceTask.registration_id == data.registration_id)).first()
    if task is None:
        raise ActionError(f"er is geen open vraag naar de bron van gegeven {data.registration_id}")
    if task.resolved_on is not None:
        raise ActionError(f"de bron van gegeven {data.registration_id} is al vastgesteld (op {task.resolved_on})")
    if data.partner:
        partner = partner_row(session, region, data.partner)
        if partner.id == task.reported_by_partner_id:
            raise ActionError(f"{data.partner} zei dat het gegeven niet van hen komt")
        task.source, task.source_partner_id = partner.name, partner.id
    else:
        task.source = data.source
    task.resolved_on, task.resolved_by = today, actor
    session.add(task)
    session.flush()
    audit.record(session, actor, "source.established", request.id, registration_id=data.registration_id,
                 partner=data.partner)
    _redraft(session, request, today, actor)
    return finish(session, request, "establish_source", key, actor, today, ids=(task.id,))
