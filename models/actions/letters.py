"""The free-text parts of a reply the coordinator writes: a paragraph after the salutation
and one before the questions, e.g. "Naar aanleiding van ons telefoongesprek ...".

They are plain text, stored with the letter and put into its context (``intro_text``,
``closing_text``); the letter is then rendered again from that context, so the text is
escaped like every other value and never becomes HTML or part of a template. Only a draft
can change: an approved reply is frozen until its approval is withdrawn.
"""
from datetime import date

from pydantic import Field
from sqlmodel import Session

from models import audit
from models.actions.common import (
    STAFF,
    ActionError,
    Recorded,
    authorise,
    event_key,
    finish,
    get_request,
    previous,
    repeat_of,
)
from models.actions.inputs import Input, optional_text
from models.letters import store
from models.letters.replies import redate_drafts
from models.principal import Principal
from models.tables import Letter

#: Characters of one free-text part (a few short paragraphs).
FREE_TEXT = 2000


class LetterTextInput(Input):
    letter_id: int = Field(ge=1)
    intro_text: optional_text(FREE_TEXT) = Field(default=None, title="Alinea na de aanhef")
    closing_text: optional_text(FREE_TEXT) = Field(default=None, title="Alinea voor de vragen")


def edit_letter_text(session: Session, request_id: str, data: LetterTextInput, principal: Principal,
                     today: date) -> Recorded:
    """Write or change a reply draft's free-text parts (blank removes one); the draft is
    rendered again. The result's ids: the letter."""
    request = get_request(session, request_id)
    actor = authorise(principal, request.region_id, *STAFF)
    key = event_key("letter_text", request.id, data)
    if (earlier := previous(session, key)) is not None:
        return repeat_of(earlier, request)
    letter = session.get(Letter, data.letter_id)
    if letter is None or letter.request_id != request.id or not letter.reply:
        raise ActionError(f"letter_id: brief {data.letter_id} is geen antwoord bij dit verzoek")
    if letter.status == store.APPROVED:
        raise ActionError("deze brief is al goedgekeurd; trek de goedkeuring eerst in om de tekst te wijzigen")
    if letter.status != store.DRAFT:
        raise ActionError("deze brief is al verstuurd en kan niet meer worden gewijzigd")
    changed = [name for name in ("intro_text", "closing_text") if getattr(letter, name) != getattr(data, name)]
    letter.intro_text, letter.closing_text = data.intro_text, data.closing_text
    session.add(letter)
    session.flush()
    audit.record(session, actor, "letter.text_edited", request.id, letter_id=letter.id, kind=letter.kind,
                 fields=changed)
    redate_drafts(session, request, today, actor)  # rendered again from its context, with the text
    return finish(session, request, "letter_text", key, actor, today, ids=(letter.id,))
