"""The running product as real processes, for the runtime tests and the benchmark.

- a real Prefect server (``prefect server start``) on a free 127.0.0.1 port, with a
  PREFECT_HOME of its own and its own database (SQLite in that home, or a PostgreSQL URL);
- either the served deployments of the embedded default (``python -m flows.serve``), or the
  scale-out setup: the ``rechtenloket`` process work pool, ``prefect deploy --all`` from
  prefect.yaml, and N ``rechtenloket worker`` processes (``python -m flows.worker``);
- the real command line against it (``RECHTENLOKET_DISPATCH=deployment``).

Every process gets its own process group and log file; ``Stack.stop`` ends them (terminate,
then kill what is left). Nothing here knows about requests: the callers do.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POOL = "rechtenloket"
# Flow runs not yet finished (a run of deliver-outbox scheduled for later is not "busy").
BUSY = ["PENDING", "RUNNING", "CANCELLING"]
UNFINISHED = ["SCHEDULED", *BUSY, "PAUSED"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    root: Path  # logs and the Prefect homes live here
    env: dict  # our settings (RECHTENLOKET_*), passed to every process
    children: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    api_url: str = ""

    # ------------------------------------------------------------- processes

    def start(self, name: str, args: list[str], env: dict, cwd: Path = PROJECT_ROOT) -> subprocess.Popen:
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.children.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        path = self.root / "logs" / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for _, proc in reversed(self.children):
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for _, proc in self.children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for _, proc in self.children:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        self.children.clear()

    @contextmanager
    def held(self, *prefixes: str) -> Iterator[None]:
        """Stop what runs the flows (SIGSTOP) while events are recorded, then let it go on
        (SIGCONT): its next poll finds all their runs at once, so they start together, as
        when busy workers come free."""
        pids = [pid for prefix in prefixes for pid in self.pids(prefix)]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)

    def pids(self, prefix: str) -> list[int]:
        return [proc.pid for name, proc in self.children if name.startswith(prefix) and proc.poll() is None]

    def client_env(self, **extra: str) -> dict:
        """What a worker, the served process or a command sees: our settings, the Prefect API."""
        home = self.root / "prefect-client"
        home.mkdir(parents=True, exist_ok=True)
        return {**self.env, "PREFECT_HOME": str(home), "PREFECT_API_URL": self.api_url,
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
                "RECHTENLOKET_DISPATCH": "deployment", **extra}

    # ------------------------------------------------------------- the Prefect server

    def start_server(self, database_url: str = "") -> str:
        """A Prefect server of its own: its home under ``root``, its database SQLite there
        unless ``database_url`` (``postgresql+asyncpg://...``) is given."""
        home = self.root / "prefect-server"
        home.mkdir(parents=True, exist_ok=True)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "RECHTENLOKET_"))}
        env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_UI_ENABLED="false",
                   PREFECT_LOGGING_LEVEL="WARNING")
        if database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
        server = self.start("prefect-server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                               "--port", str(port)], env)
        self.api_url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped:\n{self.log('prefect-server')}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return self.api_url
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the Prefect server did not answer:\n{self.log('prefect-server')}")

    # ------------------------------------------------------------- what runs the flows

    def serve(self, **extra: str) -> subprocess.Popen:
        """The embedded default: the four deployments served from one process."""
        proc = self.start("serve", [sys.executable, "-m", "flows.serve"], self.client_env(**extra))
        self.wait_for_deployments(proc, "serve")
        return proc

    def deploy_and_start_workers(self, count: int, *, limit: int = 4, **extra: str) -> None:
        """The scale-out setup, as docs/deployment.md tells an operator to do it."""
        env = self.client_env(**extra)
        self.cli_ok([str(BIN / "prefect"), "work-pool", "create", POOL, "--type", "process", "--overwrite"], env)
        self.cli_ok([str(BIN / "prefect"), "--no-prompt", "deploy", "--all"], env)
        for n in range(1, count + 1):
            self.start(f"worker-{n}", [sys.executable, "-m", "flows.worker", "--pool", POOL, "--type", "process",
                                       "--name", f"worker-{n}", "--limit", str(limit)], env,
                       cwd=self.root)  # not the project folder: the pull step must find the code
        self.wait_for_workers(count)

    def cli_ok(self, args: list[str], env: dict) -> str:
        done = subprocess.run(args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def wait_for_deployments(self, proc: subprocess.Popen, name: str, seconds: int = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} stopped:\n{self.log(name)}")
            if len(self.api("POST", "/deployments/filter", {})) >= 3:
                return
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not register its deployments:\n{self.log(name)}")

    def wait_for_workers(self, count: int, seconds: int = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            online = [w for w in self.api("POST", f"/work_pools/{POOL}/workers/filter", {})
                      if w.get("status") == "ONLINE"]
            if len(online) >= count:
                return
            for name, proc in self.children:
                if name.startswith("worker") and proc.poll() is not None:
                    raise RuntimeError(f"{name} stopped:\n{self.log(name)}")
            time.sleep(0.5)
        raise RuntimeError(f"the workers did not come online:\n{self.log('worker-1')}")

    # ------------------------------------------------------------- the Prefect API

    def api(self, method: str, path: str, body: dict | None = None):
        response = httpx.request(method, f"{self.api_url}{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def flow_runs(self, flow_name: str | None = None, states: list[str] | None = None,
                  due_only: bool = False) -> list[dict]:
        """Every flow run (of one flow; in ``states``; ``due_only``: expected to start by now)."""
        body: dict = {"flow_runs": {}, "sort": "EXPECTED_START_TIME_ASC"}
        if states:
            body["flow_runs"]["state"] = {"type": {"any_": states}}
        if due_only:
            now = datetime.now(UTC) + timedelta(seconds=1)
            body["flow_runs"]["expected_start_time"] = {"before_": now.isoformat()}
        if flow_name:
            body["flows"] = {"name": {"any_": [flow_name]}}
        runs, offset = [], 0
        while True:
            page = self.api("POST", "/flow_runs/filter", {**body, "limit": 200, "offset": offset})
            runs += page
            if len(page) < 200:
                return runs
            offset += 200

    def unfinished(self, flows=("advance-request", "sla-sweep")) -> list[dict]:
        """Runs of ``flows`` that are due and not yet finished (the sweep of tomorrow is not)."""
        return [r for f in flows for r in self.flow_runs(f, UNFINISHED, due_only=True)]

    def wait_idle(self, seconds: float = 180, flows=("advance-request", "sla-sweep")) -> None:
        """Until no due run of ``flows`` is scheduled, pending or running."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.unfinished(flows):
                return
            self.check_alive()
            time.sleep(0.5)
        raise TimeoutError(f"flow runs still unfinished after {seconds} s: "
                           f"{[(r['name'], r['state_type']) for r in self.unfinished(flows)]}")

    def check_alive(self) -> None:
        for name, proc in self.children:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} stopped:\n{self.log(name)}")

    # ------------------------------------------------------------- the command line

    def command(self, *args: str) -> subprocess.Popen:
        """``rechtenloket ARGS`` in a new process, dispatching to the deployments."""
        return subprocess.Popen([sys.executable, "-m", "cli.main", *args], env=self.client_env(), cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def prefect_database(url: str):
    """A PostgreSQL database of its own for a Prefect server, on the server of ``url`` (our
    throwaway test cluster); returns its asyncpg URL and a function that drops it."""
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"prefect_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return make_url(url).set(drivername="postgresql+asyncpg", database=name).render_as_string(False), drop


def process_tree(pids: list[int]) -> list[int]:
    """``pids`` and all their descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def finish(procs: list[subprocess.Popen], timeout: float = 180) -> list[tuple[int, str, str]]:
    """Wait for commands started together; (exit code, stdout, stderr) of each."""
    done = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        done.append((p.returncode, out, err))
    return done


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
