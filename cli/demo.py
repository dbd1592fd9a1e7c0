"""``rechtenloket demo``: demo data (``make demo``), with fictitious people only.

    rechtenloket demo                 # the example scenarios, each in var/demo/<name>/
    rechtenloket demo --seed 40       # also 40 open and closed requests in every state, in var/
"""
import os
from pathlib import Path

import typer

from cli.common import fail
from models import dutch_time


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    seed: int = typer.Option(0, "--seed", min=0, max=5000, help="Zoveel voorbeeldverzoeken in de database van var/."),
    examples: bool = typer.Option(True, "--examples/--no-examples", help="De voorbeeldscenario's afspelen."),
) -> None:
    """Voorbeeldgegevens: de scenario's uit examples/ en een set verzoeken in elke stand."""
    from flows import demo as d
    from flows import scenario as sc
    from flows.dispatch import synchronous
    from models.bootstrap import initialise
    from models.settings import get_settings, reset_settings

    settings = get_settings()
    if not settings.demo:
        fail("voorbeeldgegevens alleen in de demostand: zet RECHTENLOKET_DEMO=1 (make demo doet dat)")
    if seed:
        initialise(settings)
        ids = d.seed(seed, dutch_time.today())
        typer.echo(f"{len(ids)} voorbeeldverzoeken in {settings.effective_database_url.split('///')[-1]}")
        for_partner = d.seed_partner_tasks(dutch_time.today())
        typer.echo(f"{len(for_partner)} verzoeken met vragen aan de demopartner {d.DEMO_PARTNER} "
                   f"(account demo.partner; 'make run' toont het wachtwoord)")
    if examples:
        saved = dict(os.environ)
        root = settings.data_dir / "demo"
        try:
            for path in sorted(d.EXAMPLES_DIR.glob("*.json")):
                target = root / path.stem
                _empty(target)
                os.environ.update(RECHTENLOKET_DATA_DIR=str(target))
                os.environ.pop("RECHTENLOKET_DATABASE_URL", None)
                os.environ.pop("RECHTENLOKET_OUTBOX_DIR", None)
                reset_settings()
                initialise(get_settings())
                advance, sweep = synchronous()
                view = sc.play(sc.load(path), advance=advance, sweep=sweep)
                typer.echo(f"{path.stem}: {view['reference']} -> {view['status']} "
                           f"({len(view['letters'])} brieven in {target / 'outbox' / view['id']})")
        finally:
            os.environ.clear()
            os.environ.update(saved)
            reset_settings()


def _empty(target: Path) -> None:
    import shutil

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True, mode=0o700)
