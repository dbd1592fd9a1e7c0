"""The human actions recorded on a request, one row each: what makes an action idempotent.

An action's key is a keyed digest of what was recorded (the action, the request and the
canonical input; for a registration: region, subject, types, receipt date and channel, or
the key the operator gave). A repeat of the same action with the same input (a rerun after
a kill, a double click) finds its row and writes nothing; the key is also the idempotency
key of the advance that the action dispatches.
"""
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class ActionEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    # The digest of the whole input: a registration whose key matches but whose content
    # differs is a different request, not a repeat.
    input_digest: str = Field(max_length=64)
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    action: str = Field(max_length=32)
    recorded_on: date
    actor: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow)
