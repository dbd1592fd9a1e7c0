"""The retention flow: erase every closed request file whose retention period has ended.

Scheduled every night (flows/serve.py, ``retention-sweep``). Each request is one task: its
outbox files and lock file first, then its rows in one transaction (models/retention.py),
so a kill at any point leaves either the whole file or a file whose rows the next run
erases; a request erased before is skipped. Prefect sees the date, opaque request ids, step
names and counts; the deletion report artifact holds references, regions, dates and
counts only.
"""
from datetime import date
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import crash
from flows.guard import StepFailed, guarded
from models import retention
from models.db import sealed_scope, session_scope

ARTIFACT_KEY = "bewaartermijn-verwijderd"


def erase_one(request_id: str, as_of: str) -> dict:
    """Erase one request file; returns its line of the deletion report (no personal data)."""
    today = date.fromisoformat(as_of)

    def body():
        files = retention.remove_files(request_id)
        crash.boundary("after:retention:files")  # the files are gone, the rows not yet
        with session_scope() as session:
            counts = retention.erase(session, request_id, today, files)
        with sealed_scope() as session:  # references, dates and counts: nothing is opened
            return retention.report_row(session, request_id, counts)

    row = guarded(request_id, "retention", body)
    crash.boundary("after:retention:request")
    return row


def due(as_of: str) -> list[str]:
    with session_scope() as session:
        return retention.due_ids(session, date.fromisoformat(as_of))


def erase_directly(as_of: str) -> dict:
    """The same run without Prefect (``rechtenloket retention run``)."""
    rows, failed = [], 0
    for request_id in due(as_of):
        try:
            rows.append(erase_one(request_id, as_of))
        except StepFailed:
            failed += 1
    return {"as_of": as_of, "erased": len(rows), "failed": failed, "report": rows}


erase_request = task(name="erase-request", task_run_name="erase-{request_id}", cache_policy=NO_CACHE,
                     persist_result=False, retries=2, retry_delay_seconds=1)(erase_one)


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"retention-sweep-{flow_run.parameters.get('as_of') or 'vandaag'}"


@flow(name="retention-sweep", flow_run_name=_run_name, persist_result=False)
def retention_sweep(as_of: Optional[str] = None) -> dict:
    """Erase every request file past its retention period (one task each), then publish the
    deletion report (references and counts) as a table artifact."""
    from prefect.artifacts import create_table_artifact

    from flows.advance import today_in_amsterdam

    as_of = as_of or today_in_amsterdam()
    rows, failed = [], 0
    for request_id in due(as_of):
        try:
            rows.append(erase_request(request_id, as_of))
        except StepFailed:
            failed += 1  # the request keeps its data; the next night tries again
    create_table_artifact(rows or [{"kenmerk": "-", "verwijderd": "niets verlopen"}], key=ARTIFACT_KEY,
                          description=f"Verwijderd na de bewaartermijn op {as_of}: kenmerken en aantallen "
                                      "(geen persoonsgegevens).")
    get_run_logger().info("retention %s: %s erased, %s failed", as_of, len(rows), failed)
    return {"as_of": as_of, "erased": len(rows), "failed": failed}
