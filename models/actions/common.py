"""Helpers shared by the actions."""
from datetime import date

from sqlmodel import Session, select

from models.region_config import RegionConfig
from models.tables import Partner, Request


class ActionError(ValueError):
    """Bad input for an action: a Dutch one-line message; nothing was written."""


def not_in_future(value: date, today: date, what: str) -> None:
    if value > today:
        raise ActionError(f"{what} ({value.isoformat()}) ligt in de toekomst")


def get_request(session: Session, request_id: str) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        request = session.exec(select(Request).where(Request.reference == request_id)).first()
    if request is None:
        raise ActionError(f"onbekend verzoek {request_id!r}")
    return request


def partner_row(session: Session, region: RegionConfig, slug: str) -> Partner:
    region.partner(slug)  # raises a clear KeyError for an unknown slug
    row = session.exec(
        select(Partner).where(Partner.region_id == region.id, Partner.slug == slug)
    ).first()
    if row is None:
        raise ActionError(f"partner {slug!r} staat niet in de database: voer 'rechtenloket init' uit")
    return row
