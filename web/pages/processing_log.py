"""The FG's page of the processing log: "who looked at this betrokkene's data" (AVG art. 15,
BIO 12.4), per request reference or per betrokkene by BSN, with the export as JSON or CSV.

Only the FG (role ``auditor``) of the region may use it (docs/decisions.md). The BSN is
posted, never put in a URL, and found through the keyed hash (models/processing.py
``find_subject``); the page then carries the subject's pseudonym only. The FG sees the
lines of the betrokkene's requests in the FG's own regions. Looking is a processing too:
each result shown and each download is a line of the log itself (``LOG_EXPORT``) and an
event of the audit trail, committed before the answer goes out.
"""
import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from models import audit, processing, processing_export
from models.accounts import ROLE_NAMES
from models.bsn import is_valid_bsn
from models.dutch_time import AMSTERDAM
from models.enums import Role
from models.tables import DataSubject, ProcessingLogEntry
from models.tables import Request as RequestRow
from web.auth import require_roles
from web.db import get_db
from web.forms import FormState, read_form
from web.templating import render
from web.workbench import first_request_id

router = APIRouter()
#: The FG only: the review of who processed a betrokkene's data is the FG's oversight, not
#: the case work's (docs/decisions.md).
fg = require_roles(Role.auditor)
PATH = "/verwerkingenlogboek"
LABELS = {"reference": "Kenmerk van het verzoek", "bsn": "Burgerservicenummer (BSN) van de betrokkene"}
FORMATS = {"json": "application/json", "csv": "text/csv"}
SYSTEM = {"system:flow": "het systeem (automatische stap)", "system:outbox": "het systeem (verzending)",
          "system:retention": "het systeem (bewaartermijn)"}


@dataclass(frozen=True)
class Line:
    """One line of the log as the page and the CSV show it (codes in Dutch words)."""

    at: datetime
    role: str
    account: str
    activity: str
    description: str
    what: str
    reference: str
    outcome: str
    trace_id: str
    span_id: str


def _who(principal: str) -> tuple[str, str]:
    """(role in words, account id) of a principal string such as "manager:42"."""
    if principal in SYSTEM:
        return SYSTEM[principal], "-"
    role, _, account = principal.partition(":")
    try:
        return ROLE_NAMES[Role(role)], account or "-"
    except ValueError:
        return role, account or "-"


def _line(row: ProcessingLogEntry, references: dict[str, str]) -> Line:
    code = row.processing_activity_id.removeprefix(processing.ACTIVITY_PREFIX)
    verb, _, detail = row.name.partition(":")
    moment = row.start_time if row.start_time.tzinfo else row.start_time.replace(tzinfo=UTC)
    role, account = _who(row.principal)
    what = processing_export.WHAT.get(verb, "automatische stap" if verb == "stap" else verb)
    return Line(at=moment.astimezone(AMSTERDAM), role=role, account=account, activity=code,
                description=processing.ACTIVITIES.get(code, ""), what=f"{what} ({detail})" if detail else what,
                reference=references.get(row.request_id or "", "-"), outcome="mislukt" if row.status_code == 2 else "gelukt",
                trace_id=row.trace_id, span_id=row.span_id)


def _scoped(db: Session, principal, log: processing_export.SubjectLog) -> tuple[processing_export.SubjectLog, dict]:
    """The log without the lines of requests outside the FG's regions (a line of no request,
    such as a look at this log, stays), and {request id: reference}."""
    ids = {row.request_id for row in log.entries if row.request_id}
    rows = db.exec(select(RequestRow.id, RequestRow.reference, RequestRow.region_id)
                   .where(RequestRow.id.in_(ids))).all() if ids else []
    mine = {rid: ref for rid, ref, region in rows if principal.in_region(region)}
    log.entries = [row for row in log.entries if row.request_id is None or row.request_id in mine]
    return log, mine


def _subject_of(db: Session, principal, state: FormState) -> Optional[DataSubject]:
    """The betrokkene the form names (a reference in the FG's regions, or a BSN whose
    betrokkene has a request there), or None with the error on the form."""
    reference, bsn = state.value("reference").strip(), state.value("bsn").replace(" ", "")
    if bool(reference) == bool(bsn):
        state.add_form_error("Vul een kenmerk of een BSN in (één van beide).", target=state.field_id("reference"))
        return None
    if reference:
        rid = first_request_id(db, reference[:40])
        row = db.get(RequestRow, rid) if rid else None
        if row is None or not principal.in_region(row.region_id):
            state.add_error("reference", "geen verzoek met dit kenmerk in uw regio", phrase=False)
            return None
        return db.get(DataSubject, row.subject_id)
    if not (len(bsn) == 9 and bsn.isdigit() and is_valid_bsn(bsn)):
        state.add_error("bsn", "een BSN heeft 9 cijfers en voldoet aan de elfproef", phrase=False)
        return None
    subject = processing.find_subject(db, bsn)
    regions = set(db.exec(select(RequestRow.region_id).where(RequestRow.subject_id == subject.id)).all()) \
        if subject else set()
    if subject is None or not any(principal.in_region(r) for r in regions):
        state.add_error("bsn", "geen betrokkene met dit BSN bij een verzoek in uw regio", phrase=False)
        return None
    return subject


def _audit(db: Session, principal, subject: DataSubject, action: str, **detail) -> None:
    """The FG's look is a processing of the betrokkene's data too (LDV) and an audit event."""
    audit.record(db, principal.actor, action, None, subject=subject.row_uid, **detail)
    processing.record(db, principal, processing.as_code("inzien", "verwerkingenlogboek.web"),
                      processing.LOG_EXPORT, subject_ids=[subject.id])
    db.commit()


def _page(request: Request, state: FormState, status: int = 200, **context):
    return render(request, "processing_log.html.j2", status_code=status, form=state, **context)


@router.get(PATH)
def form(request: Request, principal=Depends(fg)):
    return _page(request, FormState({}, LABELS))


@router.post(PATH)
async def show(request: Request, principal=Depends(fg), db: Session = Depends(get_db)):
    state = FormState.from_form(await read_form(request), LABELS)
    subject = _subject_of(db, principal, state)
    if subject is None:
        return _page(request, state, 422)
    log, references = _scoped(db, principal, processing_export.build(db, subject.id))
    _audit(db, principal, subject, "processinglog.viewed", lines=len(log.entries))
    lines = [_line(row, references) for row in log.entries]
    return _page(request, FormState({}, LABELS), log=log, lines=lines, pseudonym=subject.row_uid)


@router.post(PATH + "/export")
async def export(request: Request, principal=Depends(fg), db: Session = Depends(get_db)):
    """The same lines as a file: JSON in the field names of the standard (the content of
    ``rechtenloket audit verwerkingen``), or CSV for a spreadsheet."""
    form_data = await read_form(request)
    kind = form_data.get("format")
    pseudonym = form_data.get("betrokkene")[:64]
    subject = db.exec(select(DataSubject).where(DataSubject.row_uid == pseudonym)).first() if pseudonym else None
    if subject is not None:
        regions = db.exec(select(RequestRow.region_id).where(RequestRow.subject_id == subject.id)).all()
        if not any(principal.in_region(r) for r in regions):
            subject = None
    if kind not in FORMATS or subject is None:
        state = FormState({}, LABELS)
        state.add_form_error("Zoek de betrokkene opnieuw op en kies JSON of CSV.")
        return _page(request, state, 422)
    log, references = _scoped(db, principal, processing_export.build(db, subject.id))
    _audit(db, principal, subject, "processinglog.exported", lines=len(log.entries), format=kind)
    body = processing_export.render_json(log) if kind == "json" else _csv([_line(r, references) for r in log.entries])
    name = f"verwerkingenlogboek-{subject.row_uid[:12]}.{kind}"
    return Response(body, media_type=f"{FORMATS[kind]}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _csv(lines: list[Line]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["tijd", "rol", "account", "verwerkingsactiviteit", "omschrijving", "wat", "verzoek", "uitkomst",
                     "trace_id", "span_id"])
    for line in lines:
        writer.writerow([line.at.isoformat(timespec="seconds"), line.role, line.account, line.activity,
                         line.description, line.what, line.reference, line.outcome, line.trace_id, line.span_id])
    return out.getvalue()
