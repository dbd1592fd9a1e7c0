"""A request as the coordinator's tools show it: status, clocks, referrals, tasks, letters.

Ids, codes and dates only, no personal data: this view is what the CLI prints, what the
scenario runner compares, and it is safe to log.
"""
from datetime import date
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, func, select

from models.lifecycle import next_step
from models.state import clocks, rights, snapshot
from models.tables import AuditEvent, ConsultationTask, Letter, OutboxMessage, Partner, Referral, Request


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FailureView(_View):
    step: str
    code: str
    since: Optional[str]


class RightView(_View):
    type: str
    outcome: Optional[str]
    decided_on: Optional[str]
    executed_on: Optional[str]
    replied_on: Optional[str]
    deadlines: dict[str, Any]  # models.deadlines.Clock.to_dict()


class ReferralView(_View):
    partner: str
    target: str
    reference: str
    request_types: list[str]
    sent_on: Optional[str]


class ConsultationView(_View):
    partner: str
    status: str
    created_on: Optional[str]
    due_on: Optional[str]
    reminded_on: Optional[str]
    escalated_on: Optional[str]
    answered_on: Optional[str]


class LetterView(_View):
    id: int
    kind: str
    key: str  # the letter's idempotency key within the request ("ack", "reply:inzage", ...)
    status: str
    sha256: Optional[str]
    reply: bool
    right: Optional[str]


class OutboxView(_View):
    kind: str
    channel: str
    status: str
    key: str


class RequestView(_View):
    """A request as the tools show it (ids, codes and dates; no personal data)."""

    id: str
    reference: str
    region: str
    status: str
    waits_for: str
    received_on: str
    received_by: Optional[str]
    closed_on: Optional[str]
    failure: Optional[FailureView]
    delete_after: Optional[str]
    rights: list[RightView]
    referrals: list[ReferralView]
    consultations: list[ConsultationView]
    letters: list[LetterView]
    outbox: list[OutboxView]
    audit_events: int


def request_view(session: Session, request: Request, now: date) -> RequestView:
    clock = clocks(session, request, now)
    partners = {p.id: p.slug for p in session.exec(select(Partner).where(Partner.region_id == request.region_id))}
    return RequestView(
        id=request.id,
        reference=request.reference,
        region=request.region_id,
        status=request.status,
        waits_for=next_step(snapshot(session, request)).value,
        received_on=request.first_received_on.isoformat(),
        received_by=partners.get(request.received_by_partner_id),
        closed_on=_iso(request.closed_on),
        failure=None if request.failed_step is None else FailureView(
            step=request.failed_step, code=request.failure_code, since=_iso(request.failed_on)),
        delete_after=_iso(request.delete_after),
        rights=[
            RightView(type=r.type, outcome=r.outcome, decided_on=_iso(r.decided_on), executed_on=_iso(r.executed_on),
                      replied_on=_iso(r.replied_on), deadlines=clock[r.type].to_dict())
            for r in rights(session, request.id)
        ],
        referrals=[
            ReferralView(partner=partners[x.partner_id], target=x.target, reference=x.reference,
                         request_types=list(x.request_types), sent_on=_iso(x.sent_on))
            for x in session.exec(select(Referral).where(Referral.request_id == request.id).order_by(Referral.id))
        ],
        consultations=[
            ConsultationView(partner=partners[t.partner_id], status=t.status, created_on=_iso(t.created_on),
                             due_on=_iso(t.due_on), reminded_on=_iso(t.reminded_on),
                             escalated_on=_iso(t.escalated_on), answered_on=_iso(t.answered_on))
            for t in session.exec(select(ConsultationTask).where(ConsultationTask.request_id == request.id)
                                  .order_by(ConsultationTask.partner_id))
        ],
        letters=[
            LetterView(id=x.id, kind=x.kind, key=x.key.split(":", 1)[1], status=x.status, sha256=x.content_hash,
                       reply=x.reply, right=x.right_type)
            for x in session.exec(select(Letter).where(Letter.request_id == request.id).order_by(Letter.key))
        ],
        outbox=[
            OutboxView(kind=m.kind, channel=m.channel, status=m.status, key=m.idempotency_key.split(":", 1)[1])
            for m in session.exec(select(OutboxMessage).where(OutboxMessage.request_id == request.id)
                                  .order_by(OutboxMessage.idempotency_key))
        ],
        audit_events=session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.request_id == request.id)
        ).one(),
    )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
