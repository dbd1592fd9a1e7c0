"""Local accounts: who may sign in, with which role, in which regions, for which partner.

One place for the CLI (``rechtenloket user``) and the web app's login. Passwords are hashed
with argon2id (pwdlib); the parameters travel inside each hash, so stronger parameters
later only need ``needs_rehash`` at the next login. An account turns into the
``models.principal.Principal`` every action and page checks (``principal_of``).
"""
import re
from functools import lru_cache
from typing import Optional

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, delete, select

from models import audit
from models.enums import Role
from models.principal import Principal
from models.tables import Account, AccountRegion, Partner, Region, WebSession
from models.tables.common import utcnow

#: The roles a person's account can have (``system`` is the product itself).
PERSON_ROLES = tuple(r for r in Role if r != Role.system)

#: Dutch names of the roles, as pages and the CLI show them.
ROLE_NAMES = {
    Role.coordinator: "coördinator",
    Role.signatory: "ondertekenaar",
    Role.manager: "manager",
    Role.partner: "medewerker partnerorganisatie",
    Role.auditor: "toezichthouder (FG)",
    Role.administrator: "beheerder",
}

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
MIN_PASSWORD = 12  # length over complexity rules (NCSC, NIST SP 800-63B)
MAX_PASSWORD = 1024  # argon2 hashes anything, but a megabyte password is an attack

# OWASP's first argon2id configuration (46 MiB, one pass, one lane): about 80 ms here.
_HASHER = PasswordHash((Argon2Hasher(memory_cost=47104, time_cost=1, parallelism=1),))


class AccountInput(BaseModel):
    """What an administrator gives for a new account (checked before anything is written)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(title="Gebruikersnaam", max_length=64)
    role: Role = Field(title="Rol")
    regions: list[str] = Field(title="Regio's", min_length=1, max_length=20)
    partner: Optional[str] = Field(default=None, title="Partnerorganisatie", max_length=120)

    @field_validator("username", mode="before")
    @classmethod
    def _username(cls, value):
        if isinstance(value, str):
            value = normalise_username(value)
            if not USERNAME.match(value):
                raise ValueError("gebruik 3 tot 64 tekens: kleine letters, cijfers en . _ @ -")
        return value

    @field_validator("role")
    @classmethod
    def _role(cls, value: Role) -> Role:
        if value == Role.system:
            raise ValueError("de rol system is voor het systeem zelf, niet voor een persoon")
        return value


def normalise_username(value: str) -> str:
    return value.strip().lower()


def password_problem(password: str, username: str = "") -> Optional[str]:
    """What is wrong with a new password (Dutch), or None."""
    if len(password) < MIN_PASSWORD:
        return f"het wachtwoord moet minstens {MIN_PASSWORD} tekens hebben"
    if len(password) > MAX_PASSWORD:
        return f"het wachtwoord mag hoogstens {MAX_PASSWORD} tekens hebben"
    if username and normalise_username(password) == normalise_username(username):
        return "het wachtwoord mag niet gelijk zijn aan de gebruikersnaam"
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@lru_cache
def _dummy_hash() -> str:
    return _HASHER.hash("no account has this password")


def check_password(account: Optional[Account], password: str) -> bool:
    """True if ``password`` is this active account's. Without an account the same work is
    done against a dummy hash, so the time taken does not tell whether a name exists."""
    if len(password) > MAX_PASSWORD:
        return False
    if account is None:
        _HASHER.verify(password, _dummy_hash())
        return False
    return _HASHER.verify(password, account.password_hash) and account.active


def rehash_if_needed(account: Account, password: str) -> bool:
    """After a successful login: store a hash with the current parameters if they changed."""
    valid, new_hash = _HASHER.verify_and_update(password, account.password_hash)
    if valid and new_hash:
        account.password_hash = new_hash
        return True
    return False


# ------------------------------------------------------------------ reading


def by_username(session: Session, username: str) -> Optional[Account]:
    return session.exec(select(Account).where(Account.username == normalise_username(username))).first()


def regions_of(session: Session, account_id: str) -> list[str]:
    return sorted(session.exec(select(AccountRegion.region_id).where(AccountRegion.account_id == account_id)))


def principal_of(session: Session, account: Account) -> Principal:
    """The principal an account acts as: its role, its regions, and for a partner user the
    slug of its one organisation."""
    slug = None
    if account.partner_id is not None:
        slug = session.get(Partner, account.partner_id).slug
    return Principal(id=account.id, role=Role(account.role), regions=frozenset(regions_of(session, account.id)),
                     partner_slug=slug)


def list_accounts(session: Session, region: Optional[str] = None) -> list[dict]:
    """Every account (optionally of one region) as plain values, by username."""
    query = select(Account).order_by(Account.username)
    if region is not None:
        query = query.join(AccountRegion, AccountRegion.account_id == Account.id).where(
            AccountRegion.region_id == region)
    rows = []
    for account in session.exec(query):
        partner = session.get(Partner, account.partner_id) if account.partner_id is not None else None
        rows.append({
            "username": account.username,
            "id": account.id,
            "role": account.role,
            "regions": regions_of(session, account.id),
            "partner": partner.slug if partner else None,
            "active": account.active,
            "created_at": account.created_at.isoformat(timespec="seconds"),
        })
    return rows


# ------------------------------------------------------------------ changing


def add_account(session: Session, data: AccountInput, password: str, actor: Principal) -> Account:
    """Check everything, then write the account, its regions and the audit event (the
    caller commits). Raises ValueError with a Dutch message on bad input."""
    regions = sorted(set(data.regions))
    known = set(session.exec(select(Region.id)))
    unknown = [r for r in regions if r not in known]
    if unknown:
        raise ValueError(f"onbekende regio {unknown[0]!r} (bekend: {', '.join(sorted(known)) or 'geen; voer eerst init uit'})")
    partner_id = None
    if data.role == Role.partner:
        if data.partner is None:
            raise ValueError("een medewerker van een partner hoort bij één partnerorganisatie: geef --partner")
        if len(regions) != 1:
            raise ValueError("een medewerker van een partner hoort bij precies één regio: die van de partner")
        partner = session.exec(select(Partner).where(Partner.region_id == regions[0],
                                                     Partner.slug == data.partner)).first()
        if partner is None or not partner.active:
            raise ValueError(f"onbekende partner {data.partner!r} in regio {regions[0]} "
                             "(zie 'rechtenloket partners --region ...')")
        partner_id = partner.id
    elif data.partner is not None:
        raise ValueError("alleen een medewerker van een partner (rol partner) hoort bij een partnerorganisatie")
    problem = password_problem(password, data.username)
    if problem:
        raise ValueError(problem)
    if by_username(session, data.username) is not None:
        raise ValueError(f"er is al een account met gebruikersnaam {data.username!r}")
    account = Account(username=data.username, role=data.role.value, partner_id=partner_id,
                      password_hash=hash_password(password))
    session.add(account)
    session.flush()
    for region in regions:
        session.add(AccountRegion(account_id=account.id, region_id=region))
    session.flush()
    audit.record(session, actor.actor, "account.added", account=account.id, role=data.role.value,
                 regions=regions, partner=data.partner)
    return account


def disable_account(session: Session, username: str, actor: Principal) -> tuple[Account, bool]:
    """Disable an account and end its sessions at once. Returns (account, changed): a
    second disable changes nothing and says so. The row stays: the audit trail names it."""
    account = by_username(session, username)
    if account is None:
        raise LookupError(f"geen account met gebruikersnaam {normalise_username(username)!r}")
    if not account.active:
        return account, False
    account.active = False
    account.disabled_at = utcnow()
    session.add(account)
    ended = session.execute(delete(WebSession).where(WebSession.account_id == account.id)).rowcount
    audit.record(session, actor.actor, "account.disabled", account=account.id, sessions_ended=ended)
    return account, True
