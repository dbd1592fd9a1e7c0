"""The coordinator's commands, one journey from registration to the closed request."""
import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.principals import TESTER

runner = CliRunner()


def _ok(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _show(reference: str, today: str) -> dict:
    return json.loads(_ok(["request", "show", reference, "--json", "--today", today]))


@pytest.mark.slow
def test_journey_on_the_command_line(loaded, prefect_harness, tmp_path):
    from models.actions.intake import RegistrationInput, SubjectInput, add_registration
    from models.db import session_scope
    from datetime import date

    subject = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldstraat 1, 9400 AA Assen"}
    with session_scope() as s:
        add_registration(s, RegistrationInput(region="drenthe", subject=SubjectInput(**subject), casus="C-1",
                                              partner="gemeente-assen", category="Wonen",
                                              description="Huurachterstand"), TESTER, date(2026, 3, 1))
    request = tmp_path / "verzoek.json"
    request.write_text(json.dumps({"region": "drenthe", "subject": subject, "types": ["inzage"],
                                   "received_on": "2026-03-02"}), encoding="utf-8")
    view = json.loads(_ok(["request", "register", str(request), "--today", "2026-03-02", "--json"]))
    ref = view["reference"]
    assert view["status"] == "awaiting_identity" and view["waits_for"] == "identity"
    # A letter: the clock runs until the coordinator records why the identity cannot yet be
    # established (AVG art. 12 lid 6); then it stands still and the invitation goes out.
    assert view["rights"][0]["deadlines"]["status"] != "suspended"
    assert [x["kind"] for x in view["letters"]] == ["ontvangstbevestiging"]
    _ok(["request", "identity-doubt", ref, "--reason", "geen_vergelijking", "--today", "2026-03-02"])
    view = _show(ref, "2026-03-02")
    assert view["rights"][0]["deadlines"]["status"] == "suspended"
    assert sorted(x["kind"] for x in view["letters"]) == ["ontvangstbevestiging", "uitnodiging_identificatie"]

    _ok(["request", "identity", ref, "--officer", "procesregisseur", "--document-type", "paspoort",
         "--last-digits", "1234", "--today", "2026-03-04"])
    view = _show(ref, "2026-03-04")
    assert view["status"] == "consulting" and view["consultations"][0]["partner"] == "gemeente-assen"
    assert view["rights"][0]["deadlines"]["suspended_days"] == 2

    answer = tmp_path / "antwoord.json"
    answer.write_text(json.dumps({
        "partner": "gemeente-assen", "answered_on": "2026-03-09", "answered_by": "contactpersoon",
        "items": [{"registration_id": 1, "supplied_by_us": True, "correct": True}],
    }), encoding="utf-8")
    # A wrong registration id is one line on stderr and changes nothing:
    bad = tmp_path / "fout.json"
    bad.write_text(answer.read_text().replace('"registration_id": 1', '"registration_id": 99'), encoding="utf-8")
    result = runner.invoke(app, ["request", "answer", ref, str(bad), "--today", "2026-03-09"])
    assert result.exit_code == 2 and result.stderr.startswith("fout: ") and len(result.stderr.splitlines()) == 1
    assert _show(ref, "2026-03-09")["consultations"][0]["status"] == "open"

    _ok(["request", "answer", ref, str(answer), "--today", "2026-03-09"])
    decision = tmp_path / "besluit.json"
    decision.write_text(json.dumps({"forum": "casusoverleg", "held_on": "2026-03-11",
                                    "participants": ["gemeente-assen"],
                                    "decisions": [{"type": "inzage", "outcome": "granted"}]}), encoding="utf-8")
    _ok(["request", "decide", ref, str(decision), "--today", "2026-03-11"])
    assert _show(ref, "2026-03-11")["waits_for"] == "sending"
    # Four eyes (Drenthe's default): the operator recorded the decision, so does not approve it;
    # a signatory does (here on paper, typed in by the operator), then the replies go out.
    refused = runner.invoke(app, ["request", "send", ref, "--today", "2026-03-12"])
    assert refused.exit_code == 2 and "nog niet goedgekeurd" in refused.stderr
    refused = runner.invoke(app, ["request", "approve", ref, "--today", "2026-03-12"])
    assert refused.exit_code == 2 and "vier ogen" in refused.stderr
    _signatory_account(loaded)
    _ok(["request", "approve", ref, "--signatory", "h.hoofd", "--today", "2026-03-12"])
    _ok(["request", "send", ref, "--today", "2026-03-12"])

    view = _show(ref, "2026-03-12")
    assert view["status"] == "closed"
    assert view["rights"][0]["deadlines"]["status"] == "done_on_time"
    kinds = sorted(x["kind"] for x in view["letters"])
    # issue 9: after the identity check the betrokkene is told the new date (termijn_na_identificatie)
    assert kinds == ["consultatieverzoek", "inzage_besluit", "ontvangstbevestiging", "termijn_na_identificatie",
                     "uitnodiging_identificatie"]
    assert view["audit_events"] >= 12


def _signatory_account(engine) -> None:
    from sqlmodel import Session

    from models.accounts import AccountInput, add_account
    from models.enums import Role
    from models.principal import Principal

    with Session(engine) as db:
        add_account(db, AccountInput(username="h.hoofd", role="signatory", regions=["drenthe"]), "een-lang-wachtwoord",
                    Principal(id="test", role=Role.administrator, all_regions=True))
        db.commit()
