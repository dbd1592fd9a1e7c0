"""Consultation of a supplying (AVG) partner, and its answer per data item."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class ConsultationTask(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("request_id", "partner_id"),  # never two tasks for one partner
        Index("ix_consultationtask_status_due", "status", "due_on"),
        # Migration 0013: the open tasks only, covering the dashboard's partner load and escalations.
        Index("ix_consultationtask_open", "request_id", "partner_id", "due_on", "escalated_on",
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        # Migration 0013: what the statistics read of a task, without its row.
        Index("ix_consultationtask_stats", "request_id", "partner_id", "created_on", "answered_on", "reminded_on",
              "escalated_on"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    status: str = Field(default="open", max_length=16)  # models.enums.TaskStatus
    created_on: date
    due_on: date
    reminder_on: date
    escalation_on: date
    reminded_on: Optional[date] = None
    escalated_on: Optional[date] = None
    answered_on: Optional[date] = None
    answered_by: Optional[str] = Field(default=None, max_length=120)
    note: Optional[str] = encrypted(nullable=True)
    # How often the coordinator reopened a submitted answer (models.actions.answers.
    # reopen_answer), and why the last time (the partner reads it on the task page).
    reopened: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    reopen_reason: Optional[str] = encrypted(nullable=True)
    # A parent or guardian asked for a child of 12 to 16 (issue 18 point 5): the partner's
    # weighing of the child's own interest (art. 41 lid 1 onder i UAVG). Internal: for the
    # coordinator and the forum, never in a letter. Migration 0016.
    child_interest: Optional[str] = encrypted(nullable=True)
    created_at: datetime = Field(default_factory=utcnow)


class ItemAnswer(SQLModel, table=True):
    """A partner's answer about one registration (domain.md §4 step 4)."""

    __table_args__ = (UniqueConstraint("task_id", "registration_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    task_id: int = Field(foreign_key="consultationtask.id", index=True)
    registration_id: int = Field(foreign_key="caseregistration.id", index=True)
    supplied_by_us: bool
    correct: Optional[bool] = None
    correction: Optional[str] = encrypted(nullable=True)
    withhold: bool = False
    withhold_ground: Optional[str] = Field(default=None, max_length=64)  # region's refusal-ground id
    note: Optional[str] = encrypted(nullable=True)  # internal: for the coordinator, never in a letter
    # Why the part is withheld, written for the betrokkene ("u"): printed in the reply. The
    # coordinator may edit it (models.actions.answers.edit_explanation).
    explanation: Optional[str] = encrypted(nullable=True)
    # What the item is, as the supplier says (models.enums.SpecialCategory: health, special,
    # criminal, none), for item b of the inzage reply; None: it did not say, so the supplier's
    # default holds (models/letters/categories.py). Migration 0015.
    special_category: Optional[str] = Field(default=None, max_length=16)


class SourceTask(SQLModel, table=True):
    """A task for the coordinator: a partner answered that it did not supply an item, so its
    true source must be established before the inzage reply may go out (AVG art. 15(1)(g))."""

    __table_args__ = (UniqueConstraint("request_id", "registration_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    registration_id: int = Field(foreign_key="caseregistration.id")
    reported_by_partner_id: int = Field(foreign_key="partner.id")
    opened_on: date
    resolved_on: Optional[date] = None
    source: Optional[str] = encrypted(nullable=True)  # the true source, as the letter names it
    source_partner_id: Optional[int] = Field(default=None, foreign_key="partner.id")
    resolved_by: Optional[str] = Field(default=None, max_length=120)
