"""``init``, ``regions`` and ``partners``: output, idempotence and one-line errors."""
import json
import shutil

import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.tables import AuditEvent, Partner, Region

runner = CliRunner()


def test_init_loads_every_region_and_is_idempotent(engine):
    first = runner.invoke(app, ["init", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["regions"] == 5 and summary["partners_added"] > 150
    with Session(engine) as s:
        assert len(s.exec(select(Region)).all()) == 5
        partners = len(s.exec(select(Partner)).all())
        events = len(s.exec(select(AuditEvent)).all())
    again = json.loads(runner.invoke(app, ["init", "--json"]).stdout)
    assert again["regions"] == 0 and again["partners_added"] == 0
    with Session(engine) as s:
        assert len(s.exec(select(Partner)).all()) == partners
        assert len(s.exec(select(AuditEvent)).all()) == events


def test_a_partner_that_left_is_deactivated_not_deleted(engine, tmp_path, monkeypatch, project_root):
    from models.settings import reset_settings

    assert runner.invoke(app, ["init"]).exit_code == 0
    config = tmp_path / "config"
    shutil.copytree(project_root / "config", config)
    path = config / "regions" / "drenthe.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    gone = data["partners"].pop(0)["slug"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("RECHTENLOKET_CONFIG_DIR", str(config))
    reset_settings()
    try:
        summary = json.loads(runner.invoke(app, ["init", "--json"]).stdout)
        assert summary == {**summary, "regions": 1, "partners_deactivated": 1}
        with Session(engine) as s:
            row = s.exec(select(Partner).where(Partner.region_id == "drenthe", Partner.slug == gone)).one()
            assert row.active is False
    finally:
        monkeypatch.undo()
        reset_settings()


def test_regions_as_json_and_table():
    result = runner.invoke(app, ["regions", "--json"])
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"rotterdam-rijnmond", "fryslan", "drenthe", "utrecht", "hollands-midden"}
    assert rows["rotterdam-rijnmond"]["signatory"] == "hoofd van het Zorg- en Veiligheidshuis Rotterdam-Rijnmond"
    assert rows["rotterdam-rijnmond"]["periods"]["inzage"] == {"avg": True, "article": "art. 18.2 Privacyprotocol"}
    assert rows["drenthe"]["periods"]["verzet"] == {"weeks": 4, "article": "art. 21.4 Privacy Protocol"}
    # Every contact detail still to be confirmed is listed, and warned about on stderr.
    assert "letterhead.phone is nog niet bevestigd (unverified)" in rows["utrecht"]["unverified"]
    assert "let op: regio utrecht: letterhead.phone is nog niet bevestigd (unverified)" in result.stderr
    assert any("partners.gemeente-assen.bezwaar.address" in x for x in rows["drenthe"]["unverified"])
    assert not any("partners.gemeente-leeuwarden.bezwaar" in x for x in rows["fryslan"]["unverified"])
    table = runner.invoke(app, ["regions"]).stdout
    assert "fryslan" in table and "signatory" in table


def test_partners_of_a_region():
    rows = json.loads(runner.invoke(app, ["partners", "--region", "fryslan", "--json"]).stdout)
    assert {"slug", "name", "kind", "regime", "unit"} <= set(rows[0])
    assert any(r["regime"] == "wpg" for r in rows) and any(r["regime"] == "wjsg" for r in rows)
    police = json.loads(runner.invoke(app, ["partners", "--region", "fryslan", "--kind", "politie", "--json"]).stdout)
    assert police and all(r["kind"] == "politie" for r in police)


def _one_line_error(result, *words):
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: ")
    for word in words:
        assert word in lines[0]


def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch):
    _one_line_error(runner.invoke(app, ["partners", "--region", "limburg"]), "onbekende regio", "limburg")
    _one_line_error(runner.invoke(app, ["partners", "--region", "fryslan", "--kind", "bakker"]), "bakker")
    (tmp_path / "regions").mkdir()
    (tmp_path / "regions" / "kapot.yaml").write_text("id: kapot\nname: [", encoding="utf-8")
    monkeypatch.setenv("RECHTENLOKET_CONFIG_DIR", str(tmp_path))
    from models.settings import reset_settings

    reset_settings()
    try:
        _one_line_error(runner.invoke(app, ["regions"]), "kapot.yaml")
        _one_line_error(runner.invoke(app, ["init"]), "kapot.yaml")
    finally:
        monkeypatch.undo()
        reset_settings()
