"""The region's own facts, kept by the region's administrator (issue 18 point 12).

The protocol's rules stay in ``config/regions/*.yaml`` (reviewed like code). The facts the
sources do not give (the letterhead, the signers, the bezwaar addressees, the mandates, the
identity desks, the addresses of the police and OM bodies) are filled in on the region page
and kept here; they replace the file's value at the same dotted key
(``models/region_config.py``, ``models/region_facts.py``).

``regionfactstamp`` holds one random stamp per region, new with every change of its facts:
every process compares it with the stamp it last loaded, so a change takes effect without a
restart, in every web-app instance and worker.
"""
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class RegionFact(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("region_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", index=True, max_length=64)
    key: str = Field(max_length=200)  # the dotted key of the region file: "letterhead.phone"
    value: str = Field(max_length=2000)  # JSON: a text, or a list of address lines
    confirmed_by: str = Field(max_length=120)  # the principal, "administrator:<account id>"
    confirmed_on: date  # the day it was last confirmed (a change confirms it too)
    changed_by: str = Field(max_length=120)  # who set the value as it is now
    changed_at: datetime = Field(default_factory=utcnow)


class RegionFactStamp(SQLModel, table=True):
    """The version of a region's facts: a new random ``stamp`` with every change."""

    region_id: str = Field(foreign_key="region.id", primary_key=True, max_length=64)
    stamp: str = Field(max_length=32)
    changed_at: datetime = Field(default_factory=utcnow)
