"""Fault injection for the crash test: kill this process hard at a named boundary.

Set RECHTENLOKET_CRASH_AT=<name> to die the first time the process passes that boundary,
or <name>#<k> to die the k-th time (e.g. ``after:transport#2``: after the second message
was handed to its transport). The names are in flows/advance.py, flows/transports.py and
cli/requests.py. The process dies with SIGKILL, exactly as a power cut would leave it: no
cleanup, no exception handler.
"""
import os
import signal
from collections import Counter

ENV = "RECHTENLOKET_CRASH_AT"
_passed: Counter = Counter()


def boundary(name: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    target, _, nth = wanted.partition("#")
    if target != name:
        return
    _passed[name] += 1
    if _passed[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
