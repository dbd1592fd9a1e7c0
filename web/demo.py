"""Demo accounts for ``make run`` in demo mode: one per role, with passwords printed on start.

Only in demo mode (RECHTENLOKET_DEMO=1): a real installation makes its accounts with
``rechtenloket user add``. Existing demo accounts are left as they are (a second ``make run``
reuses them); the password of each is fixed and printed, which is fine for fictitious data only.
"""
from models.accounts import AccountInput, add_account, by_username
from models.db import session_scope
from models.enums import Role
from models.principal import Principal

DEMO_REGION = "drenthe"
DEMO_PARTNER = "gemeente-assen"
#: username, role, partner; every password is "<username>-demo-2026".
ACCOUNTS = [
    ("demo.coordinator", Role.coordinator, None),
    ("demo.ondertekenaar", Role.signatory, None),
    ("demo.manager", Role.manager, None),
    ("demo.partner", Role.partner, DEMO_PARTNER),
    ("demo.fg", Role.auditor, None),
    ("demo.beheer", Role.administrator, None),
]
ACTOR = Principal(id="demo", role=Role.administrator, all_regions=True)


def password_of(username: str) -> str:
    return f"{username}-demo-2026"


def ensure_demo_accounts() -> list[tuple[str, Role, str]]:
    """Create the demo accounts that do not exist yet; returns (username, role, password)."""
    with session_scope() as s:
        for username, role, partner in ACCOUNTS:
            if by_username(s, username) is None:
                add_account(s, AccountInput(username=username, role=role, regions=[DEMO_REGION], partner=partner),
                            password_of(username), ACTOR)
    return [(u, r, password_of(u)) for u, r, _ in ACCOUNTS]


def demo_accounts() -> list[str]:
    """The lines ``rechtenloket run`` prints in demo mode."""
    lines = [f"Demo-accounts (regio {DEMO_REGION}; alleen in de demostand):"]
    for username, role, password in ensure_demo_accounts():
        extra = f", partner {DEMO_PARTNER}" if role == Role.partner else ""
        lines.append(f"  {role.value:<14} {username:<20} wachtwoord {password}{extra}")
    return lines
