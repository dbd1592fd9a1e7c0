"""A letter: draft until approved, frozen once sent (its hash goes into the audit trail)."""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import encrypted, row_identity, utcnow


class Letter(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    row_uid: str = row_identity()  # binds the encrypted fields to this row
    request_id: str = Field(foreign_key="request.id", index=True, max_length=32)
    kind: str = Field(max_length=48)  # one of the letter kinds in templates/letters/
    # Makes creation idempotent: e.g. "ack", "referral:<partner>", "reply:inzage".
    key: str = Field(unique=True, max_length=160)
    recipient_partner_id: Optional[int] = Field(default=None, foreign_key="partner.id")
    status: str = Field(default="draft", max_length=16)  # draft, approved, sent
    # A reply to the betrokkene: drafted, approved and sent by a person (the others go out at
    # once). ``right_type``: the right it answers; None on a reply answers every handled right
    # (the "geen gegevens" letter).
    reply: bool = False
    right_type: Optional[str] = Field(default=None, max_length=32)
    html: str = encrypted()  # the rendered letter holds personal data
    content_hash: Optional[str] = Field(default=None, max_length=64)  # sha256 when sent
    # A reply's free-text parts, written by the coordinator (models/actions/letters.py): plain
    # text, put into the letter's context and rendered with the rest (never HTML, never a template).
    intro_text: Optional[str] = encrypted(nullable=True)  # a paragraph after the salutation
    closing_text: Optional[str] = encrypted(nullable=True)  # a paragraph before the questions
    created_at: datetime = Field(default_factory=utcnow)
    approved_at: Optional[datetime] = None
    approved_by: Optional[str] = Field(default=None, max_length=120)  # the signatory (role:account id)
    sent_at: Optional[datetime] = None
