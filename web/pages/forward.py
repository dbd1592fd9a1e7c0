"""Forwarding a request that reached a partner itself (models/portal.py ``forward_request``):
the form, and the page with the ZVH's reference afterwards."""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from models import dutch_time, portal
from models.actions.common import ActionError
from models.enums import RequesterKind, RequestType, Role
from models.letters.render import RIGHT_NOUNS
from models.principal import Principal
from models.state import rights
from models.validation import one_line
from web.answer_form import add_problems
from web.audit import record_view
from web.auth import require_roles
from web.db import get_db
from web.forms import FormData, FormState, read_form
from web.dispatching import carry_on
from web.templating import render

router = APIRouter()
partner_only = require_roles(Role.partner)

TYPES = [(t.value, RIGHT_NOUNS[t][:1].upper() + RIGHT_NOUNS[t][1:]) for t in RequestType]
KINDS = [(k.value, k.value.replace("_", " ").capitalize()) for k in RequesterKind if k != RequesterKind.betrokkene]
OPTIONAL = ("subject.birth_date", "subject.address", "representative.address")
REPRESENTATIVE = ("representative.kind", "representative.name", "representative.address",
                  "representative.proof_of_authority")
FIELDS = ("received_on", "types", "subject.name", "subject.bsn", *OPTIONAL[:2], *REPRESENTATIVE)


def _page(request: Request, state: FormState, status_code: int = 200):
    return render(request, "forward.html.j2", status_code=status_code, form=state, types=TYPES, kinds=KINDS)


@router.get("/doorsturen")
def forward_form(request: Request, principal: Principal = Depends(partner_only), db: Session = Depends(get_db)):
    portal.partner_of(db, principal)
    return _page(request, FormState(labels=portal.FORWARD_LABELS))


def data_of(form: FormData) -> dict:
    """Only the fields the form asks; a blank optional field counts as not given, and a
    representative only when one of its fields is filled in."""
    kept = FormData((k, v) for k, v in form.pairs if k in FIELDS and not (k in OPTIONAL and not v.strip()))
    data = kept.nested(lists=["types"])
    data.setdefault("types", [])
    data.setdefault("subject", {})
    rep = data.get("representative")
    if isinstance(rep, dict) and not any(str(v).strip() for v in rep.values()):
        data.pop("representative")
    return data


@router.post("/doorsturen")
async def forward(request: Request, principal: Principal = Depends(partner_only), db: Session = Depends(get_db)):
    form = await read_form(request)
    return await run_in_threadpool(_forward, db, request, principal, form)


def _forward(db: Session, request: Request, principal: Principal, form: FormData):
    state = FormState.from_form(form, portal.FORWARD_LABELS)
    parsed, problems = portal.parse_forward(data_of(form), dutch_time.today())
    recorded = None
    try:
        if parsed is not None:
            recorded, problems = portal.forward_request(db, principal, parsed, dutch_time.today())
    except ActionError as exc:
        db.rollback()
        state.add_form_error(one_line(exc))
        return _page(request, state, 422)
    if problems:
        db.rollback()
        add_problems(state, problems)
        return _page(request, state, 422)
    db.commit()
    carry_on(recorded)
    return RedirectResponse(f"/doorgestuurd/{recorded.request_id}", status_code=303)


@router.get("/doorgestuurd/{request_id}")
def forwarded(request_id: str, request: Request, principal: Principal = Depends(partner_only),
              db: Session = Depends(get_db)):
    try:
        row = portal.forwarded_by(db, principal, request_id)
    except portal.NotFound:
        raise HTTPException(status_code=404) from None
    record_view(db, principal, "forwarded", request_id=row.id)
    return render(request, "forwarded.html.j2", reference=row.reference, received_on=row.first_received_on,
                  forwarded_on=row.forwarded_on,
                  type_names=portal.type_names(r.type for r in rights(db, row.id)))
