"""Fault injection for the crash test: kill this process hard at a named step boundary.

Set RECHTENLOKET_CRASH_AT=after:<step> (see flows/advance.py for the names). The process
dies with SIGKILL, exactly as a power cut would leave it: no cleanup, no exception handler.
"""
import os
import signal

ENV = "RECHTENLOKET_CRASH_AT"


def boundary(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
