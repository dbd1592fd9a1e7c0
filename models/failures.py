"""A request whose automatic step failed: recorded on the request, told to the manager once,
and left standing still until it is fixed; every other request goes on (flows/advance.py).

Only codes are kept: the step's name and the class name of what went wrong. The message of
the original error may quote personal data and is never stored or passed to Prefect.
"""
from datetime import date

from markupsafe import escape
from sqlmodel import Session

from models import audit, outbox
from models.enums import NotificationChannel
from models.region_config import get_region
from models.tables import Request

ACTOR = "system:flow"


def record_failure(session: Session, request: Request, step: str, code: str, today: date) -> bool:
    """Mark the request as failed at ``step``. True when this starts a new failure, which is
    then told to the region's manager (one message per failure, however often it recurs)."""
    new = request.failed_step is None
    request.failed_step, request.failure_code = step[:32], code[:64]
    if new:
        request.failed_on = today
        request.failures += 1
    session.add(request)
    session.flush()
    if not new:
        return False
    audit.record(session, ACTOR, "request.failed", request.id, step=step, code=code, on=today)
    region = get_region(request.region_id)
    body = (
        f"<p>Beste {escape(region.roles.manager)},</p>"
        f"<p>Bij verzoek {escape(request.reference)} is de automatische stap <b>{escape(step)}</b> "
        f"mislukt op {today.isoformat()} (code {escape(code)}). Het verzoek staat stil tot dit is "
        "opgelost; de termijn loopt wel door. De andere verzoeken gaan gewoon verder.</p>"
        f"<p>Bekijk het verzoek met <code>rechtenloket request show {escape(request.reference)}</code>. "
        f"Is de oorzaak weg, dan zet <code>rechtenloket request advance {escape(request.reference)}</code> "
        "de verwerking voort.</p>"
    )
    outbox.enqueue(
        session, key=f"{request.id}:failure:{request.failures}", request_id=request.id, kind="storing",
        channel=NotificationChannel.file.value, recipient="manager",
        subject=f"{request.reference} storing", body=body,
    )
    return True


def clear_failure(session: Session, request: Request, today: date) -> None:
    """A run got through: the failure is over (the audit trail keeps it)."""
    if request.failed_step is None:
        return
    audit.record(session, ACTOR, "request.recovered", request.id, step=request.failed_step, on=today)
    request.failed_step = request.failure_code = request.failed_on = None
    session.add(request)
    session.flush()
