"""Issue 18 point 7: the retention of the request file is a decision of the partners (a region
setting with its source), lasts at least until every remedy period has run out, and a file is
held while a bezwaar, beroep, verzoekschrift or complaint about the request runs."""
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import retention
from models.actions.common import ActionError
from models.actions.replies import approve_replies, send_replies
from models.actions.retention import HoldInput, hold_file, release_file
from models.db import session_scope
from models.letters import contacts
from models.letters.render import DEMO_MARK, render_html, unverified_keys
from models.letters.samples import sample_context
from models.principal import NotAllowed
from models.tables import AuditEvent, Request
from tests import journey
from tests.principals import SIGNATORY, TESTER
from tests.readability import reference_lines

PROJECT_ROOT = Path(__file__).resolve().parent.parent
D = date.fromisoformat
runner = CliRunner()


# ------------------------------------------------------------------ the region setting


def test_every_region_cites_the_partners_decision_not_a_protocol_article(regions):
    for region in regions.values():
        r = region.retention
        assert r.decision == "unverified", region.id  # no source records the decision yet
        assert r.rule.article.startswith("voorstel, naar analogie van"), (region.id, r.rule.article)
        assert "besluit van de partners" in r.rule.note or "Regiokeuze" in r.rule.note, region.id


def test_utrecht_settles_one_year_against_its_dpia_five_years(regions):
    r = regions["utrecht"].retention
    assert r.request_file_years == 1
    assert "niet de 5 jaar van DPIA par. 10" in r.rule.note and "casusdossier" in r.rule.note
    doc = (PROJECT_ROOT / "docs" / "regions" / "utrecht.md").read_text(encoding="utf-8")
    assert "Retention of the request file (issue 18)" in doc and "must confirm" in doc


@pytest.mark.parametrize("region_id", ["drenthe", "fryslan", "hollands-midden", "rotterdam-rijnmond", "utrecht"])
def test_the_no_data_letter_names_the_decision_and_never_an_afschaling_article(region_id, regions):
    region = regions[region_id]
    html = render_html("geen_gegevens", sample_context("geen_gegevens", region))
    assert "Dat hebben de samenwerkende organisaties samen besloten." in html
    assert "Loopt er dan nog een bezwaar, een rechtszaak of een klacht over uw verzoek?" in html
    assert "retention.decision" in unverified_keys(html) and DEMO_MARK in html  # the source is not known
    assert not any("11.2" in line or "15.3" in line for line in reference_lines(html))
    assert "regio %s: retention.decision is nog niet bevestigd (unverified)" % region_id in \
        contacts.unsendable(region, ["geen_gegevens"])
    recorded = region.model_copy(update={"retention": region.retention.model_copy(
        update={"decision": "besluit van de Stuurgroep van 12 maart 2026"})})
    html = render_html("geen_gegevens", sample_context("geen_gegevens", recorded))
    assert "retention.decision" not in unverified_keys(html)
    assert "Regels: besluit van de Stuurgroep van 12 maart 2026." in html


# ------------------------------------------------------------------ the floor


def test_the_file_outlives_every_remedy_period():
    decided = D("2026-03-02")
    assert retention.remedies_end(decided) == decided + timedelta(weeks=7)  # six weeks and the post's week
    closed = D("2026-03-02")
    assert retention.delete_after_for(closed, 1, decided) == closed + relativedelta(years=1)
    # a decision later than the years would allow (a reply sent long after closing): the floor wins
    assert retention.delete_after_for(D("2025-01-01"), 1, D("2025-12-20")) == D("2026-02-07")
    assert retention.delete_after_for(closed, 1, None) == closed + relativedelta(years=1)


def _closed(rid_day=D("2026-02-12")) -> str:
    rid = journey.new_request(types=("inzage",))
    journey.identify(rid, D("2026-02-04"))
    journey.answer_all(rid, D("2026-02-09"))
    journey.decide(rid, D("2026-02-11"), [{"type": "inzage", "outcome": "granted"}])
    with session_scope() as s:
        approve_replies(s, rid, SIGNATORY, rid_day)
        send_replies(s, rid, TESTER, rid_day)
    journey.advance(rid, rid_day)
    with session_scope() as s:
        assert s.get(Request, rid).status == "closed"
    return rid


def test_closing_sets_the_period_with_its_floor(loaded):
    rid = _closed()
    with Session(loaded) as s:
        request = s.get(Request, rid)
        assert request.delete_after == retention.delete_after_for(request.closed_on, 1, request.closed_on)
        assert request.delete_after == request.closed_on + relativedelta(years=1)  # Drenthe: a year


# ------------------------------------------------------------------ holds


def test_a_held_file_is_not_erased_until_released_and_the_remedy_period_after_it(loaded):
    rid = _closed()
    with Session(loaded) as s:
        after = s.get(Request, rid).delete_after
    past = after + timedelta(days=1)
    with session_scope() as s:
        assert rid in retention.due_ids(s, past)
        hold_file(s, rid, HoldInput(reason="bezwaar"), TESTER, D("2026-03-01"))
    with session_scope() as s:
        assert rid not in retention.due_ids(s, past)
        with pytest.raises(retention.NotDue, match="vastgehouden sinds 2026-03-01 wegens een bezwaar"):
            retention.erase(s, rid, past)
        assert retention.hold_state(s, rid).active
    with pytest.raises(ActionError, match="al vastgehouden"), session_scope() as s:
        hold_file(s, rid, HoldInput(reason="bezwaar"), TESTER, D("2026-03-02"))
    released = after + timedelta(days=10)
    with session_scope() as s:
        release_file(s, rid, TESTER, released)
    with session_scope() as s:
        assert rid not in retention.due_ids(s, released + timedelta(weeks=7))  # a beroep may still come
        assert rid in retention.due_ids(s, released + timedelta(weeks=7, days=1))
    with session_scope() as s:  # the same release again (a second click) is recorded once
        assert release_file(s, rid, TESTER, released).repeated
    with pytest.raises(ActionError, match="niet vastgehouden"), session_scope() as s:
        release_file(s, rid, TESTER, released + timedelta(days=1))
    with Session(loaded) as s:  # the trail holds a code and a day, nothing personal
        details = [e.detail for e in s.exec(select(AuditEvent).where(
            AuditEvent.request_id == rid, AuditEvent.action.in_((retention.HOLD, retention.RELEASE))))]
    assert details == [{"reason": "bezwaar", "on": "2026-03-01"}, {"on": released.isoformat()}]


def test_only_the_coordinator_holds_a_file(loaded):
    rid = _closed()
    with pytest.raises(NotAllowed), session_scope() as s:
        hold_file(s, rid, HoldInput(reason="klacht"), SIGNATORY, D("2026-03-01"))
    with pytest.raises(ValueError), session_scope() as s:
        hold_file(s, rid, HoldInput(reason="ruzie"), TESTER, D("2026-03-01"))


def test_retention_hold_on_the_command_line(loaded):
    rid = _closed()
    with Session(loaded) as s:
        reference = s.get(Request, rid).reference
    result = runner.invoke(app, ["retention", "hold", reference, "--reden", "beroep", "--today", "2026-03-03"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["vastgehouden"] is True and "een beroep bij de rechter" in shown["toelichting"]
    bad = runner.invoke(app, ["retention", "hold", reference, "--reden", "ruzie", "--today", "2026-03-03"])
    assert bad.exit_code == 2 and bad.stderr.startswith("fout: ") and len(bad.stderr.splitlines()) == 1
    result = runner.invoke(app, ["retention", "release", reference, "--today", "2026-04-01"])
    assert result.exit_code == 0, result.output
    status = json.loads(runner.invoke(app, ["retention", "status", reference, "--today", "2026-04-02"]).stdout)
    assert status["vastgehouden"] is False and "bewaard tot en met 2026-05-20" in status["toelichting"]


def test_the_hold_events_have_their_dutch_label_for_the_fg():
    from models.audit_export import ACTION_LABELS

    assert retention.HOLD in ACTION_LABELS and retention.RELEASE in ACTION_LABELS
