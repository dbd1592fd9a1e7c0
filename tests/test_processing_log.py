"""The processing log (issue 13): every read and change of a betrokkene's personal data is a
line in the form of Logius' "Logboek dataverwerkingen" (trace id, processing activity id,
pseudonymised subject id, principal, time, outcome), written with the change in one
transaction, chained and append-only, and exportable per betrokkene ("who looked at my
data")."""
import json
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import processing
from models.actions.identity import IdentityInput, record_identity
from models.principal import NotAllowed
from models.actions.intake import RequestInput, register_request
from models.db import session_scope
from models.enums import Role
from models.principal import Principal
from models.tables import DataSubject, ProcessingLogEntry, Request
from web.audit import record_view

runner = CliRunner()
BSN, OTHER_BSN = "111222333", "123456782"
TODAY = date(2026, 3, 10)
MANAGER = Principal(id="42", role=Role.manager, regions=frozenset({"fryslan"}))


def _register(bsn: str, name: str) -> str:
    data = {"region": "fryslan", "subject": {"bsn": bsn, "name": name, "address": "Voorbeeldstraat 1, 8900 AA Leeuwarden"},
            "types": ["inzage"], "received_on": "2026-03-02"}
    from tests.principals import TESTER

    with session_scope() as s:
        return register_request(s, RequestInput.model_validate(data), TESTER, TODAY).request_id


@pytest.fixture
def two_subjects(loaded):
    mine, other = _register(BSN, "Fictief Persoon"), _register(OTHER_BSN, "Ander Persoon")
    with session_scope() as s:
        record_view(s, MANAGER, "request", request_id=mine)
    return mine, other


def _rows(engine, request_id):
    with Session(engine) as s:
        return s.exec(select(ProcessingLogEntry).where(ProcessingLogEntry.request_id == request_id)
                      .order_by(ProcessingLogEntry.seq)).all()


def test_a_change_and_a_read_are_logged_in_the_fields_of_the_standard(two_subjects, loaded):
    mine, _ = two_subjects
    rows = _rows(loaded, mine)
    names = [r.name for r in rows]
    assert "wijzigen:register" in names and "inzien:request" in names
    with Session(loaded) as s:
        pseudonym = s.get(DataSubject, s.get(Request, mine).subject_id).row_uid
    view = next(r for r in rows if r.name == "inzien:request")
    assert view.principal == "manager:42" and view.data_subject_id == pseudonym
    assert view.processing_activity_id == processing.activity_id(processing.VIEW)
    ldv = processing.as_ldv(view)
    assert len(ldv["trace_id"]) == 32 and len(ldv["span_id"]) == 16 and ldv["parent_span_id"]
    assert ldv["status_code"] == "STATUS_CODE_OK" and ldv["end_time"] >= ldv["start_time"]
    assert ldv["attributes"]["dpl.core.data_subject_id"] == pseudonym
    # Nothing personal in a line: the pseudonym is a random id, not the BSN or the name.
    dumped = json.dumps([processing.as_ldv(r) for r in rows])
    assert BSN not in dumped and "Fictief" not in dumped


def test_a_refused_action_leaves_no_line_and_a_repeated_one_no_second(two_subjects, loaded):
    from tests.principals import TESTER

    mine, _ = two_subjects
    check = IdentityInput.model_validate({"checked_on": "2026-03-09", "method": "in_persoon", "document_type": "paspoort",
                                          "document_last_digits": "12AB", "officer": "A. Ambtenaar", "place": "Leeuwarden"})
    before = len(_rows(loaded, mine))
    with pytest.raises(NotAllowed):  # a manager records nothing
        with session_scope() as s:
            record_identity(s, mine, check, MANAGER, TODAY)
    assert len(_rows(loaded, mine)) == before
    for _ in range(2):
        with session_scope() as s:
            record_identity(s, mine, check, TESTER, TODAY)
    assert [r.name for r in _rows(loaded, mine)[before:]] == ["wijzigen:identity"]


def test_the_log_is_append_only_and_its_chain_is_checked(two_subjects, loaded):
    with pytest.raises((DBAPIError, IntegrityError)):
        with loaded.begin() as conn:
            conn.execute(text("UPDATE processinglog SET principal = 'manager:1' WHERE seq = 1"))
    with Session(loaded) as s:
        assert processing.check(s).intact
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Verwerkingenlogboek in orde" in result.output


def test_the_export_per_betrokkene_answers_who_looked_and_shows_no_one_else(two_subjects, loaded, tmp_path):
    mine, other = two_subjects
    out = tmp_path / "log.json"
    result = runner.invoke(app, ["audit", "verwerkingen", "--bsn-stdin", "--out", str(out)], input=BSN + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["chain_intact"] is True and data["standard"].startswith("Logboek dataverwerkingen")
    requests = {e["attributes"].get("dpl.rechtenloket.request_id") for e in data["entries"]}
    assert requests == {mine}  # not the other betrokkene's request
    assert {"manager:42", "coordinator:test"} <= {e["attributes"]["dpl.rechtenloket.principal"] for e in data["entries"]}
    assert BSN not in out.read_text()
    # The export itself was logged (the FG's review is a processing too).
    with Session(loaded) as s:
        assert s.exec(select(ProcessingLogEntry).where(ProcessingLogEntry.name == "inzien:verwerkingenlogboek")).one()
    md = runner.invoke(app, ["audit", "verwerkingen", "--request", mine])
    assert md.exit_code == 0 and "manager:42" in md.output and "bekeken" in md.output, md.output
    unknown = runner.invoke(app, ["audit", "verwerkingen", "--bsn-stdin"], input="999999990\n")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("fout: ")


def test_the_operator_reading_a_file_on_the_command_line_is_logged(two_subjects, loaded):
    mine, _ = two_subjects
    shown = runner.invoke(app, ["request", "show", mine, "--json", "--today", TODAY.isoformat()])
    assert shown.exit_code == 0, shown.output
    assert [r.principal for r in _rows(loaded, mine) if r.name == "inzien:verzoek.cli"] == ["coordinator:cli"]
