"""``rechtenloket retention run``: erase the closed request files whose retention period has
ended, now (the running product does this every night: the ``retention-sweep`` deployment)."""
from typing import Optional

import typer

from cli.common import print_json


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Bewaartermijnen: verlopen dossiers verwijderen.", no_args_is_help=True)
    group.command("run")(run)
    app.add_typer(group, name="retention")


def run(today: Optional[str] = typer.Option(None, "--today", help="Datum van vandaag (JJJJ-MM-DD); standaard de echte datum.")) -> None:
    """Verwijder elk afgesloten dossier waarvan de bewaartermijn voorbij is; toon het verslag (kenmerken en aantallen)."""
    from cli.requests import _day
    from flows.retention import erase_directly

    result = erase_directly(_day(today, "--today").isoformat())
    print_json(result)
    if result["failed"]:
        raise typer.Exit(1)
