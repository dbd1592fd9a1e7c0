"""Entry point of the ``rechtenloket`` command. Each command group lives in its own module
and adds itself with ``register(app)``."""
import typer

from cli import (audit, common, database, demo, letters, product, regions, requests, scenario, termijn, tokens,
                 users)

app = typer.Typer(
    cls=common.OneLineErrors,
    name="rechtenloket",
    help="Rechtenloket: verzoeken van betrokkenen bij Zorg- en Veiligheidshuizen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (database, regions, requests, scenario, termijn, letters, audit, product, demo, users, tokens):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
