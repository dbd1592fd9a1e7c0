"""What the workbench adds to the actions: approval by a signatory with four eyes, the
withdrawal of an approval, the free-text parts of a reply (escaped, never a template), and
reopening a partner's answer."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.actions.answers import ReopenInput, reopen_answer
from models.actions.common import ActionError
from models.actions.letters import LetterTextInput, edit_letter_text
from models.actions.replies import approve_replies, send_replies, withdraw_approval
from models.db import session_scope
from models.principal import NotAllowed, Principal
from models.enums import Role
from models.tables import ConsultationTask, ItemAnswer, Letter, Request
from tests import journey
from tests.dbdump import dump
from tests.principals import SIGNATORY, TESTER

D = date.fromisoformat


def _replying() -> str:
    rid = journey.new_request(types=("inzage",))
    journey.identify(rid, D("2026-02-04"))
    journey.answer_all(rid, D("2026-02-09"))
    journey.decide(rid, D("2026-02-11"), [{"type": "inzage", "outcome": "granted"}])
    return rid


def _reply(engine, rid) -> Letter:
    with Session(engine) as s:
        return s.exec(select(Letter).where(Letter.request_id == rid, Letter.reply.is_(True))).one()


def test_a_signatory_approves_unless_they_wrote_it_then_it_is_frozen_and_sent(loaded, monkeypatch):
    rid = _replying()
    day = D("2026-02-12")
    before = dump(loaded)
    with pytest.raises(ActionError, match="nog niet goedgekeurd"), session_scope() as s:
        send_replies(s, rid, TESTER, day)
    with pytest.raises(NotAllowed), session_scope() as s:
        approve_replies(s, rid, TESTER, day)  # a coordinator is no signatory
    same_person = Principal(id=TESTER.id, role=Role.signatory, all_regions=True)
    with pytest.raises(ActionError, match="vier ogen"), session_scope() as s:
        approve_replies(s, rid, same_person, day)  # TESTER recorded the decision
    assert dump(loaded) == before

    from models import region_config

    region = region_config.get_region("drenthe")
    no_four_eyes = region.model_copy(update={"signatory": region.signatory.model_copy(update={"four_eyes": False})})
    monkeypatch.setattr("models.actions.replies.get_region", lambda _id: no_four_eyes)
    with session_scope() as s:  # where the region has one person for both, they may
        approve_replies(s, rid, same_person, day)
    monkeypatch.undo()
    with session_scope() as s:
        withdraw_approval(s, rid, TESTER, day)
    assert _reply(loaded, rid).status == "draft"

    with session_scope() as s:
        approved = approve_replies(s, rid, SIGNATORY, day)
    letter = _reply(loaded, rid)
    assert letter.status == "approved" and letter.approved_by == "signatory:test-signatory"
    with pytest.raises(ActionError, match="goedgekeurd"), session_scope() as s:
        edit_letter_text(s, rid, LetterTextInput(letter_id=letter.id, intro_text="U belde ons."), TESTER, day)
    with session_scope() as s:
        assert approve_replies(s, rid, SIGNATORY, day).repeated  # a second click
        sent = send_replies(s, rid, TESTER, day)
    assert sent.ids == approved.ids and _reply(loaded, rid).status == "sent"


def test_free_text_is_escaped_plain_text_in_the_letter_never_html_or_a_template(loaded):
    rid = _replying()
    letter = _reply(loaded, rid)
    typed = "Naar aanleiding van ons gesprek: <b>vet</b> {{ 7*7 }} {% raw %}\n\nTweede alinea &amp; meer."
    with session_scope() as s:
        edit_letter_text(s, rid, LetterTextInput(letter_id=letter.id, intro_text=typed,
                                                 closing_text="Wij helpen u graag."), TESTER, D("2026-02-12"))
    html = _reply(loaded, rid).html
    assert "&lt;b&gt;vet&lt;/b&gt; {{ 7*7 }} {% raw %}</p>" in html and "<b>vet</b>" not in html and "49" not in html
    assert "<p>Tweede alinea &amp;amp; meer.</p>" in html
    assert html.index('id="free-intro"') < html.index('class="body"') < html.index('id="free-closing"')
    with session_scope() as s:  # a blank part is removed again
        edit_letter_text(s, rid, LetterTextInput(letter_id=letter.id, intro_text="  ", closing_text=None), TESTER,
                         D("2026-02-12"))
    assert 'id="free-intro"' not in _reply(loaded, rid).html
    with pytest.raises(ActionError, match="geen antwoord"), session_scope() as s:
        ack = s.exec(select(Letter).where(Letter.request_id == rid, Letter.kind == "ontvangstbevestiging")).one()
        edit_letter_text(s, rid, LetterTextInput(letter_id=ack.id, intro_text="U"), TESTER, D("2026-02-12"))


def test_a_submitted_answer_is_reopened_before_the_decision(loaded):
    rid = journey.new_request(types=("inzage",))
    journey.identify(rid, D("2026-02-04"))
    journey.answer_all(rid, D("2026-02-09"))
    with Session(loaded) as s:
        assert s.get(Request, rid).status == "deliberating"
    reason = "De partner noemde een verkeerd gegeven."
    with session_scope() as s:
        first = reopen_answer(s, rid, ReopenInput(partner="ggz-drenthe", reason=reason), TESTER, D("2026-02-10"))
    with session_scope() as s:
        assert reopen_answer(s, rid, ReopenInput(partner="ggz-drenthe", reason=reason), TESTER,
                             D("2026-02-10")).repeated
    journey.advance(rid, D("2026-02-10"))
    with Session(loaded) as s:
        request = s.get(Request, rid)
        task = s.get(ConsultationTask, first.ids[0])
        assert request.status == "consulting" and task.status == "open" and task.answered_on is None
        assert task.due_on > D("2026-02-17") and not s.exec(select(ItemAnswer).where(ItemAnswer.task_id == task.id)).all()
        assert request.sla_task_due == task.due_on  # the stored deadlines followed
    with pytest.raises(ActionError, match="niet beantwoord"), session_scope() as s:
        reopen_answer(s, rid, ReopenInput(partner="ggz-drenthe", reason="Een andere reden dan eerst."), TESTER,
                      D("2026-02-11"))
    from models.actions.answers import AnswerInput, record_answer

    with session_scope() as s:  # the partner answers the reopened task again
        own = journey.avg_registration_ids(rid)[1:]  # ggz-drenthe supplied the second item
        record_answer(s, rid, AnswerInput(partner="ggz-drenthe", answered_on=D("2026-02-11"), answered_by="c",
                                          items=[{"registration_id": i, "correct": True} for i in own]),
                      TESTER, D("2026-02-11"))
    journey.advance(rid, D("2026-02-11"))
    journey.decide(rid, D("2026-02-12"), [{"type": "inzage", "outcome": "granted"}])
    with pytest.raises(ActionError, match="al besloten"), session_scope() as s:
        reopen_answer(s, rid, ReopenInput(partner="gemeente-assen", reason=reason), TESTER, D("2026-02-12"))
