"""Every outgoing message is a row first, then delivered by a transport (issue 4)."""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class OutboxMessage(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    idempotency_key: str = Field(unique=True, max_length=200)
    request_id: Optional[str] = Field(default=None, foreign_key="request.id", index=True, max_length=32)
    kind: str = Field(max_length=48)  # letter, referral, consultation, reminder, escalation
    channel: str = Field(max_length=16)  # models.enums.NotificationChannel
    recipient: str = encrypted()  # address or partner slug; may be a person's address
    subject: str = Field(max_length=200)  # no personal data: reference and kind only
    body: str = encrypted()
    status: str = Field(default="pending", index=True, max_length=16)  # pending, sent, failed
    attempts: int = 0
    last_error: Optional[str] = Field(default=None, max_length=400)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: Optional[datetime] = None
