"""The list of open requests (the manager's dashboard, also the coordinator's work list),
finding a request, registering one, and the annual statistics (page, SVG charts, CSV).

The list shows references, codes and dates only (models/dashboard.py): no page-view audit
is needed. Finding a request by BSN or name goes through the keyed hash and is a logged
read; so is registering (the form shows the open requests of the same BSN first).
"""
import csv
import io
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, select

from models.actions.intake import RequestInput, register_request
from models.crypto import lookup_hashes
from models.dashboard import PER_PAGE, SORTS, Filters, dashboard
from models.enums import Channel, RequesterKind, RequestStatus, RequestType, Role
from models.region_config import get_region
from models.sla import OPEN_STATUSES, SlaStatus
from models.statistics import Period, cached_statistics, previous_years, table_rows
from models.tables import Request as RequestRow
from models.tables.subject import DataSubject
from web import labels as L
from web.audit import record_view
from web.auth import require_roles
from web.db import get_db
from web.forms import FormData, FormState, read_form
from web.templating import render
from web.workbench import PERSONAL, READERS, first_request_id, record, regions_filter, today

router = APIRouter()
readers = require_roles(*READERS)
personal_readers = require_roles(*PERSONAL)
coordinator = require_roles(Role.coordinator)
counters = require_roles(Role.coordinator, Role.manager, Role.auditor)

SORT_LABELS = {"urgentie": "urgentie", "ontvangen": "ontvangstdatum", "protocoltermijn": "termijn van het protocol",
               "wettelijke_termijn": "wettelijke termijn", "kenmerk": "kenmerk"}


def _enum(kind, value: Optional[str]):
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@router.get("/verzoeken")
def request_list(request: Request, principal=Depends(readers), db: Session = Depends(get_db)):
    q = request.query_params
    allowed = regions_filter(principal)
    region = q.get("regio") or None
    if region and allowed is not None and region not in allowed:
        region = None
    try:
        page_no = max(1, min(int(q.get("pagina", "1")), 100000))
    except ValueError:
        page_no = 1
    sort = q.get("sorteer") if q.get("sorteer") in SORTS else "urgentie"
    filters = Filters(regions=allowed, region=region, status=_enum(SlaStatus, q.get("status")),
                      phase=_enum(RequestStatus, q.get("fase")), type=_enum(RequestType, q.get("soort")),
                      sort=sort, descending=q.get("volgorde") == "aflopend", page=page_no)
    day = today(request)
    board = dashboard(db, filters, day)
    values = {k: [v] for k, v in q.items()}
    regions = [(r.id, r.name) for r in _regions(db, principal)]
    pages = max(1, -(-board.total // PER_PAGE))
    base = "&".join(f"{k}={v}" for k, v in q.items() if k != "pagina" and v)
    return render(request, "workbench/list.html.j2", board=board, filters=FormState(values), pages=pages,
                  page_no=page_no, base=base, regions=regions, region_names=dict(regions),
                  statuses=[(s.value, L.SLA[s][0]) for s in SlaStatus if s not in (SlaStatus.done_on_time, SlaStatus.done_late)],
                  phases=[(s, L.PHASES[s]) for s in OPEN_STATUSES], types=list(L.RIGHTS.items()),
                  sorts=list(SORT_LABELS.items()), role=principal.role.value)


def _regions(db: Session, principal):
    from models.tables import Region

    rows = db.exec(select(Region).order_by(Region.name)).all()
    return [r for r in rows if principal.in_region(r.id)]


# ------------------------------------------------------------------ finding a request


@router.get("/zoeken")
def search_form(request: Request, principal=Depends(readers), db: Session = Depends(get_db)):
    """The search form. A reference in the address (``?q=ZVHD-2026-0012``, a link someone
    shares) is followed; a BSN or a name is never searched from an address, where it would
    stay in the browser's history and the server's logs: the form sends it (POST)."""
    term = (request.query_params.get("q") or "").strip()[:120]
    state = FormState({"q": [""]}, SEARCH_LABELS)
    if term:
        rid = first_request_id(db, term)
        if rid is not None and principal.in_region(db.get(RequestRow, rid).region_id):
            return RedirectResponse(f"/verzoeken/{rid}", status_code=303)
        state.add_error("q", "geen verzoek met dit kenmerk. Zoek op BSN of naam met het formulier hieronder",
                        phrase=False)
    return render(request, "workbench/search.html.j2", form=state, found=[], searched=False)


@router.post("/zoeken")
async def search(request: Request, principal=Depends(readers), db: Session = Depends(get_db)):
    """By reference (everyone who reads requests); by BSN or name only for the roles that see
    personal data, through the keyed hash, and logged as a read (with what was searched
    for as a kind, never the value)."""
    form = await read_form(request)
    term = form.get("q").strip()[:120]
    state = FormState({"q": [term]}, SEARCH_LABELS)
    found: list[RequestRow] = []
    if not term:
        state.add_error("q", "vul een kenmerk, BSN of naam in", phrase=False)
        return render(request, "workbench/search.html.j2", status_code=422, form=state, found=[], searched=False)
    rid = first_request_id(db, term)
    if rid is not None:
        row = db.get(RequestRow, rid)
        if principal.in_region(row.region_id):
            return RedirectResponse(f"/verzoeken/{rid}", status_code=303)
    if principal.role not in PERSONAL:
        state.add_error("q", "geen verzoek met dit kenmerk. Zoeken op BSN of naam kan alleen de procesregisseur, "
                             "de ondertekenaar of de FG", phrase=False)
    else:
        digits = term.replace(" ", "")
        kind = "bsn" if digits.isdigit() and len(digits) == 9 else "name"
        hashes = lookup_hashes(digits if kind == "bsn" else term)
        if kind == "bsn":
            subjects = select(DataSubject.id).where(DataSubject.bsn_hash.in_(hashes))
            query = select(RequestRow).where(RequestRow.subject_id.in_(subjects))
        else:
            query = select(RequestRow).where(RequestRow.subject_name_hash.in_(hashes))
        found = [r for r in db.exec(query.order_by(RequestRow.first_received_on.desc()).limit(50))
                 if principal.in_region(r.region_id)]
        record_view(db, principal, "search", kind=kind, found=len(found))
        if not found:
            state.add_error("q", "geen verzoek gevonden. Een naam moet precies zo zijn geschreven als bij de "
                                 "registratie", phrase=False)
    return render(request, "workbench/search.html.j2", form=state, found=found, searched=True)


SEARCH_LABELS = {"q": "Kenmerk, BSN of naam"}


# ------------------------------------------------------------------ registering a request


REGISTER_LABELS = {
    "region": "Regio", "received_on": "Ontvangen op", "channel": "Hoe kwam het verzoek binnen?",
    "received_by": "Partner die het verzoek eerst ontving", "forwarded_on": "Door die partner doorgestuurd op",
    "types": "Wat vraagt de betrokkene?", "subject.name": "Naam van de betrokkene",
    "subject.bsn": "Burgerservicenummer (BSN)", "subject.birth_date": "Geboortedatum",
    "subject.address": "Adres van de betrokkene", "representative.kind": "Soort vertegenwoordiger",
    "representative.name": "Naam van de vertegenwoordiger", "representative.address": "Adres van de vertegenwoordiger",
    "representative.proof_of_authority": "Bewijs van vertegenwoordiging", "duplicate_seen": "Ander open verzoek",
    # A balie request: the identity check at intake (issue 18 point 3; models/actions/intake.py).
    "identity.place": "Plaats van de controle", "identity.officer": "Gecontroleerd door (naam of functie)",
    "identity.document_type": "Soort document",
    "identity.document_last_digits": "Laatste 2 tot 4 tekens van het documentnummer",
    **{f"statements.{t.value}": f"Toelichting van de betrokkene bij {L.RIGHTS[t.value]}" for t in RequestType},
}
OPTIONAL = ("received_by", "forwarded_on", "subject.birth_date", "subject.address", "representative.address",
            *(f"statements.{t.value}" for t in RequestType))


def _register_page(request, db, principal, state, status=200, duplicates=()):
    regions = _regions(db, principal)
    partners = [(p.slug, f"{p.name} ({r.name})") for r in regions for p in get_region(r.id).partners]
    places = list(dict.fromkeys(p for r in regions for p in get_region(r.id).identity.places))
    return render(request, "workbench/register.html.j2", status_code=status, form=state,
                  regions=[(r.id, r.name) for r in regions], partners=partners,
                  places=[(p, p) for p in places], documents=L.DOCUMENTS,
                  channels=[(c.value, L.CHANNELS[c.value]) for c in Channel if c != Channel.via_partner],
                  kinds=[(k.value, L.REQUESTERS[k.value]) for k in RequesterKind if k != RequesterKind.betrokkene],
                  types=list(L.RIGHTS.items()), duplicates=duplicates)


@router.get("/verzoeken-nieuw")
def register_form(request: Request, principal=Depends(coordinator), db: Session = Depends(get_db)):
    regions = _regions(db, principal)
    state = FormState({"received_on": [today(request).isoformat()], "channel": ["brief"],
                       "region": [regions[0].id] if len(regions) == 1 else []}, REGISTER_LABELS)
    return _register_page(request, db, principal, state)


def _register_data(form: FormData) -> dict:
    kept = FormData((k, v) for k, v in form.pairs if not (k in OPTIONAL and not v.strip()))
    data = kept.nested(lists=["types"])
    data.pop("duplicate_seen", None)
    data.setdefault("types", [])
    rep = data.get("representative")
    if isinstance(rep, dict) and not any(str(v).strip() for v in rep.values()):
        data.pop("representative")
    if data.get("received_by"):
        data["channel"] = Channel.via_partner.value
    # The identity check at intake: given for a balie request, and whenever it was filled in
    # (the action then refuses it for another channel: the coordinator chose the wrong one).
    identity = data.pop("identity", None)
    if isinstance(identity, dict):
        typed = any(str(identity.get(k, "")).strip() for k in ("officer", "document_type", "document_last_digits"))
        if typed or data.get("channel") == Channel.balie.value:
            identity["document_last_digits"] = str(identity.get("document_last_digits", "")).strip().upper()
            data["identity"] = identity
    return data


def open_requests_of(db: Session, bsn: str) -> list[RequestRow]:
    """The open requests of the subject with this BSN (through the keyed hash)."""
    subjects = select(DataSubject.id).where(DataSubject.bsn_hash.in_(lookup_hashes(bsn.strip())))
    return db.exec(select(RequestRow).where(RequestRow.subject_id.in_(subjects),
                                            RequestRow.status.in_(OPEN_STATUSES))
                   .order_by(RequestRow.first_received_on)).all()


@router.post("/verzoeken-nieuw")
async def register_submit(request: Request, principal=Depends(coordinator), db: Session = Depends(get_db)):
    form = await read_form(request)
    state = FormState.from_form(form, REGISTER_LABELS)
    try:
        parsed = RequestInput.model_validate(_register_data(form))
    except ValidationError as exc:
        state.add_validation_error(exc)
        return _register_page(request, db, principal, state, 422)
    duplicates = open_requests_of(db, parsed.subject.bsn)
    if duplicates:
        record_view(db, principal, "register.duplicates", found=len(duplicates))
        if form.get("duplicate_seen") != "ja":
            state.add_error("duplicate_seen", "deze betrokkene heeft al een open verzoek. Kijk of dit een nieuw "
                            "verzoek is en vink dat aan. Het nieuwe verzoek krijgt een eigen identificatie",
                            phrase=False)
            return _register_page(request, db, principal, state, 422, duplicates)
    key = f"naast-{duplicates[0].reference}" if duplicates else None  # a deliberate second request
    return await record(request, db, state, lambda: register_request(db, parsed, principal, today(request), key=key),
                        "geregistreerd", lambda st, code: _register_page(request, db, principal, st, code, duplicates))


# ------------------------------------------------------------------ statistics


def _period(request: Request) -> tuple[Period, int]:
    day = today(request)
    try:
        year = int(request.query_params.get("jaar", day.year))
    except ValueError:
        year = day.year
    year = min(max(year, 2000), day.year)
    return Period.year(year, until=day), year


@router.get("/statistiek")
def statistics_page(request: Request, principal=Depends(counters), db: Session = Depends(get_db)):
    period, year = _period(request)
    stats = cached_statistics(db, period, regions_filter(principal))
    return render(request, "workbench/statistics.html.j2", stats=stats, year=year,
                  years=[(str(y), str(y)) for y in previous_years(today(request))],
                  form=FormState({"jaar": [str(year)]}, {"jaar": "Jaar"}),
                  charts=[_chart("Verzoeken per soort", {L.RIGHTS.get(k, k): v for k, v in stats.per_type.items()}),
                          _chart("Uitkomst per recht", {_outcome(k): v for k, v in stats.per_outcome.items()}),
                          _chart("Verzoeken per kanaal", {L.CHANNELS.get(k, k): v for k, v in stats.per_channel.items()})],
                  rows=table_rows(stats))


def _outcome(code: str) -> str:
    from models.statistics import OUTCOMES

    return OUTCOMES.get(code, code)


def _chart(title: str, values: dict[str, int]) -> dict:
    """A horizontal bar chart as data for a server-rendered SVG (no JavaScript)."""
    top = max(values.values(), default=0) or 1
    bars = [{"label": k, "value": v, "width": round(300 * v / top), "y": 28 * n} for n, (k, v) in enumerate(values.items())]
    return {"title": title, "bars": bars, "height": max(28, 28 * len(bars))}


@router.get("/statistiek.csv")
def statistics_csv(request: Request, principal=Depends(counters), db: Session = Depends(get_db)):
    period, year = _period(request)
    rows = table_rows(cached_statistics(db, period, regions_filter(principal)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["onderdeel", "wat", "aantal", "toelichting"], delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="rechtenloket-statistiek-{year}.csv"'})
