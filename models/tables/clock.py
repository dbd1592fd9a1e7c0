"""Events that change a request's clock: suspension, resumption, extension (issue 3)."""
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class ClockEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    kind: str = Field(max_length=16)  # models.enums.ClockEventKind
    on_date: date
    right_type: Optional[str] = Field(default=None, max_length=32)  # extend: which right
    reason: Optional[str] = Field(default=None, max_length=400)
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow)
