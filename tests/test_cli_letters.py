"""``rechtenloket letter kinds`` and ``letter preview`` through the real command line."""
import json

import typer
from typer.testing import CliRunner

from models.letters import KINDS

runner = CliRunner()


def _app() -> typer.Typer:
    from cli.main import app

    return app


def test_kinds_json_lists_every_kind():
    result = runner.invoke(_app(), ["letter", "kinds", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == list(KINDS)
    inzage = next(r for r in rows if r["id"] == "inzage_besluit")
    assert inzage["decision"] is True and inzage["recipient"] == "betrokkene"
    assert inzage["context"] == "InzageBesluitContext" and "items" in inzage["fields"]
    assert inzage["template"] == "templates/letters/inzage_besluit.html.j2"


def test_kinds_table():
    result = runner.invoke(_app(), ["letter", "kinds"])
    assert result.exit_code == 0
    assert "weigering_overdraagbaarheid" in result.stdout and "besluit" in result.stdout


def test_preview_writes_html_and_pdf(tmp_path):
    out = tmp_path / "preview"
    result = runner.invoke(_app(), ["letter", "preview", "inzage_besluit", "--region", "fryslan", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "inzage_besluit.html").read_text(encoding="utf-8")
    assert "Veiligheidshuis Fryslân" in html and "Kopie van uw gegevens" in html
    assert (out / "inzage_besluit.pdf").read_bytes().startswith(b"%PDF-")
    assert str(out / "inzage_besluit.pdf") in result.stdout


def test_unknown_kind_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(_app(), ["letter", "preview", "brief_x", "--region", "fryslan", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("fout: onbekende briefsoort 'brief_x'")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_unknown_region_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(_app(), ["letter", "preview", "verlenging", "--region", "atlantis", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("fout: onbekende regio 'atlantis'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_registered_on_the_main_app():
    from cli.main import app

    result = runner.invoke(app, ["letter", "kinds", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(KINDS)
