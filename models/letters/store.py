"""The life of a letter: draft -> approved -> sent (frozen).

- ``create_draft``: idempotent on ``key`` (a retried flow step gets the same letter back).
- ``edit_draft``: the coordinator may change the HTML while the letter is a draft.
- ``approve``: the draft is final; no more edits (``withdraw_approval`` makes it a draft again).
- ``mark_sent``: the letter is frozen; the sha256 of its HTML is stored and goes into the
  audit trail, so anyone can later check that the stored letter is the one that was sent.

Every change writes an audit event in the same transaction (models.audit.record) with ids,
the kind and the hash only: never the letter's content. The functions flush but do not
commit: the caller's unit of work (models.db.session_scope) commits or rolls back.

A sent letter is also protected below this API: an ORM update of a sent Letter row raises
LetterFrozen (listener at the bottom of this module).
"""
import hashlib
from typing import Optional

from sqlalchemy import event
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from models import audit
from models.letters.kinds import get_kind
from models.tables.common import utcnow
from models.tables.letter import Letter

DRAFT = "draft"
APPROVED = "approved"
SENT = "sent"


class LetterError(ValueError):
    """A refused change to a letter (Dutch message)."""


class LetterNotFound(LetterError, LookupError):
    pass


class LetterFrozen(LetterError):
    """The letter is approved or sent: its content can no longer change."""


class LetterNotApproved(LetterError):
    """Only an approved letter can be sent."""


def content_hash(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def _get(session: Session, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise LetterNotFound(f"brief {letter_id} bestaat niet")
    return letter


def _audit(session: Session, actor: str, action: str, letter: Letter) -> None:
    audit.record(
        session,
        actor,
        action,
        letter.request_id,
        letter_id=letter.id,
        kind=letter.kind,
        sha256=content_hash(letter.html),
    )


def create_draft(
    session: Session,
    request_id: str,
    kind: str,
    key: str,
    html: str,
    actor: str,
    recipient_partner_id: Optional[int] = None,
    reply: bool = False,
    right_type: Optional[str] = None,
) -> Letter:
    """A new draft, or the existing letter with this ``key`` (whatever its state)."""
    get_kind(kind)  # raises UnknownKind
    existing = session.exec(select(Letter).where(Letter.key == key)).first()
    if existing is not None:
        if existing.request_id != request_id or existing.kind != kind:
            raise LetterError(f"sleutel {key!r} hoort al bij een andere brief ({existing.id})")
        return existing
    if not html.strip():
        raise LetterError("een brief zonder inhoud kan geen concept worden")
    letter = Letter(
        request_id=request_id,
        kind=kind,
        key=key,
        html=html,
        status=DRAFT,
        recipient_partner_id=recipient_partner_id,
        reply=reply,
        right_type=right_type,
    )
    session.add(letter)
    session.flush()
    _audit(session, actor, "letter.drafted", letter)
    return letter


def edit_draft(session: Session, letter_id: int, html: str, actor: str) -> Letter:
    """Replace the HTML of a draft. Refused (LetterFrozen) once approved or sent."""
    letter = _get(session, letter_id)
    if letter.status != DRAFT:
        raise LetterFrozen(f"brief {letter_id} is {_status_nl(letter.status)} en kan niet meer worden gewijzigd")
    if not html.strip():
        raise LetterError("een brief zonder inhoud kan niet worden opgeslagen")
    if html == letter.html:
        return letter
    letter.html = html
    session.add(letter)
    session.flush()
    _audit(session, actor, "letter.edited", letter)
    return letter


def approve(session: Session, letter_id: int, actor: str) -> Letter:
    """Draft -> approved. Approving an approved letter changes nothing."""
    letter = _get(session, letter_id)
    if letter.status == APPROVED:
        return letter
    if letter.status != DRAFT:
        raise LetterFrozen(f"brief {letter_id} is {_status_nl(letter.status)}")
    letter.status = APPROVED
    letter.approved_at = utcnow()
    letter.approved_by = actor
    session.add(letter)
    session.flush()
    _audit(session, actor, "letter.approved", letter)
    return letter


def withdraw_approval(session: Session, letter_id: int, actor: str) -> Letter:
    """Approved -> draft again (before it is sent): its text may change, and it needs a new
    approval. A draft stays a draft; a sent letter is frozen (LetterFrozen)."""
    letter = _get(session, letter_id)
    if letter.status == DRAFT:
        return letter
    if letter.status != APPROVED:
        raise LetterFrozen(f"brief {letter_id} is {_status_nl(letter.status)}")
    letter.status = DRAFT
    letter.approved_at = None
    letter.approved_by = None
    session.add(letter)
    session.flush()
    _audit(session, actor, "letter.approval_withdrawn", letter)
    return letter


def mark_sent(session: Session, letter_id: int, actor: str) -> Letter:
    """Approved -> sent: store the sha256 and freeze. Marking a sent letter again changes
    nothing (a retried send step is harmless); a draft cannot be sent (LetterNotApproved)."""
    letter = _get(session, letter_id)
    if letter.status == SENT:
        return letter
    if letter.status != APPROVED:
        raise LetterNotApproved(f"brief {letter_id} is nog niet goedgekeurd")
    letter.content_hash = content_hash(letter.html)
    letter.status = SENT
    letter.sent_at = utcnow()
    session.add(letter)
    session.flush()
    _audit(session, actor, "letter.sent", letter)
    return letter


def verify_sent(letter: Letter) -> bool:
    """True when a sent letter's HTML still has the hash it was sent with."""
    return letter.status == SENT and letter.content_hash == content_hash(letter.html)


def _status_nl(status: str) -> str:
    return {DRAFT: "een concept", APPROVED: "goedgekeurd", SENT: "verzonden"}.get(status, status)


@event.listens_for(Letter, "before_update")
def _sent_is_frozen(mapper, connection, target):  # noqa: ARG001
    """No ORM update of a letter that was already sent, whatever the code path."""
    stored = connection.execute(
        sa_select(Letter.__table__.c.status).where(Letter.__table__.c.id == target.id)
    ).scalar()
    if stored == SENT:
        raise LetterFrozen(f"brief {target.id} is verzonden en kan niet meer worden gewijzigd")
