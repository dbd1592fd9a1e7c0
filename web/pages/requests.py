"""A request's page: everything the command line shows and can do, for the coordinator,
the signatory, the manager and the FG; its timeline; its letters as printed (HTML and PDF).

Personal data are shown to the coordinator, the signatory and the FG, and every such view
is in the audit trail (``record_view``). The manager sees the page without them (references,
dates, codes) until they open them with a reason: that read is logged too.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, select

from models.actions.identity import identity_status
from models.enums import RequestStatus, RequestType, Role
from models.letters import store
from models.actions.replies import blockers_as_signed
from models.letters.approval import authors, warnings
from models.letters.kinds import get_kind
from models.lifecycle import NEEDS_EXECUTION, REOPENABLE
from models.region_config import get_region
from models.sla import status_for
from models.state import clocks, registrations, rights
from models.tables import (
    CaseRegistration,
    ClockEvent,
    ConsultationTask,
    IdentityCheck,
    ItemDecision,
    Letter,
    Partner,
    Referral,
    Representative,
    SourceTask,
)
from models.tables import Request as RequestRow
from models.tables.subject import DataSubject
from web.audit import record_view
from web.auth import require_roles
from web.db import get_db
from web.templating import render
from web.workbench import DONE, PERSONAL, READ_REASONS, READERS, load_request, today

router = APIRouter()
readers = require_roles(*READERS)
letter_readers = require_roles(*PERSONAL)


@dataclass
class Page:
    """What the request page shows (built once per view; the template does no look-ups)."""

    request: RequestRow
    region_name: str
    today: date
    personal: bool
    sla: object
    clocks: dict
    rights: list
    identity: Optional[IdentityCheck]
    identity_status: object  # models.actions.identity.IdentityStatus: reasons, term, what may be done
    suspended: bool
    referrals: list
    tasks: list  # (task, partner)
    scope: list  # (partner, [registrations]) per supplier
    withheld: list  # (registration, answer) of withheld parts
    sources: list  # (task, registration)
    decisions: list  # ItemDecision
    forums: list  # (forum id, name) still to decide
    letters: list  # (letter, kind title)
    blockers: list
    authors: set
    extendable: list
    executable: list
    reopenable: bool = False  # a submitted answer may be reopened (nothing decided yet)
    drafts: int = 0  # reply drafts (to approve)
    approved: int = 0  # approved replies not sent (to send, or withdraw)
    subject: Optional[DataSubject] = None
    representative: Optional[Representative] = None
    partners: dict = field(default_factory=dict)
    # free text naming the police's or OM's role where their part was referred (issue 18 point
    # 10): shown before approval, never blocking; only to the roles that read the texts
    warnings: list = field(default_factory=list)


def build(db: Session, row: RequestRow, day: date, personal: bool) -> Page:
    region = get_region(row.region_id)
    partners = {p.id: p for p in db.exec(select(Partner).where(Partner.region_id == row.region_id))}
    right_rows = rights(db, row.id)
    clock = clocks(db, row, day)
    tasks = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == row.id)
                    .order_by(ConsultationTask.partner_id)).all()
    regs = registrations(db, row)
    scope: dict[int, list[CaseRegistration]] = {}
    for reg in regs:
        scope.setdefault(reg.partner_id, []).append(reg)
    from models.actions.answers import _answer_for  # one way to find an item's answer

    withheld = []
    if personal:
        for reg in regs:
            answer = _answer_for(db, row.id, reg.id)
            if answer is not None and answer.withhold:
                withheld.append((reg, answer))
    by_id = {r.id: r for r in regs}
    sources = [(t, by_id.get(t.registration_id)) for t in db.exec(
        select(SourceTask).where(SourceTask.request_id == row.id).order_by(SourceTask.id))]
    undecided = [r for r in right_rows if r.outcome is None and region.rights[RequestType(r.type)].available]
    forums = []
    if row.status == RequestStatus.deliberating.value:
        names = {f.id: f.name for f in region.forums}
        for forum in dict.fromkeys(region.rights[RequestType(r.type)].forum for r in undecided):
            forums.append((forum, names.get(forum, forum)))
    extensions = {e.right_type for e in db.exec(select(ClockEvent).where(
        ClockEvent.request_id == row.id, ClockEvent.kind == "extend"))}
    letters = db.exec(select(Letter).where(Letter.request_id == row.id).order_by(Letter.id)).all()
    open_suspension = row.sla_suspended_since is not None
    return Page(
        request=row, region_name=region.name, today=day, personal=personal, sla=status_for(row, day),
        clocks=clock, rights=right_rows,
        identity=db.exec(select(IdentityCheck).where(IdentityCheck.request_id == row.id)).first(),
        identity_status=identity_status(db, row, day),
        suspended=open_suspension,
        referrals=[(x, partners.get(x.partner_id)) for x in db.exec(
            select(Referral).where(Referral.request_id == row.id).order_by(Referral.id))],
        tasks=[(t, partners.get(t.partner_id)) for t in tasks],
        scope=[(partners.get(pid), items) for pid, items in scope.items()],
        withheld=withheld, sources=sources,
        decisions=db.exec(select(ItemDecision).where(ItemDecision.request_id == row.id)
                          .order_by(ItemDecision.id)).all(),
        forums=forums,
        letters=[(x, get_kind(x.kind).title) for x in letters],
        blockers=blockers_as_signed(db, row, day, "system") if row.status == RequestStatus.replying.value else [],
        warnings=warnings(db, row) if row.status == RequestStatus.replying.value and personal else [],
        authors=authors(db, row),
        extendable=[r.type for r in right_rows if r.type not in extensions and r.replied_on is None
                    and row.status != RequestStatus.closed.value and day <= clock[r.type].legal_due],
        executable=[r.type for r in right_rows if row.status == RequestStatus.executing.value
                    and RequestType(r.type) in NEEDS_EXECUTION and r.outcome in ("granted", "partly")
                    and r.executed_on is None],
        subject=db.get(DataSubject, row.subject_id) if personal else None,
        representative=db.exec(select(Representative).where(Representative.request_id == row.id)).first()
        if personal else None,
        partners=partners,
        reopenable=RequestStatus(row.status) in REOPENABLE and not any(r.outcome for r in right_rows),
        drafts=sum(x.reply and x.status == store.DRAFT for x in letters),
        approved=sum(x.reply and x.status == store.APPROVED for x in letters),
    )


@router.get("/verzoeken/{request_id}")
def request_page(request: Request, request_id: str, persoonsgegevens: Optional[str] = None,
                 principal=Depends(readers), db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    reveal = principal.role == Role.manager and persoonsgegevens in READ_REASONS
    personal = principal.role in PERSONAL or reveal
    if personal:  # on record before anything is shown
        if reveal:
            record_view(db, principal, "request.personal", request_id=row.id, reason=persoonsgegevens)
        else:
            record_view(db, principal, "request", request_id=row.id)
    done = request.query_params.get("gedaan", "")
    return render(request, "workbench/request.html.j2", page=build(db, row, today(request), personal),
                  done=DONE.get(done), failed_step=request.query_params.get("storing") == "1", error=None,
                  reasons=READ_REASONS, role=principal.role.value, principal_id=principal.id)


def render_request(request: Request, db: Session, principal, row: RequestRow, error: str, status: int = 422):
    """The request page with an error at the top (a button's action was refused)."""
    record_view(db, principal, "request", request_id=row.id)
    return render(request, "workbench/request.html.j2", status_code=status,
                  page=build(db, row, today(request), True), done=None, failed_step=False, error=error,
                  reasons=READ_REASONS, role=principal.role.value, principal_id=principal.id)


# ------------------------------------------------------------------ the timeline


@router.get("/verzoeken/{request_id}/tijdlijn")
def timeline_page(request: Request, request_id: str, principal=Depends(readers), db: Session = Depends(get_db)):
    """Events from the audit trail, letters and flow runs (ids and codes only: no personal
    data, so also for the manager)."""
    from web.timeline import timeline

    row = load_request(db, principal, request_id)
    settings = request.app.state.settings
    entries, runs_known = timeline(db, row, settings.prefect_ui_url)
    return render(request, "workbench/timeline.html.j2", request_row=row, entries=entries, runs_known=runs_known)


# ------------------------------------------------------------------ letters as printed


def _letter(db: Session, principal, request_id: str, letter_id: int) -> tuple[RequestRow, Letter]:
    row = load_request(db, principal, request_id)
    letter = db.get(Letter, letter_id)
    if letter is None or letter.request_id != row.id:
        raise HTTPException(status_code=404)
    return row, letter


#: A stored letter is a whole document with its own print CSS inlined: shown on its own or
#: in the letter page's frame (same site only), sandboxed, with nothing but that CSS
#: allowed (no script, no request to anywhere).
LETTER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")


@router.get("/verzoeken/{request_id}/brieven/{letter_id}")
def letter_page(request: Request, request_id: str, letter_id: int, principal=Depends(letter_readers),
                db: Session = Depends(get_db)):
    """The letter page: what it is, its state, and the letter itself (HTML and PDF links)."""
    row, letter = _letter(db, principal, request_id, letter_id)
    record_view(db, principal, "letter", request_id=row.id, letter=letter.id)
    return render(request, "workbench/letter.html.j2", request_row=row, letter=letter,
                  title=get_kind(letter.kind).title, role=principal.role.value)


@router.get("/verzoeken/{request_id}/brieven/{letter_id}/brief.html")
def letter_html(request: Request, request_id: str, letter_id: int, principal=Depends(letter_readers),
                db: Session = Depends(get_db)):
    row, letter = _letter(db, principal, request_id, letter_id)
    record_view(db, principal, "letter.html", request_id=row.id, letter=letter.id)
    return HTMLResponse(letter.html, headers={"Content-Security-Policy": LETTER_CSP,
                                             "X-Frame-Options": "SAMEORIGIN"})


@router.get("/verzoeken/{request_id}/brieven/{letter_id}/brief.pdf")
def letter_pdf(request: Request, request_id: str, letter_id: int, principal=Depends(letter_readers),
               db: Session = Depends(get_db)):
    from models.letters.render import render_pdf

    row, letter = _letter(db, principal, request_id, letter_id)
    record_view(db, principal, "letter.pdf", request_id=row.id, letter=letter.id)
    pdf = render_pdf(letter.html)
    name = f"{row.reference}-{letter.kind}.pdf"  # reference and kind: no personal data
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})

