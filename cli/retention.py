"""``rechtenloket retention``: erase the closed request files whose retention period has ended
(``run``; the running product does this every night: the ``retention-sweep`` deployment), and
hold a file while a bezwaar, beroep, verzoekschrift or complaint about it runs (``hold``,
``release``, ``status``)."""
from typing import Optional

import typer

from cli.common import print_json

TODAY = typer.Option(None, "--today", help="Datum van vandaag (JJJJ-MM-DD); standaard de echte datum.")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Bewaartermijnen: verlopen dossiers verwijderen, dossiers vasthouden.",
                        no_args_is_help=True)
    group.command("run")(run)
    group.command("hold")(hold)
    group.command("release")(release)
    group.command("status")(status)
    app.add_typer(group, name="retention")


def run(today: Optional[str] = TODAY) -> None:
    """Verwijder elk afgesloten dossier waarvan de bewaartermijn voorbij is; toon het verslag (kenmerken en aantallen)."""
    from cli.requests import _day
    from flows.retention import erase_directly

    result = erase_directly(_day(today, "--today").isoformat())
    print_json(result)
    if result["failed"]:
        raise typer.Exit(1)


def hold(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
         reden: str = typer.Option(..., "--reden", help="bezwaar, beroep, verzoekschrift of klacht."),
         today: Optional[str] = TODAY) -> None:
    """Houd het dossier vast zolang een bezwaar, beroep, verzoekschrift of klacht loopt: het wordt dan niet verwijderd."""
    from cli.requests import ACTOR, _day
    from models.actions.retention import HoldInput, hold_file

    day = _day(today, "--today")
    _act(lambda s: hold_file(s, request_id, HoldInput(reason=reden), ACTOR, day), request_id, day)


def release(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
            today: Optional[str] = TODAY) -> None:
    """Geef het dossier vrij: de procedure is voorbij. Het blijft nog de termijn van een rechtsmiddel bewaard."""
    from cli.requests import ACTOR, _day
    from models.actions.retention import release_file

    day = _day(today, "--today")
    _act(lambda s: release_file(s, request_id, ACTOR, day), request_id, day)


def status(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
           today: Optional[str] = TODAY) -> None:
    """Toon tot wanneer het dossier wordt bewaard en of het wordt vastgehouden."""
    from cli.requests import _day
    from models.db import session_scope

    day = _day(today, "--today")
    with session_scope() as s:
        print_json(_status(s, request_id, day))


def _act(action, request_id: str, day) -> None:
    from models.db import session_scope

    with session_scope() as s:
        recorded = action(s)
    if recorded.repeated:
        typer.echo(recorded.message, err=True)
    with session_scope() as s:
        print_json(_status(s, request_id, day))


def _status(session, request_id: str, day) -> dict:
    from models import retention
    from models.actions.common import get_request

    request = get_request(session, request_id)
    state = retention.hold_state(session, request.id)
    return {"kenmerk": request.reference, "status": request.status,
            "bewaren_tot": request.delete_after.isoformat() if request.delete_after else None,
            "vastgehouden": state.active, "toelichting": state.describe(day),
            "verwijderd_op": request.anonymised_on.isoformat() if request.anonymised_on else None}
