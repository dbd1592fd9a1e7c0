"""Error pages in Dutch: what went wrong in plain words and what to do next. Never a
traceback, never the data of the request; a server error shows a short code the
administrator can find in the log."""
import logging
import secrets
import traceback
from typing import Optional
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.principal import NotAllowed

log = logging.getLogger("rechtenloket.web")

# status: (title, explanation, what to do)
MESSAGES = {
    400: ("Dit verzoek klopt niet", "De server kon uw verzoek niet lezen.",
          "Ga terug en probeer het opnieuw."),
    401: ("U bent niet ingelogd", "Voor deze pagina moet u eerst inloggen.", "Log in en probeer het opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina of deze actie.",
          "Denkt u dat dit niet klopt? Neem contact op met de beheerder van Rechtenloket in uw regio."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer).",
          "Controleer het adres, of ga naar de startpagina."),
    405: ("Dit kan hier niet", "Deze pagina kan niet op deze manier worden gebruikt.",
          "Ga naar de startpagina en probeer het opnieuw."),
    413: ("Te veel gegevens", "U heeft meer gegevens verstuurd dan Rechtenloket in één keer aanneemt.",
          "Maak de tekst korter en probeer het opnieuw."),
    415: ("Dit formulier klopt niet", "De gegevens kwamen niet binnen zoals een formulier ze verstuurt.",
          "Ga terug, laad de pagina opnieuw en probeer het nog eens."),
    422: ("Gegevens niet goed", "Een of meer gegevens in het adres of formulier kloppen niet.",
          "Ga terug en controleer wat u heeft ingevuld."),
    429: ("Even wachten", "Er kwamen te veel pogingen achter elkaar.", "Wacht even en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging bij ons iets mis. Er is niets opgeslagen van deze laatste stap.",
          "Probeer het later opnieuw. Blijft het misgaan? Geef de foutcode hieronder door aan de beheerder."),
}
# A refused CSRF check, and a session that ended before the form was sent.
CSRF_REFUSED = ("Formulier niet geaccepteerd",
                "Dit formulier is verlopen of niet via Rechtenloket zelf verstuurd. Er is niets opgeslagen.",
                "Ga terug, laad de pagina opnieuw en verstuur het formulier nog een keer.")
SESSION_ENDED = ("Uw sessie is verlopen",
                 "U was te lang niet actief, of u bent te lang ingelogd. Er is niets opgeslagen.",
                 "Log opnieuw in en probeer het nog een keer.")


class NotSignedIn(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=401)


def error_page(status: int, request: Optional[Request] = None, message: Optional[tuple[str, str, str]] = None,
               code: Optional[str] = None, headers: Optional[dict[str, str]] = None) -> HTMLResponse:
    from web.templating import render_html

    title, explanation, advice = message or MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    try:
        html = render_html(request, "error.html.j2", status=status, title=title, explanation=explanation,
                           advice=advice, code=code)
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        html = (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><main><h1>{title}</h1><p>{explanation}</p><p>{advice}</p></main></body></html>")
    return HTMLResponse(html, status_code=status, headers=headers)


def server_error(request: Optional[Request], exc: BaseException) -> HTMLResponse:
    """Log where it happened (class, files and line numbers; not the message nor the source
    lines, which may hold typed data) under a short code, and show the code."""
    code = secrets.token_hex(4)
    frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
    log.error("server error %s: %s\n%s", code, type(exc).__name__, frames)
    return error_page(500, request, code=code)


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    reason = {"idle": "&reden=inactief", "absolute": "&reden=maximum"}.get(
        getattr(request.state, "session_ended", None), "")
    return RedirectResponse(f"/inloggen?volgende={quote(target, safe='')}{reason}", status_code=303)


def install(app: FastAPI) -> None:
    """Every error a handler raises becomes one of the pages above. Any other exception is
    turned into the 500 page by web/middleware.py (``Guard``), with the security headers."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if isinstance(exc, NotSignedIn) and request.method in ("GET", "HEAD"):
            return _login_redirect(request)
        allow = (exc.headers or {}).get("Allow")  # a 405 says which methods there are
        return error_page(exc.status_code, request, headers={"Allow": allow} if allow else None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return error_page(422, request)

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed):
        return error_page(403, request)
