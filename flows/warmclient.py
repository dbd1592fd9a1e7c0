"""The command a warm process worker starts for each flow run (flows/warmlaunch.py).

It imports the standard library only, so it starts in milliseconds, and asks the launcher
named by ``RECHTENLOKET_WARM_SOCKET`` to run ``prefect.engine`` for it in a process forked
warm, with this process's environment, folder and standard streams. It stays until that
run ends and exits with the run's exit code (or dies of the same signal); a SIGTERM or
SIGINT it gets is passed on to the run. Without a launcher (none configured, or it does not
answer) it becomes ``python -m prefect.engine`` itself: the same run, started cold.
"""
import json
import os
import signal
import socket
import struct
import sys

SOCKET_ENV = "RECHTENLOKET_WARM_SOCKET"
HEADER = struct.Struct("!I")  # the length of the JSON request that follows the descriptors


def cold() -> None:
    """Start the run the way Prefect's process worker would have: replace this process."""
    os.execv(sys.executable, [sys.executable, "-m", "prefect.engine", *sys.argv[1:]])


def main() -> None:
    path = os.environ.get(SOCKET_ENV)
    if not path:
        cold()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        body = json.dumps({"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv[1:]}).encode()
        socket.send_fds(conn, [HEADER.pack(len(body))], [0, 1, 2])
        conn.sendall(body)
        answers = conn.makefile("rb")
        started = answers.readline()
    except OSError:
        started = b""
    if not started:  # no run was started: nothing is lost by starting it here
        conn.close()
        cold()

    def pass_on(signum, frame):
        try:
            conn.sendall(b"%d\n" % signum)
        except OSError:
            pass

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    try:
        ended = answers.readline()
    except OSError:
        ended = b""
    if not ended:  # the launcher went away during the run: its outcome is unknown here
        print("rechtenloket: de starter van de flow-run stopte tijdens de run", file=sys.stderr)
        sys.exit(1)
    code = json.loads(ended)["exitcode"]
    if code is not None and code < 0:  # the run died of a signal: so does this process
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
