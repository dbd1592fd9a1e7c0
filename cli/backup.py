"""``rechtenloket backup`` and ``rechtenloket restore``: the database and the audit anchors,
encrypted with a key derived from the master key; the key itself is never in a backup.

Exit codes of ``restore``: 0 restored and the audit trail intact; 1 restored, but the trail
is not intact (one line naming the first bad event); 2 refused, nothing written.
"""
from pathlib import Path

import typer

from cli.common import UserError, print_json


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(out: Path = typer.Option(..., "--out", help="Het back-upbestand dat wordt gemaakt (bestaat nog niet)."),
           as_json: bool = typer.Option(False, "--json", help="Uitslag als JSON.")) -> None:
    """Maak een versleutelde back-up van de database en het ankerbestand (terwijl alles draait)."""
    from models import backup as backups

    try:
        made = backups.make(out)
    except backups.BackupError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        print_json({"path": str(made.path), "key_id": made.key_id, "database": made.database, "size": made.size,
                    "sha256": made.sha256})
        return
    typer.echo(f"Back-up geschreven naar {made.path} ({made.size} bytes, {made.database}), versleuteld met "
               f"sleutel-id {made.key_id}. De sleutel zit er niet in: bewaar de back-up apart van de sleutel.")


def restore(archive: Path = typer.Argument(..., help="Het back-upbestand."),
            overwrite: bool = typer.Option(False, "--overwrite", help="Overschrijf een database die al gegevens bevat."),
            as_json: bool = typer.Option(False, "--json", help="Uitslag als JSON.")) -> None:
    """Zet een back-up terug in de ingestelde database en controleer daarna het auditspoor."""
    from models import backup as backups

    try:
        done = backups.restore(archive, overwrite)
    except backups.BackupError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        print_json({"database": done.database, "key_id": done.key_id, "created_at": done.created_at,
                    "events": done.events, "intact": done.intact, "problem": done.problem})
    if not done.intact:
        typer.echo(f"fout: teruggezet, maar het auditspoor is niet in orde: {done.problem}", err=True)
        raise typer.Exit(1)
    if not as_json:
        typer.echo(f"Back-up van {done.created_at} teruggezet ({done.database}); auditspoor in orde: "
                   f"{done.events} gebeurtenissen.")
