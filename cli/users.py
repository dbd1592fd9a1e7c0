"""``user add|disable|list``: local accounts of the web app (models/accounts.py).

A password is never a command-line argument (``ps`` shows arguments to every user of the
machine): it is asked twice without echo, or read from the first line of standard input
with ``--password-stdin`` (for scripts). The operator at the server acts as administrator.
"""
import sys
from typing import List, Optional

import typer

from cli.common import fail, print_json
from models.enums import Role
from models.principal import Principal

#: The operator on the server, managing accounts.
OPERATOR = Principal(id="cli", role=Role.administrator, all_regions=True)


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Accounts voor de webapplicatie.", no_args_is_help=True)
    users.command("add")(add)
    users.command("disable")(disable)
    users.command("list")(list_users)
    app.add_typer(users, name="user")


def _password_from_stdin() -> str:
    line = sys.stdin.readline(4096 + 1)
    password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        fail("geen wachtwoord op standaardinvoer")
    return password


def _password_prompt() -> str:
    first = typer.prompt("Wachtwoord", hide_input=True, default="", show_default=False)
    if not first:
        fail("geen wachtwoord gegeven")
    second = typer.prompt("Nog een keer", hide_input=True, default="", show_default=False)
    if first != second:
        fail("de twee wachtwoorden zijn niet gelijk")
    return first


def add(
    username: str = typer.Argument(..., help="Gebruikersnaam (kleine letters, cijfers, . _ @ -)."),
    role: str = typer.Option(..., "--role", help="coordinator, signatory, manager, partner, auditor of administrator."),
    regions: List[str] = typer.Option(..., "--region", help="Regio-id; herhaal voor meer regio's."),
    partner: Optional[str] = typer.Option(None, "--partner", help="Slug van de partnerorganisatie (alleen rol partner)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Lees het wachtwoord van standaardinvoer."),
) -> None:
    """Maak een account aan. Het wachtwoord wordt gevraagd (twee keer, zonder weergave)."""
    from models.accounts import ROLE_NAMES, AccountInput, add_account, password_problem
    from models.db import session_scope

    data = AccountInput(username=username, role=role, regions=regions, partner=partner)
    password = _password_from_stdin() if password_stdin else _password_prompt()
    problem = password_problem(password, data.username)
    if problem:
        fail(problem)
    with session_scope() as session:
        account = add_account(session, data, password, OPERATOR)
    extra = f", partner {data.partner}" if data.partner else ""
    typer.echo(f"Account {account.username} aangemaakt ({ROLE_NAMES[data.role]}; "
               f"regio {', '.join(sorted(set(data.regions)))}{extra}).")


def disable(username: str = typer.Argument(..., help="Gebruikersnaam.")) -> None:
    """Zet een account uit; de sessies ervan eindigen meteen. Het account blijft bewaard."""
    from models.accounts import disable_account
    from models.db import session_scope

    with session_scope() as session:
        account, changed = disable_account(session, username, OPERATOR)
    typer.echo(f"Account {account.username} uitgezet." if changed else f"Account {account.username} stond al uit.")


def list_users(
    region: Optional[str] = typer.Option(None, "--region", help="Alleen accounts van deze regio."),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON."),
) -> None:
    """Toon de accounts (zonder wachtwoorden)."""
    from models.accounts import list_accounts
    from models.db import session_scope

    with session_scope() as session:
        rows = list_accounts(session, region)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Geen accounts.")
        return
    shown = [{**r, "regions": ",".join(r["regions"]), "active": "ja" if r["active"] else "nee"} for r in rows]
    columns = ["username", "role", "regions", "partner", "active"]
    widths = {c: max(len(c), *(len(str(r[c] or "")) for r in shown)) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    typer.echo("  ".join("-" * widths[c] for c in columns))
    for r in shown:
        typer.echo("  ".join(str(r[c] or "").ljust(widths[c]) for c in columns))
