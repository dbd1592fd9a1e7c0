"""A Prefect process worker whose flow runs start warm (scale-out, docs/deployment.md).

    python -m flows.worker --pool rechtenloket --limit 4 [--name NAME]   # rechtenloket worker ...

takes the arguments of ``prefect worker start`` and is that command (Prefect's own CLI and
process worker, polling the same pool), with one change: a run whose deployment sets no
``command`` of its own is started as ``python -m flows.warmclient`` instead of ``python -m
prefect.engine``, so it is forked from the launcher this command starts next to the worker
(flows/warmlaunch.py) instead of importing everything again. Nothing in Prefect's database
changes: the pool, the deployments and prefect.yaml are the same, and ``prefect worker
start`` on the same pool still works (cold).

It relies on one seam: ``ProcessJobConfiguration.prepare_for_flow_run`` filling in the
engine command when none is configured. If this Prefect version fills it in another way,
or the launcher does not come up, or ``RECHTENLOKET_WARM_START=0``, the worker runs as
``prefect worker start`` would (one line on standard error says so), slower but the same.
"""
import os
import subprocess
import sys
import tempfile
import time

from flows.warmclient import SOCKET_ENV


class WarmWorkerUnavailable(RuntimeError):
    """This Prefect version does not offer the seam the warm worker uses."""


def client_command() -> str:
    from prefect.utilities.processutils import command_to_string

    return command_to_string([sys.executable, "-m", "flows.warmclient"])


def install() -> None:
    """Make this process's process workers start runs without a command of their own warm."""
    import inspect

    from prefect.workers.process import ProcessJobConfiguration

    prepare = ProcessJobConfiguration.prepare_for_flow_run
    if getattr(prepare, "warm", False):
        return
    source = inspect.getsource(prepare)
    if "_command_configured" not in source or '"prefect.engine"' not in source:
        raise WarmWorkerUnavailable("Prefect prepares process runs in another way than this module expects")
    command = client_command()

    def prepare_warm(self, *args, **kwargs):
        configured = self.command is not None
        prepare(self, *args, **kwargs)
        if not configured:  # a deployment's own command is kept as it is
            self.command = command
            self._command_configured = True

    prepare_warm.warm = True
    ProcessJobConfiguration.prepare_for_flow_run = prepare_warm


def start_launcher(folder: str, seconds: float = 60) -> tuple[subprocess.Popen, str] | None:
    """The launcher beside this worker, once its forkserver has preloaded; None if it fails."""
    path = os.path.join(folder, "launch.sock")
    launcher = subprocess.Popen([sys.executable, "-m", "flows.warmlaunch", path])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return launcher, path
        if launcher.poll() is not None:
            return None
        time.sleep(0.1)
    launcher.terminate()
    launcher.wait(10)
    return None


def prefect_worker(args: list[str]) -> int:
    """Prefect's own ``prefect worker start``, in this process."""
    from prefect.cli import app

    sys.argv = ["prefect", "worker", "start", *args]
    try:
        result = app()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return result if isinstance(result, int) else 0


def main(args: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if args is None else args)
    if os.environ.get("RECHTENLOKET_WARM_START") == "0" or {"--help", "-h"} & set(args):
        return prefect_worker(args)
    with tempfile.TemporaryDirectory(prefix="rechtenloket-worker-") as folder:  # mode 0700
        try:
            install()
        except WarmWorkerUnavailable as why:
            print(f"rechtenloket: runs start cold ({why})", file=sys.stderr)
            return prefect_worker(args)
        started = start_launcher(folder)
        if started is None:
            print("rechtenloket: the warm launcher did not start; runs start cold", file=sys.stderr)
            os.environ.pop(SOCKET_ENV, None)
            return prefect_worker(args)
        launcher, path = started
        os.environ[SOCKET_ENV] = path
        try:
            return prefect_worker(args)
        finally:
            launcher.terminate()
            try:
                launcher.wait(15)
            except subprocess.TimeoutExpired:
                launcher.kill()


if __name__ == "__main__":
    sys.exit(main())
