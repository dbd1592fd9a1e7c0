"""`rechtenloket termijn` (issue 3): the JSON contract, the Dutch table, and bad input.

Runs against a temporary config dir (RECHTENLOKET_CONFIG_DIR) with a minimal region
written here, so the test does not depend on the real region files, and with the shipped
config/holidays.yaml (decree days) copied beside it.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from models.enums import RequestType
from models.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _region(region_id: str, suspend: bool) -> dict:
    rule = {"article": "art. 18.2"}
    return {
        "id": region_id,
        "name": f"Zorg- en Veiligheidshuis {region_id}",
        "short_name": region_id.upper(),
        "reference_prefix": "TST",
        "source": {"file": "test.pdf", "title": "Testprotocol"},
        "letterhead": {"organisation": "ZVH Test", "postal_address": ["Postbus 1", "1000 AA Test"],
                       "visiting_address": ["Teststraat 1", "Test"], "phone": "010 123 45 67",
                       "email": "zvh@test.example", "opening_hours": "werkdagen 9-17 uur"},
        "roles": {"coordinator": "Procesregisseur", "manager": "Manager", "signatory": "Manager", "rule": rule},
        "signatory": {"name": "T. Tester", "function": "manager van het ZVH Test", "rule": rule},
        "internal_signer": {"name": "P. Regisseur", "function": "procesregisseur"},
        "bezwaar": {"addressee": "het college van burgemeester en wethouders van Test",
                    "address": ["Postbus 1", "1000 AA Test"], "rule": rule},
        "forums": [{"id": "casusoverleg", "name": "Casusoverleg"}],
        "rights": {t.value: {"forum": "casusoverleg", "rule": rule} for t in RequestType},
        "routing": {"wpg": {"targets": {}, "rule": rule}, "wjsg": {"targets": {}, "rule": rule}, "bodies": []},
        "deadlines": {
            "periods": {t.value: {"weeks": 4, "rule": rule} for t in RequestType},
            "suspend_for_identity": suspend,
            "suspend_rule": rule,
        },
        "identity": {"methods": ["in_persoon"], "bring": ["paspoort"], "rule": rule,
                     "locations": [{"name": "ZVH", "address": ["Teststraat 1", "Test"], "hours": "op afspraak"}]},
        "retention": {"request_file_years": 2, "rule": rule},
        "refusal_grounds": [{"id": f"grond-{x}", "uavg": x, "label": f"grond {x}", "plain": f"grond {x}",
                             "rule": rule} for x in "abcdefghij"],
        "inzage_information": {"purposes": [{"text": "doel", "rule": rule}], "retention_text": "kort",
                               "retention_rule": rule},
        "complaint": {**rule, "zvh": True},
        "partners": [{"slug": "gemeente-test", "name": "Gemeente Test", "kind": "gemeente", "regime": "avg",
                      "bestuursorgaan": True, "bestuursorgaan_rule": rule,
                      "bezwaar": {"addressee": "het college van burgemeester en wethouders van Test",
                                  "address": ["Postbus 1", "1000 AA Test"]}}],
    }


@pytest.fixture
def config_dir(tmp_path, monkeypatch) -> Path:
    regions = tmp_path / "config" / "regions"
    regions.mkdir(parents=True)
    for rid, suspend in (("testregio", True), ("strikt", False)):
        (regions / f"{rid}.yaml").write_text(yaml.safe_dump(_region(rid, suspend)), encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "config" / "holidays.yaml", tmp_path / "config" / "holidays.yaml")
    monkeypatch.setenv("RECHTENLOKET_CONFIG_DIR", str(tmp_path / "config"))
    get_settings.cache_clear()
    yield tmp_path / "config"
    get_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(app, ["termijn", *args])


BASE = ("--region", "testregio", "--received", "2026-04-17", "--now", "2026-04-20")


def test_json_contract(config_dir):
    result = run(*BASE, "--type", "verzet", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert out["protocol_due"] == "2026-05-18"  # Fri 15 May is a decree day (config)
    assert out["legal_due"] == "2026-05-18"  # Sun 17 May
    assert out["extension_notice_by"] == "2026-05-18"
    assert out["legal_due_extended"] is None
    assert out["execution_due"] == "2026-05-18"
    assert out["suspended_days"] == 0
    assert out["status"] == "on_track"
    assert out["moved_by_holiday"] == ["vrijdag na Hemelvaartsdag (gelijkgestelde dag)"]
    assert out["protocol_provides_extension"] is False


def test_json_with_suspension_and_extension(config_dir):
    result = run(
        "--region", "testregio", "--type", "inzage", "--received", "2026-02-02",
        "--suspend", "2026-02-03:2026-02-05", "--suspend", "2026-02-10:2026-02-13",
        "--extend-reason", "veel partners", "--extend-on", "2026-03-06",
        "--now", "2026-03-10", "--json",
    )
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["suspended_days"] == 5
    assert out["protocol_due"] == out["legal_due"] == "2026-03-09"  # Sat 7 Mar -> Mon 9 Mar
    assert out["legal_due_extended"] == "2026-05-07"  # 2 May + 5 = Thu 7 May
    assert out["execution_due"] is None
    assert out["status"] == "extended"


def test_open_suspension(config_dir):
    result = run(*BASE, "--type", "inzage", "--suspend", "2026-04-18:", "--json")
    out = json.loads(result.stdout)
    assert (out["status"], out["suspended_days"]) == ("suspended", 2)


def test_done_statuses(config_dir):
    result = run(
        "--region", "testregio", "--type", "verzet", "--received", "2026-04-17",
        "--replied-on", "2026-05-01", "--executed-on", "2026-05-19", "--now", "2026-05-20", "--json",
    )
    assert json.loads(result.stdout)["status"] == "done_late"


def test_verzet_without_anything_to_execute(config_dir):
    result = run("--region", "testregio", "--type", "verzet", "--received", "2026-04-17",
                 "--replied-on", "2026-04-22", "--zonder-uitvoering", "--now", "2026-07-01", "--json")
    out = json.loads(result.stdout)
    assert (out["status"], out["execution_due"], out["open_milestones"]) == ("done_on_time", None, [])
    both = run(*BASE, "--type", "verzet", "--zonder-uitvoering", "--executed-on", "2026-04-20")
    assert both.exit_code == 2 and "sluiten elkaar uit" in both.stderr


def test_per_type_period_in_json(config_dir):
    out = json.loads(run(*BASE, "--type", "inzage", "--json").stdout)
    assert out["protocol_period"] == {"weeks": 4} and out["protocol_article"] == "art. 18.2"


def test_human_table_in_dutch(config_dir):
    result = run(*BASE, "--type", "verzet")
    assert result.exit_code == 0
    assert "protocoltermijn" in result.stdout and "ma 18-05-2026" in result.stdout
    assert "uitvoering verzet" in result.stdout
    assert "voorziet niet in verlenging" in result.stdout
    assert "op schema" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--region", "nergens", "--type", "inzage", "--received", "2026-04-17"), "onbekende regio"),
        (("--region", "testregio", "--type", "klacht", "--received", "2026-04-17"), "onbekend soort verzoek"),
        (("--region", "testregio", "--type", "inzage", "--received", "17-04-2026"), "geen datum"),
        (("--region", "testregio", "--type", "inzage", "--received", "2026-02-30"), "geen bestaande datum"),
        (("--region", "testregio", "--type", "inzage"), "--received ontbreekt"),
        ((*BASE[:4], "--type", "inzage", "--now", "2026-04-16"), "na de peildatum"),
        ((*BASE, "--type", "inzage", "--extend-reason", "x"), "horen bij elkaar"),
        ((*BASE, "--type", "inzage", "--extend-on", "2026-04-18"), "horen bij elkaar"),
        (("--region", "testregio", "--type", "inzage", "--received", "2026-04-17", "--now", "2026-05-20",
          "--extend-reason", "x", "--extend-on", "2026-05-19"), "te laat"),
        ((*BASE, "--type", "inzage", "--suspend", "2026-04-19:2026-04-18"), "vóór het begin"),
        ((*BASE, "--type", "inzage", "--suspend", "2026-04-19"), "BEGIN:EINDE"),
        ((*BASE, "--type", "inzage", "--suspend", "2026-04-21:"), "na de peildatum"),
        (("--region", "strikt", *BASE[2:], "--type", "inzage", "--suspend", "2026-04-18:2026-04-19"),
         "niet op"),
    ],
)
def test_bad_input_fails_with_one_line_on_stderr(config_dir, args, message):
    result = run(*args, "--json")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.startswith("fout: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_broken_decree_file_names_file_and_key(config_dir):
    (config_dir / "holidays.yaml").write_text("decree_days:\n  - {date: 2026-05-15}\n", encoding="utf-8")
    result = run(*BASE, "--type", "inzage", "--json")
    assert result.exit_code != 0 and result.stdout == ""
    assert "holidays.yaml: key 'decree_days.0.name'" in result.stderr


def test_as_a_process(config_dir):
    env = {**os.environ, "RECHTENLOKET_CONFIG_DIR": str(config_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "termijn", *BASE, "--type", "inzage", "--json"],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["protocol_due"] == "2026-05-18"
    bad = subprocess.run(
        [sys.executable, "-m", "cli.main", "termijn", *BASE, "--type", "nope", "--json"],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=60,
    )
    assert bad.returncode != 0 and bad.stdout == "" and bad.stderr.startswith("fout: ")
