"""``token add|list|revoke``: API tokens of partner systems (models/api_tokens.py).

The operator at the server acts as administrator. A new token is printed once, on its own
line, and never again: hand it to the partner's administrator over a safe channel.
"""
from typing import Optional

import typer

from cli.common import fail, print_json
from cli.users import OPERATOR
from models import dutch_time


def register(app: typer.Typer) -> None:
    tokens = typer.Typer(help="API-tokens voor systemen van partnerorganisaties.", no_args_is_help=True)
    tokens.command("add")(add)
    tokens.command("list")(list_tokens)
    tokens.command("revoke")(revoke)
    app.add_typer(tokens, name="token")


def add(
    region: str = typer.Option(..., "--region", help="Regio-id van de partner."),
    partner: str = typer.Option(..., "--partner", help="Slug van de partnerorganisatie."),
    label: str = typer.Option(..., "--label", help="Waarvoor het token is, bv. 'zaaksysteem gemeente Assen'."),
    days: Optional[int] = typer.Option(None, "--days", help="Geldig voor zoveel dagen; zonder: tot het is ingetrokken."),
) -> None:
    """Maak een token voor één partnerorganisatie. Het token wordt één keer getoond."""
    from models.api_tokens import TokenError, TokenInput, create_token
    from models.db import session_scope

    data = TokenInput(region=region, partner=partner, label=label, days=days)
    try:
        with session_scope() as session:
            created = create_token(session, data, OPERATOR, dutch_time.today())
    except TokenError as exc:
        fail(str(exc))
    until = f", geldig tot en met {created.expires_on.isoformat()}" if created.expires_on else ""
    typer.echo(f"Token {created.id} aangemaakt voor {created.partner} ({region}{until}). "
               "Het wordt maar één keer getoond; bewaar het veilig:")
    typer.echo(created.token)


def list_tokens(
    region: Optional[str] = typer.Option(None, "--region", help="Alleen tokens van deze regio."),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON."),
) -> None:
    """Toon de tokens (nooit het token zelf: alleen het begin, om het te herkennen)."""
    from models.api_tokens import list_tokens as rows_of
    from models.db import session_scope

    with session_scope() as session:
        rows = rows_of(session, OPERATOR, region)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Geen tokens.")
        return
    shown = [{**r, "last_used_at": r["last_used_at"].strftime("%Y-%m-%d %H:%M") if r["last_used_at"] else "nooit",
              "expires_on": r["expires_on"].isoformat() if r["expires_on"] else "-"} for r in rows]
    columns = ["id", "prefix", "region", "partner", "label", "state", "expires_on", "last_used_at"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in shown)) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    typer.echo("  ".join("-" * widths[c] for c in columns))
    for r in shown:
        typer.echo("  ".join(str(r[c]).ljust(widths[c]) for c in columns))


def revoke(token_id: int = typer.Argument(..., help="Het nummer van het token (zie 'token list').")) -> None:
    """Trek een token in; het werkt meteen niet meer."""
    from models.api_tokens import TokenError, revoke_token
    from models.db import session_scope

    try:
        with session_scope() as session:
            changed = revoke_token(session, token_id, OPERATOR)
    except TokenError as exc:
        fail(str(exc))
    typer.echo(f"Token {token_id} ingetrokken." if changed else f"Token {token_id} was al ingetrokken.")
