"""`make run` starts the product and Ctrl-C (or SIGTERM, as a service manager sends) stops it:
the local Prefect server, the served deployments and the web app (issue 10, point 1)."""
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.flowtools import PROJECT_ROOT


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    """Every process in the process groups the supervisor started (its own children's groups)."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,pgid"], capture_output=True, text=True).stdout.split("\n")[1:]
    rows = [tuple(map(int, line.split())) for line in out if line.strip()]
    kids = {p for p, pp, _ in rows if pp == pid}
    groups = {g for p, _, g in rows if p in kids}
    return {p for p, _, g in rows if g in groups}


@pytest.mark.slow
def test_run_starts_everything_and_sigterm_stops_it_within_seconds(tmp_path):
    web, prefect = _port(), _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(RECHTENLOKET_DATA_DIR=str(tmp_path / "var"), RECHTENLOKET_DEMO="1",
               RECHTENLOKET_DISPATCH="auto")
    env.pop("RECHTENLOKET_DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "run", "--web-port", str(web), "--prefect-port",
                             str(prefect)], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{web}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.25)  # asks often: the test ends as soon as the product is up
        else:
            pytest.fail("the web app did not come up")
        assert httpx.get(f"http://127.0.0.1:{prefect}/api/health", timeout=5).status_code == 200
        deployments = httpx.post(f"http://127.0.0.1:{prefect}/api/deployments/filter", json={}, timeout=10).json()
        names = {d["name"] for d in deployments}
        deadline = time.monotonic() + 60
        while not {"advance-request", "sla-sweep", "deliver-outbox"} <= names and time.monotonic() < deadline:
            time.sleep(0.25)
            names = {d["name"] for d in httpx.post(f"http://127.0.0.1:{prefect}/api/deployments/filter",
                                                   json={}, timeout=10).json()}
        assert {"advance-request", "sla-sweep", "deliver-outbox"} <= names
        sweep = next(d for d in httpx.post(f"http://127.0.0.1:{prefect}/api/deployments/filter", json={},
                                           timeout=10).json() if d["name"] == "sla-sweep")
        schedule = sweep["schedules"][0]["schedule"]
        assert (schedule["cron"], schedule["timezone"]) == ("0 7 * * *", "Europe/Amsterdam")
        _start_page_shows_the_count_and_the_next_sweep(web, prefect)
        started = _children(proc.pid)
        assert len(started) >= 3

        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        took = time.monotonic() - began
        output = proc.stdout.read()
        assert "Demo-accounts" in output and "Stoppen" in output
        time.sleep(0.5)
        alive = [p for p in started if os.path.exists(f"/proc/{p}")]
        assert not alive, f"still running after SIGTERM: {alive}"
        assert took < 12, f"stopping took {took:.1f} s"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _start_page_shows_the_count_and_the_next_sweep(web: int, prefect: int) -> None:
    import re

    from web.demo import password_of

    with httpx.Client(base_url=f"http://127.0.0.1:{web}", timeout=10) as client:
        form = client.get("/inloggen").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        done = client.post("/inloggen", data={"username": "demo.coordinator", "csrf_token": token,
                                              "password": password_of("demo.coordinator")})
        assert done.status_code in (200, 303)
        deadline = time.monotonic() + 60  # the server's scheduler makes the runs shortly after it starts
        while True:
            page = client.get("/").text
            if re.search(r"\d\d-\d\d-\d{4} om 07:00", page) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert "Open verzoeken" in page
    assert re.search(r"\d\d-\d\d-\d{4} om 07:00", page), "the next sweep, from the Prefect server"
    assert f"http://127.0.0.1:{prefect}" in page  # the link to the Prefect UI
