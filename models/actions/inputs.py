"""The building blocks of every action's input: texts with a length, dates in a sane range,
a postal address a letter can be sent to. One definition each, so the limits the input
models check are the limits the database holds (``models/tables``, CHECK constraints) and
the letters need (``models/letters/context.py``: no blank text)."""
from datetime import date
from typing import Annotated, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

#: Dates people enter must lie here: a year typo (2062, 1026, 9999) is refused instead of
#: overflowing the deadline arithmetic or putting a request in the wrong century.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
#: A birth date is older than any request.
EARLIEST_BIRTH = date(1900, 1, 1)

# Lengths of free texts (characters). Columns with a database length use the same number.
NAME = 200
LINE = 120  # one line of an address, a place, a person's function
ADDRESS = 400
CATEGORY = 120
REASON = 400  # stored in a column of that length (clockevent.reason)
NOTE = 2000
STATEMENT = 5000  # the betrokkene's own words, a motivation, a corrected text
DESCRIPTION = 10000  # a data item in the file


def text(max_length: int):
    """A text that is stripped and must keep 1..max_length characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def _blank_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def optional_text(max_length: int):
    """An optional text: blank counts as not given (None), otherwise as ``text``."""
    return Annotated[Optional[text(max_length)], BeforeValidator(_blank_is_none)]


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"datum moet tussen {EARLIEST.year} en {LATEST.year} liggen")
    return value


def _birth_date(value: date) -> date:
    if not EARLIEST_BIRTH <= value <= LATEST:
        raise ValueError(f"geboortedatum moet na {EARLIEST_BIRTH.year} liggen")
    return value


def address_lines(value: str) -> list[str]:
    """An address as the letters print it: its parts, split on commas or new lines."""
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


def _postal_address(value: str) -> str:
    lines = address_lines(value)
    if len(lines) < 2:
        raise ValueError("adres moet minstens straat en huisnummer, en postcode en plaats bevatten "
                         "(gescheiden door een komma of een nieuwe regel)")
    if any(len(line) > LINE for line in lines):
        raise ValueError(f"een adresregel is te lang (hoogstens {LINE} tekens)")
    return ", ".join(lines)


Day = Annotated[date, AfterValidator(_in_range)]
BirthDate = Annotated[date, AfterValidator(_birth_date)]
Name = text(NAME)
PostalAddress = Annotated[text(ADDRESS), AfterValidator(_postal_address)]


class Input(BaseModel):
    """Base of every action input: unknown fields are refused (a typo is not ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
