"""A rights request, its rights (each with its own outcome) and the requester's representative."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, new_id, row_identity, utcnow


OPEN_TARGET_COLUMNS = ("sla_target_due", "region_id", "status", "failed_step", "sla_completed_on", "sla_status",
                       "sla_suspended_since", "sla_at_risk_from", "sla_task_due", "sla_extended", "reference",
                       "first_received_on", "sla_protocol_due", "sla_legal_due", "id")


RECEIVED_STATS_COLUMNS = ("first_received_on", "region_id", "stats_version", "id", "status", "channel",
                          "sla_completed_on", "sla_protocol_met", "sla_legal_met")


class Request(SQLModel, table=True):
    __table_args__ = (
        Index("ix_request_region_status", "region_id", "status"),
        Index("ix_request_status_received", "status", "first_received_on"),
        # The dashboard: open requests by their earliest deadline; the statistics: by receipt.
        Index("ix_request_status_target", "status", "sla_target_due"),
        # Migration 0013 (issue 12's benchmark at 100,000): the open requests only, with
        # every column the dashboard's status, sort and page read (a covering partial index:
        # the closed requests, nearly all of them, are never read).
        Index("ix_request_open_target", *OPEN_TARGET_COLUMNS,
              sqlite_where=text("status <> 'closed'"), postgresql_where=text("status <> 'closed'")),
        Index("ix_request_closed_on", "closed_on"),  # the dashboard's "closed lately"
        # The statistics (models/statistics.py, models/statistics_cache.py): the requests
        # received in a period, with every column the aggregates and the fingerprint read.
        Index("ix_request_received_stats", *RECEIVED_STATS_COLUMNS),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    row_uid: str = row_identity()  # binds the encrypted fields (the subject's details) to this row
    reference: str = Field(unique=True, max_length=40)  # "ZVHRR-2026-0001": on letters
    region_id: str = Field(foreign_key="region.id", max_length=64)
    subject_id: int = Field(foreign_key="datasubject.id", index=True)
    # The clock runs from the first receipt by any party (domain.md §2).
    first_received_on: date
    received_by_partner_id: Optional[int] = Field(default=None, foreign_key="partner.id")
    forwarded_on: Optional[date] = None  # when the receiving partner passed it to the ZVH
    channel: str = Field(max_length=16)  # models.enums.Channel
    requester_kind: str = Field(default="betrokkene", max_length=32)  # models.enums.RequesterKind
    status: str = Field(default="registered", max_length=32)  # models.enums.RequestStatus
    # The betrokkene's details as given with this request: letters go to this address,
    # even when an earlier request of the same person gave another (the history).
    subject_name: str = encrypted()
    subject_name_hash: str = Field(index=True, max_length=64)
    subject_address: Optional[str] = encrypted(nullable=True)
    subject_birth_date: Optional[str] = encrypted(nullable=True)  # ISO date
    # An automatic step that failed (models/failures.py): the request stands still until it
    # is fixed. Codes only (step name, exception class), never a message.
    failed_step: Optional[str] = Field(default=None, max_length=32)
    failure_code: Optional[str] = Field(default=None, max_length=64)
    failed_on: Optional[date] = None
    failures: int = 0  # how many times a step of this request has failed (one notice each)
    created_at: datetime = Field(default_factory=utcnow)
    closed_on: Optional[date] = None
    # Retention (issue: hardened security): the request file is deleted after this date.
    delete_after: Optional[date] = None
    # Set when the retention flow erased the file (models.retention): the row stays for the
    # statistics, with its non-personal columns only.
    anonymised_on: Optional[date] = None
    # The deadlines over the rights as the deadline engine gave them at the last change
    # (models/sla.py ``refresh``): the dashboard and the statistics read these, never a
    # computation per row. Dates and codes only.
    sla_status: Optional[str] = Field(default=None, max_length=16)  # the worst right's ClockStatus then
    sla_protocol_due: Optional[date] = None  # the earliest protocol deadline of an open right
    sla_legal_due: Optional[date] = None  # the earliest legal deadline (extended where extended)
    sla_target_due: Optional[date] = None  # the earliest date the status is measured against
    sla_at_risk_from: Optional[date] = None
    sla_suspended_since: Optional[date] = None  # the clock stands still since (identity check)
    sla_extended: bool = False  # an open right has an extended legal deadline
    sla_task_due: Optional[date] = None  # the earliest due date of an open consultation task
    sla_completed_on: Optional[date] = None  # every right answered (and carried out)
    sla_protocol_met: Optional[bool] = None  # every right within its protocol deadline
    sla_legal_met: Optional[bool] = None  # every right within its legal deadline
    sla_refreshed_on: Optional[date] = None
    # Raised by one with every change to the request or to what the statistics count of it
    # (its rights, consultation tasks, item decisions and answers): the statistics of a
    # period are kept while the count and the sum of these over its requests stay the same
    # (models/statistics_cache.py). A counter, not a time: it cannot go back.
    stats_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class RequestRight(SQLModel, table=True):
    """One requested right within a request: each gets its own decision and milestones."""

    __table_args__ = (
        UniqueConstraint("request_id", "type"),
        # Migration 0013: what the statistics read of a right, without its row.
        Index("ix_requestright_stats", "request_id", "type", "outcome", "legal_due_extended"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    type: str = Field(max_length=32)  # models.enums.RequestType
    # The betrokkene's own words for this right (the grounds of a verzet, the correction
    # asked for): the reply answers them.
    statement: Optional[str] = encrypted(nullable=True)
    outcome: Optional[str] = Field(default=None, max_length=16)  # models.enums.DecisionOutcome
    decided_on: Optional[date] = None
    executed_on: Optional[date] = None  # verzet: the execution milestone
    replied_on: Optional[date] = None
    # This right's deadlines as the deadline engine gave them at the last change
    # (models/sla.py ``refresh``), for lists and statistics.
    protocol_due: Optional[date] = None
    legal_due: Optional[date] = None
    legal_due_extended: Optional[date] = None
    target_due: Optional[date] = None
    at_risk_from: Optional[date] = None
    completed_on: Optional[date] = None
    protocol_met: Optional[bool] = None
    legal_met: Optional[bool] = None
    clock_status: Optional[str] = Field(default=None, max_length=16)  # models.deadlines.ClockStatus


class Representative(SQLModel, table=True):
    """Someone acting for the betrokkene, with the proof of authority that was shown."""

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    request_id: str = Field(foreign_key="request.id", unique=True, max_length=32)
    kind: str = Field(max_length=32)  # models.enums.RequesterKind (not betrokkene)
    name: str = encrypted()
    address: Optional[str] = encrypted(nullable=True)
    proof_of_authority: str = Field(max_length=200)  # e.g. "machtiging d.d. 2026-01-05"
