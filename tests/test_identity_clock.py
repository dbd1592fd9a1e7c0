"""The clock stops for the identity only where there is a reason (issue 18 point 3).

AVG art. 12 lid 6: the controller may ask for more to confirm the identity only where it
"redenen heeft om te twijfelen". So a request made in person at the desk (balie) is
identified at intake and its clock never stops; a letter or an e-mail keeps its clock running
until the coordinator records why the identity cannot yet be established: only then does
the clock stand still and does the invitation go out, with its term
(``deadlines.identity_working_days`` working days). A term that passes unused ends the
request with a reasoned decision and its remedy clause (buiten behandeling, Awb art. 4:5),
not with a silent lapse.

First the pure rules (models/identity.py, the deadline engine) without a database; then
the actions, the daily sweep, the command line and the workbench on a real database.
"""
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import identity as rules
from models.deadlines import ClockInput, ClockStatus, DeadlineError, Suspension, compute_clock
from models.enums import Channel, IdentityDoubt, RequestType
from models.holidays import DecreeDay
from tests import journey
from tests.dbdump import dump
from tests.principals import SIGNATORY, TESTER

D = date.fromisoformat
runner = CliRunner()


# ------------------------------------------------------------------ pure: no database


def test_only_a_balie_request_is_identified_at_intake():
    assert rules.may_suspend(Channel.balie) is False
    assert all(rules.may_suspend(c) for c in (Channel.brief, Channel.email, Channel.via_partner))


def test_the_explanation_is_cleaned_and_required_only_for_another_reason():
    assert rules.check_doubt(IdentityDoubt.geen_vergelijking, None) is None
    assert rules.check_doubt(IdentityDoubt.afwijkende_gegevens, "  naam \n anders  gespeld ") == "naam anders gespeld"
    with pytest.raises(rules.IdentityRuleError, match="verplicht bij reden 'anders'"):
        rules.check_doubt(IdentityDoubt.anders, None)
    with pytest.raises(rules.IdentityRuleError, match="ten minste 10 tekens"):
        rules.check_doubt(IdentityDoubt.anders, "  kort   ")
    with pytest.raises(rules.IdentityRuleError, match="ten hoogste 300 tekens"):
        rules.check_doubt(IdentityDoubt.vertegenwoordiger, "x" * 301)
    assert rules.check_doubt(IdentityDoubt.anders, "Uw handtekening wijkt af.") == "Uw handtekening wijkt af."


def test_the_reason_is_kept_in_the_clock_event_and_read_back():
    for reason in IdentityDoubt:
        assert rules.decode_reason(rules.encode_reason(reason, None)) == (reason, None)
    stored = rules.encode_reason(IdentityDoubt.anders, "Uw handtekening wijkt af: zie uw brief.")
    assert stored == "anders: Uw handtekening wijkt af: zie uw brief."
    assert rules.decode_reason(stored) == (IdentityDoubt.anders, "Uw handtekening wijkt af: zie uw brief.")
    # Before issue 18 the acknowledgement stopped every clock with this free reason:
    assert rules.decode_reason("wacht op identificatie") == (None, None)
    assert rules.decode_reason(None) == (None, None)


def test_the_letter_tells_the_reason_in_short_sentences():
    from tests.readability import MAX_WORDS, readability

    assert rules.reason_sentence(IdentityDoubt.anders, "Uw handtekening wijkt af.") == "Uw handtekening wijkt af."
    assert rules.reason_sentence(None, None) is None
    for reason in IdentityDoubt:
        assert reason in rules.DOUBT_LABELS
        if reason == IdentityDoubt.anders:
            continue
        sentence = rules.reason_sentence(reason, "interne toelichting")
        assert sentence == rules.DOUBT_SENTENCES[reason] and "interne toelichting" not in sentence
        longest = readability(f"<p>{sentence}</p>").longest
        assert longest[0] <= MAX_WORDS, longest


def test_the_term_counts_working_days_after_the_invitation():
    # Mon 2 Feb 2026 + 10 working days: 3,4,5,6 | 9..13 | Mon 16 February.
    assert rules.term_end(D("2026-02-02"), 10) == D("2026-02-16")
    # Thu 2 Apr 2026: Goede Vrijdag 3 Apr, the weekend, tweede Paasdag 6 Apr do not count;
    # 7,8,9,10 | 13..17 | Mon 20 April.
    assert rules.term_end(D("2026-04-02"), 10) == D("2026-04-20")
    # A decree day (Atw art. 3 lid 3) does not count either: Fri 6 Feb -> Tue 17 February.
    decree = (DecreeDay(D("2026-02-06"), "gelijkgestelde dag", "proef"),)
    assert rules.term_end(D("2026-02-02"), 10, decree) == D("2026-02-17")
    # Another region's term: 5 working days from Mon 2 Feb is Mon 9 February.
    assert rules.term_end(D("2026-02-02"), 5) == D("2026-02-09")


def test_the_term_passes_only_after_its_last_day():
    assert not rules.term_passed(D("2026-02-02"), D("2026-02-16"), 10)  # the last day: still in time
    assert rules.term_passed(D("2026-02-02"), D("2026-02-17"), 10)
    assert rules.lapse_date(D("2026-02-02"), 10) == D("2026-02-17")  # the clock runs again from here


def test_the_decision_goes_out_within_four_weeks_after_the_term():
    # Awb 4:5 lid 4: term ended Mon 16 Feb 2026; four weeks later is Mon 16 March.
    assert rules.decision_due(D("2026-02-02"), 10) == D("2026-03-16")
    # Term invited Thu 2 Apr ended Mon 20 Apr; + 4 weeks is Mon 18 May 2026 (a working day).
    assert rules.decision_due(D("2026-04-02"), 10) == D("2026-05-18")
    # Invited Wed 15 Apr 2026: 16,17 | 20..24 | Koningsdag Mon 27 Apr skipped, 28,29,30 -> Thu 30
    # April; four weeks on is Thu 28 May, a working day.
    assert rules.term_end(D("2026-04-15"), 10) == D("2026-04-30")
    assert rules.decision_due(D("2026-04-15"), 10) == D("2026-05-28")
    # Invited Fri 13 Nov 2026: the term ends Fri 27 Nov; four weeks on is Fri 25 Dec (eerste
    # Kerstdag), then tweede Kerstdag and Sunday: Mon 28 December (Atw art. 1).
    assert rules.term_end(D("2026-11-13"), 10) == D("2026-11-27")
    assert rules.decision_due(D("2026-11-13"), 10) == D("2026-12-28")


def _policy():
    from models.region_config import DeadlinePolicy, ProtocolPeriod, Rule

    rule = Rule(article="art. 18.2")
    return DeadlinePolicy(periods={t: ProtocolPeriod(weeks=4, rule=rule) for t in RequestType},
                          suspend_rule=rule, suspend_for_identity=True)


def test_the_deadline_engine_refuses_a_stopped_clock_for_a_balie_request():
    suspended = (Suspension(D("2026-03-02"), D("2026-03-09")),)
    kw = dict(received=D("2026-03-02"), request_type=RequestType.inzage, policy=_policy(), now=D("2026-03-10"))
    with pytest.raises(DeadlineError, match="balie"):
        compute_clock(ClockInput(suspensions=suspended, channel=Channel.balie, **kw))
    # A letter with a recorded reason: the seven days stood still are added (30 March + 7).
    letter = compute_clock(ClockInput(suspensions=suspended, channel=Channel.brief, **kw))
    assert letter.suspended_days == 7 and letter.protocol_due == D("2026-04-07")  # Mon 6 April: tweede Paasdag
    balie = compute_clock(ClockInput(channel=Channel.balie, **kw))
    assert balie.suspended_days == 0 and balie.protocol_due == D("2026-03-30")


def test_a_verzet_not_dealt_with_has_nothing_to_carry_out():
    from models.state import execution_needed

    for status in ("awaiting_identity", "replying", "closed"):
        assert execution_needed("verzet", "not_handled", True, status) is False


# ------------------------------------------------------------------ on a real database


def _state(engine, rid: str, day: date):
    from models.state import clocks
    from models.tables import ClockEvent, IdentityCheck, Letter, Request

    with Session(engine) as s:
        request = s.get(Request, rid)
        return {
            "status": request.status,
            "events": [(e.kind, e.on_date, e.reason) for e in s.exec(
                select(ClockEvent).where(ClockEvent.request_id == rid).order_by(ClockEvent.id))],
            "checked": s.exec(select(IdentityCheck).where(IdentityCheck.request_id == rid)).first() is not None,
            "letters": {x.key.split(":", 1)[1]: x for x in s.exec(select(Letter).where(Letter.request_id == rid))},
            "clock": clocks(s, request, day)["inzage"],
            "outcomes": sorted((r.type, r.outcome) for r in journey_rights(s, rid)),
            "reference": request.reference,
        }


def journey_rights(s, rid):
    from models.state import rights

    return rights(s, rid)


def _text(html: str) -> str:
    from tests.legaltools import text

    return text(html)


BALIE_IDENTITY = {"place": "ZVH Drenthe", "officer": "medewerker balie", "document_type": "paspoort",
                  "document_last_digits": "48"}


def _balie(received: date, identity=BALIE_IDENTITY, channel="balie") -> str:
    from models.actions.intake import RegistrationInput, RequestInput, SubjectInput, add_registration, register_request
    from models.db import session_scope

    with session_scope() as s:
        for partner, category, description in journey.REGISTRATIONS[:2]:
            add_registration(s, RegistrationInput(region="drenthe", subject=SubjectInput(**journey.SUBJECT),
                                                  casus="ZVHD-2025-0007", partner=partner, category=category,
                                                  description=description), TESTER, received)
        rid = register_request(s, RequestInput(region="drenthe", subject=journey.SUBJECT, types=["inzage"],
                                               received_on=received, channel=channel, identity=identity),
                               TESTER, received).request_id
    journey.advance(rid, received)
    return rid


def test_a_balie_request_is_identified_at_intake_and_its_clock_never_stops(loaded):
    from models.actions.common import ActionError
    from models.actions.identity import IdentityDoubtInput, identity_status, record_identity_doubt
    from models.db import session_scope
    from models.tables import Request

    rid = _balie(D("2026-03-02"))
    st = _state(loaded, rid, D("2026-03-02"))
    assert st["checked"] and st["events"] == [] and st["status"] == "consulting"  # routed at once
    assert st["clock"].suspended_days == 0 and st["clock"].status != ClockStatus.suspended
    assert st["clock"].protocol_due == D("2026-03-30")  # Mon 2 March + four weeks, never moved
    assert "identity-invite" not in st["letters"] and "deadline-after-identity" not in st["letters"]
    ack = _text(st["letters"]["ack"].html)
    assert "Horen wij niets van u?" not in ack
    # No reason can be recorded for it: refused, nothing written.
    before = dump(loaded)
    with pytest.raises(ActionError, match="aan de balie"), session_scope() as s:
        record_identity_doubt(s, rid, IdentityDoubtInput(reason="geen_vergelijking", recorded_on=D("2026-03-02")),
                              TESTER, D("2026-03-02"))
    assert dump(loaded) == before
    with Session(loaded) as s:
        status = identity_status(s, s.get(Request, rid), D("2026-03-02"))
        assert status.at_intake and status.verified and not status.may_doubt and not status.may_lapse


def test_the_identity_check_at_intake_is_for_the_balie_only(loaded):
    from models.actions.common import ActionError

    before = dump(loaded)
    with pytest.raises(ActionError, match="een verzoek aan de balie krijgt de identiteitscontrole bij de intake"):
        _balie(D("2026-03-02"), identity=None)
    with pytest.raises(ActionError, match="alleen een verzoek aan de balie"):
        _balie(D("2026-03-02"), channel="brief")
    with pytest.raises(ActionError, match="niet toegestaan"):
        _balie(D("2026-03-02"), identity={**BALIE_IDENTITY, "method": "digid"})
    assert dump(loaded) == before


def test_a_letter_request_runs_on_until_the_reason_is_recorded(loaded):
    from models.region_config import get_region

    rid = journey.new_request(types=("inzage",), received=D("2026-02-02"))
    st = _state(loaded, rid, D("2026-02-05"))
    assert st["status"] == "awaiting_identity" and st["events"] == [] and not st["checked"]
    assert st["clock"].status != ClockStatus.suspended and st["clock"].suspended_days == 0
    assert set(st["letters"]) == {"ack"}  # no invitation without a reason

    journey.doubt_identity(rid, D("2026-02-05"), "afwijkende_gegevens")
    st = _state(loaded, rid, D("2026-02-05"))
    assert st["events"] == [("suspend", D("2026-02-05"), "afwijkende_gegevens")]
    assert st["clock"].status == ClockStatus.suspended
    invite = _text(st["letters"]["identity-invite"].html)
    assert rules.DOUBT_SENTENCES[IdentityDoubt.afwijkende_gegevens] in invite
    days = get_region("drenthe").deadlines.identity_working_days
    # Thu 5 Feb + 10 working days: 6 | 9..13 | 16,17,18,19 -> Thu 19 February.
    assert days == 10 and rules.term_end(D("2026-02-05"), days) == D("2026-02-19")
    assert "Kom uiterlijk op 19 februari 2026" in invite
    assert "Vanaf de datum van deze brief staat de termijn voor ons antwoord stil" in invite
    assert "artikel 12 lid 6 AVG" in invite and "artikel 4:5 lid 1 Awb" in invite

    journey.identify(rid, D("2026-02-09"))
    st = _state(loaded, rid, D("2026-02-09"))
    assert [e[0] for e in st["events"]] == ["suspend", "resume"]
    assert st["clock"].suspended_days == 4  # 5 to 9 February stood still
    assert "deadline-after-identity" in st["letters"]


def test_another_reason_prints_the_coordinators_text_and_a_second_one_does_not_stop_the_clock_twice(loaded):
    rid = journey.new_request(types=("inzage",), received=D("2026-02-02"))
    journey.doubt_identity(rid, D("2026-02-02"), "anders", "Uw handtekening lijkt niet op die in uw eerdere brief.")
    st = _state(loaded, rid, D("2026-02-02"))
    assert "Uw handtekening lijkt niet op die in uw eerdere brief." in _text(st["letters"]["identity-invite"].html)

    journey.doubt_identity(rid, D("2026-02-10"), "vertegenwoordiger")  # a new invitation, a new term
    st = _state(loaded, rid, D("2026-02-12"))
    assert [e[0] for e in st["events"]] == ["suspend", "suspend"]
    assert st["clock"].suspended_days == 10  # from 2 February, once
    second = _text(st["letters"]["identity-invite:2"].html)
    assert "staat nog stil, sinds onze eerdere brief" in second
    assert "Kom uiterlijk op 24 februari 2026" in second  # Tue 10 Feb + 10 working days


def test_a_term_passed_unused_ends_with_a_reasoned_decision_and_its_remedy(loaded):
    from flows.advance import sweep_directly
    from models.actions.common import ActionError
    from models.actions.identity import IdentityInput, IdentityLapseInput, record_identity, record_identity_lapse
    from models.actions.replies import approve_replies, send_replies
    from models.db import session_scope

    rid = journey.new_request(types=("inzage", "verwijdering"), received=D("2026-02-02"), doubt="gevoelige_gegevens")
    # The last day of the term (Mon 16 February): nobody may end it yet, not the coordinator, not the sweep.
    before = dump(loaded)
    with pytest.raises(ActionError, match="loopt nog tot en met 2026-02-16"), session_scope() as s:
        record_identity_lapse(s, rid, IdentityLapseInput(recorded_on=D("2026-02-16")), TESTER, D("2026-02-16"))
    assert dump(loaded) == before
    sweep_directly("2026-02-16")
    assert _state(loaded, rid, D("2026-02-16"))["status"] == "awaiting_identity"
    assert [e[0] for e in _state(loaded, rid, D("2026-02-16"))["events"]] == ["suspend"]

    # The sweep of Wed 18 February finds the term passed: the clock ran again from Tue 17.
    sweep_directly("2026-02-18")
    st = _state(loaded, rid, D("2026-02-18"))
    assert st["events"][-1][:2] == ("no_identity", D("2026-02-17"))
    assert st["status"] == "replying"
    assert st["outcomes"] == [("inzage", "not_handled"), ("verwijdering", "not_handled")]
    assert st["clock"].suspended_days == 15  # 2 to 17 February
    letter = st["letters"]["reply:buiten_behandeling"]
    assert letter.kind == "buiten_behandeling" and letter.status == "draft"
    body = _text(letter.html)
    assert "Wij behandelen uw verzoek niet" in body
    assert "In onze brief van 2 februari 2026" in body and "uiterlijk op 16 februari 2026" in body
    assert rules.DOUBT_SENTENCES[IdentityDoubt.gevoelige_gegevens] in body
    # Drenthe's partners include bestuursorganen: a decision not to deal with the
    # application (Awb 4:5 lid 1), with its remedy clause.
    assert "artikel 4:5 lid 1 Awb" in body and "bezwaar" in body.lower()
    assert "altijd een nieuw verzoek doen" in body

    # Once lapsed, a late identity check is refused (a new request is the way), nothing written.
    before = dump(loaded)
    with pytest.raises(ActionError, match="verstreken"), session_scope() as s:
        record_identity(s, rid, IdentityInput(method="in_persoon", place="ZVH Drenthe", checked_on=D("2026-02-18"),
                                              officer="procesregisseur", document_type="paspoort",
                                              document_last_digits="12"), TESTER, D("2026-02-18"))
    assert dump(loaded) == before

    with session_scope() as s:
        approve_replies(s, rid, SIGNATORY, D("2026-02-19"))
        send_replies(s, rid, TESTER, D("2026-02-19"))
    journey.advance(rid, D("2026-02-19"))
    st = _state(loaded, rid, D("2026-02-19"))
    assert st["status"] == "closed" and st["letters"]["reply:buiten_behandeling"].status == "sent"
    assert st["outcomes"] == [("inzage", "not_handled"), ("verwijdering", "not_handled")]
    assert st["clock"].status == ClockStatus.done_on_time
    # The annual report counts them as what they are, not as open or lost.
    from models.statistics import Period, statistics

    with Session(loaded) as s:
        stats = statistics(s, Period.year(2026))
    assert stats.per_outcome == {"not_handled": 2} and stats.completed == 1


def test_a_clock_stopped_before_issue_18_is_left_to_the_coordinator(loaded):
    """Before issue 18 every acknowledgement stopped the clock with a free reason. The sweep
    does not end such a request by itself (nobody recorded a reason to doubt); the
    coordinator can, once the term of that invitation has passed."""
    from flows.advance import sweep_directly
    from models.actions.identity import IdentityLapseInput, record_identity_lapse
    from models.db import session_scope
    from models.tables import ClockEvent

    rid = journey.new_request(types=("inzage",), received=D("2026-02-02"))
    with session_scope() as s:  # the row the old acknowledgement wrote
        s.add(ClockEvent(request_id=rid, kind="suspend", on_date=D("2026-02-02"), reason="wacht op identificatie",
                         recorded_by="system:flow"))
    sweep_directly("2026-02-20")
    assert [e[0] for e in _state(loaded, rid, D("2026-02-20"))["events"]] == ["suspend"]
    with session_scope() as s:
        record_identity_lapse(s, rid, IdentityLapseInput(recorded_on=D("2026-02-20")), TESTER, D("2026-02-20"))
    journey.advance(rid, D("2026-02-20"))
    st = _state(loaded, rid, D("2026-02-20"))
    assert st["events"][-1][:2] == ("no_identity", D("2026-02-17"))  # the day after that term, as the sweep's
    assert st["status"] == "replying"
    assert "Uit uw verzoek alleen konden wij niet opmaken dat het van u komt." in \
        _text(st["letters"]["reply:buiten_behandeling"].html)


# ------------------------------------------------------------------ the command line


def _cli(*args):
    return runner.invoke(app, list(args))


def test_the_commands_record_the_reason_and_the_lapse(loaded, tmp_path):
    rid = journey.new_request(types=("inzage",), received=D("2026-02-02"))
    ref = _state(loaded, rid, D("2026-02-02"))["reference"]
    explanation = tmp_path / "toelichting.txt"
    explanation.write_text("Uw handtekening lijkt niet op die in uw eerdere brief.\n", encoding="utf-8")
    done = _cli("request", "identity-doubt", ref, "--reason", "anders", "--explanation-file", str(explanation),
                "--on", "2026-02-03", "--today", "2026-02-04")
    assert done.exit_code == 0, done.output
    st = _state(loaded, rid, D("2026-02-04"))
    assert st["events"] == [("suspend", D("2026-02-03"),
                             "anders: Uw handtekening lijkt niet op die in uw eerdere brief.")]
    assert "Uw handtekening lijkt niet op die" in _text(st["letters"]["identity-invite"].html)
    assert st["clock"].status == ClockStatus.suspended

    # The same command again records nothing twice.
    again = _cli("request", "identity-doubt", ref, "--reason", "anders", "--explanation-file", str(explanation),
                 "--on", "2026-02-03", "--today", "2026-02-04")
    assert again.exit_code == 0 and "al vastgelegd" in again.stderr
    assert len(_state(loaded, rid, D("2026-02-04"))["events"]) == 1

    # Tue 3 Feb + 10 working days = Tue 17 February; on that day the command refuses.
    before = dump(loaded)
    early = _cli("request", "identity-lapse", ref, "--today", "2026-02-17")
    assert early.exit_code == 2 and early.stderr.startswith("fout: ") and "2026-02-17" in early.stderr
    assert dump(loaded) == before
    late = _cli("request", "identity-lapse", ref, "--today", "2026-02-18")
    assert late.exit_code == 0, late.output
    st = _state(loaded, rid, D("2026-02-18"))
    assert st["events"][-1][:2] == ("no_identity", D("2026-02-18"))
    assert st["status"] == "replying" and st["letters"]["reply:buiten_behandeling"].status == "draft"
    assert late.stdout.startswith(f"{st['reference']} (drenthe): replying, wacht op: sending")


def test_a_balie_request_refuses_the_command_and_nothing_changes(loaded):
    rid = _balie(D("2026-03-02"))
    ref = _state(loaded, rid, D("2026-03-02"))["reference"]
    before = dump(loaded)
    result = _cli("request", "identity-doubt", ref, "--reason", "geen_vergelijking", "--today", "2026-03-03")
    assert result.exit_code == 2 and "aan de balie" in result.stderr and len(result.stderr.splitlines()) == 1
    result = _cli("request", "identity-lapse", ref, "--today", "2026-03-03")
    assert result.exit_code == 2 and "wacht niet op identificatie" in result.stderr
    assert dump(loaded) == before


# ------------------------------------------------------------------ the workbench


@pytest.fixture
def coordinator(loaded):
    from fastapi.testclient import TestClient

    from tests.web.helpers import login, make_account, plain_http_settings
    from web.app import create_app

    web = create_app(plain_http_settings())
    make_account(loaded, "id.coord")
    with TestClient(web, base_url="http://testserver") as client:
        assert login(client, "id.coord").status_code == 303
        client.day = D("2026-02-04")
        web.state.clock = lambda: client.day
        yield client


def _post(client, path: str, data: dict):
    from tests.web.helpers import csrf_of

    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_the_coordinator_records_the_reason_and_the_lapse_on_the_workbench(coordinator, loaded):
    rid = journey.new_request(types=("inzage",), received=D("2026-02-02"))
    page = coordinator.get(f"/verzoeken/{rid}").text
    assert "Identiteit nog niet vast te stellen: reden vastleggen" in page and "De termijn loopt" in page
    form = f"/verzoeken/{rid}/identiteit-reden"
    shown = coordinator.get(form).text
    assert "artikel 12 lid 6 AVG" in shown and "10 werkdagen" in shown
    assert all(label in shown for label in rules.DOUBT_LABELS.values())

    # Bad input: the error next to the field, nothing written.
    before = dump(loaded)
    bad = _post(coordinator, form, {"reason": "anders", "explanation": "", "recorded_on": "2026-02-04"})
    assert bad.status_code == 422 and "foutmeldingen" in bad.text
    assert 'id="veld-explanation-fout"' in bad.text and "Verplicht bij reden" in bad.text  # next to its field
    unknown = _post(coordinator, form, {"reason": "twijfel", "recorded_on": "2026-02-04"})
    assert unknown.status_code == 422
    future = _post(coordinator, form, {"reason": "geen_vergelijking", "recorded_on": "2026-02-05"})
    assert future.status_code == 422 and "in de toekomst" in future.text
    lapse = f"/verzoeken/{rid}/identiteit-verlopen"
    refused = _post(coordinator, lapse, {})
    assert refused.status_code == 422 and "leg eerst de reden vast" in refused.text
    assert dump(loaded) == before

    done = _post(coordinator, form, {"reason": "geen_vergelijking", "explanation": "", "recorded_on": "2026-02-04"})
    assert done.status_code == 303 and done.headers["location"] == f"/verzoeken/{rid}?gedaan=identiteit-reden"
    st = _state(loaded, rid, D("2026-02-04"))
    assert st["events"] == [("suspend", D("2026-02-04"), "geen_vergelijking")]
    assert "identity-invite" in st["letters"]
    page = coordinator.get(done.headers["location"]).text
    assert "De uitnodiging om langs te komen is verstuurd" in page
    assert "langskomen uiterlijk op 18-02-2026" in page  # Wed 4 Feb + 10 working days
    assert "Termijn van de uitnodiging verstreken: vastleggen" not in page
    assert "nog tot en met 18-02-2026" in coordinator.get(lapse).text

    coordinator.day = D("2026-02-19")
    page = coordinator.get(f"/verzoeken/{rid}").text
    assert "Termijn van de uitnodiging verstreken: vastleggen" in page
    assert "artikel 4:5 Awb" in coordinator.get(lapse).text
    ended = _post(coordinator, lapse, {})
    assert ended.status_code == 303 and ended.headers["location"] == f"/verzoeken/{rid}?gedaan=identiteit-verlopen"
    st = _state(loaded, rid, D("2026-02-19"))
    assert st["events"][-1][:2] == ("no_identity", D("2026-02-19"))
    assert st["status"] == "replying" and st["letters"]["reply:buiten_behandeling"].status == "draft"
    page = coordinator.get(ended.headers["location"]).text
    assert "staat klaar als concept" in page and "ongebruikt verstreken" in page
    assert "Verstuur dat besluit uiterlijk op 18-03-2026 (artikel 4:5 lid 4 Awb)" in page  # Wed 18 Feb + 4 weeks
    assert "niet behandeld: identiteit niet vastgesteld" in page  # the outcome of the right, in words
    assert "reden vastleggen" not in page.lower()


def test_the_workbench_refuses_a_reason_for_a_balie_request(coordinator, loaded):
    rid = _balie(D("2026-02-02"))
    page = coordinator.get(f"/verzoeken/{rid}").text
    assert "bij de intake aan de balie" in page and "reden vastleggen" not in page.lower()
    assert "aan de balie gedaan" in coordinator.get(f"/verzoeken/{rid}/identiteit-reden").text
    before = dump(loaded)
    refused = _post(coordinator, f"/verzoeken/{rid}/identiteit-reden",
                    {"reason": "geen_vergelijking", "recorded_on": "2026-02-04"})
    assert refused.status_code == 422 and "aan de balie" in refused.text
    assert dump(loaded) == before


def _register_form(**changes) -> dict:
    data = {"region": "drenthe", "received_on": "2026-02-04", "channel": "balie", "types": "inzage",
            "subject.name": "Fictieve Tester", "subject.bsn": journey.SUBJECT["bsn"],
            "subject.address": journey.SUBJECT["address"], "identity.place": "ZVH Drenthe",
            "identity.officer": "medewerker balie", "identity.document_type": "identiteitskaart",
            "identity.document_last_digits": "3f7k"}
    return {**data, **changes}


def test_a_balie_request_registered_on_the_workbench_is_identified_at_intake(coordinator, loaded):
    from models.tables import IdentityCheck, Request

    before = dump(loaded)
    missing = _post(coordinator, "/verzoeken-nieuw", _register_form(**{"identity.officer": "",
                                                                       "identity.document_type": "",
                                                                       "identity.document_last_digits": ""}))
    assert missing.status_code == 422 and 'id="veld-identity-officer-fout"' in missing.text
    wrong_channel = _post(coordinator, "/verzoeken-nieuw", _register_form(channel="brief"))
    assert wrong_channel.status_code == 422 and "alleen een verzoek aan de balie" in wrong_channel.text
    assert dump(loaded) == before

    done = _post(coordinator, "/verzoeken-nieuw", _register_form())
    assert done.status_code == 303, done.text
    with Session(loaded) as s:
        request = s.exec(select(Request)).one()
        check = s.exec(select(IdentityCheck).where(IdentityCheck.request_id == request.id)).one()
        assert (request.channel, check.checked_on, check.method, check.document_last_digits) == \
               ("balie", D("2026-02-04"), "in_persoon", "3F7K")
    st = _state(loaded, request.id, D("2026-02-04"))
    assert st["events"] == [] and "identity-invite" not in st["letters"]
    # A letter registered with the identity fields left empty: no check, the clock runs.
    letter = _post(coordinator, "/verzoeken-nieuw", _register_form(
        channel="brief", **{"subject.bsn": "111222333", "identity.officer": "", "identity.document_type": "",
                            "identity.document_last_digits": ""}))
    assert letter.status_code == 303
    with Session(loaded) as s:
        assert len(s.exec(select(IdentityCheck)).all()) == 1
