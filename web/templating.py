"""Rendering the pages: one Jinja2 environment over templates/web/, and ``render`` that gives
every page what the layout needs (who is signed in, the CSRF token, the app name)."""
from functools import lru_cache
from typing import Any, Optional

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models.accounts import ROLE_NAMES
from models.settings import get_settings
from web.sessions import csrf_token

APP_NAME = "Rechtenloket"


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(get_settings().templates_dir / "web"),
        autoescape=select_autoescape(("html", "j2")),
        undefined=StrictUndefined,  # a missing value is an error in the tests, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["app_name"] = APP_NAME
    env.filters["local_time"] = local_time
    from web import labels

    env.globals["L"] = labels
    env.filters["datum"] = _date
    return env


def _date(value) -> str:
    """A date as the pages show it: 02-03-2026 (a dash when there is none)."""
    return value.strftime("%d-%m-%Y") if value else "–"


def local_time(moment) -> str:
    """A stored UTC time as the Dutch read it: "01-12-2026 om 14:05"."""
    from models.dutch_time import AMSTERDAM

    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y om %H:%M")


def page_context(request: Optional[Request]) -> dict[str, Any]:
    """What the layout (templates/web/base.html.j2) reads on every page."""
    state = getattr(request, "state", None)
    principal = getattr(state, "principal", None)
    binding = getattr(state, "csrf_binding", None)
    return {
        "principal": principal,
        "username": getattr(state, "username", None),
        "role_name": ROLE_NAMES.get(principal.role) if principal else None,
        "csrf_token": csrf_token(binding) if binding else "",
        "current_path": request.url.path if request is not None else "/",
    }


def render_html(request: Optional[Request], template: str, **context: Any) -> str:
    return environment().get_template(template).render(**page_context(request), **context)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page. A browser without a session gets its anonymous CSRF cookie with the first
    page that needs a token (web/middleware.py sets it)."""
    return HTMLResponse(render_html(request, template, **context), status_code=status_code)
