"""Regions and partner organisations. Both are loaded from config/ by ``rechtenloket init``."""
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)  # slug, e.g. "rotterdam-rijnmond"
    name: str
    config_hash: str = Field(max_length=64)  # sha256 of the region file last loaded


class Partner(SQLModel, table=True):
    """A supplying organisation in one region, with its stable slug from config."""

    __table_args__ = (UniqueConstraint("region_id", "slug"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", index=True, max_length=64)
    slug: str = Field(max_length=120)
    name: str  # exactly as the region's source document names it
    kind: str = Field(max_length=32)  # models.enums.PartnerKind
    regime: str = Field(max_length=16)  # models.enums.Regime
    unit: Optional[str] = None  # police eenheid or OM parket, where relevant
    notification_channel: str = Field(default="file", max_length=16)
    notification_address: Optional[str] = None  # e-mail address or webhook URL
    active: bool = True

