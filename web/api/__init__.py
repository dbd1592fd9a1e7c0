"""The partner API, ``/api/v1``: the portal's rights for partner systems, as JSON.

A FastAPI app of its own, mounted by web/app.py, so that it has its own errors (JSON in
Dutch, never an HTML page, never a traceback) and its own OpenAPI document
(``/api/v1/openapi.json``, read as a page at ``/api/v1/docs``). Every route authenticates
by the token in the ``Authorization`` header (web/api/auth.py) and then calls exactly what
the portal's pages call (models/portal.py), so it may do what a partner user may do and
refuses what the forms refuse, with the same messages per field (422).
"""
import secrets
import traceback
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from models import partner_answers, portal
from models.principal import NotAllowed
from models.validation import messages
from web.api import auth
from web.errors import log
from web.forms import FormState
from web.settings import WebSettings

DESCRIPTION = """\
De API van Rechtenloket voor de systemen van partnerorganisaties van een Zorg- en
Veiligheidshuis. U kunt er hetzelfde mee als een medewerker van uw organisatie in het
portaal: de vragen aan uw organisatie zien en beantwoorden (ook als concept), en een verzoek
doorsturen dat uw organisatie zelf kreeg.

**Inloggen.** Stuur bij elk verzoek het API-token van uw organisatie mee in de header
`Authorization: Bearer rlp_...`. De beheerder van Rechtenloket in uw regio maakt het token
(`rechtenloket token add`) en kan het intrekken. Een token hoort bij één organisatie: u ziet
alleen de vragen aan die organisatie en alleen de gegevens die zij zelf gaf.

**Fouten.** Elke fout is JSON met `detail` (Nederlands). Bij 422 staat in `errors` per veld
wat er niet klopt, met dezelfde tekst als in het formulier van het portaal. Na te veel pogingen
met een token dat niet werkt volgt 429 met `Retry-After`.
"""

STATUS_TEXT = {
    400: "Dit verzoek klopt niet.",
    401: auth.NO_TOKEN,
    403: "Dit mag uw organisatie niet.",
    404: "Niet gevonden, of niet van uw organisatie.",
    405: "Deze methode kan hier niet.",
    409: "Deze vraag is al beantwoord. Alleen de procesregisseur kan het antwoord heropenen.",
    413: "Te veel gegevens in één verzoek.",
    415: "Stuur de gegevens als JSON (Content-Type: application/json).",
    422: "De gegevens kloppen niet. Verbeter de velden in 'errors'.",
    429: "Te veel pogingen. Wacht even en probeer het dan opnieuw.",
}
LOCATIONS = ("body", "query", "path", "header")


def error(status: int, detail: Optional[str] = None, errors: Optional[list] = None,
          headers: Optional[dict] = None, code: Optional[str] = None) -> JSONResponse:
    body = {"detail": detail or STATUS_TEXT.get(status, STATUS_TEXT[400]), "errors": errors or []}
    if code:
        body["code"] = code
    return JSONResponse(body, status_code=status, headers=headers)


def field_errors(problems: list[tuple[str, str, bool]]) -> list[dict]:
    """(field, message, whole sentence) as the API's ``errors``, phrased exactly as the forms
    phrase them (the same labels)."""
    count = 1 + max((int(part) for f, _, _ in problems for part in f.split(".")[1:2] if part.isdigit()), default=0)
    state = FormState(labels={**partner_answers.labels(count), **portal.FORWARD_LABELS})
    out = []
    for name, message, sentence in problems:
        key = name
        state.errors.pop(key, None)
        state.add_error(key, message, phrase=not sentence)
        out.append({"field": name, "message": state.errors[key]})
    return out


def unprocessable(problems) -> JSONResponse:
    return error(422, errors=field_errors([(p.field, p.message, p.sentence) for p in problems]))


def create_api(settings: WebSettings) -> FastAPI:
    from web.api import docs, v1

    api = FastAPI(
        title="Rechtenloket partner-API", version="1", description=DESCRIPTION,
        openapi_url="/openapi.json", docs_url=None, redoc_url=None,
        responses={401: {"model": v1.ErrorOut, "description": "Geen of geen geldig token"},
                   429: {"model": v1.ErrorOut, "description": "Te veel pogingen met een ongeldig token"}},
    )
    api.state.settings = settings

    @api.exception_handler(auth.ApiRefused)
    async def _refused(request: Request, exc: auth.ApiRefused):
        return error(exc.status, exc.detail, headers=exc.headers)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code == 409 else None
        return error(exc.status_code, detail, headers=exc.headers)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        # A body that is not even JSON is found before the token is checked: check it first,
        # so a caller without a valid token never learns more than 401.
        refused = await run_in_threadpool(_token_refusal, request)
        if refused is not None:
            return refused
        problems = [(f, m, False) for f, m in messages(exc.errors(), skip=LOCATIONS)]
        return error(422, errors=field_errors(problems))

    @api.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed):
        return error(403)

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        code = secrets.token_hex(4)
        frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
        log.error("api error %s: %s\n%s", code, type(exc).__name__, frames)
        return error(500, "Er ging bij ons iets mis. Er is niets opgeslagen van deze laatste stap.", code=code)

    api.include_router(v1.router)
    api.include_router(docs.router)
    return api


def _token_refusal(request: Request) -> Optional[JSONResponse]:
    if getattr(request.state, "api_principal", None) is not None:
        return None
    from models.db import get_engine

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    with Session(get_engine(), expire_on_commit=False) as db:
        try:
            auth.authenticate(db, request, token.strip() if scheme.lower() == "bearer" else None)
        except auth.ApiRefused as exc:
            return error(exc.status, exc.detail, headers=exc.headers)
    return None
