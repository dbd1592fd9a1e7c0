"""Retention: a closed request file is erased when its region's retention period has ended.

``Request.delete_after`` is set when the request closes (``delete_after_for``): the closing
date plus the region's ``retention.request_file_years`` (a decision of the partners, issue 18
point 7), and never before every remedy period against the last decision has run out (the
floor: the decision's date plus six weeks, the term of bezwaar, Awb art. 6:7 and 6:8, and of
the verzoekschrift to the rechtbank, UAVG art. 35; plus a week for a bezwaarschrift posted on
the last day, Awb art. 6:9 lid 2). A bezwaar, beroep, verzoekschrift or complaint about the
request holds the file (``place_hold``, ``rechtenloket retention hold``) until it is released,
and then for the remedy period against its outcome; a held file is never erased.

From the day after ``delete_after``, ``erase`` removes, in one transaction per request:

- the letters, the partners' unsent answer drafts, the outbox messages (and, before the transaction, their files on disk and
  the request's lock file);
- the partners' answers (corrections, notes, explanations for the betrokkene), the source
  tasks, the notes of the consultation tasks;
- the motivations, weighing and grounds of the decisions, the betrokkene's own words per
  right, the reason of an extension, the summary of a referral's outcome;
- the representative, the identity check's details (who checked, where, the last digits);
- the registrations of the betrokkene in that region (with their recipients log), unless
  another request of the same betrokkene in that region is still kept; the betrokkene's
  own details (BSN, name, birth date, address), unless another request of theirs is kept;
- the request's own copy of the betrokkene's details and its recorded actions.

What stays is what the statistics need, without anything personal: the request row (region,
dates, channel, status, ``anonymised_on``), its rights (type, outcome and the milestone
dates), the clock events (dates), the consultation tasks (partner and dates), the referrals
(partner, target, dates), the deliberations (forum, organisations, date) and the decisions
(outcome, ground, dates). The audit trail keeps its events (ids and codes only) and stays
verifiable; the processing log keeps its pseudonymised lines. The deletion report (what
was erased, as counts per kind, with the reference) is the audit event
``request.retention_erased``; the flow also publishes it as a Prefect table artifact.
"""
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete
from sqlmodel import Session, select

from models import audit, processing
from models.tables import (
    ActionEvent,
    AnswerDraft,
    AuditEvent,
    CaseRegistration,
    ClockEvent,
    ConsultationTask,
    DataSubject,
    Disclosure,
    IdentityCheck,
    ItemAnswer,
    ItemDecision,
    Letter,
    OutboxMessage,
    Referral,
    Representative,
    Request,
    RequestRight,
    SourceTask,
)

ACTOR = "system:retention"

# Every table with encrypted (personal) columns, and what ``erase`` does with a file's rows in
# it. A new table with encrypted columns fails tests/test_retention.py until it is here.
ENCRYPTED_TABLES = {
    "answerdraft": "deleted (the partner's unsent answer)",
    "caseregistration": "deleted, unless another kept request of the betrokkene in the region needs it",
    "consultationtask": "note and the weighing of a child's interest cleared; partner and dates kept for the statistics",
    "datasubject": "BSN, name, birth date, address cleared, unless another kept request needs them",
    "disclosure": "deleted with the registrations",
    "itemanswer": "deleted",
    "itemdecision": "motivation, situation, grounds, weighing cleared; outcome kept (statistics)",
    "keyring": "not a file's data (the keys' ids, verifiers and sealed audit keys)",
    "letter": "deleted",
    "outboxmessage": "deleted (and the files)",
    "representative": "deleted",
    "request": "the copy of the betrokkene's name, address, birth date cleared; the row kept (statistics)",
    "requestright": "the betrokkene's own words cleared; type and outcome kept",
    "sourcetask": "deleted",
}


class NotDue(ValueError):
    """The request's retention period has not ended (or it is not closed, or it is held)."""


# ------------------------------------------------------------------ the floor

#: The longest term of a remedy against a decision on a request: six weeks, for bezwaar (Awb
#: art. 6:7, from the day after the decision was sent, art. 6:8) and for the verzoekschrift to
#: the rechtbank (UAVG art. 35).
REMEDY_TERM = timedelta(weeks=6)
#: A bezwaarschrift posted before the end of the term is on time if it arrives within a week
#: after it (Awb art. 6:9 lid 2).
POST_MARGIN = timedelta(weeks=1)


def remedies_end(decided_on: date) -> date:
    """The last day a remedy against a decision sent on ``decided_on`` can still arrive."""
    return decided_on + REMEDY_TERM + POST_MARGIN


def delete_after_for(closed_on: date, years: int, last_decision_on: Optional[date] = None) -> date:
    """The last day the request file is kept: the region's years after closing, and never
    before every remedy period against the last decision has run out (the floor)."""
    kept = closed_on + relativedelta(years=years)
    if last_decision_on is not None:
        kept = max(kept, remedies_end(last_decision_on))
    return kept


# ------------------------------------------------------------------ holds

#: Why a file is held: a procedure about the request that needs the file (the codes the
#: command line takes, with how the report names them).
HOLD_REASONS = {
    "bezwaar": "een bezwaar tegen een besluit op het verzoek",
    "beroep": "een beroep bij de rechter",
    "verzoekschrift": "een verzoekschrift aan de rechtbank (art. 35 UAVG)",
    "klacht": "een klacht bij de Autoriteit Persoonsgegevens",
}
HOLD, RELEASE = "request.retention_hold", "request.retention_released"


@dataclass(frozen=True)
class HoldState:
    """Whether a file is held: the reason and day of the hold that runs, or the day the last
    one was released (the file is then kept for the remedy period against its outcome)."""

    reason: Optional[str] = None
    since: Optional[date] = None
    released_on: Optional[date] = None

    @property
    def active(self) -> bool:
        return self.reason is not None

    def keeps(self, today: date) -> bool:
        return self.active or (self.released_on is not None and today <= remedies_end(self.released_on))

    def describe(self, today: date) -> str:
        if self.active:
            return f"vastgehouden sinds {self.since.isoformat()} wegens {HOLD_REASONS.get(self.reason, self.reason)}"
        if self.released_on is not None and self.keeps(today):
            return (f"vrijgegeven op {self.released_on.isoformat()}; bewaard tot en met "
                    f"{remedies_end(self.released_on).isoformat()} (termijn van een rechtsmiddel)")
        return "niet vastgehouden"


def hold_state(session: Session, request_id: str) -> HoldState:
    """The hold of a request file, from the audit trail (its events survive the erasure)."""
    last = session.exec(select(AuditEvent).where(
        AuditEvent.request_id == request_id, AuditEvent.action.in_((HOLD, RELEASE)))
        .order_by(AuditEvent.seq.desc()).limit(1)).first()
    if last is None:
        return HoldState()
    on = date.fromisoformat(last.detail["on"])
    if last.action == HOLD:
        return HoldState(reason=last.detail["reason"], since=on)
    return HoldState(released_on=on)


def place_hold(session: Session, request: Request, reason: str, actor: str, today: date) -> HoldState:
    """Hold the file for a procedure about the request (the caller has authorised the actor).
    Raises ValueError for an unknown reason or a file that was erased already."""
    if reason not in HOLD_REASONS:
        raise ValueError(f"onbekende reden {reason!r} (kies uit: {', '.join(HOLD_REASONS)})")
    if request.anonymised_on is not None:
        raise ValueError(f"{request.reference}: het dossier is al verwijderd op {request.anonymised_on.isoformat()}")
    audit.record(session, actor, HOLD, request.id, reason=reason, on=today)
    return hold_state(session, request.id)


def release_hold(session: Session, request: Request, actor: str, today: date) -> HoldState:
    """End the hold: the procedure is over. The file is then kept for the remedy period
    against its outcome, and at least until its own ``delete_after``."""
    if not hold_state(session, request.id).active:
        raise ValueError(f"{request.reference}: het dossier wordt niet vastgehouden")
    audit.record(session, actor, RELEASE, request.id, on=today)
    return hold_state(session, request.id)


# ------------------------------------------------------------------ due


def is_due(request: Request, today: date, session: Optional[Session] = None) -> bool:
    """Is the file's retention over? With a session, a hold keeps it too."""
    if not (request.status == "closed" and request.delete_after is not None and request.delete_after < today
            and request.anonymised_on is None):
        return False
    return session is None or not hold_state(session, request.id).keeps(today)


def due_ids(session: Session, today: date) -> list[str]:
    """The requests whose retention ended before ``today``, not held and not erased yet."""
    ids = list(session.exec(select(Request.id).where(
        Request.status == "closed", Request.delete_after.is_not(None), Request.delete_after < today,
        Request.anonymised_on.is_(None)).order_by(Request.delete_after, Request.id)))
    held = set(session.exec(select(AuditEvent.request_id).where(
        AuditEvent.request_id.in_(ids), AuditEvent.action.in_((HOLD, RELEASE))))) if ids else set()
    return [rid for rid in ids if rid not in held or not hold_state(session, rid).keeps(today)]


def remove_files(request_id: str) -> int:
    """The outbox files and the lock file of a request (before its rows go: a crash between
    the two leaves rows whose files are gone, and the rerun erases the rows)."""
    from models.settings import get_settings

    settings = get_settings()
    removed = 0
    folder = settings.effective_outbox_dir / request_id
    if folder.is_dir():
        removed += sum(1 for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder)
    lock = settings.data_dir / "locks" / f"{request_id[:64]}.lock"
    if lock.exists():
        lock.unlink()
        removed += 1
    return removed


def _live_requests(session: Session, request: Request, same_region: bool) -> int:
    query = select(Request.id).where(Request.subject_id == request.subject_id, Request.id != request.id,
                                     Request.anonymised_on.is_(None))
    if same_region:
        query = query.where(Request.region_id == request.region_id)
    return len(session.exec(query).all())


def _count_delete(session: Session, model, *conditions) -> int:
    return session.exec(delete(model).where(*conditions)).rowcount or 0  # type: ignore[call-overload]


def erase(session: Session, request_id: str, today: date, files_removed: int = 0) -> Optional[dict]:
    """Erase one request file in the caller's transaction (see the module doc). Returns the
    counts per kind (the deletion report), or None when it was erased before."""
    request = session.get(Request, request_id)
    if request is None:
        raise NotDue("unknown request")
    if request.anonymised_on is not None:
        return None
    if not is_due(request, today):
        raise NotDue(f"{request.reference}: de bewaartermijn loopt nog (tot en met {request.delete_after})")
    state = hold_state(session, request.id)
    if state.keeps(today):
        raise NotDue(f"{request.reference}: het dossier is {state.describe(today)}")
    # The processing itself is logged while the betrokkene's pseudonym is still linked.
    processing.record(session, ACTOR, "verwijderen:bewaartermijn", processing.RETENTION, request_id=request.id)
    counts: dict[str, int] = {"files": files_removed}
    rid = request.id
    tasks = [t.id for t in session.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid))]
    counts["answers"] = _count_delete(session, ItemAnswer, ItemAnswer.task_id.in_(tasks)) if tasks else 0
    counts["drafts"] = _count_delete(session, AnswerDraft, AnswerDraft.task_id.in_(tasks)) if tasks else 0
    counts["source_tasks"] = _count_delete(session, SourceTask, SourceTask.request_id == rid)
    counts["outbox_messages"] = _count_delete(session, OutboxMessage, OutboxMessage.request_id == rid)
    counts["letters"] = _count_delete(session, Letter, Letter.request_id == rid)
    counts["representatives"] = _count_delete(session, Representative, Representative.request_id == rid)
    counts["actions"] = _count_delete(session, ActionEvent, ActionEvent.request_id == rid)

    for task in session.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid)):
        task.note, task.answered_by, task.child_interest = None, None, None
        session.add(task)
    for decision in session.exec(select(ItemDecision).where(ItemDecision.request_id == rid)):
        decision.motivation = decision.situation = decision.compelling_grounds = decision.weighing = None
        session.add(decision)
    for right in session.exec(select(RequestRight).where(RequestRight.request_id == rid)):
        right.statement = None
        session.add(right)
    for clock in session.exec(select(ClockEvent).where(ClockEvent.request_id == rid)):
        clock.reason = "" if clock.reason else clock.reason
        session.add(clock)
    for referral in session.exec(select(Referral).where(Referral.request_id == rid)):
        referral.outcome_summary = None
        session.add(referral)
    check = session.exec(select(IdentityCheck).where(IdentityCheck.request_id == rid)).first()
    if check is not None:
        check.officer, check.place, check.document_last_digits = "", "", ""
        session.add(check)
    session.flush()

    counts["registrations"] = 0
    if not _live_requests(session, request, same_region=True):
        regs = list(session.exec(select(CaseRegistration.id).where(
            CaseRegistration.subject_id == request.subject_id, CaseRegistration.region_id == request.region_id)))
        if regs:
            counts["disclosures"] = _count_delete(session, Disclosure, Disclosure.registration_id.in_(regs))
            _count_delete(session, ItemAnswer, ItemAnswer.registration_id.in_(regs))
            _count_delete(session, SourceTask, SourceTask.registration_id.in_(regs))
            counts["item_decisions"] = _count_delete(session, ItemDecision, ItemDecision.registration_id.in_(regs))
            counts["registrations"] = _count_delete(session, CaseRegistration, CaseRegistration.id.in_(regs))
    counts["subject"] = 0
    if not _live_requests(session, request, same_region=False):
        subject = session.get(DataSubject, request.subject_id)
        if subject is not None and (subject.bsn_hash or subject.name):
            subject.bsn = subject.bsn_hash = subject.birth_date = subject.address = None
            subject.name, subject.name_hash = "", ""
            session.add(subject)
            counts["subject"] = 1
    request.subject_name, request.subject_name_hash = "", ""
    request.subject_address = request.subject_birth_date = None
    request.anonymised_on = today
    session.add(request)
    session.flush()
    audit.record(session, ACTOR, "request.retention_erased", rid, reference=request.reference,
                 region=request.region_id, closed_on=request.closed_on, delete_after=request.delete_after,
                 **{k: v for k, v in counts.items() if v})
    return counts


def report_row(session: Session, request_id: str, counts: Optional[dict]) -> dict:
    """One line of the deletion report: reference, region, dates and counts; nothing personal."""
    from models.region_config import get_region

    request = session.get(Request, request_id)
    rule = get_region(request.region_id).retention
    source = "besluit nog niet vastgelegd" if rule.decision.strip() == "unverified" else rule.decision
    return {"kenmerk": request.reference, "regio": request.region_id,
            "termijn": f"{rule.request_file_years} jaar ({source})",
            "gesloten": request.closed_on.isoformat() if request.closed_on else "",
            "bewaren_tot": request.delete_after.isoformat() if request.delete_after else "",
            "verwijderd": ", ".join(f"{k}={v}" for k, v in sorted((counts or {}).items()) if v) or "al eerder"}
