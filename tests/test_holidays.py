"""Holidays (Atw art. 3), working-day arithmetic and the decree-day loader.

Every date below was checked against a calendar: Easter Sundays 2025-2031 are
2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16, 2029-04-01, 2030-04-21, 2031-04-13, and
27 April is a Sunday in 2025 and 2031.
"""
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.holiday_config import load_decree_days
from models.holidays import (
    DecreeDay,
    add_working_days,
    count_working_days,
    holiday_name,
    holidays,
    is_non_working_day,
    move_to_working_day,
    next_working_day,
)
from models.region_config import ConfigError

D = date.fromisoformat
CONFIG_FILE = Path(__file__).resolve().parent.parent / "config" / "holidays.yaml"
DECREE = (DecreeDay(D("2026-05-15"), "vrijdag na Hemelvaartsdag (test)", "testbesluit"),)

# year: (Goede Vrijdag, tweede Paasdag, Koningsdag, Hemelvaartsdag, tweede Pinksterdag)
MOVABLE = {
    2025: ("2025-04-18", "2025-04-21", "2025-04-26", "2025-05-29", "2025-06-09"),
    2026: ("2026-04-03", "2026-04-06", "2026-04-27", "2026-05-14", "2026-05-25"),
    2027: ("2027-03-26", "2027-03-29", "2027-04-27", "2027-05-06", "2027-05-17"),
    2028: ("2028-04-14", "2028-04-17", "2028-04-27", "2028-05-25", "2028-06-05"),
    2029: ("2029-03-30", "2029-04-02", "2029-04-27", "2029-05-10", "2029-05-21"),
    2030: ("2030-04-19", "2030-04-22", "2030-04-27", "2030-05-30", "2030-06-10"),
    2031: ("2031-04-11", "2031-04-14", "2031-04-26", "2031-05-22", "2031-06-02"),
}


@pytest.mark.parametrize("year", sorted(MOVABLE))
def test_holidays_of_year(year):
    gv, paas2, koning, hemel, pinks2 = (D(x) for x in MOVABLE[year])
    assert holidays(year) == {
        date(year, 1, 1): "Nieuwjaarsdag",
        gv: "Goede Vrijdag",
        paas2: "tweede Paasdag",
        koning: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag (5 mei)",
        hemel: "Hemelvaartsdag",
        pinks2: "tweede Pinksterdag",
        date(year, 12, 25): "eerste Kerstdag",
        date(year, 12, 26): "tweede Kerstdag",
    }


@pytest.mark.parametrize("year", [2025, 2031])
def test_koningsdag_on_sunday_moves_to_saturday(year):
    assert date(year, 4, 27).weekday() == 6
    assert holiday_name(date(year, 4, 26)) == "Koningsdag"
    assert holiday_name(date(year, 4, 27)) is None


def test_decree_day_is_data_not_code():
    assert holiday_name(D("2026-05-15")) is None
    assert not is_non_working_day(D("2026-05-15"))
    assert holiday_name(D("2026-05-15"), DECREE) == "vrijdag na Hemelvaartsdag (test)"
    assert is_non_working_day(D("2026-05-15"), DECREE)
    # a decree day only counts in its own year
    assert D("2026-05-15") not in holidays(2027, DECREE)


def test_decree_day_on_a_statutory_holiday_keeps_the_statutory_name():
    clash = (DecreeDay(D("2026-12-25"), "iets anders", "testbesluit"),)
    assert holiday_name(D("2026-12-25"), clash) == "eerste Kerstdag"


@pytest.mark.parametrize(
    "day, expected, names",
    [
        ("2026-04-03", "2026-04-07", ("Goede Vrijdag", "tweede Paasdag")),  # Easter 2026
        ("2029-03-30", "2029-04-03", ("Goede Vrijdag", "tweede Paasdag")),  # Easter 2029
        ("2025-04-26", "2025-04-28", ("Koningsdag",)),  # Koningsdag on Saturday (27th Sunday)
        ("2026-04-27", "2026-04-28", ("Koningsdag",)),
        # 5 mei 2027 is a Wednesday, Hemelvaartsdag follows on Thursday
        ("2027-05-05", "2027-05-07", ("Bevrijdingsdag (5 mei)", "Hemelvaartsdag")),
        ("2031-12-25", "2031-12-29", ("eerste Kerstdag", "tweede Kerstdag")),
        ("2028-01-01", "2028-01-03", ("Nieuwjaarsdag",)),  # Saturday
        ("2029-12-29", "2029-12-31", ()),  # weekend only: no names
        ("2026-06-17", "2026-06-17", ()),  # an ordinary Wednesday stays
    ],
)
def test_move_to_working_day(day, expected, names):
    assert move_to_working_day(D(day)) == (D(expected), names)
    assert next_working_day(D(day)) == D(expected)


def test_move_over_decree_day():
    # 2027: 5 mei (Wed), Hemelvaartsdag (Thu), decree Friday 7 May, weekend -> Monday 10 May
    decree = (DecreeDay(D("2027-05-07"), "vrijdag na Hemelvaartsdag", "besluit"),)
    assert move_to_working_day(D("2027-05-05"), decree) == (
        D("2027-05-10"),
        ("Bevrijdingsdag (5 mei)", "Hemelvaartsdag", "vrijdag na Hemelvaartsdag"),
    )


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2026-04-02", 1, "2026-04-07"),  # over Goede Vrijdag, the weekend, tweede Paasdag
        ("2026-04-07", -1, "2026-04-02"),
        ("2026-04-30", 10, "2026-05-18"),  # over 5 mei and Hemelvaartsdag
        ("2025-12-24", 2, "2025-12-30"),  # over both Kerstdagen and a weekend
        ("2026-06-13", 0, "2026-06-15"),  # n == 0: Saturday -> Monday
        ("2026-06-15", 5, "2026-06-22"),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(D(start), n) == D(expected)


def test_add_working_days_counts_a_decree_day_as_holiday():
    assert add_working_days(D("2026-04-30"), 10, DECREE) == D("2026-05-19")


def test_count_working_days():
    assert count_working_days(D("2026-05-11"), D("2026-05-18")) == 5  # Hemelvaart on 14th
    assert count_working_days(D("2026-05-11"), D("2026-05-18"), DECREE) == 4
    assert count_working_days(D("2026-05-18"), D("2026-05-11")) == 0


days_2025_2031 = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 12, 31))


@given(days_2025_2031)
def test_next_working_day_is_the_first_working_day(day):
    result = next_working_day(day, DECREE)
    assert result >= day and not is_non_working_day(result, DECREE)
    assert all(
        is_non_working_day(day + timedelta(days=i), DECREE) for i in range((result - day).days)
    )


@given(days_2025_2031, st.integers(min_value=-30, max_value=30))
def test_add_working_days_lands_on_a_working_day_n_away(day, n):
    result = add_working_days(day, n, DECREE)
    assert not is_non_working_day(result, DECREE)
    if n > 0:
        assert count_working_days(day + timedelta(days=1), result, DECREE) == n
    elif n < 0:
        assert count_working_days(result, day - timedelta(days=1), DECREE) == -n


# --- the decree-day file -----------------------------------------------------------------


def test_shipped_decree_days_are_valid_weekdays_and_not_statutory():
    days = load_decree_days(CONFIG_FILE)
    assert days == sorted(days, key=lambda d: d.date)
    assert D("2026-05-15") in {d.date for d in days}
    for d in days:
        assert d.date.weekday() < 5, d
        assert d.date not in holidays(d.date.year), d
        assert d.source.startswith("Besluit gelijkstelling")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_decree_days_from_a_temporary_file(tmp_path):
    path = _write(
        tmp_path, "decree_days:\n  - {date: 2030-05-31, name: brugdag, source: 'Besluit X'}\n"
    )
    assert load_decree_days(path) == [DecreeDay(D("2030-05-31"), "brugdag", "Besluit X")]
    assert load_decree_days(_write(tmp_path, "decree_days: []\n")) == []


@pytest.mark.parametrize(
    "text, key",
    [
        ("decree_days:\n  - {date: 2030-05-31, source: B}\n", "decree_days.0.name"),
        ("decree_days:\n  - {date: 2030-02-30, name: a, source: B}\n", "decree_days.0.date"),
        ("decree_days:\n  - {date: 2030-05-31, name: a, source: B, x: 1}\n", "decree_days.0.x"),
        ("decree_days:\n  - {date: 2030-05-31, name: a, source: B}\n"
         "  - {date: 2030-05-31, name: b, source: B}\n", "decree_days.1.date"),
        ("other: 1\n", "other"),
        ("- 1\n", "(top level)"),
    ],
)
def test_load_decree_days_names_file_and_key(tmp_path, text, key):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_decree_days(path)
    assert str(exc.value).startswith(f"{path}: key '{key}': ")


def test_load_decree_days_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="holidays.yaml"):
        load_decree_days(tmp_path / "holidays.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_decree_days(_write(tmp_path, "decree_days: [\n"))
