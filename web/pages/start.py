"""The start page: where a signed-in person begins. Counts only, no personal data (so no
page-view audit event)."""
from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from models.dutch_time import AMSTERDAM
from models.enums import Role
from models.principal import Principal
from web import status
from web.auth import OPERATIONS, signed_in
from web.db import get_db
from web.templating import render

router = APIRouter()


@router.get("/")
def start(request: Request, principal: Principal = Depends(signed_in), db: Session = Depends(get_db)):
    is_partner = principal.role == Role.partner
    sweep = status.next_sweep_at()
    return render(
        request, "start.html.j2",
        is_partner=is_partner,
        open_requests=None if is_partner else status.open_requests(db, principal),
        open_tasks=status.open_tasks(db, principal) if is_partner else None,
        regions=status.region_names(db, principal),
        partner_name=status.partner_name(db, principal),
        next_sweep=sweep.astimezone(AMSTERDAM) if sweep else None,
        prefect_ui_url=request.app.state.settings.prefect_ui_url if principal.role in OPERATIONS else None,
    )
