"""The partner portal and the partner API: task links, answer drafts, API tokens.

No token is stored in the clear: a task link and an API token are kept as their SHA-256
(both are high-entropy random-looking strings, so a plain hash is enough; a copy of the
database opens nothing). A draft answer holds what a partner typed about its own data:
encrypted at rest like every other personal field.
"""
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class TaskLink(SQLModel, table=True):
    """The link in a consultation letter: opens that one task (models/task_links.py).
    One per task (a rerun of the step finds it); expires on ``expires_on``; "used" once the
    task was answered (the task's status says so; ``used_at`` records when)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="consultationtask.id", unique=True)
    token_hash: str = Field(unique=True, max_length=64)  # SHA-256 of the token in the letter
    created_on: date
    expires_on: date  # the last day the link opens the task
    used_at: Optional[datetime] = None  # when the task was last answered through the portal
    created_at: datetime = Field(default_factory=utcnow)


class AnswerDraft(SQLModel, table=True):
    """A partner's answer in progress: saved as often as the partner likes, replaced at each
    save, deleted when the answer is submitted (models/partner_answers.py). A reopened
    answer becomes the draft again, so the partner starts from what it sent."""

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    task_id: int = Field(foreign_key="consultationtask.id", unique=True)
    data: str = encrypted()  # JSON of models.partner_answers.AnswerForm
    saved_by: str = Field(max_length=120)  # the principal's actor (role:id), never a name
    saved_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A partner system's key to the API (models/api_tokens.py): bound to one partner
    organisation, shown once at creation, revocable, optionally expiring."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)  # SHA-256 of the token
    prefix: str = Field(max_length=16)  # the first characters, to recognise a token in a list
    label: str = Field(max_length=120)  # what the token is for ("zaaksysteem gemeente Assen")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    expires_on: Optional[date] = None  # None: until revoked
    revoked_at: Optional[datetime] = None
    revoked_by: Optional[str] = Field(default=None, max_length=120)
    last_used_at: Optional[datetime] = None
