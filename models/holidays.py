"""Dutch holidays for counting periods, and working-day arithmetic. Pure: no I/O.

A "working day" here is a day that is not a Saturday, a Sunday or a generally recognised
holiday in the sense of the Algemene termijnenwet (Atw):

- art. 3 lid 1: Nieuwjaarsdag, tweede Paas- en Pinksterdag, beide Kerstdagen,
  Hemelvaartsdag, the day the King's birthday is celebrated, and 5 mei;
- art. 3 lid 2: Goede Vrijdag is treated as one;
- art. 3 lid 3: further days designated by decree, per period. Those are data (see
  config/holidays.yaml and models.holiday_config) and are passed in as ``decree_days``.

Every function that needs the calendar takes ``decree_days``; nothing is read from disk
here, so a test can pass a made-up decree day.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Sequence

from dateutil.easter import easter

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DecreeDay:
    """A day the government put on a par with a holiday (Atw art. 3 lid 3)."""

    date: date
    name: str
    source: str  # the decree, as published


@lru_cache(maxsize=256)
def _statutory(year: int) -> tuple[tuple[date, str], ...]:
    e = easter(year)  # Western Easter (dateutil's default method)
    if year >= 2014:
        # Atw art. 3 lid 1 names "the day on which the King's birthday is celebrated":
        # since 2014 that is 27 April, or the Saturday before when the 27th is a Sunday.
        name, day = "Koningsdag", date(year, 4, 27)
    else:
        name, day = "Koninginnedag", date(year, 4, 30)  # 1949-2013; only for old data
    if day.weekday() == 6:
        day -= ONE_DAY
    days = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (e - timedelta(days=2), "Goede Vrijdag"),
        (e + timedelta(days=1), "tweede Paasdag"),
        (day, name),
        (date(year, 5, 5), "Bevrijdingsdag (5 mei)"),
        (e + timedelta(days=39), "Hemelvaartsdag"),
        (e + timedelta(days=50), "tweede Pinksterdag"),
        (date(year, 12, 25), "eerste Kerstdag"),
        (date(year, 12, 26), "tweede Kerstdag"),
    ]
    return tuple(days)


def holidays(year: int, decree_days: Iterable[DecreeDay] = ()) -> dict[date, str]:
    """All generally recognised holidays of ``year``, {date: Dutch name}, sorted by date.

    A decree day that coincides with a statutory holiday keeps the statutory name.
    """
    result = {d: n for d, n in _statutory(year)}
    for extra in decree_days:
        if extra.date.year == year:
            result.setdefault(extra.date, extra.name)
    return dict(sorted(result.items()))


def holiday_name(day: date, decree_days: Iterable[DecreeDay] = ()) -> str | None:
    """The holiday's name, or None. Weekends are not holidays (they have no name)."""
    return holidays(day.year, decree_days).get(day)


def is_non_working_day(day: date, decree_days: Iterable[DecreeDay] = ()) -> bool:
    return day.weekday() >= 5 or holiday_name(day, decree_days) is not None


def next_working_day(day: date, decree_days: Sequence[DecreeDay] = ()) -> date:
    """``day`` itself when it is a working day, else the first working day after it.

    This is the Atw art. 1 rule: a period that ends on a non-working day ends on the next
    day that is none.
    """
    return move_to_working_day(day, decree_days)[0]


def move_to_working_day(
    day: date, decree_days: Sequence[DecreeDay] = ()
) -> tuple[date, tuple[str, ...]]:
    """Like next_working_day, and also the names of the holidays that were skipped
    (in date order; weekends are skipped silently), so a UI can say why a date moved."""
    names: list[str] = []
    while is_non_working_day(day, decree_days):
        name = holiday_name(day, decree_days)
        if name:
            names.append(name)
        day += ONE_DAY
    return day, tuple(names)


def add_working_days(start: date, n: int, decree_days: Sequence[DecreeDay] = ()) -> date:
    """The n-th working day after ``start`` (``start`` itself is not counted).

    Negative n counts back: add_working_days(d, -2) is the second working day before d.
    n == 0 gives next_working_day(start).
    """
    if n == 0:
        return next_working_day(start, decree_days)
    step = ONE_DAY if n > 0 else -ONE_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if not is_non_working_day(day, decree_days):
            left -= 1
    return day


def count_working_days(first: date, last: date, decree_days: Sequence[DecreeDay] = ()) -> int:
    """Working days in the closed range [first, last]; 0 when last < first."""
    count, day = 0, first
    while day <= last:
        if not is_non_working_day(day, decree_days):
            count += 1
        day += ONE_DAY
    return count
