"""The forum's deliberation and the decision per item and right."""
from datetime import date
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity


class Deliberation(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    forum: str = Field(max_length=32)  # casusoverleg, partneroverleg, ... from the region config
    held_on: date
    participants: list[str] = Field(sa_column=Column(JSON, nullable=False))  # organisations (slugs), not persons


class ItemDecision(SQLModel, table=True):
    """Outcome for one right on one registration; registration_id None means the whole right."""

    __table_args__ = (
        UniqueConstraint("request_id", "right_type", "registration_id"),
        # Migration 0013: what the statistics read of a decision, without its row.
        Index("ix_itemdecision_stats", "request_id", "outcome", "ground"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    right_type: str = Field(max_length=32)
    registration_id: Optional[int] = Field(default=None, foreign_key="caseregistration.id")
    outcome: str = Field(max_length=16)  # models.enums.DecisionOutcome
    ground: Optional[str] = Field(default=None, max_length=64)  # region's refusal-ground id
    motivation: Optional[str] = encrypted(nullable=True)  # written reasons: may quote data
    # Verzet (AVG art. 21(1)): the betrokkene's particular situation as stated, the compelling
    # legitimate grounds put against it, and the outcome of the weighing. All for the letter.
    situation: Optional[str] = encrypted(nullable=True)
    compelling_grounds: Optional[str] = encrypted(nullable=True)
    weighing: Optional[str] = encrypted(nullable=True)
    decided_on: date
    executed_on: Optional[date] = None
