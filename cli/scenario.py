"""``scenario run``: play a scenario file against a fresh database (docs/scenario.md)."""
import os
import tempfile
from pathlib import Path
from typing import Optional

import typer

from cli.common import fail, print_json, read_json_object


def register(app: typer.Typer) -> None:
    scenario = typer.Typer(help="Scenario's afspelen (demo en tests).", no_args_is_help=True)
    scenario.command("run")(run)
    app.add_typer(scenario, name="scenario")


def fresh_environment(data_dir: Optional[Path]) -> Path:
    """Point the settings at a new, empty SQLite database (and outbox) in ``data_dir``."""
    from models.bootstrap import initialise
    from models.settings import get_settings, reset_settings

    target = data_dir or Path(tempfile.mkdtemp(prefix="rechtenloket-scenario-"))
    if (target / "rechtenloket.db").exists():
        fail(f"{target} bevat al een database: kies een lege map")
    target.mkdir(parents=True, exist_ok=True)
    os.environ["RECHTENLOKET_DATA_DIR"] = str(target)
    os.environ.pop("RECHTENLOKET_DATABASE_URL", None)
    os.environ.pop("RECHTENLOKET_OUTBOX_DIR", None)
    reset_settings()
    initialise(get_settings())
    return target


def run(
    file: Path = typer.Argument(..., help="Scenariobestand (JSON)."),
    as_json: bool = typer.Option(False, "--json", help="Eindtoestand als JSON."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Lege map voor database en outbox."),
) -> None:
    """Speel een scenario af door de echte stappen, op een nieuwe database (met PREFECT_API_URL: als Prefect-flows)."""
    from flows import scenario as sc
    from models.settings import get_settings

    loaded = sc.Scenario.model_validate(read_json_object(str(file), str(file)))
    target = fresh_environment(data_dir)
    from flows.dispatch import synchronous

    advance, sweep = synchronous()
    result = sc.play(loaded, advance=advance, sweep=sweep)
    if as_json:
        print_json(result)
        return
    typer.echo(f"{loaded.name or file.name}: verzoek {result['reference']} -> {result['status']}")
    for right in result["rights"]:
        dl = right["deadlines"]
        typer.echo(f"  {right['type']}: {right['outcome'] or '-'}; termijn {dl['protocol_due']} -> {dl['status']}")
    typer.echo(f"  brieven: {len(result['letters'])}; berichten: {len(result['outbox'])}")
    typer.echo(f"  database en brieven: {target} (outbox: {get_settings().effective_outbox_dir})")
