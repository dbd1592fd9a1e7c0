"""Fictitious requests in bulk, for the runtime tests and the benchmark (bench/throughput.py).

Request ``n`` has its own fictitious betrokkene (a demo BSN that passes the elfproef) and,
when asked, registrations in the region's file: ``avg`` partners that will be consulted,
plus the police and the OM (their data go to the Wpg-loket and the parket). Registrations
are written by the real action (models.actions.intake.add_registration); there is no
command for them, the web app will have the form.
"""
import json
from datetime import date
from pathlib import Path

from flows.demo import demo_bsn
from tests.principals import TESTER
from models.region_config import configured_regions, get_region

FIRST = ["Anna", "Bram", "Chantal", "Daan", "Esra", "Finn", "Gerda", "Hamid", "Iris", "Joost"]
LAST = ["Voorbeeld", "Fictief", "Testman", "Proefsma", "Oefening"]


def regions() -> list[str]:
    # Read once per process, as get_region does (parsing the five YAML files takes seconds,
    # and every request of a batch asks).
    return sorted(configured_regions())


def region_of(n: int) -> str:
    ids = regions()
    return ids[n % len(ids)]


def subject(n: int) -> dict:
    return {"bsn": demo_bsn(n), "name": f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST) % len(LAST)]} {n}",
            "birth_date": "1980-05-17", "address": f"Proefstraat {n + 1}, 1234 AB Ergens"}


def request_input(n: int, received: date, types=("inzage",)) -> dict:
    """What ``rechtenloket request register`` reads (docs/scenario.md: the ``request`` part)."""
    return {"region": region_of(n), "subject": subject(n), "types": list(types),
            "received_on": received.isoformat(), "channel": "brief"}


def write_request(folder: Path, n: int, received: date) -> Path:
    path = folder / f"verzoek-{n}.json"
    path.write_text(json.dumps(request_input(n, received)), encoding="utf-8")
    return path


def partners(region_id: str, avg: int) -> tuple[list[str], list[str]]:
    """(the first ``avg`` partners under the AVG, one police unit and one OM parket)."""
    region = get_region(region_id)
    general = [p.slug for p in region.partners if p.regime.value == "avg"][:avg]
    police = next(p.slug for p in region.partners if p.regime.value == "wpg")
    om = next(p.slug for p in region.partners if p.regime.value == "wjsg")
    if len(general) < avg:
        raise ValueError(f"{region_id} has fewer than {avg} partners under the AVG")
    return general, [police, om]


def add_registrations(n: int, avg: int, supplied: date) -> list[str]:
    """Registrations of betrokkene ``n`` at ``avg`` AVG partners, the police and the OM;
    returns the AVG partners (the ones that will be consulted)."""
    from models.actions.intake import RegistrationInput, SubjectInput, add_registration
    from models.db import session_scope

    region = region_of(n)
    general, justice = partners(region, avg)
    with session_scope() as s:
        for slug in general + justice:
            add_registration(s, RegistrationInput(
                region=region, subject=SubjectInput(**subject(n)), casus=f"ZVH-{supplied.year}-{n:04d}",
                partner=slug, category="Gegevens", description=f"Registratie bij {slug}.",
                supplied_on=supplied), TESTER, supplied)
    return general


def answer_input(request_id: str, partner: str, on: date) -> dict:
    """A partner's answer: every item it supplied is correct (what ``request answer`` reads)."""
    from sqlmodel import select

    from models.db import session_scope
    from models.state import registrations
    from models.tables import Partner, Request

    with session_scope() as s:
        request = s.get(Request, request_id)
        partner_id = s.exec(select(Partner.id).where(Partner.region_id == request.region_id,
                                                     Partner.slug == partner)).one()
        items = [{"registration_id": r.id, "supplied_by_us": True, "correct": True}
                 for r in registrations(s, request) if r.partner_id == partner_id]
    return {"partner": partner, "answered_on": on.isoformat(), "answered_by": f"contactpersoon {partner}",
            "items": items}
