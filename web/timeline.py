"""A request's timeline: the events of the audit trail (with the Dutch label of each
action), the letters they concern, and the Prefect flow runs that carried the request on,
each with a link into the Prefect UI.

Nothing here is personal data: the trail holds ids and codes, a letter is named by its kind,
and a flow run's link carries only its own id (the run itself is named after the opaque
request id, ``advance-<request id>``).
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlmodel import Session, select

from models.accounts import ROLE_NAMES
from models.audit_export import ACTION_LABELS
from models.dutch_time import AMSTERDAM
from models.enums import Role
from models.letters.kinds import get_kind
from models.tables import AuditEvent, Letter
from models.tables import Request as RequestRow

#: Detail keys worth showing on the timeline (codes and dates; ids are links or hidden).
SHOWN = ("new", "partner", "partners", "type", "forum", "held_on", "method", "document_type", "target",
         "reference", "kind", "on", "due_on", "step", "code", "reason", "page", "four_eyes", "outcomes")


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str
    who: str
    details: str
    letter_id: Optional[int] = None
    run_url: Optional[str] = None
    kind: str = "event"  # "event" or "run"


def _who(actor: str) -> str:
    role, _, rest = actor.partition(":")
    if role == "system":
        return "het systeem"
    if role == "anonymous":
        return "onbekend"
    try:
        name = ROLE_NAMES[Role(role)]
    except (ValueError, KeyError):
        return role
    return f"{name} ({'opdrachtregel' if rest in ('cli', 'scenario') else 'account ' + rest[:8]})"


def _details(detail: dict) -> str:
    parts = []
    for key in SHOWN:
        if key in detail and detail[key] not in (None, "", [], {}):
            value = detail[key]
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in sorted(value.items()))
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


def timeline(db: Session, row: RequestRow, prefect_ui_url: str) -> tuple[list[Entry], bool]:
    """(entries, whether Prefect answered), newest first."""
    kinds = {x.id: x.kind for x in db.exec(select(Letter).where(Letter.request_id == row.id))}
    entries = []
    for event in db.exec(select(AuditEvent).where(AuditEvent.request_id == row.id).order_by(AuditEvent.seq)):
        letter_id = event.detail.get("letter_id")
        what = ACTION_LABELS.get(event.action, event.action)
        if letter_id in kinds:
            what = f"{what}: {get_kind(kinds[letter_id]).title}"
        entries.append(Entry(at=event.at, what=what, who=_who(event.actor), details=_details(event.detail),
                             letter_id=letter_id if letter_id in kinds else None))
    runs = flow_runs(row.id)
    for run_id, name, state, start in runs or []:
        entries.append(Entry(at=start, what=f"Automatische verwerking ({state})", who="Prefect", details=name,
                             run_url=f"{prefect_ui_url.rstrip('/')}/runs/flow-run/{run_id}", kind="run"))
    entries.sort(key=lambda e: e.at.astimezone(AMSTERDAM) if e.at.tzinfo else e.at.replace(tzinfo=AMSTERDAM),
                 reverse=True)
    return entries, runs is not None


def flow_runs(request_id: str) -> Optional[list[tuple[str, str, str, datetime]]]:
    """The ``advance-request`` runs of this request, asked of the Prefect server within two
    seconds: (run id, run name, state, start). None: no server or no answer."""
    from flows.dispatch import _api_url

    if not _api_url():
        return None
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
        from prefect.client.schemas.sorting import FlowRunSort
        from prefect.settings import PREFECT_API_REQUEST_TIMEOUT, temporary_settings

        with temporary_settings(updates={PREFECT_API_REQUEST_TIMEOUT: 2.0}), get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"advance-{request_id}"])),
                sort=FlowRunSort.START_TIME_DESC, limit=50)
    except Exception:  # noqa: BLE001 - the timeline must never fail for this
        return None
    return [(str(r.id), r.name, (r.state.name if r.state else "onbekend"),
             r.start_time or r.expected_start_time or r.created) for r in runs]
