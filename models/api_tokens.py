"""Tokens of partner systems for the API (``/api/v1``, web/api/): made by an administrator
(``rechtenloket token add|list|revoke``), each bound to one partner organisation.

A token is ``rlp_`` and 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits).
It is shown once, when it is made; the table ``apitoken`` keeps its SHA-256 (a plain hash
is enough for a random value of that length: nothing to guess) and its first characters,
so an administrator recognises it in the list. A token acts as a partner user of its
organisation (``Principal`` with role partner, id ``api-<n>``): the same rights, the same
checks by every action, the same audit trail. Revoked or expired: it opens nothing.
"""
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from pydantic import Field
from sqlmodel import Session, select

from models import audit, dutch_time
from models.actions.inputs import LINE, Input, text
from models.enums import Role
from models.principal import Principal
from models.region_config import ConfigError, get_region
from models.tables import ApiToken, Partner
from models.tables.common import utcnow

PREFIX = "rlp_"
TOKEN = re.compile(r"^rlp_[A-Za-z0-9_-]{43}$")
SHOWN = 8  # characters after the prefix kept to recognise a token


class TokenError(ValueError):
    """A refused token command (Dutch, one line)."""


class TokenInput(Input):
    region: text(64)
    partner: text(120)
    label: text(LINE)  # what it is for: "zaaksysteem gemeente Assen"
    days: Optional[int] = Field(default=None, ge=1, le=3660)  # None: until revoked


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Created:
    id: int
    token: str  # shown once, never stored
    partner: str
    expires_on: Optional[date]


def _require_administrator(principal: Principal) -> None:
    principal.require_role(Role.administrator)


def create_token(session: Session, data: TokenInput, principal: Principal, today: date) -> Created:
    """A new token for one partner organisation (caller commits). Returns it once."""
    _require_administrator(principal)
    principal.require_region(data.region)
    try:
        region = get_region(data.region)
        region.partner(data.partner)
    except (ConfigError, KeyError) as exc:
        raise TokenError(str(exc.args[0]) if exc.args else "onbekende regio of partner") from None
    partner = session.exec(select(Partner).where(Partner.region_id == region.id,
                                                 Partner.slug == data.partner)).first()
    if partner is None or not partner.active:
        raise TokenError(f"partner {data.partner!r} staat niet (meer) in de database: voer 'rechtenloket init' uit")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=token_hash(token), prefix=token[len(PREFIX):len(PREFIX) + SHOWN], label=data.label,
                   partner_id=partner.id, created_by=principal.actor,
                   expires_on=today + timedelta(days=data.days) if data.days else None)
    session.add(row)
    session.flush()
    audit.record(session, principal.actor, "api_token.added", None, token=row.id, partner=partner.slug,
                 region=region.id, expires_on=row.expires_on)
    return Created(row.id, token, partner.slug, row.expires_on)


def list_tokens(session: Session, principal: Principal, region: Optional[str] = None) -> list[dict]:
    """Every token (never the token itself), newest first."""
    _require_administrator(principal)
    query = select(ApiToken, Partner).join(Partner, Partner.id == ApiToken.partner_id).order_by(ApiToken.id.desc())
    if region:
        query = query.where(Partner.region_id == region)
    return [{
        "id": t.id, "prefix": PREFIX + t.prefix + "…", "label": t.label, "region": p.region_id, "partner": p.slug,
        "created_at": t.created_at, "expires_on": t.expires_on, "revoked_at": t.revoked_at,
        "last_used_at": t.last_used_at,
        "state": "ingetrokken" if t.revoked_at else ("verlopen" if t.expires_on and t.expires_on < dutch_time.today()
                                                     else "actief"),
    } for t, p in session.exec(query).all() if principal.in_region(p.region_id)]


def revoke_token(session: Session, token_id: int, principal: Principal) -> bool:
    """Revoke a token at once (caller commits). False if it was revoked before."""
    _require_administrator(principal)
    row = session.get(ApiToken, token_id)
    if row is None:
        raise TokenError(f"onbekend token {token_id}")
    principal.require_region(session.get(Partner, row.partner_id).region_id)
    if row.revoked_at is not None:
        return False
    row.revoked_at, row.revoked_by = utcnow(), principal.actor
    session.add(row)
    audit.record(session, principal.actor, "api_token.revoked", None, token=row.id)
    return True


def authenticate(session: Session, token: str, today: date) -> Optional[Principal]:
    """The partner principal of a valid token, or None (malformed, unknown, revoked,
    expired, or its partner no longer active). Records when it was last used (at most
    once a minute; commits that small write)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None or (row.expires_on is not None and today > row.expires_on):
        return None
    partner = session.get(Partner, row.partner_id)
    if partner is None or not partner.active:
        return None
    now = utcnow()
    last = row.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo))).total_seconds() >= 60:
        row.last_used_at = now
        session.add(row)
        session.commit()
    return Principal(id=f"api-{row.id}", role=Role.partner, regions=frozenset({partner.region_id}),
                     partner_slug=partner.slug)
