"""Warm flow-run processes for process workers (scale-out): the launcher.

Prefect's process worker starts every flow run as ``python -m prefect.engine``: a new
interpreter that imports Prefect, SQLAlchemy, our tables, the region schema and the letters
before the first step (docs/performance.md: 7.2 s of an 8.3 s run on 2 cores, of which our
imports are about 1.4 s). ``flows/worker.py`` starts a worker whose runs start warm instead:

- next to the worker runs this launcher, with a ``forkserver`` that has imported all of
  that once (the preload of ``flows/warmstart.py``, the same as the served runs use);
- the worker starts each run as ``python -m flows.warmclient`` (standard library only, so
  it starts in milliseconds): the client hands the launcher its environment, its folder
  and its standard input, output and error over a Unix socket;
- the launcher forks the run's process from the forkserver, which runs Prefect's own
  ``prefect.engine`` in it with that environment, in that folder, writing to the client's
  output, and reports the exit code back; the client exits with it.

A run is still a process of its own: a crash or a kill of one run reaches no other run,
the launcher or the worker. The worker sees the client as the run's process: a signal to
the client is passed on to the run, and if the client dies (the worker kills it), the run
is killed too, so Prefect's cancellation and kill work as for a cold run. If the launcher
is not there or does not answer, the client starts ``prefect.engine`` itself (cold, the
same run). The socket is in a folder only this user can open (the environment it carries
holds the worker's secrets, as any child's environment does).

The forkserver imports modules only: no engine, connection, thread or file is opened at
import, so nothing is shared between runs but read-only module state (flows/warmstart.py).
"""
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
import threading
from multiprocessing import reduction

from flows.warmclient import HEADER  # the client's framing (it imports the standard library only)
from flows.warmstart import PRELOAD


class _Fd:
    """A file descriptor handed to the forked run (through the forkserver's own passing)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return _detach, (reduction.DupFd(self.fd),)


def _detach(dup) -> int:
    return dup.detach()


def run_engine(env: dict[str, str], cwd: str, argv: list[str], stdio: list[int]) -> None:
    """In the forked process: become what ``python -m prefect.engine`` would have been."""
    import runpy
    import warnings

    for target, fd in zip((0, 1, 2), stdio):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()  # Prefect's settings from this run's environment
    sys.argv = ["prefect.engine", *argv]  # runpy puts the module's path first, as ``-m`` does
    # The forkserver imported prefect.engine already (that is the point); run it as __main__.
    warnings.filterwarnings("ignore", message="'prefect.engine' found in sys.modules", category=RuntimeWarning)
    runpy.run_module("prefect.engine", run_name="__main__", alter_sys=True)


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the client went away")
        data += chunk
    return bytes(data)


class Launcher:
    """Accepts run requests on ``path`` and forks each run from the preloaded forkserver."""

    def __init__(self, path: str):
        self.path = path
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(list(PRELOAD))
        self.runs: set = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def serve(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        old = os.umask(0o177)  # the socket: this user only
        try:
            listener.bind(self.path + ".new")
        finally:
            os.umask(old)
        listener.listen(64)
        self.context.Process(target=_noop).start()  # start the forkserver (and its preload) now
        os.rename(self.path + ".new", self.path)  # the socket appears when runs can start warm
        listener.settimeout(0.5)
        parent = os.getppid()
        while not self.stopping.is_set():
            if os.getppid() != parent:  # the worker is gone (killed): its launcher goes too
                break
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            conn.settimeout(None)
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()
        listener.close()

    def stop(self) -> None:
        self.stopping.set()
        with self.lock:  # see _one: the exit codes are read under the lock
            runs = [process for process in self.runs if process.exitcode is None]
            for process in runs:
                process.terminate()
        for process in runs:
            multiprocessing.connection.wait([process.sentinel], 10)
            process.kill()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            fds: list[int] = []
            try:
                header, fds, _, _ = socket.recv_fds(conn, HEADER.size, 3)
                if len(header) < HEADER.size:
                    header += _read_exactly(conn, HEADER.size - len(header))
                request = json.loads(_read_exactly(conn, HEADER.unpack(header)[0]))
                if len(fds) != 3:
                    raise ValueError("expected standard input, output and error")
                process = self.context.Process(target=run_engine,
                                               args=(request["env"], request["cwd"], request.get("argv", []),
                                                     [_Fd(fd) for fd in fds]))
                # Under the lock: a start also polls the other runs (multiprocessing's
                # clean-up), and two threads reading one run's exit code would lose it.
                with self.lock:
                    process.start()
                    self.runs.add(process)
            except (OSError, ValueError, KeyError, ConnectionError):
                return  # no run was started: the client starts it cold
            finally:
                for fd in fds:
                    os.close(fd)
            try:
                conn.sendall(json.dumps({"pid": process.pid}).encode() + b"\n")
                self._watch(conn, process)
            except OSError:
                process.kill()
            multiprocessing.connection.wait([process.sentinel])
            with self.lock:
                process.join()
                self.runs.discard(process)
                exitcode = process.exitcode
            try:
                conn.sendall(json.dumps({"exitcode": exitcode}).encode() + b"\n")
            except OSError:
                pass

    @staticmethod
    def _watch(conn: socket.socket, process) -> None:
        """Until the run ends: pass on the client's signals; kill the run if the client dies."""
        pending = b""
        while True:
            ready = multiprocessing.connection.wait([process.sentinel, conn])
            if process.sentinel in ready:
                return
            data = conn.recv(64)
            if not data:  # the client was killed: so is its run
                process.kill()
                return
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip().isdigit():
                    os.kill(process.pid, int(line))


def _noop() -> None:
    return None


def main() -> None:
    launcher = Launcher(sys.argv[1])

    def stop(signum, frame):
        launcher.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        launcher.serve()
    finally:
        launcher.stop()
        try:
            os.unlink(launcher.path)
        except FileNotFoundError:
            pass


if __name__ == "__main__":
    main()
