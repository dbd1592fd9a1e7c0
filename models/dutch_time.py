"""The day, as the Zorg- en Veiligheidshuizen count it: the calendar date in Amsterdam.

Every deadline (models/deadlines.py) counts in Dutch calendar days, and every date the
product records (received, consulted, answered, decided) is one. The machine's own clock
may run in UTC (a container, a CI runner): between 23:00 and midnight UTC in winter (22:00
in summer) its ``date.today()`` is still yesterday in Amsterdam. A consultation opened on
the workbench that evening and a partner's answer on the portal then got different days,
and the answer was refused as "before the consultation". So everything that asks for
today asks here; the pure domain logic never does (it is given the day).
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def day_of(moment: datetime) -> date:
    """The Dutch calendar day of a moment (an aware datetime: a naive one is refused, since
    it would be read in the machine's own time zone, which is the mistake this avoids)."""
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone has no Dutch day")
    return moment.astimezone(AMSTERDAM).date()


def today() -> date:
    """Today in Amsterdam."""
    return day_of(datetime.now(UTC))
