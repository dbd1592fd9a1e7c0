"""Entry point of the ``rechtenloket`` command. Each command group lives in its own module
and adds itself with ``register(app)``."""
import typer

from cli import common, database, regions

app = typer.Typer(
    name="rechtenloket",
    help="Rechtenloket: verzoeken van betrokkenen bij Zorg- en Veiligheidshuizen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (database, regions):
    module.register(app)

# TEMPORARY while helpers build these modules in parallel; replaced by explicit imports.
import importlib  # noqa: E402

for name in ("termijn", "letters"):
    try:
        importlib.import_module(f"cli.{name}").register(app)
    except ModuleNotFoundError:
        pass


def main() -> None:
    common.run(app)


if __name__ == "__main__":
    main()
