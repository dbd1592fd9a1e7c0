"""Every page view that shows personal data is in the audit trail, with the principal.

A handler of such a page calls ``record_view`` before it renders, in the GET handler::

    record_view(db, principal, "task", request_id=task.request_id, task=task.id)

The event is committed at once (a page is shown only after its view is on record; if the
record fails, the page fails). A view of a request's page is also a line of the processing
log (``models.processing``: who read this betrokkene's data, when), in the same commit. Pages that show no personal data (the start page, the
login page) record nothing. The detail holds ids and codes only; a value that looks like
anything else (spaces, a BSN-shaped number, long text) is refused, so a name or a BSN
cannot slip into the trail by mistake.
"""
import re
from typing import Optional, Union

from sqlmodel import Session

from models import audit, processing
from models.principal import Principal
from models.tables import AuditEvent

VIEWED = "page.viewed"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,79}$")
_BSN_SHAPED = re.compile(r"^\d{8,9}$")

Id = Union[str, int, None]


def _check(name: str, value: Id) -> Id:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and _CODE.match(value) and not _BSN_SHAPED.match(value):
        return value
    raise ValueError(f"audit detail {name!r} must be an id or a code")


def record_view(db: Session, principal: Principal, page: str, request_id: Optional[str] = None,
                **ids: Id) -> AuditEvent:
    """Record that ``principal`` saw ``page`` (a code like "task" or "request"), for the
    request ``request_id`` and the other objects in ``ids`` (ids and codes only); commits."""
    detail = {"page": _check("page", page), **{k: _check(k, v) for k, v in ids.items()}}
    _check("request_id", request_id)
    event = audit.record(db, principal.actor, VIEWED, request_id, **detail)
    if request_id is not None:  # and the same read in the processing log (LDV), per betrokkene
        processing.record(db, principal, processing.as_code("inzien", page), processing.VIEW, request_id=request_id)
    db.commit()
    return event
