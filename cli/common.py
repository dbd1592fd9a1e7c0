"""What every command shares: one place that turns every error into one Dutch line, reading
input files safely, JSON output, loading regions.

Every command line error is one line ``fout: ...`` on stderr with exit code 2 — a wrong
option, a missing argument, an unreadable file, a refused input — and a refused input has
changed nothing. A failure after something was recorded (the next automatic step) is one
line ``storing: ...`` with exit code 1. No command prints a traceback (set
RECHTENLOKET_DEBUG=1 to see one while developing).
"""
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, Optional

from typer._click import exceptions as click  # typer vendors its own copy of click
from typer.exceptions import Abort
import typer
from typer.core import TyperGroup

from models.region_config import ConfigError, RegionConfig, configured_regions
from models.settings import get_settings
from models.validation import one_line

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
MAX_INPUT_BYTES = 1_000_000  # an input file or a text on standard input
MAX_JSON_DEPTH = 32


class UserError(Exception):
    """Bad input from the user: reported as one line, exit code 2, nothing changed."""


class Failure(Exception):
    """Something was recorded, but what had to follow did not succeed: exit code 1."""


def fail(message: str) -> NoReturn:
    raise UserError(message)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def regions() -> dict[str, RegionConfig]:
    """The configured regions, loaded and validated once per process (models.region_config)."""
    return configured_regions()


def region(region_id: str) -> RegionConfig:
    all_regions = regions()
    if region_id not in all_regions:
        fail(f"onbekende regio {region_id!r} (bekend: {', '.join(sorted(all_regions))})")
    return all_regions[region_id]


# ------------------------------------------------------------------ reading input


def read_text(source: str, what: str) -> str:
    """A text from a file, or from standard input when ``source`` is "-". Personal free text
    is never a command-line argument: arguments are visible to every user in ``ps``."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            path = Path(source)
            if path.is_dir():
                fail(f"{what}: {source} is een map, geen bestand")
            with path.open("rb") as fh:
                raw = fh.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        fail(f"{what}: bestand {source} bestaat niet")
    except PermissionError:
        fail(f"{what}: geen toegang tot {source}")
    except OSError as exc:
        fail(f"{what}: {source} is niet te lezen ({exc.strerror or type(exc).__name__})")
    if len(raw) > MAX_INPUT_BYTES:
        fail(f"{what}: te groot (hoogstens {MAX_INPUT_BYTES // 1_000_000} MB)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{what}: geen UTF-8-tekst")


def _depth(value: Any, limit: int) -> int:
    stack, deepest = [(value, 1)], 1
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def read_json(source: str, what: str = "invoer") -> Any:
    """A JSON document from a file (or "-" for standard input), within sane limits."""
    text = read_text(source, what)
    try:
        data = json.loads(text)
    except RecursionError:
        fail(f"{what}: JSON is te diep genest")
    except json.JSONDecodeError as exc:
        fail(f"{what}: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})")
    if _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        fail(f"{what}: JSON is te diep genest (hoogstens {MAX_JSON_DEPTH} niveaus)")
    return data


def read_json_object(source: str, what: str = "invoer") -> dict:
    data = read_json(source, what)
    if not isinstance(data, dict):
        fail(f"{what}: verwacht een JSON-object {{...}}")
    return data


# ------------------------------------------------------------------ errors, in one place


def _expected_errors() -> tuple[type[BaseException], ...]:
    from pydantic import ValidationError

    from models.bsn import InvalidBSN
    from models.keys import CryptoError

    return (UserError, ConfigError, InvalidBSN, CryptoError, ValidationError, LookupError, ValueError,
            PermissionError)


def _usage_in_dutch(exc: click.ClickException) -> str:
    if isinstance(exc, click.MissingParameter):
        hint = exc.param.get_error_hint() if exc.param is not None else "een waarde"
        return f"{hint} ontbreekt"
    if isinstance(exc, click.NoSuchOption):
        return f"onbekende optie {exc.option_name}"
    if isinstance(exc, click.BadOptionUsage):
        return f"optie {exc.option_name} verkeerd gebruikt"
    if isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint() if exc.param is not None else "een waarde"
        return f"{hint}: ongeldige waarde"
    message = exc.format_message()
    if message.startswith("No such command"):
        return "onbekend commando " + message.split(" ", 3)[-1].rstrip(".")
    if message.startswith("Got unexpected extra argument"):
        return "te veel argumenten: " + message.split("(", 1)[-1].rstrip(")")
    if message.startswith("Missing command"):
        return "kies een commando (zie --help)"
    return "het commando is niet goed gebruikt (zie --help)"


class OneLineErrors(TyperGroup):
    """The top-level command group: whatever goes wrong ends as one line (module doc)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        code, line = 0, None
        try:
            result = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                                  standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except click.NoArgsIsHelpError:  # typer has printed the help already
            code, line = EXIT_BAD_INPUT, "fout: kies een commando (zie hierboven)"
        except click.ClickException as exc:
            code, line = EXIT_BAD_INPUT, f"fout: {_usage_in_dutch(exc)}"
        except Abort:
            code, line = EXIT_FAILURE, "afgebroken"
        except Failure as exc:
            code, line = EXIT_FAILURE, f"storing: {one_line(exc)}"
        except _expected_errors() as exc:
            code, line = EXIT_BAD_INPUT, f"fout: {one_line(exc)}"
        except Exception as exc:  # noqa: BLE001 - never a traceback at the user
            if os.environ.get("RECHTENLOKET_DEBUG") == "1":
                raise
            code, line = EXIT_FAILURE, f"storing: onverwachte fout ({type(exc).__name__})"
        if line:
            typer.echo(line, err=True)
        if standalone_mode:
            sys.exit(code)
        return code


def option_value(value: Optional[str], option: str) -> Optional[str]:
    """An option's text, stripped; blank counts as not given."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        fail(f"{option} is leeg")
    return value
