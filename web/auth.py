"""Who is asking: the one seam that turns a request into a ``Principal``, and the FastAPI
dependencies every route uses to check it on the server.

``identify`` is the seam. With local accounts it reads the session cookie (web/sessions.py).
An external identity provider (OIDC behind a reverse proxy such as oauth2-proxy, which
passes a verified header) replaces its body and nothing else: every route gets its
principal through ``current_principal`` and checks its role with ``require_roles``
(docs/auth.md).

    @router.get("/taken")
    def tasks(principal: Principal = Depends(require_roles(Role.partner))): ...

A route without one of these dependencies is public (the login page, the static files,
``/health``); the tests list every route and check that no other is.
"""
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from fastapi import Request
from sqlmodel import Session

from models.accounts import PERSON_ROLES, principal_of
from models.enums import Role
from models.principal import Principal
from web import sessions
from web.errors import NotSignedIn
from web.settings import WebSettings


@dataclass(frozen=True)
class Identity:
    """What ``identify`` found: the principal (None: anonymous), the account's username for
    the page header, the session's random id (binds the CSRF token), and why a session
    that was presented is not valid any more ("idle", "absolute", "unknown")."""

    principal: Optional[Principal] = None
    username: Optional[str] = None
    session_id: Optional[str] = None
    ended: Optional[str] = None


def identify(db: Session, cookies: Mapping[str, str], headers: Mapping[str, str],
             settings: WebSettings) -> Identity:
    """THE seam: a request (its cookies and headers) to who is asking. Local accounts:
    the session cookie. ``headers`` is where a verified identity header of a reverse proxy
    would be read (docs/auth.md); local accounts do not look at it."""
    raw = cookies.get(settings.session_cookie)
    if not raw or len(raw) > 128:
        return Identity()
    loaded = sessions.load(db, raw, settings)
    if loaded.account is None:
        return Identity(ended=loaded.ended)
    return Identity(principal=principal_of(db, loaded.account), username=loaded.account.username, session_id=raw)


def current_principal(request: Request) -> Principal:
    """The signed-in principal (the dependency every protected route builds on). Anonymous:
    a GET is sent to the login page, anything else gets the 401 page."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise NotSignedIn()
    return principal


def require_roles(*roles: Role) -> Callable[[Request], Principal]:
    """A dependency that lets through only principals with one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        principal.require_role(*allowed)  # NotAllowed -> the 403 page (web/errors.py)
        return principal

    dependency.roles = allowed  # read by the route-coverage test
    return dependency


#: Who works on requests in the ZVH (not partners, not the administrator).
ZVH_STAFF = (Role.coordinator, Role.signatory, Role.manager, Role.auditor)
#: Who may see the orchestration (the Prefect UI): ids and step names, no personal data.
OPERATIONS = (Role.coordinator, Role.manager, Role.administrator)

#: Any signed-in person.
signed_in = require_roles(*PERSON_ROLES)
zvh_staff = require_roles(*ZVH_STAFF)
operations = require_roles(*OPERATIONS)
