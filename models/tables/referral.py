"""Forwarding of police or OM data to the body that decides on it (domain.md §3)."""
from datetime import date
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class Referral(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("request_id", "partner_id", "target"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    partner_id: int = Field(foreign_key="partner.id")  # the supplying police unit or parket
    target: str = Field(max_length=40)  # models.enums.RoutingTarget
    request_types: list[str] = Field(sa_column=Column(JSON, nullable=False))  # RequestType values
    reference: str = Field(unique=True, max_length=60)  # our reference on the forwarding letter
    sent_on: Optional[date] = None
    answer_received_on: Optional[date] = None
    outcome_summary: Optional[str] = Field(default=None, max_length=400)
