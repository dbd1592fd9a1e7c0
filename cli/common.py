"""What every command shares: one-line errors, JSON output, loading regions."""
import functools
import json
import sys
from typing import Any, Callable, NoReturn

import typer

from models.region_config import ConfigError, RegionConfig, load_regions
from models.settings import get_settings

EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input from the user: reported as one line, exit code 2, nothing changed."""


def fail(message: str) -> NoReturn:
    typer.echo(f"fout: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def regions() -> dict[str, RegionConfig]:
    try:
        return load_regions(get_settings().config_dir)
    except ConfigError as exc:
        fail(str(exc))


def region(region_id: str) -> RegionConfig:
    all_regions = regions()
    if region_id not in all_regions:
        fail(f"onbekende regio {region_id!r} (bekend: {', '.join(sorted(all_regions))})")
    return all_regions[region_id]


def _expected_errors() -> tuple[type[BaseException], ...]:
    from models.bsn import InvalidBSN
    from models.keys import CryptoError

    return (UserError, ConfigError, InvalidBSN, CryptoError, LookupError, ValueError)


def one_line(exc: BaseException) -> str:
    """An exception as one Dutch line; a pydantic error names the field."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        return f"{key}: {msg}" if key else msg
    return str(exc.args[0]) if exc.args else str(exc)


def handles_errors(func: Callable) -> Callable:
    """Decorate a command: expected errors become 'fout: ...' on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except _expected_errors() as exc:
            fail(one_line(exc))

    return wrapper


def run(app: typer.Typer) -> None:
    """Run the app; any expected error becomes one line on stderr and exit code 2."""
    try:
        app(standalone_mode=True)
    except _expected_errors() as exc:
        typer.echo(f"fout: {one_line(exc)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
