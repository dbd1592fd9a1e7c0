"""Who calls the API: a partner system with its token, in the header
``Authorization: Bearer rlp_...`` and nowhere else (never the session cookie: the app's
``Identify`` middleware does not even look at /api/, so CSRF does not apply there).

Failed attempts (a malformed, unknown, revoked or expired token) are counted per client
address and back off exactly like failed logins (web/throttle.py, the same settings); the
first failure that locks is audited, attempts during a lock are refused without checking.
"""
from typing import Optional

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from models import api_tokens, audit, dutch_time
from models.enums import Role
from models.principal import Principal
from web import throttle
from web.db import get_db

bearer = HTTPBearer(auto_error=False, description="Het API-token van uw organisatie (rlp_...).")


class ApiRefused(Exception):
    """An API call refused before it did anything: status, Dutch message, extra headers."""

    def __init__(self, status: int, detail: str, headers: Optional[dict] = None):
        super().__init__(status)
        self.status, self.detail, self.headers = status, detail, headers or {}


NO_TOKEN = ("Geen token. Stuur het API-token van uw organisatie mee in de header "
            "'Authorization: Bearer <token>'.")
BAD_TOKEN = "Dit token werkt niet: het klopt niet, is ingetrokken of is verlopen."


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(db: Session, request: Request, token: Optional[str]) -> Principal:
    """The token's partner principal, or ApiRefused (401, or 429 during a lock)."""
    cached = getattr(request.state, "api_principal", None)
    if cached is not None:
        return cached
    if not token:
        raise ApiRefused(401, NO_TOKEN, {"WWW-Authenticate": "Bearer"})
    settings = request.app.state.settings
    key = throttle.token_client_key("api-token", _client(request))
    wait = throttle.locked_for(db, [key])
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise ApiRefused(429, f"Te veel pogingen met een token dat niet werkt. Wacht {minutes} "
                              f"minu{'ut' if minutes == 1 else 'ten'} en probeer het dan opnieuw.",
                         {"Retry-After": str(wait)})
    principal = api_tokens.authenticate(db, token, dutch_time.today())
    if principal is None:
        locked = throttle.record_failure(db, key, settings.throttle_free_client, settings)
        reason = "malformed" if not api_tokens.TOKEN.match(token) else "refused"
        audit.record(db, "anonymous", "api_token.refused", reason=reason, client_key=key[:16], locked=locked)
        db.commit()
        raise ApiRefused(401, BAD_TOKEN, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state.api_principal = principal
    return principal


def api_partner(request: Request, credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
                db: Session = Depends(get_db)) -> Principal:
    """The dependency of every API route: a partner principal from the token."""
    return authenticate(db, request, credentials.credentials if credentials else None)


api_partner.roles = frozenset({Role.partner})  # read by the route-coverage test (tests/web/test_guard.py)
