"""The partner portal: a partner user's consultation tasks (the list, one task with its
answer form) and the link in the consultation letter (``/taak/<token>``).

Everything a partner may see or do is decided in models/portal.py (its own organisation
only; another organisation's task is "not found", 404) and recorded by the actions; these
handlers turn HTTP into those calls and back. Every view of a task page is in the audit
trail (``web.audit.record_view``), also a page that comes back with errors.

The task link (models/task_links.py) opens its one task for a signed-in user of that
organisation (a redirect to ``/taken/<id>``); an anonymous visitor logs in first, unless
the region lets the link alone open the task (region config ``portal``), in which case the
page is served at the link itself. An unknown, malformed, expired or spent link, or one of
another organisation, gets a Dutch page without any data; failed attempts are throttled
per client address like logins (web/throttle.py).
"""
from datetime import date
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from models import audit, dutch_time, partner_answers, portal, task_links
from models.actions.common import ActionError
from models.enums import Role
from models.letters.categories import CHOICE_LABELS, DEFAULT_WORDS
from models.principal import Principal
from models.region_config import get_region
from models.task_links import LinkState
from models.validation import one_line
from web import throttle
from web.answer_form import add_problems, data_of, state_of
from web.audit import record_view
from web.auth import require_roles
from web.db import get_db
from web.dispatching import carry_on
from web.errors import NotSignedIn, error_page
from web.forms import FormData, FormState, read_form
from web.templating import render

router = APIRouter()
partner_only = require_roles(Role.partner)

STATUS_CHOICES = [("alle", "Alle vragen"), ("open", "Open"), ("answered", "Beantwoord")]

LINK_UNKNOWN = ("Deze link werkt niet",
                "De link is niet compleet of bestaat niet. Er worden geen gegevens getoond.",
                "Kopieer de link nog eens precies uit de brief. Of log in en kies de vraag in uw lijst met vragen.")
LINK_EXPIRED = ("Deze link is verlopen",
                "De link in de brief werkt niet meer. Er worden geen gegevens getoond.",
                "Log in en kies de vraag in uw lijst met vragen. Heeft u geen account? Neem contact op met het "
                "Zorg- en Veiligheidshuis.")
LINK_USED = ("Deze vraag is al beantwoord",
             "Het antwoord op deze vraag is al verstuurd. Daarom opent de link niets meer.",
             "Wilt u iets veranderen? Neem contact op met de procesregisseur van het Zorg- en Veiligheidshuis. "
             "Die kan uw antwoord heropenen.")
LINK_FOREIGN = ("Deze link is niet voor u",
                "Deze link hoort bij een vraag aan een andere organisatie. Er worden geen gegevens getoond.",
                "Heeft u de brief doorgestuurd gekregen? Neem dan contact op met het Zorg- en Veiligheidshuis.")
LINK_LOCKED = ("Even wachten",
               "Er kwamen te veel links binnen die niet werken.",
               "Wacht {minutes} en probeer het dan opnieuw.")
NOTICES = {
    "opgeslagen": "Uw concept is opgeslagen. U kunt later verder gaan.",
    "verstuurd": "Uw antwoord is verstuurd. Dank u wel.",
}


def _today() -> date:
    return dutch_time.today()


# ------------------------------------------------------------------ the list


@router.get("/taken")
def task_list(request: Request, status: str = "alle", te_laat: str = "", kenmerk: str = "",
              principal: Principal = Depends(partner_only), db: Session = Depends(get_db)):
    status = status if status in ("open", "answered") else "alle"
    overdue = te_laat == "ja"
    kenmerk = kenmerk.strip()[:40]
    rows = portal.task_rows(db, principal, _today(), status=None if status == "alle" else status,
                            overdue=overdue, reference=kenmerk or None)
    filters = FormState({"status": [status], "te_laat": ["ja"] if overdue else [], "kenmerk": [kenmerk]},
                        {"status": "Welke vragen", "te_laat": "Alleen te laat", "kenmerk": "Kenmerk"})
    return render(request, "tasks.html.j2", rows=rows, filters=filters, status_choices=STATUS_CHOICES,
                  filtered=status != "alle" or overdue or bool(kenmerk),
                  partner_name=portal.partner_of(db, principal).name)


# ------------------------------------------------------------------ one task


def _own_task(db: Session, principal: Principal, uid: str):
    try:
        return portal.task_of(db, principal, uid)
    except portal.NotFound:
        raise HTTPException(status_code=404) from None


@router.get("/taken/{uid}")
def task_page(uid: str, request: Request, principal: Principal = Depends(partner_only),
              db: Session = Depends(get_db)):
    task = _own_task(db, principal, uid)
    return _show(db, request, principal, task, action=f"/taken/{uid}",
                 notice=NOTICES.get(next((k for k in NOTICES if request.query_params.get(k) == "1"), "")))


@router.post("/taken/{uid}")
async def task_answer(uid: str, request: Request, principal: Principal = Depends(partner_only),
                      db: Session = Depends(get_db)):
    form = await read_form(request)
    return await run_in_threadpool(_answer, db, request, principal, uid, form)


def _answer(db: Session, request: Request, principal: Principal, uid: str, form: FormData):
    task = _own_task(db, principal, uid)
    return _handle(db, request, principal, task, form, action=f"/taken/{uid}",
                   after_draft=f"/taken/{uid}?opgeslagen=1", after_submit=f"/taken/{uid}?verstuurd=1")


def _show(db: Session, request: Request, principal: Principal, task, action: str, notice: Optional[str] = None,
          state: Optional[FormState] = None, status_code: int = 200, token_mode: bool = False):
    """The task page (recorded as a view of the task)."""
    view = portal.task_view(db, task, _today())
    record_view(db, principal, "task", request_id=view.request_id, task=task.id,
                **({"form": "refused"} if state is not None and state.has_errors else {}))
    return render(request, "task.html.j2", status_code=status_code, view=view,
                  form=state if state is not None else state_of(view, view.draft), action=action,
                  notice=notice, token_mode=token_mode, choices=_choices(view))


def _choices(view) -> dict:
    return {
        "yes_no": [("ja", "Ja"), ("nee", "Nee")],
        "withhold": [("nee", "Nee, de betrokkene mag het inzien"), ("ja", "Ja, het gegeven (of een deel) achterhouden")],
        "grounds": view.grounds,
        # What the item is (item b of the inzage reply), and what holds if nothing is chosen.
        "special": [(k.value, label) for k, label in CHOICE_LABELS.items()],
        "special_names": {k.value: label for k, label in CHOICE_LABELS.items()},
        "default_words": {k.value: words for k, words in DEFAULT_WORDS.items()},
    }


def _handle(db: Session, request: Request, principal: Principal, task, form: FormData, action: str,
            after_draft: str, after_submit: Optional[str], token_mode: bool = False):
    """Save the draft or submit the answer; on bad input the same page with every error next
    to its field, everything typed kept, and nothing saved."""
    what = form.get("actie")
    if what not in ("concept", "versturen"):
        raise HTTPException(status_code=400)
    view = portal.task_view(db, task, _today())
    state = FormState.from_form(form, partner_answers.labels(len(view.registrations)))
    parsed, problems = partner_answers.parse(data_of(form))
    recorded = None
    try:
        if parsed is not None and what == "concept":
            problems = portal.save_draft(db, principal, task, parsed)
        elif parsed is not None:
            recorded, problems = portal.submit_answer(db, principal, task, parsed, _today())
    except portal.AlreadyAnswered:
        db.rollback()
        return error_page(409, request, message=LINK_USED)
    except (ActionError, ValidationError) as exc:  # the action's own last checks
        db.rollback()
        state.add_form_error(one_line(exc))
        return _show(db, request, principal, task, action, state=state, status_code=422, token_mode=token_mode)
    if problems:
        db.rollback()  # nothing of this attempt is kept
        add_problems(state, problems)
        return _show(db, request, principal, task, action, state=state, status_code=422, token_mode=token_mode)
    db.commit()
    if recorded is None:
        return RedirectResponse(after_draft, status_code=303)
    carry_on(recorded)
    if after_submit is None:  # the link alone: it is spent now, so the page is shown here
        return render(request, "task_sent.html.j2", view=portal.task_view(db, task, _today()))
    return RedirectResponse(after_submit, status_code=303)


# ------------------------------------------------------------------ the link in the letter


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _resolve(db: Session, request: Request, token: str):
    """The link's state after the throttle; a refused link is counted and audited."""
    settings = request.app.state.settings
    key = throttle.token_client_key("task-link", _client(request))
    wait = throttle.locked_for(db, [key])
    if wait:
        minutes = max(1, (wait + 59) // 60)
        title, explanation, advice = LINK_LOCKED
        return None, error_page(429, request, message=(
            title, explanation, advice.format(minutes=f"{minutes} minu{'ut' if minutes == 1 else 'ten'}")))
    resolved = task_links.resolve(db, token, _today())
    if resolved.state in (LinkState.malformed, LinkState.unknown):
        locked = throttle.record_failure(db, key, settings.throttle_free_client, settings)
        audit.record(db, "anonymous", "task_link.refused", reason=resolved.state.value, client_key=key[:16],
                     locked=locked)
        db.commit()
        return None, error_page(404, request, message=LINK_UNKNOWN)
    if resolved.state != LinkState.valid:
        audit.record(db, _actor(request), "task_link.refused", reason=resolved.state.value,
                     link=resolved.link.id if resolved.link else None)
        db.commit()
        return None, error_page(410, request, message=LINK_EXPIRED if resolved.state == LinkState.expired
                                else LINK_USED)
    return resolved, None


def _actor(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return principal.actor if principal else "anonymous"


def _refuse_foreign(db: Session, request: Request, resolved):
    audit.record(db, _actor(request), "task_link.refused", reason="foreign", link=resolved.link.id)
    db.commit()
    return error_page(403, request, message=LINK_FOREIGN)


def _without_login(resolved) -> bool:
    return get_region(resolved.region_id).portal.task_link_without_login


@router.get("/taak/{token}")
def open_link(token: str, request: Request, db: Session = Depends(get_db)):
    """The link in the consultation letter (the token itself is the check: see the module doc)."""
    resolved, refused = _resolve(db, request, token)
    if refused is not None:
        return refused
    principal = getattr(request.state, "principal", None)
    if principal is None:
        if not _without_login(resolved):
            raise NotSignedIn()  # to the login page, and back here after it
        return _show(db, request, resolved.principal(), resolved.task, action=f"/taak/{token}",
                     notice=NOTICES.get("opgeslagen") if request.query_params.get("opgeslagen") == "1" else None,
                     token_mode=True)
    if not resolved.allows(principal):
        return _refuse_foreign(db, request, resolved)
    return RedirectResponse(f"/taken/{quote(resolved.task.row_uid)}", status_code=303)


@router.post("/taak/{token}")
async def answer_by_link(token: str, request: Request, db: Session = Depends(get_db)):
    form = await read_form(request)
    return await run_in_threadpool(_answer_by_link, db, request, token, form)


def _answer_by_link(db: Session, request: Request, token: str, form: FormData):
    resolved, refused = _resolve(db, request, token)
    if refused is not None:
        return refused
    principal = getattr(request.state, "principal", None)
    if principal is not None and not resolved.allows(principal):
        return _refuse_foreign(db, request, resolved)
    if not _without_login(resolved):
        if principal is None:
            raise NotSignedIn()
        # Signed in: the answer form of the task itself is at /taken/<id>; nothing is saved here.
        return RedirectResponse(f"/taken/{quote(resolved.task.row_uid)}", status_code=303)
    acting = principal or resolved.principal()
    return _handle(db, request, acting, resolved.task, form, action=f"/taak/{token}",
                   after_draft=f"/taak/{token}?opgeslagen=1", after_submit=None, token_mode=principal is None)
