"""Issue 18 points 5 and 6 on the pages: the partner's task page for a child of 12 to 16 asks
for the weighing of the child's own interest and refuses an answer without it; the
coordinator's decision form offers the grounds for refusing an eigen verklaring, and the
execution form splits the statement per granted item."""
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from models import dutch_time
from models.actions.decisions import DecisionInput, DeliberationInput, record_decision
from models.actions.intake import RegistrationInput, RequestInput, add_registration, register_request
from models.db import session_scope
from models.tables import CaseRegistration, ConsultationTask, Partner
from tests.journey import advance, answer_all, identify
from tests.principals import TESTER
from tests.web.helpers import csrf_of, login, make_account

TODAY = dutch_time.today()
CHILD = {"bsn": "123456782", "name": "Fictieve Dochter", "address": "Proefweg 3, 9401 AA Assen",
         "birth_date": (TODAY - timedelta(days=14 * 365 + 100)).isoformat()}
FATHER = {"kind": "wettelijk_vertegenwoordiger", "name": "Fictieve Vader", "address": "Proefweg 3, 9401 AA Assen",
          "proof_of_authority": "uittreksel gezagsregister"}


def _request(types, registrations, received, representative=None, statements=None) -> tuple[str, list[int]]:
    with session_scope() as s:
        ids = [add_registration(s, RegistrationInput(region="drenthe", subject=CHILD, casus=casus, partner=partner,
                                                     category=category, description=description), TESTER, received).id
               for casus, partner, category, description in registrations]
        rid = register_request(s, RequestInput(region="drenthe", subject=CHILD, types=list(types), received_on=received,
                                               representative=representative, statements=statements or {}),
                               TESTER, received).request_id
    advance(rid, received)
    return rid, ids


def test_the_task_page_of_a_child_asks_for_the_weighing_and_refuses_without_it(client, loaded):
    rid, ids = _request(["inzage"], [("ZVHD-2026-0031", "gemeente-assen", "Gegevens over school", "Verzuim.")],
                        TODAY - timedelta(days=6), representative=FATHER)
    identify(rid, TODAY - timedelta(days=5))
    with Session(loaded) as db:
        assen = db.exec(select(Partner).where(Partner.slug == "gemeente-assen")).one()
        task = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid,
                                                      ConsultationTask.partner_id == assen.id)).one()
        uid, task_id = task.row_uid, task.id
    make_account(loaded, "p.assen", "partner", partner="gemeente-assen")
    login(client, "p.assen")
    page = client.get(f"/taken/{uid}")
    assert page.status_code == 200
    assert 'id="child-interest"' in page.text and "De betrokkene is 14 jaar." in page.text
    assert "De wettelijk vertegenwoordiger van de betrokkene." in page.text and '"uw kind"' in page.text
    assert 'name="child_interest"' in page.text
    answer = {"csrf_token": csrf_of(page.text), "actie": "versturen", "answered_by": "J. de Vries",
              "items.0.registration_id": str(ids[0]), "items.0.supplied_by_us": "ja", "items.0.correct": "ja",
              "items.0.withhold": "nee"}
    refused = client.post(f"/taken/{uid}", data=answer)
    assert refused.status_code == 422 and "eigen belang van het kind" in refused.text
    with Session(loaded) as db:
        assert db.get(ConsultationTask, task_id).status == "open"
    sent = client.post(f"/taken/{uid}", data={**answer, "csrf_token": csrf_of(refused.text),
                                              "child_interest": "Het kind weet van het verzoek; geen bezwaar."},
                       follow_redirects=False)
    assert sent.status_code in (200, 303), sent.text
    with Session(loaded) as db:
        task = db.get(ConsultationTask, task_id)
        assert task.status == "answered" and task.child_interest == "Het kind weet van het verzoek; geen bezwaar."
    # the coordinator sees the weighing on the request page, for the forum (never in a letter)
    client.post("/uitloggen", data={"csrf_token": csrf_of(client.get("/taken").text)})
    make_account(loaded, "f.coord")
    login(client, "f.coord")
    request_page = client.get(f"/verzoeken/{rid}").text
    assert 'id="child-interest"' in request_page and "Het kind weet van het verzoek; geen bezwaar." in request_page


@pytest.fixture
def coordinator(client, web_app, loaded):
    make_account(loaded, "f.coord")
    assert login(client, "f.coord").status_code == 303
    yield client


def _post(client, path: str, data: dict):
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_the_eigen_verklaring_forms_offer_its_grounds_and_split_it_per_item(coordinator, loaded, web_app):
    received = date(2026, 3, 2)
    rid, ids = _request(["eigen_verklaring"], [
        ("ZVHD-2026-0040", "gemeente-assen", "Oordeel over de woonsituatie", "Werkt niet mee."),
        ("ZVHD-2026-0041", "ggz-drenthe", "Gegevens over zorg", "Mist afspraken."),
    ], received, statements={"eigen_verklaring": "Ik werkte mee. Ik lag in het ziekenhuis."})
    identify(rid, date(2026, 3, 3))
    answer_all(rid, date(2026, 3, 5))
    web_app.state.clock = lambda: date(2026, 3, 9)
    try:
        form = coordinator.get(f"/verzoeken/{rid}/besluit/partneroverleg").text
        assert "de verklaring vult geen gegevens in het dossier aan (artikel 16 AVG)" in form
        with session_scope() as s:
            record_decision(s, rid, DeliberationInput(
                forum="partneroverleg", held_on=date(2026, 3, 9), participants=["gemeente-assen", "ggz-drenthe"],
                decisions=[DecisionInput(type="eigen_verklaring", registration_id=i, outcome="granted") for i in ids]),
                TESTER, date(2026, 3, 9))
        advance(rid, date(2026, 3, 9))
        path = f"/verzoeken/{rid}/uitvoering"
        page = coordinator.get(path).text
        assert 'id="statement-parts"' in page and 'name="parts.1.statement"' in page
        whole = _post(coordinator, path, {"type": "eigen_verklaring", "executed_on": "2026-03-09"})
        assert whole.status_code == 422 and "verdeel haar per gegeven" in whole.text
        done = _post(coordinator, path, {"type": "eigen_verklaring", "executed_on": "2026-03-09",
                                         "parts.0.registration_id": str(ids[0]), "parts.0.statement": "Ik werkte mee.",
                                         "parts.1.registration_id": str(ids[1]),
                                         "parts.1.statement": "Ik lag in het ziekenhuis."})
        assert done.status_code == 303, done.text
        with Session(loaded) as db:
            assert [db.get(CaseRegistration, i).eigen_verklaring for i in ids] == [
                "Ik werkte mee.", "Ik lag in het ziekenhuis."]
    finally:
        web_app.state.clock = None
