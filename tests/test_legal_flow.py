"""Issue 9 through the real actions and steps, on the real database: the recipients log and
the AVG art. 19 notices, the verzet clock, the explanation for the betrokkene, the source of
an item, the refusal to send what cannot go out, the new date after identification."""
from datetime import date

import pytest
from pydantic import ValidationError
from sqlmodel import Session, func, select

from models.actions.answers import (
    AnswerInput,
    ExplanationInput,
    ItemAnswerInput,
    SourceInput,
    edit_explanation,
    establish_source,
    record_answer,
)
from models.actions.common import ActionError
from models.actions.disclosures import DisclosureInput, record_disclosure
from models.actions.replies import approve_replies, send_replies
from models.db import session_scope
from models.deadlines import ClockStatus
from models.letters.render import DEMO_MARK
from models.state import clocks
from models.tables import AuditEvent, Disclosure, ItemAnswer, Letter, OutboxMessage, Request, SourceTask
from tests.legaltools import advance, answer_all, decide, execute, identify, letters, start, text
from tests.principals import SIGNATORY, TESTER

D = date.fromisoformat
SUBJECT = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldstraat 1, 3000 AA Rotterdam"}


def _rotterdam_case(category_police="Politiegegevens: verdenking van mishandeling"):
    return [
        {"casus": "ZVH-2026-0001", "partner": "gemeente-rotterdam", "category": "Gegevens over wonen",
         "description": "Huurachterstand van drie maanden.", "supplied_on": D("2026-01-10")},
        {"casus": "ZVH-2026-0001", "partner": "ggz-antes", "category": "Gegevens over behandeling",
         "description": "In behandeling sinds 2025.", "supplied_on": D("2026-01-11")},
        {"casus": "ZVH-2026-0001", "partner": "politie-eenheid-rotterdam", "category": category_police,
         "description": "Aangifte door de buurman op 3 januari 2026.", "supplied_on": D("2026-01-12")},
        {"casus": "ZVH-2026-0001", "partner": "om-arrondissementsparket-rotterdam", "category": "Strafvorderlijke gegevens",
         "description": "Zaak geseponeerd.", "supplied_on": D("2026-01-13")},
    ]


def _send(request_id, on):
    with session_scope() as s:
        approve_replies(s, request_id, SIGNATORY, on)
        send_replies(s, request_id, TESTER, on)
    advance(request_id, on)


def test_art19_notices_go_to_every_recipient_police_and_om_included(loaded):
    request_id, ids = start("rotterdam-rijnmond", SUBJECT, _rotterdam_case(), ["correctie"], D("2026-03-02"))
    identify(request_id, "rotterdam-rijnmond", D("2026-03-03"))
    with Session(loaded) as s:
        logged = s.exec(select(Disclosure).where(Disclosure.registration_id == ids[0])).all()
        assert {d.recipient_key for d in logged} == {
            "ggz-antes", "politie-eenheid-rotterdam", "om-arrondissementsparket-rotterdam"}
        assert all(d.derived and d.how == "casusoverleg" for d in logged)
    answer_all(request_id, D("2026-03-05"), {ids[0]: {"correct": False, "correction": "Geen huurachterstand meer."}})
    decide(request_id, "rotterdam-rijnmond", D("2026-03-09"),
           [{"type": "correctie", "registration_id": ids[0], "outcome": "granted"}])
    execute(request_id, D("2026-03-10"), "correctie")
    found = letters(request_id)
    notices = sorted(k for k in found if k.startswith("art19:"))
    assert notices == ["art19:correctie:ggz-antes", "art19:correctie:om-arrondissementsparket-rotterdam",
                       "art19:correctie:politie-eenheid-rotterdam"]  # not the gemeente: it supplied it
    reply = text(found["reply:correctie"].html)
    for name in ("GGZ Antes", "Eenheid Rotterdam Politie", "Arrondissementsparket Rotterdam"):
        assert name in reply  # the betrokkene is told who was notified (AVG art. 19, second sentence)


def test_a_disclosure_to_a_third_party_is_notified_too(loaded):
    request_id, ids = start("rotterdam-rijnmond", SUBJECT, _rotterdam_case()[:1], ["verwijdering"], D("2026-03-02"))
    with session_scope() as s:
        record_disclosure(s, "rotterdam-rijnmond", DisclosureInput(
            registration_id=ids[0], name="Woonstichting Voorbeeld", address="Postbus 1, 3000 AA Rotterdam",
            disclosed_on=D("2026-02-01")), TESTER, D("2026-03-02"))
        with pytest.raises(ActionError, match="geen ontvanger"):
            record_disclosure(s, "rotterdam-rijnmond", DisclosureInput(
                registration_id=ids[0], partner="gemeente-rotterdam", disclosed_on=D("2026-02-01")),
                TESTER, D("2026-03-02"))
    identify(request_id, "rotterdam-rijnmond", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, "rotterdam-rijnmond", D("2026-03-09"),
           [{"type": "verwijdering", "registration_id": ids[0], "outcome": "granted"}])
    execute(request_id, D("2026-03-10"), "verwijdering")
    notice = next(v for k, v in letters(request_id).items() if k.startswith("art19:verwijdering:derde:"))
    assert "Woonstichting Voorbeeld" in notice.html and "Postbus 1" in notice.html


def test_a_granted_verzet_is_notified_as_erasure(loaded):
    request_id, ids = start("rotterdam-rijnmond", SUBJECT, _rotterdam_case(), ["verzet"], D("2026-03-02"),
                            statements={"verzet": "Ik ben verhuisd en heb geen hulp meer nodig."})
    identify(request_id, "rotterdam-rijnmond", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, "rotterdam-rijnmond", D("2026-03-09"), [{
        "type": "verzet", "outcome": "granted",
        "weighing": "U heeft geen hulp meer nodig en er zijn geen dwingende redenen om door te gaan."}])
    execute(request_id, D("2026-03-10"), "verzet")
    found = letters(request_id)
    notice = found["art19:verzet:politie-eenheid-rotterdam"]
    assert "verzet van deze persoon hebben toegewezen" in text(notice.html)
    reply = text(found["reply:verzet"].html)
    assert "Ik ben verhuisd en heb geen hulp meer nodig." in reply  # the situation as stated
    assert "geen dwingende redenen om door te gaan" in reply  # the weighing
    assert "Eenheid Rotterdam Politie" in reply  # who was told of the erasure


def test_verzet_with_only_police_data_closes_its_clock(loaded):
    subject = {**SUBJECT, "address": "Voorbeeldweg 2, 9400 AA Assen"}
    regs = [{"casus": "ZVHD-2026-0001", "partner": "politie-eenheid-noord-nederland",
             "category": "Politiegegevens", "description": "Melding.", "supplied_on": D("2026-01-05")}]
    request_id, _ = start("drenthe", subject, regs, ["verzet"], D("2026-03-02"))
    identify(request_id, "drenthe", D("2026-03-03"))
    with Session(loaded) as s:
        request = s.get(Request, request_id)
        assert request.status == "closed"
        clock = clocks(s, request, D("2026-06-01"))["verzet"]  # weeks later: still done, never overdue
        assert clock.status == ClockStatus.done_on_time and clock.open_milestones == ()
    notice = letters(request_id)["referral-notice"]
    assert 'id="remedy"' in notice.html  # the whole answer: a decision, with its remedies


def test_a_withheld_part_needs_an_explanation_for_the_betrokkene():
    with pytest.raises(ValidationError, match="uitleg voor de betrokkene"):
        ItemAnswerInput(registration_id=1, withhold=True, withhold_ground="e", note="intern")
    with pytest.raises(ValidationError, match="u-vorm"):
        ItemAnswerInput(registration_id=1, withhold=True, withhold_ground="e",
                        explanation="De betrokkene mag dit niet zien omdat de behandeling loopt.")
    ok = ItemAnswerInput(registration_id=1, withhold=True, withhold_ground="e",
                         explanation="U krijgt dit niet, omdat uw behandeling nog loopt.")
    assert ok.explanation.startswith("U krijgt")


def _inzage_until_replying(loaded, overrides_of):
    request_id, ids = start("rotterdam-rijnmond", SUBJECT, _rotterdam_case(), ["inzage"], D("2026-03-02"))
    identify(request_id, "rotterdam-rijnmond", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"), overrides_of(ids))
    decide(request_id, "rotterdam-rijnmond", D("2026-03-09"), [{"type": "inzage", "outcome": "granted"}])
    return request_id, ids


def _counts(engine):
    with Session(engine) as s:
        return (s.exec(select(func.count()).select_from(AuditEvent)).one(),
                s.exec(select(func.count()).select_from(OutboxMessage)).one(),
                tuple(sorted((x.key, x.status) for x in s.exec(select(Letter)))))


def test_the_inzage_reply_tells_categories_recipients_and_nothing_of_police_data(loaded):
    explanation = "Dit gegeven gaat over uw behandeling. U kunt het inzien bij uw behandelaar."
    request_id, ids = _inzage_until_replying(loaded, lambda ids: {ids[1]: {
        "withhold": True, "withhold_ground": "e", "explanation": explanation, "note": "intern: behandelaar vraagt dit"}})
    reply = text(letters(request_id)["reply:inzage"].html)
    assert reply.count("Geachte Fictief Persoon") == 1  # by name
    # b: every category, the withheld one too (special category), police only in general terms
    assert "Gegevens over behandeling (een bijzonder gegeven: over uw gezondheid)" in reply
    assert "Gegevens van de politie (een strafrechtelijk gegeven)" in reply
    assert "Gegevens van het Openbaar Ministerie" in reply
    assert "verdenking van mishandeling" not in reply and "Aangifte door de buurman" not in reply
    assert "Zaak geseponeerd" not in reply
    # c: the recipients from the log, police and OM included, and the ZVH staff
    section_c = reply[reply.index("c. Aan wie"):reply.index("d. Hoe lang")]
    for name in ("gemeente Rotterdam", "GGZ Antes", "Eenheid Rotterdam Politie", "Arrondissementsparket Rotterdam"):
        assert name in section_c
    assert "De medewerkers van het Zorg- en Veiligheidshuis Rotterdam-Rijnmond" in section_c
    # the withheld part: the explanation for the betrokkene, never the internal note
    assert explanation in reply and "intern: behandelaar" not in reply
    assert "artikel 41 lid 1 onder i UAVG" in reply


def test_a_reply_without_an_explanation_is_not_sent_until_the_coordinator_writes_it(loaded):
    request_id, ids = _inzage_until_replying(loaded, lambda ids: {ids[1]: {
        "withhold": True, "withhold_ground": "e", "explanation": "U krijgt dit nu niet, omdat uw behandeling loopt."}})
    with session_scope() as s:  # an answer stored before issue 9 had only the partner's note
        answer = s.exec(select(ItemAnswer).where(ItemAnswer.registration_id == ids[1])).one()
        answer.explanation = None
        s.add(answer)
    with session_scope() as s:
        from models.letters.replies import redate_drafts

        redate_drafts(s, s.get(Request, request_id), D("2026-03-10"), "test")
    assert "de uitleg voor u ontbreekt nog" in text(letters(request_id)["reply:inzage"].html)
    before = _counts(loaded)
    with pytest.raises(ActionError, match=f"gegeven {ids[1]} wordt achtergehouden zonder uitleg"), session_scope() as s:
        approve_replies(s, request_id, SIGNATORY, D("2026-03-11"))
    assert _counts(loaded) == before  # nothing written
    with session_scope() as s:
        edit_explanation(s, request_id, ExplanationInput(
            registration_id=ids[1], explanation="U krijgt dit deel nog niet, omdat uw behandelaar het eerst met u bespreekt."),
            TESTER, D("2026-03-11"))
    assert "uw behandelaar het eerst met u bespreekt" in text(letters(request_id)["reply:inzage"].html)
    _send(request_id, D("2026-03-11"))
    with Session(loaded) as s:
        assert s.get(Request, request_id).status == "closed"


def test_an_item_the_partner_did_not_supply_gets_its_true_source_first(loaded):
    request_id, ids = _inzage_until_replying(loaded, lambda ids: {ids[0]: {"supplied_by_us": False}})
    with Session(loaded) as s:
        task = s.exec(select(SourceTask).where(SourceTask.request_id == request_id)).one()
        assert task.registration_id == ids[0] and task.resolved_on is None
    reply = text(letters(request_id)["reply:inzage"].html)
    assert "de bron stellen wij nog vast" in reply
    before = _counts(loaded)
    with pytest.raises(ActionError, match="bron van gegeven"), session_scope() as s:
        approve_replies(s, request_id, SIGNATORY, D("2026-03-10"))
    assert _counts(loaded) == before
    with pytest.raises(ActionError, match="niet van hen komt"), session_scope() as s:
        establish_source(s, request_id, SourceInput(registration_id=ids[0], partner="gemeente-rotterdam"),
                         TESTER, D("2026-03-10"))
    with session_scope() as s:
        establish_source(s, request_id, SourceInput(registration_id=ids[0], partner="mee-rotterdam"),
                         TESTER, D("2026-03-10"))
    reply = letters(request_id)["reply:inzage"].html
    sources = reply[reply.index('id="item-g"'):reply.index('id="item-h"')]
    assert '<td class="source">MEE Rotterdam</td>' in sources
    assert '<td class="source">gemeente Rotterdam</td>' not in sources  # not attributed to it
    _send(request_id, D("2026-03-10"))


def test_outside_the_demo_a_reply_with_unverified_contacts_is_refused(loaded, request):
    request_id, _ = _inzage_until_replying(loaded, lambda ids: {})
    assert DEMO_MARK in letters(request_id)["reply:inzage"].html  # the demo marks it
    request.getfixturevalue("production")
    before = _counts(loaded)
    with pytest.raises(ActionError, match="regio rotterdam-rijnmond: letterhead.phone is nog niet bevestigd"), \
            session_scope() as s:
        approve_replies(s, request_id, SIGNATORY, D("2026-03-10"))
    assert _counts(loaded) == before


def test_after_identification_the_new_date_is_told(loaded):
    subject = {**SUBJECT, "address": "Voorbeeldlaan 3, 3500 AA Utrecht"}
    regs = [{"casus": "VHRU-2026-0001", "partner": "gemeente-utrecht", "category": "Gegevens over wonen",
             "description": "Melding.", "supplied_on": D("2026-01-05")}]
    # A letter with nothing to compare it with: the coordinator records that on receipt, so the
    # clock stands still from that day (AVG art. 12 lid 6; without a reason it runs on).
    request_id, _ = start("utrecht", subject, regs, ["inzage"], D("2026-03-02"), doubt="geen_vergelijking")
    ack = text(letters(request_id)["ack"].html)
    assert "30 maart 2026" in ack  # Mon 2 Mar + four weeks
    identify(request_id, "utrecht", D("2026-03-09"))
    notice = text(letters(request_id)["deadline-after-identity"].html)
    # seven days stood still: 30 March + 7 = Mon 6 April, tweede Paasdag -> Tue 7 April
    assert "De termijn heeft zeven dagen stilgestaan" in notice and "7 april 2026" in notice
    assert "In onze brief van 2 maart 2026" in notice


def test_rotterdam_inzage_answered_after_four_weeks_within_the_month_is_on_time(loaded):
    request_id, ids = start("rotterdam-rijnmond", SUBJECT, _rotterdam_case()[:2], ["inzage"], D("2026-03-05"))
    identify(request_id, "rotterdam-rijnmond", D("2026-03-05"))
    answer_all(request_id, D("2026-03-20"))
    decide(request_id, "rotterdam-rijnmond", D("2026-04-03"), [{"type": "inzage", "outcome": "granted"}])
    _send(request_id, D("2026-04-07"))  # four weeks ended Thu 2 April; the month on Tue 7 April
    with Session(loaded) as s:
        clock = clocks(s, s.get(Request, request_id), D("2026-04-07"))["inzage"]
        assert clock.status == ClockStatus.done_on_time and clock.protocol_met is True
        assert clock.protocol_article == "art. 18.2 Privacyprotocol"


def test_eigen_verklaring_outside_fryslan_is_added_and_notified(loaded):
    subject = {**SUBJECT, "address": "Voorbeeldlaan 3, 3500 AA Utrecht"}
    regs = [{"casus": "VHRU-2026-0002", "partner": "gemeente-utrecht", "category": "Oordeel over de woonsituatie",
             "description": "Betrokkene werkt niet mee.", "supplied_on": D("2026-01-05")},
            {"casus": "VHRU-2026-0002", "partner": "kwintes", "category": "Gegevens over begeleiding",
             "description": "Begeleiding loopt.", "supplied_on": D("2026-01-06")}]
    statement = "Ik heb wel meegewerkt: ik was op alle afspraken."
    request_id, ids = start("utrecht", subject, regs, ["eigen_verklaring"], D("2026-03-02"),
                            statements={"eigen_verklaring": statement})
    identify(request_id, "utrecht", D("2026-03-03"))
    answer_all(request_id, D("2026-03-05"))
    decide(request_id, "utrecht", D("2026-03-09"),
           [{"type": "eigen_verklaring", "registration_id": ids[0], "outcome": "granted"}])
    execute(request_id, D("2026-03-10"), "eigen_verklaring")  # the statement of the request itself
    found = letters(request_id)
    assert statement in text(found["art19:eigen_verklaring:kwintes"].html)
    reply = text(found["reply:eigen_verklaring"].html)
    assert "Wij behandelen uw verzoek als een verzoek om aanvulling" in reply
    assert "art. 16 AVG (aanvullende verklaring)" in reply
