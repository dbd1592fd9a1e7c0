"""``rechtenloket audit verify`` and ``audit export``: exit codes, one-line errors, the export."""
import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app
from models.principal import CLI
from models import anchor, audit
from models.actions.intake import RequestInput, register_request
from models.audit_export import ACTION_LABELS
from models.db import session_scope

runner = CliRunner()
SUBJECT = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldstraat 1, 8900 AA Leeuwarden"}


def _register() -> tuple[str, str]:
    data = {"region": "fryslan", "subject": SUBJECT, "types": ["inzage", "verzet"], "received_on": "2026-03-02"}
    with session_scope() as s:
        request = register_request(s, RequestInput.model_validate(data), CLI, date(2026, 3, 10))
        audit.record(s, "system:flow", "request.status", request.request_id, old="registered",
                     new="awaiting_identity")
        return request.reference, request.request_id


def _one_line(result, code: int, *words: str) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]
    return lines[0]


def _delete_last_event(engine) -> None:
    with engine.begin() as conn:
        audit.drop_append_only_triggers(conn)
        conn.execute(text("DELETE FROM auditevent WHERE seq = (SELECT MAX(seq) FROM auditevent)"))
        audit.create_append_only_triggers(conn)


def test_verify_an_intact_trail(loaded):
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Auditspoor in orde: 5 gebeurtenissen; laatste volgnummer 5;")
    assert str(anchor.anchor_file()) in result.stdout
    data = json.loads(runner.invoke(app, ["audit", "verify", "--json"]).stdout)
    assert data["intact"] is True and data["events"] == 5 and data["head"]["seq"] == 5 and data["problem"] is None


def test_verify_an_empty_trail(engine):
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "0 gebeurtenissen" in result.stdout


def test_verify_names_the_first_bad_event_and_exits_1(loaded):
    _delete_last_event(loaded)
    line = _one_line(runner.invoke(app, ["audit", "verify"]), 1, "auditspoor niet in orde",
                     "eindigt bij volgnummer 4", "verankert volgnummer 5")
    assert result_json_problem(["audit", "verify", "--json"])["seq"] == 5
    assert "regel" in line


def result_json_problem(args) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    return json.loads(result.stdout)["problem"]


def test_verify_with_a_wrong_key_is_a_setting_error(loaded, monkeypatch):
    from models import keys
    from models.settings import reset_settings

    keys.reset()
    with session_scope() as s:
        keys.ensure_verified(s.connection())  # the emptied keyring gets the session key again
    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", keys.generate_master_key())
    reset_settings()
    try:
        _one_line(runner.invoke(app, ["audit", "verify"]), 2, "RECHTENLOKET_SECRET_KEY", "past niet")
    finally:
        monkeypatch.undo()
        reset_settings()


def test_export_as_csv(loaded, tmp_path):
    reference, request_id = _register()
    out = tmp_path / "spoor.csv"
    result = runner.invoke(app, ["audit", "export", "--request", reference, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"2 gebeurtenissen van {reference} geschreven naar {out}; auditspoor in orde." in result.stdout
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter=";"))
    header = {r[0]: r[1] for r in rows if r[0].startswith("# ")}
    assert header["# Verzoek"] == reference and header["# Id"] == request_id
    assert header["# Controle auditspoor"].startswith("in orde: alle 7 gebeurtenissen")
    table = [r for r in rows if not r[0].startswith("# ")]
    assert table[0] == ["volgnummer", "tijd", "actor", "actie", "omschrijving", "details"]
    assert [r[3] for r in table[1:]] == ["request.registered", "request.status"]
    assert table[1][4] == "Verzoek geregistreerd" and table[2][5] == "new: awaiting_identity; old: registered"
    assert table[1][1].startswith("20") and table[1][1].endswith(("CET", "CEST"))
    text_ = out.read_text(encoding="utf-8")
    assert "111222333" not in text_ and "Fictief" not in text_ and "Voorbeeldstraat" not in text_


def test_export_as_html_and_markdown_by_id(loaded, tmp_path):
    reference, request_id = _register()
    out = tmp_path / "spoor.html"
    assert runner.invoke(app, ["audit", "export", "--request", request_id, "--out", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and f"Auditspoor van verzoek {reference}" in page
    assert "Verzoek geregistreerd" in page and 'class="ok"' in page
    shown = runner.invoke(app, ["audit", "export", "--request", reference])
    assert shown.exit_code == 0 and shown.stdout.startswith(f"# Auditspoor van verzoek {reference}")
    assert "| 6 | " in shown.stdout and "Status gewijzigd" in shown.stdout


def test_export_of_a_damaged_trail_says_so_and_exits_1(loaded, tmp_path):
    reference, _ = _register()
    _delete_last_event(loaded)
    out = tmp_path / "spoor.md"
    line = _one_line(runner.invoke(app, ["audit", "export", "--request", reference, "--out", str(out)]), 1,
                     "auditspoor niet in orde")
    assert "NIET in orde" in out.read_text(encoding="utf-8") and "eindigt bij volgnummer 6" in line


def test_export_errors_are_one_line_and_exit_2(loaded, tmp_path):
    reference, _ = _register()
    _one_line(runner.invoke(app, ["audit", "export", "--request", "ZVHF-2026-9999"]), 2, "onbekend verzoek")
    _one_line(runner.invoke(app, ["audit", "export", "--request", reference, "--out", str(tmp_path / "x.pdf")]), 2,
              ".pdf", ".csv")
    _one_line(runner.invoke(app, ["audit", "export", "--request", reference, "--out",
                                  str(tmp_path / "nergens" / "x.csv")]), 2, "kan", "niet schrijven")
    (tmp_path / "map.csv").mkdir()
    _one_line(runner.invoke(app, ["audit", "export", "--request", reference, "--out", str(tmp_path / "map.csv")]), 2,
              "niet schrijven")


def test_every_recorded_action_has_a_dutch_label(project_root):
    """A new action code in the code needs its label for the FG export."""
    import re

    used = set()
    for path in [*project_root.glob("models/**/*.py"), *project_root.glob("flows/**/*.py"),
                 *project_root.glob("web/**/*.py"), *project_root.glob("cli/**/*.py")]:
        source = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(?:audit\.record|_audit)\((.*?)\)", source, re.S):
            used.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
    assert len(used) >= 20
    assert used <= set(ACTION_LABELS), sorted(used - set(ACTION_LABELS))


@pytest.mark.slow
def test_the_sweep_publishes_the_head_and_verify_checks_it(engine, prefect_harness, monkeypatch):
    """The anchor outside our machine: a trail emptied together with the local anchor file
    looks like a new installation locally, but not next to the Prefect artifacts."""
    from flows.advance import sla_sweep
    from flows.anchor import artifact_key, published_anchors
    from models import keys
    from models.settings import reset_settings

    monkeypatch.setenv("RECHTENLOKET_SECRET_KEY", keys.generate_master_key())  # this test's own installation
    reset_settings()
    try:
        assert runner.invoke(app, ["init"]).exit_code == 0
        sla_sweep("2026-03-10")
        with session_scope() as s:
            head = audit.head(s)
        published = published_anchors()
        assert [(a.seq, a.hash) for a in published] == [head]
        assert published[0].origin == f"Prefect-artefact {artifact_key(keys.current().key_id)}"
        ok = runner.invoke(app, ["audit", "verify", "--prefect"])
        assert ok.exit_code == 0 and "Prefect-artefact audit-anchor-" in ok.stdout, ok.output

        with engine.begin() as conn:
            audit.drop_append_only_triggers(conn)
            conn.execute(text("DELETE FROM auditevent"))
            audit.create_append_only_triggers(conn)
        anchor.anchor_file().unlink()
        assert runner.invoke(app, ["audit", "verify"]).exit_code == 0  # nothing left to compare locally
        _one_line(runner.invoke(app, ["audit", "verify", "--prefect"]), 1, "alle gebeurtenissen zijn verwijderd",
                  "Prefect-artefact")
    finally:
        monkeypatch.undo()
        reset_settings()
