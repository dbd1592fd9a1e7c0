"""The warm start of process workers (flows/worker.py, flows/warmlaunch.py, flows/warmclient.py).

The runtime tests' PostgreSQL pass runs its workers through ``python -m flows.worker``, so
real flow runs on the pool go through the launcher there (tests/test_runtime.py). These
tests hold what that pass cannot see: that the client hands the run its environment,
folder and output and takes its exit code; that killing or stopping the client stops the
run, as Prefect's cancellation of a cold run does; that without a launcher the client
starts the run cold; and which runs the worker starts warm.
"""
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from uuid import uuid4

import pytest
from prefect.client.schemas.objects import FlowRun
from prefect.workers.process import ProcessJobConfiguration

from flows import worker
from flows.warmclient import SOCKET_ENV

PROJECT_ROOT = worker.__file__.rsplit("/flows/", 1)[0]


@pytest.fixture(scope="module")
def launcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warm")
    started = worker.start_launcher(str(folder))
    assert started is not None, "the launcher did not come up"
    proc, path = started
    yield proc, path
    proc.terminate()
    proc.wait(15)
    assert not os.path.exists(path), "the launcher leaves its socket behind"


def _client(env: dict, cwd, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.warmclient"], env={**os.environ, **env}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: its parent and its state (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            found[int(entry.name)] = (int(ppid), state)
    return found


def _runs_of(launcher_proc) -> list[int]:
    """The live flow-run processes: what the launcher's forkserver has forked."""
    table = _processes()
    helpers = {pid for pid, (ppid, _) in table.items() if ppid == launcher_proc.pid}  # forkserver, tracker
    return [pid for pid, (ppid, state) in table.items() if ppid in helpers and state != "Z"]


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _processes().get(pid, (0, "Z"))[1] == "Z":
            return True
        time.sleep(0.1)
    return False


def _hanging_api() -> tuple[socket.socket, str]:
    """An API that takes connections and never answers: the run waits for its flow run."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/api"


def _wait_for_run(launcher_proc, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = _runs_of(launcher_proc)
        if runs:
            return runs[0]
        time.sleep(0.1)
    raise AssertionError("no run was forked")


def test_the_run_writes_to_the_clients_output_and_gives_it_its_exit_code(launcher, tmp_path):
    proc, path = launcher
    # The socket carries the worker's environment (its secrets): only its user may connect.
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # Prefect's engine refuses a flow-run id that is not one: its error must reach the
    # client's standard error, and its exit code (1) the client's.
    done = _client({SOCKET_ENV: path, "PREFECT__FLOW_RUN_ID": "not-a-uuid"}, tmp_path)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 1
    assert "Invalid flow run id" in err
    assert not _runs_of(proc)  # each run ends with its process


def test_the_run_has_the_clients_folder_and_environment_and_stops_with_the_client(launcher, tmp_path):
    proc, path = launcher
    listener, api = _hanging_api()
    try:
        env = {SOCKET_ENV: path, "PREFECT__FLOW_RUN_ID": str(uuid4()), "PREFECT_API_URL": api}
        # The worker kills a run's process: the run must not go on without it.
        client = _client(env, tmp_path)
        run = _wait_for_run(proc)
        # It runs with the client's environment: it calls the API the client was given, not
        # the launcher's. It does so after it moved into the client's folder (read the folder
        # before that call and it may still be the forkserver's: the fork comes first).
        listener.settimeout(60)
        listener.accept()[0].close()
        assert os.readlink(f"/proc/{run}/cwd") == str(tmp_path)
        client.kill()
        client.wait(10)
        assert _gone(run)
        # The worker asks a run to stop (SIGTERM): the run gets the signal, the client dies
        # of it as the run did, so the worker sees what it would have seen of a cold run.
        client = _client(env, tmp_path)
        run = _wait_for_run(proc)
        client.send_signal(signal.SIGTERM)
        client.wait(30)
        assert _gone(run)
        # Before the flow starts Prefect's engine leaves SIGTERM to its default: it dies of it.
        assert client.returncode == -signal.SIGTERM
    finally:
        listener.close()


def test_without_a_launcher_the_client_starts_the_run_cold(tmp_path):
    # A socket that is named but not there (the launcher stopped): Prefect's engine, cold.
    # (One cold start, each costs seconds of CI: an unset name ends in the same cold start.)
    done = _client({SOCKET_ENV: str(tmp_path / "no-such.sock"), "PREFECT__FLOW_RUN_ID": "not-a-uuid"}, tmp_path)
    _, err = done.communicate(timeout=120)
    assert done.returncode == 1 and "Invalid flow run id" in err


def test_runs_without_a_command_of_their_own_start_warm_and_a_deployments_command_is_kept():
    original = ProcessJobConfiguration.prepare_for_flow_run
    try:
        worker.install()
        worker.install()  # twice is once
        plain = ProcessJobConfiguration()
        plain.prepare_for_flow_run(FlowRun(flow_id=uuid4()))
        assert plain.command == worker.client_command()
        assert plain.command.split()[-2:] == ["-m", "flows.warmclient"]
        own = ProcessJobConfiguration(command="python -m something.else")
        own.prepare_for_flow_run(FlowRun(flow_id=uuid4()))
        assert own.command == "python -m something.else"
    finally:
        ProcessJobConfiguration.prepare_for_flow_run = original
    cold = ProcessJobConfiguration()
    cold.prepare_for_flow_run(FlowRun(flow_id=uuid4()))
    assert cold.command.split()[-2:] == ["-m", "prefect.engine"]
