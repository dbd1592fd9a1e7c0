"""The statistics of a period as last computed (models/statistics_cache.py): the groups of
the aggregate queries, counts and codes only, with the fingerprint of the requests they
were computed from."""
from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class StatisticsSnapshot(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("period_start", "period_end", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    period_start: date
    period_end: date
    scope: str = Field(max_length=1000)  # the region ids, sorted, comma-separated; "*": every region
    requests: int  # the fingerprint: how many requests of the period and scope ...
    versions: int  # ... and the sum of their stats_version
    groups: str = Field(sa_type=Text)  # JSON: query name -> rows (models.statistics.queries)
    computed_at: datetime = Field(default_factory=utcnow)
