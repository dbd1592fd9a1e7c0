"""May the replies of a request be approved and sent? Reads, never writes (issue 9).

A reply is refused, before anything is written, when:

- it prints a contact detail the region has not confirmed (``unverified``), outside the demo
  setting (models/letters/contacts.py);
- it withholds a part without an explanation written for the betrokkene (issue 9 point 8);
- a partner said it did not supply an item and its true source is not yet established
  (issue 9 point 12, AVG art. 15(1)(g)).
"""
from sqlmodel import Session, select

from models.enums import Role
from models.letters.compose import sendable_problems
from models.tables import AuditEvent, Letter, Request, SourceTask

#: What a person records that ends up in the words of a reply: whoever did it wrote the
#: reply, and may not approve it where the region has four eyes.
AUTHORING = ("decision.recorded", "answer.explanation_edited", "source.established", "letter.text_edited",
             "consultation.answered", "decision.executed")
#: The roles of the ZVH's own people (a partner's answer or the system's draft is not theirs).
_PERSONS = (Role.coordinator.value, Role.signatory.value)


def authors(session: Session, request: Request) -> set[str]:
    """The principal ids of the ZVH people who wrote (part of) the replies of ``request``,
    from the audit trail: the decision, an answer recorded on a partner's behalf, an
    explanation, a source, the letter's own text."""
    out = set()
    for actor in session.exec(select(AuditEvent.actor).where(
            AuditEvent.request_id == request.id, AuditEvent.action.in_(AUTHORING))):
        role, _, principal_id = actor.partition(":")
        if role in _PERSONS and principal_id:
            out.add(principal_id)
    return out


def blockers(session: Session, request: Request) -> list[str]:
    """One Dutch line per reason the unsent replies cannot go out; empty: they can."""
    from models.letters.replies import withheld_items

    out: list[str] = []
    letters = session.exec(select(Letter).where(
        Letter.request_id == request.id, Letter.reply.is_(True),
        Letter.status != "sent",
    ).order_by(Letter.id)).all()
    for letter in letters:
        out += sendable_problems(request, letter)
    if any(letter.kind in ("inzage_besluit", "weigering") for letter in letters):
        for registration_id, (_, explanation) in sorted(withheld_items(session, request).items()):
            if not (explanation or "").strip():
                out.append(f"gegeven {registration_id} wordt achtergehouden zonder uitleg voor de betrokkene")
        for task in session.exec(select(SourceTask).where(
                SourceTask.request_id == request.id, SourceTask.resolved_on.is_(None))):
            out.append(f"de bron van gegeven {task.registration_id} is nog niet vastgesteld")
    return list(dict.fromkeys(out))
