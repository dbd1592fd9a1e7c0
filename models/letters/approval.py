"""May the replies of a request be approved and sent? Reads, never writes (issue 9).

``blockers`` are the reasons they cannot; ``warnings`` are what the signatory should look at
before approving, without stopping it (issue 18 point 10): free text that names the police's
or the OM's role in a request whose police or OM part was referred. Those bodies decide on
their part themselves, and a letter of ours must not say what their data are or what they
did (the referral notice says only where the part went).

A reply is refused, before anything is written, when:

- it prints a contact detail the region has not confirmed (``unverified``), outside the demo
  setting (models/letters/contacts.py);
- it withholds a part without an explanation written for the betrokkene (issue 9 point 8);
- a partner said it did not supply an item and its true source is not yet established
  (issue 9 point 12, AVG art. 15(1)(g)).
"""
import re

from sqlmodel import Session, select

from models.enums import RequestType, Role
from models.letters.compose import sendable_problems
from models.tables import (
    AuditEvent,
    ConsultationTask,
    ItemAnswer,
    ItemDecision,
    Letter,
    Referral,
    Request,
    SourceTask,
)

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


#: Words that name the police or the OM, or what they do in a case (a report, an
#: investigation, a prosecution): in our own text they can reveal what the referred data are.
ROLE_WORDS = re.compile(
    r"\b(?:politie\w*|wijkagent\w*|agent(?:en)?|hoofdagent\w*|recherch\w*|marechaussee|"
    r"openbaar ministerie|officier(?:en)? van justitie|justitie\w*|parket\w*|"
    r"aangifte\w*|proces(?:sen)?-verbaal|strafzaak\w*|strafdossier\w*|verdacht\w*|"
    r"vervolg\w*|sepot|seponer\w*|geseponeerd|aanhouding\w*|aangehouden|arrestatie\w*|gearresteerd|"
    r"wpg|wjsg)\b",
    re.IGNORECASE,
)
#: "OM" only as the capitalised abbreviation ("om" is a Dutch word).
_OM = re.compile(r"\bOM\b")


def role_words(text: str | None) -> list[str]:
    """The words of ``text`` that name the police's or the OM's role, once each, in order."""
    if not text:
        return []
    found = [m.group(0) for m in ROLE_WORDS.finditer(text)] + [m.group(0) for m in _OM.finditer(text)]
    return list(dict.fromkeys(found))


#: Where a free text of the replies comes from, as the warning names it.
_LETTER_PARTS = {"intro_text": "de alinea na de aanhef", "closing_text": "de alinea voor de vragen"}
_DECISION_PARTS = {"motivation": "de motivering", "situation": "de beschreven situatie",
                   "compelling_grounds": "de dwingende gronden", "weighing": "de afweging"}


def free_texts(session: Session, request: Request) -> list[tuple[str, str]]:
    """(where, text) of every free text the unsent replies print: the letter's own paragraphs,
    the explanations of withheld parts, the motivations of the decisions, an established source."""
    from models.letters.kinds import get_kind
    from models.letters.render import RIGHT_NOUNS

    out: list[tuple[str, str]] = []
    for letter in session.exec(select(Letter).where(
            Letter.request_id == request.id, Letter.reply.is_(True), Letter.status != "sent").order_by(Letter.id)):
        for field, where in _LETTER_PARTS.items():
            if getattr(letter, field, None):
                out.append((f"{where} van de brief '{get_kind(letter.kind).title}'", getattr(letter, field)))
    for answer in session.exec(select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id)
                               .where(ConsultationTask.request_id == request.id).order_by(ItemAnswer.id)):
        if answer.withhold and answer.explanation:
            out.append((f"de uitleg bij gegeven {answer.registration_id}", answer.explanation))
    for decision in session.exec(select(ItemDecision).where(ItemDecision.request_id == request.id)
                                 .order_by(ItemDecision.id)):
        item = f"gegeven {decision.registration_id}" if decision.registration_id else "het hele verzoek"
        for field, where in _DECISION_PARTS.items():
            if getattr(decision, field):
                out.append((f"{where} van het besluit over {item} ({RIGHT_NOUNS[RequestType(decision.right_type)]})",
                            getattr(decision, field)))
    for task in session.exec(select(SourceTask).where(SourceTask.request_id == request.id).order_by(SourceTask.id)):
        if task.source:
            out.append((f"de bron van gegeven {task.registration_id}", task.source))
    return out


def warnings(session: Session, request: Request) -> list[str]:
    """One Dutch line per free text of the replies that names the police's or the OM's role,
    where their part of the request was referred to them. A warning does not block the
    approval: the signatory reads the text and decides."""
    referred = session.exec(select(Referral.target).where(Referral.request_id == request.id)).all()
    if not referred:
        return []
    out = []
    for where, text in free_texts(session, request):
        words = role_words(text)
        if words:
            out.append(f"Let op: {where} noemt de politie of het Openbaar Ministerie"
                       f" ({', '.join(repr(w) for w in words)}). Hun deel is doorgestuurd en zij"
                       " beslissen er zelf over: noem niet wat zij over de betrokkene hebben of deden."
                       " Lees de tekst na voordat u goedkeurt.")
    return list(dict.fromkeys(out))
