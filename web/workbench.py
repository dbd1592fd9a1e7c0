"""What the coordinator's, the signatory's and the manager's pages share: the day, who may
see which request, and recording an action from a form.

Every state-changing page follows one pattern (``record``): validate the form with the
action's own input model, call the action (which checks the principal again, validates
against the database and rehearses the next steps), commit, and only then dispatch the
advance (flows/dispatch.py) and redirect. Bad input returns the same form with the Dutch
errors next to the fields and nothing saved.
"""
from datetime import date
from typing import Callable, Optional

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from models import dutch_time
from models.actions.common import ActionError, Recorded
from models.enums import Role
from models.principal import NotAllowed, Principal
from models.tables import Request as RequestRow
from web.forms import FormState


#: Who may read a request's page; the manager without personal data until a logged read.
READERS = (Role.coordinator, Role.signatory, Role.manager, Role.auditor)
#: Who sees the personal data on the page straight away (each view is in the audit trail).
PERSONAL = (Role.coordinator, Role.signatory, Role.auditor)
#: Why a manager opens a request's personal data (kept in the audit trail as the code).
READ_REASONS = {
    "escalatie": "een escalatie of een dreigende termijnoverschrijding",
    "klacht": "een klacht of een vraag van de betrokkene",
    "kwaliteit": "een kwaliteitscontrole",
    "storing": "een storing in de verwerking",
}
#: Messages after a recorded action (the redirect's ``?gedaan=`` code; never data).
DONE = {
    "geregistreerd": "Het verzoek is geregistreerd.",
    "identiteit": "De identificatie is vastgelegd.",
    "identiteit-reden": "De reden is vastgelegd. De uitnodiging om langs te komen is verstuurd.",
    "identiteit-verlopen": "Vastgelegd: de termijn is verstreken. Het besluit om het verzoek niet te behandelen "
                           "staat klaar als concept.",
    "antwoord": "Het antwoord van de partner is vastgelegd (namens de partner).",
    "heropend": "Het antwoord is heropend: de partner kan opnieuw antwoorden.",
    "besluit": "Het besluit is vastgelegd.",
    "verlengd": "De termijn is verlengd; de brief aan de betrokkene is verstuurd.",
    "uitgevoerd": "De uitvoering is vastgelegd.",
    "uitleg": "De uitleg is opgeslagen; de conceptbrief is opnieuw opgemaakt.",
    "bron": "De bron is vastgesteld; de conceptbrief is opnieuw opgemaakt.",
    "tekst": "De tekst van de brief is opgeslagen; de conceptbrief is opnieuw opgemaakt.",
    "goedgekeurd": "De antwoorden zijn goedgekeurd. Ze kunnen nu worden verstuurd.",
    "ingetrokken": "De goedkeuring is ingetrokken; de antwoorden zijn weer concepten.",
    "verstuurd": "De antwoorden zijn verstuurd.",
    "herhaald": "Dit was al vastgelegd; er is niets dubbel vastgelegd.",
}


def today(request: Request) -> date:
    """The day in Amsterdam (models/dutch_time.py; the tests fix it with ``app.state.clock``)."""
    fixed = getattr(request.app.state, "clock", None)
    return fixed() if fixed else dutch_time.today()


def load_request(db: Session, principal: Principal, request_id: str) -> RequestRow:
    """The request, if it exists and lies in the principal's regions (404 / 403 otherwise).
    A partner never reaches these pages (their routes refuse the role)."""
    row = db.get(RequestRow, request_id) if len(request_id) <= 32 else None
    if row is None:
        raise HTTPException(status_code=404)
    if not principal.in_region(row.region_id):
        raise NotAllowed("geen toegang tot dit verzoek")
    return row


def regions_filter(principal: Principal) -> Optional[frozenset[str]]:
    return None if principal.all_regions else frozenset(principal.regions)


def action_error(state: FormState, exc: ActionError) -> None:
    """An action's refusal: next to its field when it names one ("reason: ..."), else for
    the whole form."""
    message = str(exc)
    field, sep, rest = message.partition(": ")
    if sep and (field in state.labels or field in state.values):
        state.add_error(field, rest, phrase=False)
    else:
        state.add_form_error(message)


async def record(request: Request, db: Session, state: FormState, attempt: Callable[[], Recorded],
                 done: str, again: Callable[[FormState, int], object]):
    """Run ``attempt`` (the action), commit, dispatch, redirect to the request's page; an
    ActionError rolls back and renders the form again (``again(state, status)``)."""
    def work():
        try:
            recorded = attempt()
            db.commit()
        except ActionError as exc:
            db.rollback()
            action_error(state, exc)
            return None
        except BaseException:
            db.rollback()
            raise
        return recorded

    recorded = await run_in_threadpool(work)
    if recorded is None:
        return again(state, 422)
    return await run_in_threadpool(carry_on, request, recorded, done)


def carry_on(request: Request, recorded: Recorded, done: str) -> RedirectResponse:
    """After the commit: carry the request on (flows/dispatch.py) and show its page. A step
    that fails leaves the request marked failed; the page says so."""
    from flows.dispatch import DispatchError, dispatch
    from flows.guard import StepFailed

    code = "herhaald" if recorded.repeated else done
    try:
        dispatch(recorded.request_id, today(request).isoformat(), recorded.event_key)
    except (StepFailed, DispatchError):
        code = f"{code}&storing=1"
    return RedirectResponse(f"/verzoeken/{recorded.request_id}?gedaan={code}", status_code=303)


def validated(model, data: dict, state: FormState):
    """``model`` from the form's data, or None with the errors in ``state``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        state.add_validation_error(exc)
        return None


def blank_to_none(data: dict, *names: str) -> dict:
    """Optional fields left blank are not given (a blank date is no date)."""
    for name in names:
        if data.get(name) in ("", None):
            data.pop(name, None)
    return data


def first_request_id(db: Session, reference: str) -> Optional[str]:
    return db.exec(select(RequestRow.id).where(RequestRow.reference == reference.strip().upper())).first()
