"""``init`` and the developers' ``db revision``."""
import typer

from cli.common import print_json
from models.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    db = typer.Typer(help="Databaseschema (voor ontwikkelaars).", no_args_is_help=True)
    db.command("revision")(revision)
    app.add_typer(db, name="db")


def init(as_json: bool = typer.Option(False, "--json", help="Samenvatting als JSON.")) -> None:
    """Maak of upgrade de database en laad de regio's uit config/."""
    from models.bootstrap import initialise

    settings = get_settings()
    summary = initialise(settings)
    if as_json:
        print_json(summary)
        return
    if summary["key_written"]:
        typer.echo(f"Nieuwe sleutel geschreven naar {settings.key_file} (bewaar die veilig).")
    typer.echo(
        f"Database klaar ({_safe_url(settings.effective_database_url)}). "
        f"Regio's bijgewerkt: {summary['regions']}; partners nieuw {summary['partners_added']}, "
        f"gewijzigd {summary['partners_updated']}, gedeactiveerd {summary['partners_deactivated']}."
    )


def revision(message: str = typer.Argument(..., help="Wat er aan het schema verandert.")) -> None:
    """Schrijf een Alembic-migratie uit het verschil tussen tabellen en database."""
    from models.schema import new_revision, upgrade_database

    upgrade_database()
    new_revision(message)


def _safe_url(url: str) -> str:
    """The URL without its password, for display."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
