"""No personal data in the orchestrator: after a full run with a planted BSN, name,
address and data item, none of them is anywhere in Prefect's database, its logs, its
result storage or the console output (DEVELOPERS.md, architecture rule 3) — also after
failing runs (a task that raises an error quoting the data, a retry, a crash), and also
after decoding what Prefect stores (base64, JSON, pickle, compression)."""
import json
from pathlib import Path

import pytest
from prefect.settings import PREFECT_HOME, PREFECT_SERVER_DATABASE_CONNECTION_URL

from flows import scenario as sc
from tests.principals import TESTER

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


def _stored_files() -> list[bytes]:
    """The bytes of Prefect's database (with its WAL) and of every file under PREFECT_HOME
    (result storage, local storage, logs), after its log worker has flushed."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    db_file = Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split("///", 1)[1])
    files = [db_file, *db_file.parent.glob(db_file.name + "-*")]
    files += [p for p in Path(PREFECT_HOME.value()).rglob("*") if p.is_file()]
    blobs = [p.read_bytes() for p in files if p.exists()]
    assert sum(map(len, blobs)) > 10_000, "Prefect's database was not found"
    return blobs


def _everything_prefect_stored() -> bytes:
    return b"".join(_stored_files())


def _decoded_store() -> list[bytes]:
    """Everything Prefect stored, and everything that decodes out of it."""
    from tests.decoding import decoded

    return [piece for blob in _stored_files() for piece in decoded(blob)]


def _in(secret: str, pieces: list[bytes]) -> bool:
    needle = secret.encode("utf-8")
    return any(needle in piece for piece in pieces)


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


@pytest.mark.slow
def test_the_decoding_search_finds_a_result_that_prefect_encoded(prefect_harness):
    """Control: a flow result that Prefect persists is stored base64-encoded (a pickle in a
    JSON record): the raw bytes do not show it, the decoded search does."""
    from prefect import flow

    @flow(name="persisting-control", persist_result=True)
    def keeps(name: str) -> dict:
        return {"wie": name[::-1]}  # the reversed name is only in the result, never a parameter

    keeps("Mus Verstopt")
    secret = "Mus Verstopt"[::-1]
    assert secret.encode() not in _everything_prefect_stored()
    assert _in(secret, _decoded_store())


def _planted_request(day) -> str:
    from models.actions.intake import RequestInput, register_request
    from models.db import session_scope

    with session_scope() as s:
        return register_request(s, RequestInput(
            region="drenthe", types=["inzage"], received_on=day,
            subject={"bsn": BSN, "name": NAME, "address": f"{STREET}, 9401 AA Assen"}), TESTER, day).request_id


@pytest.mark.slow
def test_failing_runs_leave_no_personal_data_in_prefect(loaded, prefect_harness, capfd):
    from datetime import date

    from prefect import flow, task
    from sqlmodel import Session, select

    from flows.advance import _RETRY, advance_directly, advance_request
    from flows.guard import StepFailed, guarded
    from flows.steps import acknowledge
    from models.actions.identity import IdentityInput, record_identity
    from models.db import session_scope
    from models.tables import OutboxMessage, Request
    from tests.flowtools import run_cli

    received = date(2026, 3, 2)
    request_id = _planted_request(received)

    # 1. A task that raises (the reproduction): after the identity check, a run dated
    # a day before the receipt makes the acknowledgement's letter refuse its context, with a
    # pydantic ValidationError that quotes its whole input, the name and address included.
    with session_scope() as s:
        record_identity(s, request_id, IdentityInput(
            method="in_persoon", place="ZVH Drenthe", checked_on=received, officer="procesregisseur",
            document_type="paspoort", document_last_digits="1234"), TESTER, received)
    before = date(2026, 3, 1)
    with Session(loaded) as s, pytest.raises(Exception) as raw:
        acknowledge(s, s.get(Request, request_id), before)
    assert NAME in str(raw.value.errors()), "the control: unguarded, the error would carry the name"
    for _ in range(2):  # twice: the failure is told to the manager once
        with pytest.raises(StepFailed, match="ValidationError"):
            advance_request(request_id, before.isoformat())
    with Session(loaded) as s:
        request = s.get(Request, request_id)
        assert (request.failed_step, request.failure_code) == ("acknowledge", "ValidationError")
        notices = s.exec(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                     OutboxMessage.kind == "storing")).all()
        assert len(notices) == 1

    # 2. A retry: a transient error whose message quotes the name, retried by the steps' policy.
    class OperationalError(Exception):
        pass

    @task(name="flaky-step", **_RETRY)
    def flaky(rid: str) -> None:
        def body():
            raise OperationalError(f"database is locked while writing {NAME}")

        guarded(rid, "flaky", body)

    @flow(name="retrying-control", persist_result=False)
    def retrying(rid: str) -> None:
        flaky(rid)

    with pytest.raises(StepFailed, match="OperationalError"):
        retrying(request_id)

    # 3. A crash: the real command killed in the middle of a run, then the run done again.
    result = run_cli("request", "advance", request_id, "--today", received.isoformat(),
                     env_extra={"RECHTENLOKET_CRASH_AT": "after:acknowledge"})
    assert result.returncode < 0
    assert advance_directly(request_id, received.isoformat())["waits_for"] == "sending"  # no data: a reply
    with Session(loaded) as s:
        assert s.get(Request, request_id).failed_step is None  # the good run cleared the failure

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="flaky-step")))
    assert runs and max(r.run_count for r in runs) == 4, "the transient error was retried three times"

    pieces = _decoded_store()
    for secret in PLANTED[:4]:
        assert not _in(secret, pieces), f"{secret!r} found in Prefect's storage"
    console = capfd.readouterr()
    for secret in PLANTED[:4]:
        assert secret not in console.out and secret not in console.err
