"""What leaves our code for Prefect when a step fails: ids and codes, nothing else.

Prefect stores a failed task's exception (its message, in the task run's state and logs)
and logs its traceback. An exception raised inside a step may quote personal data: a
pydantic ValidationError repeats its whole input (a name, an address), a database error
may quote a row. ``guarded`` runs a step's body and turns any such exception into a
``StepFailed`` carrying the opaque request id, the step and the class name of the cause,
raised *outside* the except block so that the original is not even attached as context.
"""
import logging
from typing import Callable, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# Causes worth a retry: the database was busy or the connection dropped, or two parallel
# tasks raced for a unique row (the audit chain's predecessor on SQLite): the retry redoes it.
TRANSIENT = frozenset({"OperationalError", "IntegrityError", "InterfaceError", "DisconnectionError", "TimeoutError",
                       "SerializationFailure", "DeadlockDetected", "LockNotAvailable",
                       # A safety net: the processing log's writers take turns on either
                       # database (models/processing.py ``_serialise_writers``) and a failed
                       # write raises the database's own error; should a line still go
                       # missing, the step's transaction is rolled back, so redo it.
                       "ProcessingLogError"})


class StepFailed(Exception):
    """A step of request ``request_id`` failed; ``code`` is the class name of the cause."""

    def __init__(self, request_id: str, step: str, code: str):
        super().__init__(f"request {request_id}: step {step} failed ({code})")
        self.request_id, self.step, self.code = request_id, step, code

    def __reduce__(self):  # pickles as ids and codes only
        return (StepFailed, (self.request_id, self.step, self.code))


def is_transient(code: str) -> bool:
    return code in TRANSIENT


def guarded(request_id: str, step: str, body: Callable[[], T]) -> T:
    failure = None
    try:
        return body()
    except StepFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - every cause is reduced to its class name
        failure = StepFailed(request_id, step, type(exc).__name__)
    log.warning("request %s: step %s failed (%s)", request_id, step, failure.code)
    raise failure
