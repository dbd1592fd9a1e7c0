"""Logging in and out (docs/auth.md).

Login: the form is checked (CSRF by the middleware, then the fields), then the throttle,
then the password. A wrong name and a wrong password get the same answer, in the same
time. Success starts a *new* session (never the id the browser had before), clears the
account's failed attempts and records ``auth.login``; a failure records
``auth.login_failed`` with keyed hashes, never the name typed.
"""
import re
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from models import accounts, audit
from models.accounts import MAX_PASSWORD
from web import sessions, throttle
from web.db import get_db
from web.forms import FormState, labels_of, read_form
from web.middleware import cleared_cookie, session_cookie
from web.templating import render

router = APIRouter()

ANONYMOUS = "anonymous"
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/._~%!$&'()*+,;=:@?-]*$")


class LoginInput(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    username: str = Field(title="Gebruikersnaam", min_length=1, max_length=64)
    password: str = Field(title="Wachtwoord", min_length=1, max_length=MAX_PASSWORD)
    volgende: str = Field(default="/", max_length=2000)


LABELS = labels_of(LoginInput)


def safe_next(target: Optional[str]) -> str:
    """Where to go after login: a path on this site only (no open redirect)."""
    if not target or not _LOCAL_PATH.match(target) or target.startswith(("/inloggen", "/uitloggen")):
        return "/"
    return target


def _notice(request: Request) -> Optional[str]:
    ended = getattr(request.state, "session_ended", None) or {
        "inactief": "idle", "maximum": "absolute"}.get(request.query_params.get("reden", ""))
    if ended == "idle":
        return "U was te lang niet actief. Log opnieuw in om verder te gaan."
    if ended == "absolute":
        return "U was te lang ingelogd. Log opnieuw in om verder te gaan."
    if request.query_params.get("uitgelogd") == "1":
        return "U bent uitgelogd."
    return None


@router.get("/inloggen")
def login_page(request: Request, volgende: Optional[str] = None):
    if getattr(request.state, "principal", None) is not None:
        return RedirectResponse(safe_next(volgende), status_code=303)
    form = FormState({"volgende": [safe_next(volgende)]}, LABELS)
    return render(request, "login.html.j2", form=form, notice=_notice(request))


@router.post("/inloggen")
async def login(request: Request, db: Session = Depends(get_db)):
    form = await read_form(request)
    state = FormState.from_form(form, LABELS, keep_out=("password",))
    try:
        data = LoginInput.model_validate(form.nested())
    except ValidationError as exc:
        state.add_validation_error(exc)
        return render(request, "login.html.j2", status_code=422, form=state, notice=None)
    client = request.client.host if request.client else "unknown"
    from starlette.concurrency import run_in_threadpool

    outcome = await run_in_threadpool(_attempt, db, request, data, client)
    if isinstance(outcome, RedirectResponse):
        return outcome
    status, message = outcome
    state.add_form_error(message, target="username")
    return render(request, "login.html.j2", status_code=status, form=state, notice=None)


def _attempt(db: Session, request: Request, data: LoginInput, client: str):
    """The throttled password check; a redirect on success, else (status, message)."""
    settings = request.app.state.settings
    name_key, client_key = throttle.account_key(data.username), throttle.client_key(client)
    wait = throttle.locked_for(db, [name_key, client_key])
    if wait:
        minutes = max(1, (wait + 59) // 60)
        return 429, (f"Er zijn te veel mislukte pogingen om in te loggen. Wacht {minutes} "
                     f"minu{'ut' if minutes == 1 else 'ten'} en probeer het dan opnieuw.")
    account = accounts.by_username(db, data.username)
    if not accounts.check_password(account, data.password):
        locked = throttle.record_failure(db, name_key, settings.throttle_free_account, settings)
        locked = throttle.record_failure(db, client_key, settings.throttle_free_client, settings) or locked
        reason = "unknown_account" if account is None else ("disabled" if not account.active else "wrong_password")
        audit.record(db, ANONYMOUS, "auth.login_failed", reason=reason,
                     account=account.id if account else None,
                     name_key=name_key[:16], client_key=client_key[:16], locked=locked)
        db.commit()
        return 401, "De gebruikersnaam of het wachtwoord klopt niet. Controleer ze en probeer het opnieuw."

    throttle.clear(db, name_key)
    accounts.rehash_if_needed(account, data.password)
    old = request.cookies.get(settings.session_cookie)
    if old:
        sessions.end(db, old)
    sessions.purge_expired(db, settings)
    raw = sessions.start(db, account)
    principal = accounts.principal_of(db, account)
    audit.record(db, principal.actor, "auth.login", client_key=client_key[:16])
    db.commit()
    response = RedirectResponse(safe_next(data.volgende), status_code=303)
    response.headers.append("set-cookie", session_cookie(raw, settings))
    response.headers.append("set-cookie", cleared_cookie(settings.anonymous_cookie, settings))
    return response


@router.post("/uitloggen")
def logout(request: Request, db: Session = Depends(get_db)):
    """Ends the session on the server (the row is deleted) and in the browser."""
    settings = request.app.state.settings
    principal = getattr(request.state, "principal", None)
    raw = request.cookies.get(settings.session_cookie)
    if raw and principal is not None:
        sessions.end(db, raw)
        audit.record(db, principal.actor, "auth.logout")
        db.commit()
    response = RedirectResponse("/inloggen?uitgelogd=1", status_code=303)
    response.headers.append("set-cookie", cleared_cookie(settings.session_cookie, settings))
    return response
