"""Issue 18 point 5: a letter to a representative (a parent or guardian as wettelijk
vertegenwoordiger, a lawyer as gemachtigde) addresses them in their capacity and speaks of the
betrokkene's data, in every letter kind; for a child of 12 to 16 the consultation asks the
partner to weigh the child's own interest (art. 41 lid 1 onder i UAVG), and the answer records it."""
import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from flows import scenario as sc
from flows.advance import advance_directly, sweep_directly
from models import portal
from models.actions.answers import AnswerInput, ItemAnswerInput, record_answer
from models.actions.common import ActionError
from models.actions.decisions import DeliberationInput, record_decision
from models.actions.identity import IdentityDoubtInput, record_identity_doubt
from models.actions.intake import RegistrationInput, RequestInput, add_registration, register_request
from models.db import session_scope
from models.enums import RequesterKind
from models.letters import KINDS
from models.letters.render import render_html
from models.letters.samples import sample_context
from models.letters.words import Words, age_on, weigh_child_interest
from models.tables import ConsultationTask, Letter, Request
from tests.legaltools import advance, identify, letters, text
from tests.principals import TESTER
from tests.readability import MAX_WORDS, readability, running_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))
TO_THE_REQUESTER = [k for k, kind in KINDS.items() if kind.recipient.value == "betrokkene"]
D = date.fromisoformat

#: What the templates say to the betrokkene themself, never to someone who acts for them.
SELF_PHRASES = [r"\buw gegevens\b", r"\bover u\b", r"\bdat u het (echt )?bent\b", r"\bvan u (komt|kwam)\b",
                r"\buw (bijzondere )?(persoonlijke )?situatie\b", r"\buw eigen verklaring\b", r"\buw gezondheid\b",
                r"\buw zaak\b", r"\buw dossier\b"]
CAPACITY = {"ouder": "als wettelijk vertegenwoordiger van Sanne de Vries",
            "advocaat": "als gemachtigde van mevrouw J. de Vries"}
ABOUT = {"ouder": "de gegevens over uw kind", "advocaat": "de gegevens over uw cliënt"}


@pytest.mark.parametrize("representative", ["ouder", "advocaat"])
@pytest.mark.parametrize("region_id", REGION_IDS)
@pytest.mark.parametrize("kind", TO_THE_REQUESTER)
def test_every_letter_to_a_representative_speaks_in_their_capacity(kind, region_id, representative, regions):
    html = render_html(kind, sample_context(kind, regions[region_id], representative))
    body = "\n".join(running_text(html))
    assert CAPACITY[representative] in body, kind
    assert ABOUT[representative] in body, kind
    for phrase in SELF_PHRASES:
        found = re.search(phrase, body)
        assert not found, f"{kind}: {found.group(0)!r} in {[b for b in body.splitlines() if found.group(0) in b]}"
    assert 'id="about"' in html  # "Betreft": whom the letter is about
    longest, sentence = readability(html).longest
    assert longest <= MAX_WORDS, sentence


@pytest.mark.parametrize("kind", TO_THE_REQUESTER)
def test_a_letter_to_the_betrokkene_themself_is_unchanged_in_form(kind, regions):
    html = render_html(kind, sample_context(kind, regions["utrecht"]))
    assert 'id="capacity"' not in html and 'id="about"' not in html
    assert "namens uw" not in text(html)


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_a_lawyer_is_not_asked_whether_it_is_really_them(region_id, regions):
    """The identity letters ask for the representative's identity and authority, and for the
    betrokkene's identity: never "dat u het echt bent"."""
    region = regions[region_id]
    invite = text(render_html("uitnodiging_identificatie", sample_context("uitnodiging_identificatie", region, "advocaat")))
    assert "dat u het echt bent" not in invite
    assert "zeker weten wie u bent en dat u namens uw cliënt mag optreden" in invite
    assert "De machtiging die uw cliënt heeft getekend." in invite
    assert "Het identiteitsbewijs van uw cliënt." in invite
    parent = text(render_html("uitnodiging_identificatie", sample_context("uitnodiging_identificatie", region, "ouder")))
    assert "gezag over uw kind" in parent and "Het identiteitsbewijs van uw kind" in parent
    receipt = text(render_html("ontvangstbevestiging", sample_context("ontvangstbevestiging", region, "advocaat")))
    assert "dat het verzoek van u komt" not in receipt
    assert "of u namens uw cliënt mag optreden, en om wie het gaat" in receipt
    lapse = text(render_html("buiten_behandeling", sample_context("buiten_behandeling", region, "advocaat")))
    assert "dat u het bent" not in lapse and "namens uw cliënt mag optreden" in lapse


def test_a_bezwaarschrift_of_a_representative_names_for_whom(regions):
    html = text(render_html("inzage_besluit", sample_context("inzage_besluit", regions["utrecht"], "ouder")))
    assert "dat u bezwaar maakt namens uw kind Sanne de Vries" in html
    assert "aan de rechtbank in het gebied waar uw kind woont" in html


def test_the_child_is_weighed_from_12_to_16_and_only_for_a_parent_or_guardian():
    assert age_on(date(2011, 9, 3), date(2026, 9, 2)) == 14 and age_on(date(2011, 9, 3), date(2026, 9, 3)) == 15
    parent = RequesterKind.wettelijk_vertegenwoordiger
    assert [weigh_child_interest(parent, a) for a in (11, 12, 15, 16)] == [False, True, True, False]
    assert not weigh_child_interest(parent, None)  # no birth date: the coordinator sees no age
    assert not weigh_child_interest(RequesterKind.advocaat, 14)
    assert Words(kind=parent, name="Sanne", age=14).weigh_child
    assert Words(kind=RequesterKind.curator, name="J. Jansen").gegevens == "de gegevens over J. Jansen"


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_the_consultation_asks_to_weigh_the_interest_of_a_child_of_14(region_id, regions):
    region = regions[region_id]
    child = render_html("consultatieverzoek", sample_context("consultatieverzoek", region, "ouder"))
    body = text(child)
    assert 'id="child-interest"' in child
    assert "De betrokkene is veertien jaar." in body
    assert "Weeg daarom het belang van het kind af" in body
    assert "artikel 41 lid 1 onder i UAVG" in body
    assert "de wettelijk vertegenwoordiger van de betrokkene" in body and 'Noem de betrokkene daarin "uw kind"' in body
    lawyer = render_html("consultatieverzoek", sample_context("consultatieverzoek", region, "advocaat"))
    assert 'id="child-interest"' not in lawyer and "de gemachtigde van de betrokkene" in text(lawyer)
    assert 'id="requester"' not in render_html("consultatieverzoek", sample_context("consultatieverzoek", region))


# ------------------------------------------------------------------ through the actions and steps

CHILD = {"bsn": "111222333", "name": "Fictief Kind", "birth_date": "2011-09-03",
         "address": "Voorbeeldstraat 1, 3000 AA Rotterdam"}
PARENT = {"kind": "wettelijk_vertegenwoordiger", "name": "Fictieve Ouder", "address": "Voorbeeldstraat 1, 3000 AA Rotterdam",
          "proof_of_authority": "uittreksel gezagsregister van 1 maart 2026"}


def _child_request(received: date) -> tuple[str, int]:
    with session_scope() as s:
        reg = add_registration(s, RegistrationInput(
            region="rotterdam-rijnmond", subject=CHILD, casus="ZVH-2026-0101", partner="ggz-antes",
            category="Gegevens over behandeling", description="Gesprekken met de jeugdbehandelaar sinds 2025.",
            supplied_on=D("2026-01-10")), TESTER, received)
        request = register_request(s, RequestInput(region="rotterdam-rijnmond", subject=CHILD, types=["inzage"],
                                                   received_on=received, representative=PARENT), TESTER, received)
        request_id = request.request_id
    advance(request_id, received)
    return request_id, reg.id


def _answer(request_id: str, reg_id: int, on: date, **extra) -> None:
    with session_scope() as s:
        record_answer(s, request_id, AnswerInput(
            partner="ggz-antes", answered_on=on, answered_by="jeugdbehandelaar",
            items=[ItemAnswerInput(registration_id=reg_id, correct=True)], **extra), TESTER, on)
    advance(request_id, on)


def test_a_parent_of_a_child_of_14_through_the_whole_request(loaded):
    request_id, reg_id = _child_request(D("2026-03-02"))
    with session_scope() as s:
        record_identity_doubt(s, request_id, IdentityDoubtInput(recorded_on=D("2026-03-02"), reason="vertegenwoordiger"),
                              TESTER, D("2026-03-02"))
    identify(request_id, "rotterdam-rijnmond", D("2026-03-04"))
    found = letters(request_id)
    for key in ("ack", "identity-invite", "deadline-after-identity"):
        body = text(found[key].html)
        assert "als wettelijk vertegenwoordiger van Fictief Kind" in body, key
        assert not re.search(r"\buw gegevens\b|\bover u\b|dat u het echt bent", body), key
    consult = text(found["consult:ggz-antes"].html)
    assert "De betrokkene is veertien jaar." in consult and "artikel 41 lid 1 onder i UAVG" in consult

    # The answer must weigh the child's own interest; it is kept, internal, with the task.
    with pytest.raises(ActionError, match="eigen belang van het kind"):
        _answer(request_id, reg_id, D("2026-03-06"))
    _answer(request_id, reg_id, D("2026-03-06"),
            child_interest="Het kind is bij de gesprekken geweest en weet dat de ouder inzage vraagt; geen bezwaar.")
    with session_scope() as s:
        task = s.exec(select(ConsultationTask).where(ConsultationTask.request_id == request_id)).one()
        assert task.child_interest.startswith("Het kind is bij de gesprekken geweest")
        view = portal.task_view(s, task, D("2026-03-06"))
        assert view.weigh_child and view.child_age == 14 and view.requester_capacity == "wettelijk vertegenwoordiger"
        assert view.child_interest == task.child_interest

    with session_scope() as s:
        record_decision(s, request_id, DeliberationInput(
            forum="casusoverleg", held_on=D("2026-03-09"), participants=["ggz-antes"],
            decisions=[{"type": "inzage", "outcome": "granted"}]), TESTER, D("2026-03-09"))
    advance(request_id, D("2026-03-09"))
    reply = letters(request_id)["reply:inzage"].html
    body = text(reply)
    assert "U deed dit verzoek als wettelijk vertegenwoordiger van Fictief Kind." in body
    assert "inzage in de gegevens die wij over uw kind hebben" in body
    assert "Kopie van de gegevens over uw kind" in body
    assert not re.search(r"\buw gegevens\b|\bover u\b", body)
    assert re.search(r"Betreft</th><td[^>]*>Fictief Kind, geboren op 3 september 2011", reply)
    with session_scope() as s:
        assert s.get(Request, request_id).requester_kind == "wettelijk_vertegenwoordiger"
        child_interest_in_letters = [l.kind for l in s.exec(select(Letter).where(Letter.request_id == request_id))
                                     if "Het kind is bij de gesprekken geweest" in l.html]
        assert child_interest_in_letters == []  # the weighing is internal: in no letter


def test_the_portal_refuses_an_answer_without_the_weighing_of_the_child(loaded):
    from models.partner_answers import AnswerForm, ItemForm, check_answer
    from models.region_config import get_region

    form = AnswerForm(answered_by="jeugdbehandelaar", items=[
        ItemForm(registration_id=1, supplied_by_us=True, correct=True, withhold=False)])
    region = get_region("rotterdam-rijnmond")
    assert [p.field for p in check_answer(form, [1], region, inzage=True, child=True)] == ["child_interest"]
    assert check_answer(form, [1], region, inzage=True, child=False) == []


def test_the_lawyer_example_writes_to_the_lawyer_about_the_client(loaded):
    """examples/utrecht-inzage-advocaat.json: every letter to the lawyer, the identity letters too."""
    scenario = sc.load(PROJECT_ROOT / "examples" / "utrecht-inzage-advocaat.json")
    view = sc.play(scenario, advance=advance_directly, sweep=sweep_directly)
    with session_scope() as s:
        rows = s.exec(select(Letter).where(Letter.request_id == view["id"])).all()
        to_lawyer = [r for r in rows if KINDS[r.kind].recipient.value == "betrokkene"]
        assert {r.kind for r in to_lawyer} >= {"ontvangstbevestiging", "uitnodiging_identificatie",
                                                "termijn_na_identificatie", "doorverwijzing_betrokkene", "inzage_besluit"}
        for row in to_lawyer:
            body = text(row.html)
            assert "U deed dit verzoek als gemachtigde van Fictieve Cliënt." in body, row.kind
            assert "mr. A. Voorbeeld" in row.html, row.kind
            for phrase in SELF_PHRASES:
                assert not re.search(phrase, body), (row.kind, phrase)
        forwarded = [r for r in rows if r.kind == "doorzending"]
        assert forwarded and all("mr. A. Voorbeeld, als gemachtigde van de betrokkene" in text(r.html)
                                 for r in forwarded)
        consult = [r for r in rows if r.kind == "consultatieverzoek"]
        assert consult and all("de gemachtigde van de betrokkene" in text(r.html) for r in consult)
        assert all('id="child-interest"' not in r.html for r in consult)


def test_the_parent_example_weighs_the_child_and_writes_to_the_father(loaded):
    """examples/drenthe-inzage-ouder-kind.json: a father asks for his daughter of 14."""
    scenario = sc.load(PROJECT_ROOT / "examples" / "drenthe-inzage-ouder-kind.json")
    view = sc.play(scenario, advance=advance_directly, sweep=sweep_directly)
    with session_scope() as s:
        rows = s.exec(select(Letter).where(Letter.request_id == view["id"])).all()
        consult = [text(r.html) for r in rows if r.kind == "consultatieverzoek"]
        assert len(consult) == 2 and all("De betrokkene is veertien jaar." in c for c in consult)
        tasks = s.exec(select(ConsultationTask).where(ConsultationTask.request_id == view["id"])).all()
        assert all(t.child_interest for t in tasks)
        reply = text(next(r for r in rows if r.kind == "inzage_besluit").html)
    assert "U deed dit verzoek als wettelijk vertegenwoordiger van Fictieve Dochter." in reply
    assert "Reden: de bescherming van uw kind, of de rechten en vrijheden van anderen." in reply
    assert "Dit verslag gaat over wat uw kind in vertrouwen heeft verteld." in reply
    assert "spanningen thuis" not in reply  # the partner's weighing is internal
    for phrase in SELF_PHRASES:
        assert not re.search(phrase, reply), phrase
