"""No personal data in the orchestrator: after a full run with a planted BSN, name,
address and data item, none of them is anywhere in Prefect's database, its logs, its
result storage or the console output (DEVELOPERS.md, architecture rule 3)."""
import json
from pathlib import Path

import pytest
from prefect.settings import PREFECT_HOME, PREFECT_SERVER_DATABASE_CONNECTION_URL

from flows import scenario as sc

BSN = "734512004"
NAME = "Zwanhilde Plantinga-Vermeulen"
STREET = "Geheimpad 77"
ITEM = "Xq7 melding over de buurvrouw van Zwanhilde"
PLANTED = [BSN, NAME, "Plantinga", STREET, ITEM]


def _scenario(tmp_path: Path) -> sc.Scenario:
    data = json.loads((Path(__file__).parent / "scenarios" / "crash.json").read_text(encoding="utf-8"))
    data["subject"] = {"bsn": BSN, "name": NAME, "birth_date": "1977-01-02", "address": f"{STREET}, 9401 AA Assen"}
    data["registrations"][0]["description"] = ITEM
    data["registrations"][1]["description"] = ITEM + " (zorg)"
    data["events"].insert(1, {"on": "2026-03-30", "do": "sweep"})  # reminders and escalations too
    data["events"] = [e for e in data["events"] if e["do"] != "answer_all"]
    data["events"].append({"on": "2026-03-31", "do": "answer_all"})
    for e in data["events"]:
        if e["do"] in ("decide", "execute", "send"):
            e["on"] = {"decide": "2026-04-01", "execute": "2026-04-02", "send": "2026-04-03"}[e["do"]]
    return sc.Scenario.model_validate(data)


def _everything_prefect_stored() -> bytes:
    """The bytes of Prefect's database (with its WAL) and of every file under PREFECT_HOME
    (result storage, local storage, logs), after its log worker has flushed."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    db_file = Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split("///", 1)[1])
    files = [db_file, *db_file.parent.glob(db_file.name + "-*")]
    files += [p for p in Path(PREFECT_HOME.value()).rglob("*") if p.is_file()]
    searched = b"".join(p.read_bytes() for p in files if p.exists())
    assert len(searched) > 10_000, "Prefect's database was not found"
    return searched


@pytest.mark.slow
def test_the_search_would_find_a_leak(prefect_harness):
    """Control: a flow that does log a name, a parameter and a result is caught."""
    from prefect import flow, get_run_logger

    @flow(name="leaky-control")
    def leaky(name: str) -> str:
        get_run_logger().warning("betrokkene %s", name + "-log")  # stored at any log level
        return name + "-result"

    leaky("Kanarie Lekvogel")
    stored = _everything_prefect_stored()
    assert b"Kanarie Lekvogel" in stored  # the parameter
    assert b"Kanarie Lekvogel-log" in stored  # the log line


@pytest.mark.slow
def test_planted_personal_data_never_reaches_prefect(loaded, prefect_harness, tmp_path, capfd):
    view = sc.play(_scenario(tmp_path))
    assert view["status"] == "closed"
    assert any(x["kind"] == "herinnering_consultatie" for x in view["letters"])
    assert any(x["kind"] == "escalatie_manager" for x in view["letters"])

    searched = _everything_prefect_stored()
    for secret in PLANTED:
        assert secret.encode() not in searched, f"{secret!r} found in Prefect's storage"

    console = capfd.readouterr()
    for secret in PLANTED:
        assert secret not in console.out and secret not in console.err


@pytest.mark.slow
def test_flow_runs_carry_only_the_opaque_id(loaded, prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    view = sc.play(_scenario(tmp_path))
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=view["id"])))
    assert runs, "the request's flow runs are named after its opaque id"
    for run in runs:
        assert set(run.parameters) == {"request_id", "as_of"}
        assert run.parameters["request_id"] == view["id"]
        assert run.name == f"advance-{view['id']}"
