"""``rechtenloket keys``: a new key, the rotation to it, and the state of the keys (ids only).

No key ever appears on the command line or in the output: ``keys new`` writes the next key
to a file that only the owner can read (docs/keys.md, "Rotation").
"""
import os

import typer

from cli.common import UserError, print_json


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Sleutels: een nieuwe sleutel maken en alle gegevens ermee versleutelen.",
                        no_args_is_help=True)
    group.command("new")(new)
    group.command("rotate")(rotate)
    group.command("status")(status)
    app.add_typer(group, name="keys")


def new() -> None:
    """Maak de volgende sleutel en schrijf hem naar secret.key.next in de datamap (0600)."""
    from models import keys, private
    from models.settings import get_settings

    settings = get_settings()
    if settings.secret_key_next:
        raise UserError(f"{keys.NEXT_ENV_VAR} is al gezet: er is al een nieuwe sleutel")
    private.ensure_dir(settings.data_dir)
    try:
        fd = os.open(settings.next_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UserError(f"{settings.next_key_file} bestaat al: er is al een nieuwe sleutel; "
                        "start 'rechtenloket keys rotate'") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(keys.generate_master_key())
    keys.reload()
    typer.echo(f"Nieuwe sleutel (id {keys.configured().next.key_id}) geschreven naar {settings.next_key_file}. "
               "Maak er nu een back-up van, apart van de database. Lezen met deze sleutel kan meteen; "
               "'rechtenloket keys rotate' versleutelt alles opnieuw.")


def rotate(
    batch_size: int = typer.Option(500, "--batch-size", min=1, max=100_000, help="Rijen per transactie."),
    as_json: bool = typer.Option(False, "--json", help="Uitslag als JSON."),
) -> None:
    """Versleutel alle gegevens opnieuw met de nieuwe sleutel, in stukken, terwijl alles blijft draaien.

    Na een onderbreking: start het commando opnieuw; het gaat verder waar het was."""
    from flows import crash
    from models import rotation
    from models.db import get_engine

    try:
        report = rotation.rotate(get_engine(), batch_size, lambda: crash.boundary("after:rotate:batch"))
    except rotation.RotationError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        print_json({"old_key_id": report.old_key_id, "new_key_id": report.new_key_id, "passes": report.passes,
                    "rewritten": report.rewritten, "registration_keys": report.registration_keys,
                    "retired_now": report.retired_now, "configuration": report.config_message})
        return
    total = sum(report.rewritten.values())
    typer.echo(f"Sleutelwissel klaar: alle gegevens zijn versleuteld met sleutel-id {report.new_key_id} "
               f"({total} rijen opnieuw versleuteld in {report.passes} ronde(n)); sleutel-id {report.old_key_id} "
               "is buiten gebruik.")
    typer.echo(report.config_message)


def status() -> None:
    """Toon de sleutels (alleen hun id's) en welke nu versleutelt."""
    from models import rotation
    from models.db import get_engine

    print_json(rotation.status(get_engine()))
