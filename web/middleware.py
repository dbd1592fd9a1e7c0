"""What happens to every request before a route sees it, outermost first:

1. ``Guard``: refuses an oversized body before reading it (413; a ``Content-Length`` over
   the limit is refused at once, a chunked body as soon as it passes the limit), puts the
   security headers on every response, and turns any uncaught exception into the Dutch
   500 page.
2. ``Identify``: who is asking (web/auth.py ``identify``), into ``request.state``:
   ``principal``, ``username``, ``csrf_binding``; clears the cookie of an ended session.
3. ``CsrfCheck``: every state-changing request (POST, PUT, PATCH, DELETE) outside
   ``/api/`` carries the CSRF token of its session in the form field ``csrf_token`` or the
   header ``X-CSRF-Token``; without it, or with another session's, it is refused with a
   Dutch page (403) before any route runs, so nothing changes. ``/api/`` is the partner
   API (web/api/), which authenticates with tokens in a header, never with cookies:
   ``Identify`` skips it too, so no session ever reaches an API route.

They are plain ASGI middleware (no buffering of responses, no second copy of the body).
"""
import re
from http.cookies import SimpleCookie
from typing import Optional
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import sessions
from web.errors import CSRF_REFUSED, SESSION_ENDED, error_page, log, server_error
from web.settings import WebSettings

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNCHECKED_PREFIXES = ("/static/", "/health")
API_PREFIX = "/api/"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # sessions.new_session_id()

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the NL Design System CSS draws some icons as data: images
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


class BodyTooLarge(Exception):
    pass


def security_headers(settings: WebSettings, path: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        # Task links (later) carry a token in the URL: never pass it to another site.
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        # Pages may show personal data: no copy in a browser or proxy cache. The CSS is
        # checked again on each use (it changes only with `npm ci`).
        "Cache-Control": "no-cache" if path.startswith("/static/") else "no-store",
    }
    if settings.behind_tls and settings.hsts_max_age:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_max_age}; includeSubDomains"
    return headers


class Guard:
    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_body_bytes
        extra = security_headers(self.settings, scope.get("path", ""))
        started = too_large = False

        async def secured_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return  # the app's own answer to a cut-off body is replaced by the 413 page
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            status = 413 if length.isdigit() else 400
            await error_page(status)(scope, receive, secured_send)
            return

        received = 0

        async def bounded_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, bounded_receive, secured_send)
        except Exception as exc:  # noqa: BLE001 - never a traceback at the user
            if started:  # too late for an error page: the answer is cut off
                log.error("error after the response started: %s", type(exc).__name__)
                return
            if too_large:
                response = error_page(413)
            else:
                response = server_error(None, exc)
            too_large = False
            await response(scope, receive, secured_send)
            return
        if too_large and not started:  # the app swallowed the error: still 413
            too_large = False
            await error_page(413)(scope, receive, secured_send)


def _cookies(scope: Scope) -> dict[str, str]:
    raw = Headers(scope=scope).get("cookie")
    if not raw:
        return {}
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # noqa: BLE001 - a malformed cookie header counts as none
        return {}
    return {k: m.value for k, m in jar.items()}


def _cookie_header(name: str, value: str, settings: WebSettings, max_age: Optional[int] = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if settings.behind_tls:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def session_cookie(value: str, settings: WebSettings) -> str:
    """The Set-Cookie value of a new session (web/pages/login.py)."""
    return _cookie_header(settings.session_cookie, value, settings, settings.session_absolute_hours * 3600)


def cleared_cookie(name: str, settings: WebSettings) -> str:
    return _cookie_header(name, '""', settings, 0)


class Identify:
    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # /api/ authenticates by its own header token only (web/api/auth.py): no session there.
        if scope["type"] != "http" or scope["path"].startswith((*UNCHECKED_PREFIXES, API_PREFIX)):
            await self.app(scope, receive, send)
            return
        from web.auth import identify

        settings = self.settings
        cookies = _cookies(scope)
        headers = Headers(scope=scope)
        identity = await run_in_threadpool(_identify_in_db, identify, cookies, headers, settings)
        state = scope.setdefault("state", {})
        state["principal"] = identity.principal
        state["username"] = identity.username
        state["session_ended"] = identity.ended
        set_cookies: list[str] = []
        if identity.ended:
            set_cookies.append(cleared_cookie(settings.session_cookie, settings))
        if identity.session_id:
            state["csrf_binding"] = identity.session_id
        else:
            anonymous = cookies.get(settings.anonymous_cookie, "")
            if not _TOKEN.match(anonymous):
                anonymous = sessions.new_session_id()
                set_cookies.append(_cookie_header(settings.anonymous_cookie, anonymous, settings))
            state["csrf_binding"] = anonymous

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start" and set_cookies:
                headers = MutableHeaders(scope=message)
                already = {v.split("=", 1)[0] for v in headers.getlist("set-cookie")}
                for cookie in set_cookies:
                    if cookie.split("=", 1)[0] not in already:
                        headers.append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookies)


def _identify_in_db(identify, cookies, headers, settings):
    from sqlmodel import Session

    from models.db import get_engine

    with Session(get_engine(), expire_on_commit=False) as db:
        return identify(db, cookies, headers, settings)


class CsrfCheck:
    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in UNSAFE
                or scope["path"].startswith((API_PREFIX, *UNCHECKED_PREFIXES))):
            await self.app(scope, receive, send)
            return
        state = scope.get("state", {})
        body = await _read_body(receive)
        headers = Headers(scope=scope)
        token = headers.get(sessions.CSRF_HEADER)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if token is None and content_type == "application/x-www-form-urlencoded":
            try:
                fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
            except (UnicodeDecodeError, ValueError):
                fields = []
            token = next((v for k, v in fields if k == sessions.CSRF_FIELD), None)
        if not sessions.csrf_valid(state.get("csrf_binding"), token):
            if state.get("session_ended"):
                # Filled in during a session that has ended since: say so, not "CSRF".
                await error_page(401, Request(scope), message=SESSION_ENDED)(scope, receive, send)
            else:
                await error_page(403, Request(scope), message=CSRF_REFUSED)(scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _read_body(receive: Receive) -> bytes:
    """The whole body (its size is bounded by ``Guard``)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
