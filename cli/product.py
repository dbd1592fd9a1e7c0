"""``rechtenloket run``: the whole product on one machine (``make run``), until Ctrl-C.

It starts, in this order, and watches:

1. a local Prefect server (UI on http://127.0.0.1:4200; skipped when PREFECT_API_URL points
   at a server of its own);
2. the served deployments (``python -m flows.serve``): advance-request, the daily sla-sweep
   at 07:00 Europe/Amsterdam, outbox delivery every minute;
3. the web app (uvicorn on http://127.0.0.1:8000), which dispatches to those deployments.

SIGINT (Ctrl-C) or SIGTERM — also when started without a terminal, as a service is — stops
every process it started within seconds (each in its own process group: terminate, then
kill what has not stopped). When one of them dies, the others are stopped too. A second
``run`` reuses the data in ``var/``. The logs are in ``var/logs/``.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from cli.common import Failure

PREFECT_PORT = 4200
WEB_PORT = 8000
STOP_SECONDS = 8


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("worker", context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
                add_help_option=False)(worker)


def worker(ctx: typer.Context) -> None:
    """Een Prefect-worker op de werkpool (opschalen, docs/deployment.md): de opties van
    `prefect worker start`; elke run start warm (flows/worker.py)."""
    from flows.worker import main

    raise typer.Exit(main(list(ctx.args)))


class Supervisor:
    def __init__(self, logs: Path):
        self.logs = logs
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stopping = False

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)  # its own process group: Ctrl-C reaches us only
        self.children.append((name, proc))
        return proc

    def dead(self) -> Optional[str]:
        for name, proc in self.children:
            if proc.poll() is not None:
                return name
        return None

    def stop(self) -> None:
        self.stopping = True
        for _, proc in reversed(self.children):
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for _, proc in self.children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        for _, proc in self.children:  # whatever the groups still hold (workers of uvicorn, ...)
            _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_for(url: str, proc: subprocess.Popen, what: str, seconds: int = 120) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Failure(f"{what} startte niet (zie var/logs/)")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise Failure(f"{what} reageert niet na {seconds} seconden (zie var/logs/)")


def run(
    prefect_port: int = typer.Option(PREFECT_PORT, "--prefect-port", help="Poort van de Prefect-server."),
    web_port: int = typer.Option(WEB_PORT, "--web-port", help="Poort van de webapplicatie."),
) -> None:
    """Start het product: Prefect-server, de deployments en de webapplicatie (stoppen: Ctrl-C)."""
    from models.bootstrap import initialise
    from models.settings import get_settings

    settings = get_settings()
    initialise(settings)
    logs = settings.data_dir / "logs"
    logs.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(settings.data_dir / "prefect"))
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    supervisor = Supervisor(logs)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    bin_dir = Path(sys.executable).parent
    try:
        if not os.environ.get("PREFECT_API_URL"):
            server = supervisor.start("prefect-server", [str(bin_dir / "prefect"), "server", "start", "--host",
                                                         "127.0.0.1", "--port", str(prefect_port)], env)
            env["PREFECT_API_URL"] = f"http://127.0.0.1:{prefect_port}/api"
            _wait_for(f"{env['PREFECT_API_URL']}/health", server, "de Prefect-server")
        env["RECHTENLOKET_DISPATCH"] = "deployment"
        # The web app listens on 127.0.0.1 over plain http here; behind a TLS proxy set it to true.
        env.setdefault("RECHTENLOKET_WEB_BEHIND_TLS", "false")
        env.setdefault("RECHTENLOKET_WEB_PREFECT_UI_URL", env["PREFECT_API_URL"].removesuffix("/api"))
        supervisor.start("deployments", [sys.executable, "-m", "flows.serve"], env)
        web = supervisor.start("web", [sys.executable, "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1",
                                       "--port", str(web_port), "--no-access-log"], env)
        _wait_for(f"http://127.0.0.1:{web_port}/health", web, "de webapplicatie")
        typer.echo(f"Rechtenloket draait: http://127.0.0.1:{web_port}")
        typer.echo(f"Prefect-UI (alle flow runs): {env['PREFECT_API_URL'].removesuffix('/api')}")
        if settings.demo:
            from web.demo import demo_accounts

            for line in demo_accounts():
                typer.echo(line)
        typer.echo("Stoppen: Ctrl-C.")
        while True:
            gone = supervisor.dead()
            if gone:
                raise Failure(f"{gone} is gestopt (zie var/logs/{gone}.log); alles is gestopt")
            time.sleep(0.5)
    except KeyboardInterrupt:
        typer.echo("Stoppen ...")
    finally:
        supervisor.stop()
