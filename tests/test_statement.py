"""Issue 18 point 6: the eigen verklaring (AVG art. 16, "een aanvullende verklaring") is added
unless there is a ground; "het gegeven is juist" is none, it is the very case the statement is
for. The coordinator splits the statement per item; each part is attached to its item, and a
recipient of the AVG art. 19 notice gets only the parts of the items it received, so health
details in one part do not reach every recipient."""
import re
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from models.actions.common import ActionError
from models.actions.decisions import DecisionInput, ExecutionInput, record_execution
from models.db import session_scope
from models.letters.render import render_html
from models.letters.samples import sample_context
from models.region_config import load_regions
from models.statement import STATEMENT_GROUNDS, rests_on_correctness
from models.tables import CaseRegistration
from tests.legaltools import advance, answer_all, decide, identify, letters, start, text
from tests.principals import TESTER

D = date.fromisoformat
CONFIG = Path(__file__).resolve().parent.parent / "config"
SUBJECT = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldlaan 3, 3500 AA Utrecht"}
U_FORM = "U schrijft over uw buurman. Wat u over hem zegt, hoort niet bij de gegevens over u in het dossier."


# ------------------------------------------------------------------ a refusal needs a ground


def test_a_refusal_without_a_ground_is_refused():
    with pytest.raises(ValidationError, match="ground ontbreekt"):
        DecisionInput(type="eigen_verklaring", outcome="refused", motivation=U_FORM)


@pytest.mark.parametrize("motivation", [
    "Het gegeven is juist. Daarom voegen wij uw verklaring niet toe.",
    "De organisatie vindt dat de tekst klopt, dus u krijgt geen verklaring erbij.",
    "Het oordeel van het wijkteam blijft gewoon juist; uw verklaring voegen wij niet toe.",
])
def test_the_data_being_correct_is_no_ground(motivation):
    assert rests_on_correctness(motivation)
    with pytest.raises(ValidationError, match="geen reden om een eigen verklaring te weigeren"):
        DecisionInput(type="eigen_verklaring", outcome="refused", ground="niet-over-gegevens", motivation=motivation)


def test_the_reason_is_written_to_the_betrokkene():
    with pytest.raises(ValidationError, match="u-vorm"):
        DecisionInput(type="eigen_verklaring", outcome="refused", ground="niet-over-gegevens",
                      motivation="De betrokkene schrijft over de buurman, niet over de eigen gegevens.")
    ok = DecisionInput(type="eigen_verklaring", outcome="refused", ground="niet-over-gegevens", motivation=U_FORM)
    assert ok.ground == "niet-over-gegevens"
    # a correction may still be refused because the data are correct: that is its ground
    DecisionInput(type="correctie", outcome="refused", motivation="Het gegeven is juist.")


def test_the_letter_refuses_a_refusal_without_a_ground():
    regions = load_regions(CONFIG)
    ctx = sample_context("besluit_correctie", regions["fryslan"])
    from models.letters import context as c

    with pytest.raises(ValidationError, match="grond"):
        c.BesluitCorrectieContext.model_validate({**dict(ctx), "request_type": "eigen_verklaring"})


def _two_casussen():
    """Item 0 (housing) in a casus with the housing corporation; item 1 (care: health) in a
    casus with another municipality. Each item has a different recipient."""
    return [
        {"casus": "VHRU-2026-0010", "partner": "gemeente-utrecht", "category": "Oordeel over de woonsituatie",
         "description": "Betrokkene werkt niet mee aan huisbezoeken.", "supplied_on": D("2026-01-05")},
        {"casus": "VHRU-2026-0010", "partner": "groenwest", "category": "Gegevens over huur",
         "description": "Huurachterstand van twee maanden.", "supplied_on": D("2026-01-05")},
        {"casus": "VHRU-2026-0011", "partner": "kwintes", "category": "Gegevens over begeleiding",
         "description": "Betrokkene komt afspraken niet na.", "supplied_on": D("2026-01-06")},
        {"casus": "VHRU-2026-0011", "partner": "gemeente-amersfoort", "category": "Melding",
         "description": "Melding van zorgen door de buurt.", "supplied_on": D("2026-01-06")},
    ]


HOUSING = "Ik heb wel meegewerkt: ik was bij elk huisbezoek thuis."
HEALTH = "Ik miste twee afspraken omdat ik toen in het ziekenhuis lag voor mijn hartklachten."


def _decided(statement: str | None = None):
    request_id, ids = start("utrecht", SUBJECT, _two_casussen(), ["eigen_verklaring"], D("2026-03-02"),
                            statements={"eigen_verklaring": statement or f"{HOUSING} {HEALTH}"})
    identify(request_id, "utrecht", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, "utrecht", D("2026-03-09"), [
        {"type": "eigen_verklaring", "registration_id": ids[0], "outcome": "granted"},
        {"type": "eigen_verklaring", "registration_id": ids[2], "outcome": "granted"},
        {"type": "eigen_verklaring", "registration_id": ids[1], "outcome": "refused", "ground": "niet-over-gegevens",
         "motivation": "Uw verklaring gaat niet over uw huur. Daarom voegen wij haar niet bij dit gegeven."},
    ])
    return request_id, ids


def _execute(request_id, **fields):
    with session_scope() as s:
        record_execution(s, request_id, ExecutionInput(type="eigen_verklaring", executed_on=D("2026-03-10"), **fields),
                         TESTER, D("2026-03-10"))
    advance(request_id, D("2026-03-10"))


def test_the_consultation_says_correct_data_are_no_reason_to_refuse(loaded):
    request_id, _ = _decided()
    consult = text(letters(request_id)["consult:gemeente-utrecht"].html)
    assert "Wij voegen haar dus ook toe als uw organisatie het gegeven juist vindt." in consult
    assert "Wat is uw besluit over de gevraagde eigen verklaring" not in consult


def test_a_statement_about_more_than_one_item_must_be_split(loaded):
    request_id, ids = _decided()
    with pytest.raises(ActionError, match="verdeel haar per gegeven"):
        _execute(request_id)  # the whole statement of the request, two granted items
    with pytest.raises(ActionError, match=f"bij gegeven {ids[2]} ontbreekt"):
        _execute(request_id, parts=[{"registration_id": ids[0], "statement": HOUSING}])
    with pytest.raises(ActionError, match="hoort niet bij een toegewezen"):
        _execute(request_id, parts=[{"registration_id": ids[0], "statement": HOUSING},
                                    {"registration_id": ids[2], "statement": HEALTH},
                                    {"registration_id": ids[1], "statement": "over de huur"}])
    with pytest.raises(ValidationError, match="niet beide"):
        ExecutionInput(type="eigen_verklaring", executed_on=D("2026-03-10"), statement=HOUSING,
                       parts=[{"registration_id": ids[0], "statement": HOUSING}])


def test_each_part_goes_to_its_item_and_each_recipient_gets_only_its_parts(loaded):
    request_id, ids = _decided()
    _execute(request_id, parts=[{"registration_id": ids[0], "statement": HOUSING},
                                {"registration_id": ids[2], "statement": HEALTH}])
    with session_scope() as s:
        attached = {i: s.get(CaseRegistration, i).eigen_verklaring for i in ids}
    assert attached == {ids[0]: HOUSING, ids[1]: None, ids[2]: HEALTH, ids[3]: None}

    found = letters(request_id)
    notices = {key.split(":")[-1]: text(letter.html) for key, letter in found.items()
               if key.startswith("art19:eigen_verklaring:")}
    # the housing corporation received the housing item only: no health details
    assert HOUSING in notices["groenwest"] and HEALTH not in notices["groenwest"]
    assert "hartklachten" not in notices["groenwest"]
    # the other municipality received the care item only
    assert HEALTH in notices["gemeente-amersfoort"] and HOUSING not in notices["gemeente-amersfoort"]
    # the supplier of the care item is never told of its own item, and received no housing item
    assert "kwintes" not in notices
    for body in notices.values():
        assert "besloten de eigen verklaring van deze persoon bij de gegevens te voegen" in body
        assert "besloten wij tot" not in body
        assert "U krijgt alleen het deel van de verklaring dat gaat over de gegevens die u van ons kreeg." in body

    reply = found["reply:eigen_verklaring"].html
    body = text(reply)
    parts = re.findall(r'<p class="quote statement-part">(.*?)</p>', reply, flags=re.S)
    assert [p.strip() for p in parts] == [HOUSING, HEALTH]
    assert "Reden: de verklaring gaat niet over de gegevens die in het dossier staan." in body
    assert "artikel 16 AVG" in body
    assert "Elke organisatie kreeg alleen het deel van de verklaring over de gegevens die zij van ons kreeg." in body


def test_one_granted_item_takes_the_whole_statement(loaded):
    regs = _two_casussen()[:2]
    request_id, ids = start("utrecht", SUBJECT, regs, ["eigen_verklaring"], D("2026-03-02"),
                            statements={"eigen_verklaring": HOUSING})
    identify(request_id, "utrecht", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, "utrecht", D("2026-03-09"),
           [{"type": "eigen_verklaring", "registration_id": ids[0], "outcome": "granted"}])
    _execute(request_id)
    with session_scope() as s:
        assert s.get(CaseRegistration, ids[0]).eigen_verklaring == HOUSING
    assert HOUSING in text(letters(request_id)["art19:eigen_verklaring:groenwest"].html)


def test_a_region_ground_of_article_41_uavg_is_a_ground_too(loaded):
    regs = _two_casussen()[:2]
    request_id, ids = start("utrecht", SUBJECT, regs, ["eigen_verklaring"], D("2026-03-02"),
                            statements={"eigen_verklaring": "Mijn buurman J. is degene die overlast geeft."})
    identify(request_id, "utrecht", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, "utrecht", D("2026-03-09"), [
        {"type": "eigen_verklaring", "registration_id": ids[0], "outcome": "refused", "ground": "rechten-van-anderen",
         "motivation": "In uw verklaring staan beschuldigingen over uw buurman. Die moeten wij beschermen."}])
    reply = text(letters(request_id)["reply:eigen_verklaring"].html)
    assert "Reden: uw eigen bescherming, of de rechten en vrijheden van anderen." in reply
    assert "artikel 41 lid 1 onder i UAVG" in reply


def test_no_broken_sentence_in_any_notice_kind():
    """"besloten wij tot eigen verklaring" and "verzoek om eigen verklaring" never appear."""
    regions = load_regions(CONFIG)
    from models.enums import RequestType
    from models.letters import context as c

    for region in regions.values():
        base = sample_context("kennisgeving_ontvangers", region)
        for rtype in c.ART19_TYPES:
            body = text(render_html("kennisgeving_ontvangers", base.model_copy(update={"request_type": rtype})))
            assert "besloten wij tot" not in body, rtype
        ack = sample_context("ontvangstbevestiging", region)
        types = [RequestType.eigen_verklaring]
        ack = c.OntvangstbevestigingContext.model_validate({**dict(ack), "request_types": types, "deadlines": [
            c.TypeDeadline(request_type=RequestType.eigen_verklaring, due=ack.deadlines[0].due)]})
        body = text(render_html("ontvangstbevestiging", ack))
        assert "verzoek om een eigen verklaring" in body and "verzoek om eigen verklaring" not in body


def test_the_statement_grounds_are_the_avg_own():
    assert {g.law for g in STATEMENT_GROUNDS.values()} == {"artikel 16 AVG", "artikel 12 lid 5 onder b AVG"}
