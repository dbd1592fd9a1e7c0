"""The region page (issue 18 points 12 and 13): the administrator of a region fills in and
confirms the region's own facts, and sees what still stops real letters.

``/regio`` sends the administrator to the own region (or lists them, with more than one);
``/regio/{region}`` lists every value with its status (still unknown, from the region file,
or confirmed by whom and when) and the same list of what blocks real letters as
``rechtenloket regions check``; ``/regio/{region}/{group}`` is the form of one group of
values. Only an administrator may use it (403 for every other role), and only for a region
of the account (404 for another region, as for one that does not exist). The page shows no
personal data of betrokkenen, so there is no page-view audit; each change or confirmation
is an audit event (models/actions/region_facts.py).
"""
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from models import region_facts
from models.actions.region_facts import FactsRefused, file_region, region_with_facts, save_group, stored_facts, who
from models.enums import Role
from models.letters.contacts import blockers, region_page
from models.principal import Principal
from models.region_config import file_regions, skipped_facts
from models.settings import get_settings
from web.auth import require_roles
from web.db import get_db
from web.forms import FormState, read_form
from web.templating import render
from web.workbench import today

router = APIRouter()
#: The region's administrator only: the facts are the region's, not the case work's.
administrator = require_roles(Role.administrator)


def _region_or_404(principal: Principal, region_id: str):
    """The region as its file says, if it is one of the principal's (404 otherwise: another
    region's page is not told apart from one that does not exist)."""
    if len(region_id) > 64 or not principal.in_region(region_id):
        raise HTTPException(status_code=404)
    try:
        return file_region(region_id)
    except LookupError:
        raise HTTPException(status_code=404) from None


@router.get("/regio")
def regions(request: Request, principal: Principal = Depends(administrator)):
    mine = [r for r in file_regions().values() if principal.in_region(r.id)]
    if len(mine) == 1:
        return RedirectResponse(region_page(mine[0].id), status_code=303)
    return render(request, "region_list.html.j2", regions=sorted(mine, key=lambda r: r.name))


@router.get("/regio/{region_id}")
def overview(request: Request, region_id: str, principal: Principal = Depends(administrator),
             db: Session = Depends(get_db)):
    _region_or_404(principal, region_id)
    region = region_with_facts(db, region_id)
    stored = stored_facts(db, region_id)
    names = {actor: who(db, actor) for f in stored.values() for actor in (f.confirmed_by, f.changed_by)}
    saved = request.query_params.get("opgeslagen", "")[:120]
    saved_group = region_facts.group(region, saved) if saved else None
    found = blockers(region)
    by_group: dict = {}  # group title -> its blockers, in page order
    for blocker in found:
        by_group.setdefault(blocker.group_title, []).append(blocker)
    return render(request, "region.html.j2", region=region, groups=region_facts.statuses(region, stored),
                  blockers=found, blocking_groups=list(by_group.items()), names=names, demo=get_settings().demo,
                  saved=saved_group, skipped=skipped_facts(region_id))


def _group_or_404(region, group_id: str):
    found = region_facts.group(region, group_id) if len(group_id) <= 200 else None
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _form_page(request: Request, region, group, state: FormState, status: int = 200):
    return render(request, "region_group.html.j2", status_code=status, region=region, group=group, form=state)


@router.get("/regio/{region_id}/{group_id}")
def group_form(request: Request, region_id: str, group_id: str, principal: Principal = Depends(administrator),
               db: Session = Depends(get_db)):
    _region_or_404(principal, region_id)
    region = region_with_facts(db, region_id)
    group = _group_or_404(region, group_id)
    rows = {s.spec.key: s for g, statuses in region_facts.statuses(region, stored_facts(db, region_id))
            if g.id == group.id for s in statuses}
    values = {spec.key: [region_facts.as_text(rows[spec.key].value)] for spec in group.specs}
    return _form_page(request, region, group, FormState(values, {s.key: s.label for s in group.specs}))


@router.post("/regio/{region_id}/{group_id}")
async def group_save(request: Request, region_id: str, group_id: str, principal: Principal = Depends(administrator),
                     db: Session = Depends(get_db)):
    _region_or_404(principal, region_id)
    region = region_with_facts(db, region_id)
    group = _group_or_404(region, group_id)
    form = await read_form(request)
    state = FormState.from_form(form, {s.key: s.label for s in group.specs})
    names = {name for name, _ in form.pairs}
    values = {spec.key: form.get(spec.key) for spec in group.specs if spec.key in names}
    try:
        save_group(db, principal, region_id, group.id, values, today(request))
    except FactsRefused as exc:
        db.rollback()
        for name, message in exc.errors.items():
            if name:
                state.add_error(name, message)
            else:
                state.add_form_error(message, target=group.specs[0].key)
        return _form_page(request, region, group, state, 422)
    db.commit()
    return RedirectResponse(f"{region_page(region_id)}?opgeslagen={group.id}#{group.id}", status_code=303)
