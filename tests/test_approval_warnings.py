"""Issue 18 point 10: free text that names the police's or the OM's role, in a request whose
police or OM part was referred, shows a warning before approval: on the request page and on
stderr of ``request approve`` (the page: tests/web/test_approval_warnings_page.py). A warning
never blocks the approval."""
from datetime import date

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.actions.letters import LetterTextInput, edit_letter_text
from models.actions.replies import approve_replies
from models.db import session_scope
from models.letters.approval import blockers, role_words, warnings
from models.tables import Letter, Referral, Request
from tests import journey
from tests.principals import SIGNATORY, TESTER
from tests.web.helpers import make_account

D = date.fromisoformat
DAY = D("2026-02-12")
AVG_ONLY = [r for r in journey.REGISTRATIONS if not r[0].startswith("politie")]


def _replying(registrations=journey.REGISTRATIONS) -> str:
    rid = journey.new_request(types=("inzage",), registrations_=registrations)
    journey.identify(rid, D("2026-02-04"))
    journey.answer_all(rid, D("2026-02-09"))
    journey.decide(rid, D("2026-02-11"), [{"type": "inzage", "outcome": "granted"}])
    return rid


def _reply_id(rid: str) -> int:
    with session_scope() as s:
        return s.exec(select(Letter.id).where(Letter.request_id == rid, Letter.reply.is_(True))).one()


def _write(rid: str, intro: str) -> None:
    with session_scope() as s:
        edit_letter_text(s, rid, LetterTextInput(letter_id=_reply_id(rid), intro_text=intro), TESTER, DAY)


def _warnings(rid: str) -> list[str]:
    with session_scope() as s:
        return warnings(s, s.get(Request, rid))


@pytest.mark.parametrize("text, words", [
    ("De wijkagent heeft ons gebeld over de melding.", ["wijkagent"]),
    ("Naar aanleiding van de aangifte bij de politie.", ["aangifte", "politie"]),
    ("Het OM heeft de zaak geseponeerd.", ["geseponeerd", "OM"]),
    ("De officier van justitie besloot tot vervolging.", ["officier van justitie", "vervolging"]),
    ("Wij vroegen om uw toestemming en belden om tien uur.", []),  # "om" is Dutch
    ("Wij hebben uw adres verbeterd.", []),
])
def test_role_words(text, words):
    assert role_words(text) == words


def test_a_free_text_naming_the_police_warns_but_does_not_block(loaded):
    rid = _replying()
    with session_scope() as s:
        assert s.exec(select(Referral).where(Referral.request_id == rid)).first() is not None  # the police part
    assert _warnings(rid) == []
    _write(rid, "De wijkagent belde ons over uw verzoek.")
    found = _warnings(rid)
    assert len(found) == 1
    assert "de alinea na de aanhef van de brief 'Besluit op uw verzoek om inzage'" in found[0]
    assert "'wijkagent'" in found[0] and "noem niet wat zij over de betrokkene hebben of deden" in found[0]
    with session_scope() as s:
        assert not any("wijkagent" in b for b in blockers(s, s.get(Request, rid)))
        approved = approve_replies(s, rid, SIGNATORY, DAY)  # the warning does not stop it
    assert not approved.repeated


def test_without_a_referred_part_the_same_text_gives_no_warning(loaded):
    rid = _replying(AVG_ONLY)
    _write(rid, "De wijkagent belde ons over uw verzoek.")
    assert _warnings(rid) == []


def test_the_cli_prints_the_warning_on_stderr_and_approves(loaded):
    rid = _replying()
    _write(rid, "Het Openbaar Ministerie heeft ons hierover ingelicht.")
    make_account(loaded, "h.hoofd", role="signatory")
    with Session(loaded) as s:
        reference = s.get(Request, rid).reference
    result = CliRunner().invoke(app, ["request", "approve", reference, "--signatory", "h.hoofd",
                                      "--today", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "waarschuwing: Let op: de alinea na de aanhef" in result.stderr
    assert "'Openbaar Ministerie'" in result.stderr
    assert "waarschuwing" not in result.stdout
    with Session(loaded) as s:
        assert s.exec(select(Letter.status).where(Letter.id == _reply_id(rid))).one() == "approved"
