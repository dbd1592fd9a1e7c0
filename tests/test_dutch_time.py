"""The product's day is the Dutch one (models/dutch_time.py), whatever the machine's time zone."""
import ast
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from models import dutch_time
from tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize("moment, day", [
    (datetime(2026, 12, 1, 22, 59, tzinfo=UTC), date(2026, 12, 1)),  # 23:59 in Amsterdam (CET)
    (datetime(2026, 12, 1, 23, 0, tzinfo=UTC), date(2026, 12, 2)),  # midnight: already tomorrow
    (datetime(2026, 7, 1, 21, 59, tzinfo=UTC), date(2026, 7, 1)),  # 23:59 in summer (CEST)
    (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), date(2026, 7, 2)),
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29)),  # the night the clocks go forward
    (datetime(2026, 12, 2, 8, 0, tzinfo=timezone(timedelta(hours=9))), date(2026, 12, 2)),  # 00:00 in Amsterdam
])
def test_the_day_of_a_moment_is_its_day_in_amsterdam(moment, day):
    assert dutch_time.day_of(moment) == day


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(ValueError):
        dutch_time.day_of(datetime(2026, 12, 1, 23, 30))


def test_today_is_todays_day_in_amsterdam():
    before = dutch_time.day_of(datetime.now(UTC))
    today = dutch_time.today()
    assert today in (before, before + timedelta(days=1))  # midnight may pass in between


def test_no_product_code_asks_the_machine_for_the_day():
    """``date.today()`` is the machine's day (UTC on a server): a consultation opened on the
    workbench after 23:00 UTC and a partner's answer in the portal got different days, and
    the answer was refused as "before the consultation" (found in CI at 00:10 in Amsterdam).
    Migrations are history and left as they ran."""
    found = []
    for folder in ("models", "flows", "web", "cli"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                # date.today(), datetime.today(), datetime.now() without a time zone
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and not node.args and not node.keywords
                        and (node.func.value.id, node.func.attr) in {("date", "today"), ("datetime", "today"),
                                                                     ("datetime", "now")}):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert not found, found
