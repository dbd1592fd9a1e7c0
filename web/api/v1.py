"""The routes of ``/api/v1`` (see web/api/__init__.py). Each is a thin layer over
models/portal.py, the same calls the portal's pages make."""
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlmodel import Session

from models import dutch_time, portal
from models.actions.common import ActionError
from models.partner_answers import AnswerForm
from models.portal import ForwardForm
from models.principal import Principal
from models.validation import one_line
from web.api import error, unprocessable
from web.api.auth import api_partner
from web.api.schemas import (AnswerSubmittedOut, ContactOut, DraftSavedOut, ErrorOut, ForwardedOut, GroundOut,
                             PersonOut, RegistrationOut, StatementOut, SubmittedItemOut, TaskListOut, TaskOut,
                             TaskSummaryOut)
from web.audit import record_view
from web.db import get_db
from web.dispatching import carry_on

router = APIRouter()
TASK_ID = Path(pattern=r"^[0-9a-f]{32}$", description="Het id van de vraag (uit /tasks)")
ERRORS = {404: {"model": ErrorOut, "description": "Niet gevonden, of niet van uw organisatie"},
          422: {"model": ErrorOut, "description": "De gegevens kloppen niet: per veld in 'errors'"}}
CONFLICT = {409: {"model": ErrorOut, "description": "De vraag is al beantwoord"}}


def _task(db: Session, principal: Principal, task_id: str):
    try:
        return portal.task_of(db, principal, task_id)
    except portal.NotFound:
        raise HTTPException(status_code=404) from None


@router.get("/tasks", response_model=TaskListOut, tags=["vragen"], summary="De vragen aan uw organisatie")
def list_tasks(status: Optional[Literal["open", "answered"]] = Query(default=None, description="open of answered"),
               overdue: bool = Query(default=False, description="Alleen open vragen waarvan de termijn voorbij is"),
               reference: Optional[str] = Query(default=None, max_length=40, description="(Een deel van) het kenmerk"),
               principal: Principal = Depends(api_partner), db: Session = Depends(get_db)):
    """Open en beantwoorde vragen, met de termijn, herinnering en melding aan de manager.
    Alleen kenmerken en datums: geen persoonsgegevens."""
    rows = portal.task_rows(db, principal, dutch_time.today(), status=status, overdue=overdue, reference=reference)
    return TaskListOut(tasks=[TaskSummaryOut(
        id=r.uid, reference=r.reference, consultation_reference=r.consultation_reference,
        request_types=r.request_types, created_on=r.created_on, due_on=r.due_on, status=r.status,
        answered_on=r.answered_on, reminded_on=r.reminded_on, escalated_on=r.escalated_on, overdue=r.overdue,
        has_draft=r.has_draft, state=r.state) for r in rows])


@router.get("/tasks/{task_id}", response_model=TaskOut, tags=["vragen"], summary="Eén vraag, met uw gegevens",
            responses=ERRORS)
def get_task(task_id: str = TASK_ID, principal: Principal = Depends(api_partner), db: Session = Depends(get_db)):
    """Wat u nodig heeft om te antwoorden: het kenmerk en de soort verzoek, de termijn, het
    contact bij het Zorg- en Veiligheidshuis en alleen de gegevens die uw organisatie gaf.
    Elke keer dat u een vraag opvraagt, staat in het logboek."""
    task = _task(db, principal, task_id)
    view = portal.task_view(db, task, dutch_time.today())
    record_view(db, principal, "api.task", request_id=view.request_id, task=task.id)
    return _task_out(view)


def _task_out(view: portal.TaskView) -> TaskOut:
    c = view.contact
    return TaskOut(
        id=view.uid, reference=view.reference, consultation_reference=view.consultation_reference,
        request_types=view.request_types,
        statements=[StatementOut(request_type=t, text=s) for t, s in view.statements], inzage=view.inzage,
        created_on=view.created_on, due_on=view.due_on, status=view.status, answered_on=view.answered_on,
        answered_by=view.answered_by, reopen_reason=view.reopen_reason,
        betrokkene=PersonOut(name=view.betrokkene_name, birth_date=view.betrokkene_birth_date),
        contact=ContactOut(organisation=c.organisation, role=c.role, name=c.name, phone=c.phone, email=c.email,
                           postal_address=c.postal_address),
        registrations=[RegistrationOut(id=r.id, number=r.number, casus=r.casus, category=r.category,
                                       description=r.description, supplied_on=r.supplied_on,
                                       special_category_default=r.special_default)
                       for r in view.registrations],
        refusal_grounds=[GroundOut(id=g, text=t) for g, t in view.grounds],
        request_deadline=view.request_deadline,
        requester_capacity=view.requester_capacity, weigh_child=view.weigh_child, child_age=view.child_age,
        child_interest=view.child_interest,
        answer=[SubmittedItemOut(**vars(a)) for a in view.submitted],
        draft=view.draft, draft_saved_at=view.draft_saved_at,
    )


@router.put("/tasks/{task_id}/draft", response_model=DraftSavedOut, tags=["vragen"],
            summary="Een concept van het antwoord opslaan", responses={**ERRORS, **CONFLICT})
def save_draft(form: AnswerForm, task_id: str = TASK_ID, principal: Principal = Depends(api_partner),
               db: Session = Depends(get_db)):
    """Bewaart het antwoord zoals het nu is; het mag nog onvolledig zijn, maar noemt alleen
    gegevens van uw organisatie. Een nieuw concept vervangt het vorige."""
    task = _task(db, principal, task_id)
    try:
        problems = portal.save_draft(db, principal, task, form)
    except portal.AlreadyAnswered:
        db.rollback()
        raise HTTPException(status_code=409) from None
    if problems:
        db.rollback()
        return unprocessable(problems)
    db.commit()
    return DraftSavedOut(detail="Het concept is opgeslagen.")


@router.post("/tasks/{task_id}/answer", response_model=AnswerSubmittedOut, tags=["vragen"],
             summary="Het antwoord versturen", responses={**ERRORS, **CONFLICT})
def submit_answer(form: AnswerForm, task_id: str = TASK_ID, principal: Principal = Depends(api_partner),
                  db: Session = Depends(get_db)):
    """Verstuurt het antwoord, één keer: daarna kan alleen de procesregisseur het heropenen.
    Per gegeven: komt het van uw organisatie (`supplied_by_us`), is het juist (`correct`,
    anders `correction` met de juiste tekst), en bij inzage: achterhouden (`withhold`, met
    `withhold_ground` uit `refusal_grounds` en `explanation` voor de betrokkene in de u-vorm).
    Een `note` is voor het Zorg- en Veiligheidshuis en komt niet in een brief."""
    task = _task(db, principal, task_id)
    try:
        recorded, problems = portal.submit_answer(db, principal, task, form, dutch_time.today())
    except portal.AlreadyAnswered:
        db.rollback()
        raise HTTPException(status_code=409) from None
    except (ActionError, ValidationError) as exc:
        db.rollback()
        return error(422, one_line(exc))
    if problems:
        db.rollback()
        return unprocessable(problems)
    db.commit()
    carry_on(recorded)
    view = portal.task_view(db, task, dutch_time.today())
    return AnswerSubmittedOut(reference=view.consultation_reference, repeated=recorded.repeated,
                              detail=portal.next_steps(view))


@router.post("/requests", response_model=ForwardedOut, status_code=201, tags=["verzoeken"],
             summary="Een verzoek doorsturen dat uw organisatie zelf kreeg",
             responses={200: {"model": ForwardedOut, "description": "Dit verzoek was al doorgestuurd"},
                        422: ERRORS[422]})
def forward_request(form: ForwardForm, principal: Principal = Depends(api_partner), db: Session = Depends(get_db)):
    """De dag waarop uw organisatie het verzoek kreeg (de termijn begint dan), wat de
    betrokkene vraagt, en de gegevens van de betrokkene (en een vertegenwoordiger) zoals het
    formulier ze vraagt; verder niets. Hetzelfde verzoek twee keer wordt één keer vastgelegd."""
    try:
        recorded, problems = portal.forward_request(db, principal, form, dutch_time.today())
    except ActionError as exc:
        db.rollback()
        return error(422, one_line(exc))
    if problems:
        db.rollback()
        return unprocessable(problems)
    db.commit()
    carry_on(recorded)
    row = portal.forwarded_by(db, principal, recorded.request_id)
    out = ForwardedOut(reference=row.reference, request_id=row.id, received_on=row.first_received_on,
                       forwarded_on=row.forwarded_on, repeated=recorded.repeated)
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if recorded.repeated else 201)
