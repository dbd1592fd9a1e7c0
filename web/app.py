"""The web app: ``create_app()`` builds it; ``uvicorn web.app:app`` (or
``uvicorn --factory web.app:create_app``) serves it.

What every page stands on lives in one module each: who is asking and the role checks
(``web/auth.py``), sessions and CSRF tokens (``web/sessions.py``), the throttle
(``web/throttle.py``), security headers, body limit, CSRF check (``web/middleware.py``),
forms (``web/forms.py`` with the macros in ``templates/web/_forms.html.j2``), error pages
(``web/errors.py``), and the page-view audit (``web/audit.py``). Pages are routers in
``web/pages/``.

The NL Design System CSS is served from ``node_modules`` (installed by ``npm ci`` from the
committed package-lock.json), never copied into the repository.
"""
from pathlib import Path
from typing import Optional

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from web import errors
from web.api import create_api
from web.middleware import CsrfCheck, Guard, Identify
from web.pages import dashboard, forward, login, processing_log, region, requests, start, tasks, workbench
from web.settings import WebSettings

OWN_STATIC = Path(__file__).resolve().parent / "static"
#: URL prefix -> package folder inside node_modules.
NL_DESIGN_SYSTEM = {
    "/static/nlds/components": "@utrecht/component-library-css/dist",
    "/static/nlds/tokens": "@nl-design-system-unstable/voorbeeld-design-tokens/dist",
}


def create_app(settings: Optional[WebSettings] = None) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(
        title="Rechtenloket",
        # No docs pages for the pages: the partner API documents itself under /api/v1 (web/api/).
        docs_url=None, redoc_url=None, openapi_url=None,
    )
    app.state.settings = settings
    errors.install(app)

    for prefix, package in NL_DESIGN_SYSTEM.items():
        folder = settings.node_modules_dir / package
        if not folder.is_dir():
            raise RuntimeError(f"{folder} ontbreekt: voer 'npm ci' uit in de projectmap (of 'make install')")
        app.mount(prefix, StaticFiles(directory=folder), name=prefix.rsplit("/", 1)[-1])
    app.mount("/static/web", StaticFiles(directory=OWN_STATIC), name="web")
    # The partner API: its own app, with JSON errors and its own OpenAPI document (web/api/).
    app.mount("/api/v1", create_api(settings), name="api")

    @app.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        """For process managers and the reverse proxy: the app answers."""
        return JSONResponse({"status": "ok"})

    app.include_router(start.router)
    app.include_router(login.router)
    app.include_router(tasks.router)
    app.include_router(forward.router)
    app.include_router(dashboard.router)
    app.include_router(requests.router)
    app.include_router(workbench.router)
    app.include_router(processing_log.router)
    app.include_router(region.router)

    # Added innermost first: a request passes Guard, then Identify, then CsrfCheck.
    app.add_middleware(CsrfCheck, settings=settings)
    app.add_middleware(Identify, settings=settings)
    app.add_middleware(Guard, settings=settings)
    return app


def __getattr__(name: str):
    """``uvicorn web.app:app``: the app is built when asked for, not at import."""
    if name == "app":
        return create_app()
    raise AttributeError(name)
