"""The FG's page of the processing log (issue 13): "who looked at this betrokkene's data", by
request reference or by BSN (posted, never in a URL), with the export as JSON (the content of
``rechtenloket audit verwerkingen``) and CSV. Each look is itself a line of the log. Who else
gets 403 is in the authorization matrix (tests/web/matrix.py)."""
import csv
import io
import json
from datetime import date

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app as cli
from models import processing
from models.tables import DataSubject, ProcessingLogEntry
from models.tables import Request as RequestRow
from tests import journey
from tests.web.helpers import csrf_of, login, make_account

BSN = journey.SUBJECT["bsn"]


@pytest.fixture
def fg(client, loaded):
    make_account(loaded, "f.fg", "auditor")
    assert login(client, "f.fg").status_code == 303
    return client


def _post(client, path: str, data: dict):
    token = csrf_of(client.get("/verwerkingenlogboek").text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_the_fg_finds_the_log_by_bsn_or_reference_and_downloads_it(fg, loaded, tmp_path):
    rid = journey.new_request(types=("inzage",), received=date(2026, 2, 2))
    with Session(loaded) as db:
        request = db.get(RequestRow, rid)
        reference, pseudonym = request.reference, db.get(DataSubject, request.subject_id).row_uid

    shown = _post(fg, "/verwerkingenlogboek", {"bsn": BSN})
    assert shown.status_code == 200, shown.text
    assert pseudonym in shown.text and BSN not in shown.text.replace(f'value="{BSN}"', "")
    assert "co\u00f6rdinator, account test" in shown.text and "vastgelegd of gewijzigd (register)" in shown.text
    assert processing.ACTIVITIES[processing.CHANGE] in shown.text and "gelukt" in shown.text
    by_reference = _post(fg, "/verwerkingenlogboek", {"reference": reference.lower()})
    assert by_reference.status_code == 200 and pseudonym in by_reference.text

    as_json = _post(fg, "/verwerkingenlogboek/export", {"format": "json", "betrokkene": pseudonym})
    assert as_json.status_code == 200 and as_json.headers["content-disposition"].startswith("attachment;")
    data = json.loads(as_json.text)
    assert data["data_subject_id"] == pseudonym and data["chain_intact"] is True
    # The same content as the command line's export (which came later: one look more).
    out = tmp_path / "log.json"
    cli_out = CliRunner().invoke(cli, ["audit", "verwerkingen", "--request", rid, "--out", str(out)])
    assert cli_out.exit_code == 0, cli_out.output
    from_cli = json.loads(out.read_text())["entries"]
    assert data["entries"] == from_cli[:len(data["entries"])] and len(from_cli) == len(data["entries"]) + 1
    as_csv = _post(fg, "/verwerkingenlogboek/export", {"format": "csv", "betrokkene": pseudonym})
    rows = list(csv.reader(io.StringIO(as_csv.text), delimiter=";"))
    assert rows[0][:3] == ["tijd", "rol", "account"] and len(rows) == len(data["entries"]) + 3  # header, the JSON and the CLI looks
    assert BSN not in as_csv.text and "Fictieve" not in as_csv.text

    # Every look was logged as a look at the processing log, by the FG.
    with Session(loaded) as db:
        looks = db.exec(select(ProcessingLogEntry).where(
            ProcessingLogEntry.processing_activity_id == processing.activity_id(processing.LOG_EXPORT),
            ProcessingLogEntry.principal.startswith("auditor:"))).all()
    assert [r.data_subject_id for r in looks] == [pseudonym] * 4


def test_a_wrong_or_foreign_betrokkene_is_not_found_and_nothing_is_logged(fg, loaded):
    journey.new_request(types=("inzage",), received=date(2026, 2, 2))
    fryslan = journey.new_request(types=("inzage",), received=date(2026, 2, 2), region="fryslan",
                                  subject={**journey.SUBJECT, "bsn": "111222333"}, registrations_=[])
    with Session(loaded) as db:
        other = db.get(RequestRow, fryslan).reference
    for form, field in [({"bsn": "123456789"}, "BSN"), ({"bsn": "111222333"}, "BSN"), ({"reference": other}, "kenmerk"),
                        ({}, "kenmerk"), ({"bsn": BSN, "reference": other}, "kenmerk")]:
        answer = _post(fg, "/verwerkingenlogboek", form)
        assert answer.status_code == 422 and "foutmeldingen" in answer.text and field in answer.text, form
    assert _post(fg, "/verwerkingenlogboek/export", {"format": "xml", "betrokkene": "x"}).status_code == 422
    with Session(loaded) as db:
        assert not db.exec(select(ProcessingLogEntry).where(
            ProcessingLogEntry.processing_activity_id == processing.activity_id(processing.LOG_EXPORT))).all()
