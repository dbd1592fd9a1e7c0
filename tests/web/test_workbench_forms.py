"""The coordinator's forms that the browser journey does not pass (tests/web/
test_workbench_journey.py): an answer recorded on a partner's behalf, reopening it, an
extension. Bad input comes back with the Dutch error next to the field and nothing saved;
good input calls the action, then the dispatch, then shows the request page."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.tables import AuditEvent, ClockEvent, ConsultationTask, ItemAnswer, Partner
from models.tables import Request as RequestRow
from tests import journey
from tests.web.helpers import csrf_of, login, make_account

DAY = date(2026, 2, 10)


@pytest.fixture
def coordinator(client, web_app, loaded):
    make_account(loaded, "f.coord")
    assert login(client, "f.coord").status_code == 303
    web_app.state.clock = lambda: DAY
    yield client
    web_app.state.clock = None


def _post(client, path: str, data: dict):
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_answer_on_behalf_reopen_and_extend(coordinator, loaded):
    rid = journey.new_request(types=("inzage",), received=date(2026, 2, 2))
    journey.identify(rid, date(2026, 2, 4))
    with Session(loaded) as db:
        ggz = db.exec(select(Partner).where(Partner.slug == "ggz-drenthe")).one()
        own = [r for r in journey.registrations(db, db.get(RequestRow, rid)) if r.partner_id == ggz.id]
    form = f"/verzoeken/{rid}/antwoord/ggz-drenthe"
    assert "Antwoord vastleggen namens" in coordinator.get(f"/verzoeken/{rid}").text

    items = {}
    for n, reg in enumerate(own):
        items |= {f"items.{n}.registration_id": str(reg.id), f"items.{n}.supplied_by_us": "true",
                  f"items.{n}.correct": "true"}
    bad = _post(coordinator, form, {"answered_on": "2026-02-09", "answered_by": "", **items})
    assert bad.status_code == 422 and "Wie antwoordde (naam of functie)" in bad.text and "foutmeldingen" in bad.text
    with Session(loaded) as db:
        assert not db.exec(select(ItemAnswer)).all()

    done = _post(coordinator, form, {"answered_on": "2026-02-09", "answered_by": "telefonisch, J. de Vries", **items})
    assert done.status_code == 303 and done.headers["location"] == f"/verzoeken/{rid}?gedaan=antwoord"
    with Session(loaded) as db:
        task = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid,
                                                      ConsultationTask.partner_id == ggz.id)).one()
        assert task.status == "answered"
        actors = {e.actor for e in db.exec(select(AuditEvent).where(AuditEvent.request_id == rid,
                                                                    AuditEvent.action == "consultation.answered"))}
        assert actors and all(a.startswith("coordinator:") for a in actors)  # on record: not the partner

    reopen = f"{form}/heropenen"
    short = _post(coordinator, reopen, {"reason": ""})
    assert short.status_code == 422
    again = _post(coordinator, reopen, {"reason": "Het verkeerde gegeven is beantwoord."})
    assert again.headers["location"] == f"/verzoeken/{rid}?gedaan=heropend"
    with Session(loaded) as db:
        assert db.get(ConsultationTask, task.id).status == "open"

    extend = f"/verzoeken/{rid}/verlengen"
    assert "Termijn verlengen" in coordinator.get(extend).text
    none = _post(coordinator, extend, {"type": "inzage", "reason": "", "recorded_on": DAY.isoformat()})
    assert none.status_code == 422
    ok = _post(coordinator, extend, {"type": "inzage", "recorded_on": DAY.isoformat(),
                                     "reason": "Wij moeten bij drie organisaties navragen welke gegevens er zijn."})
    assert ok.headers["location"] == f"/verzoeken/{rid}?gedaan=verlengd"
    with Session(loaded) as db:
        assert db.exec(select(ClockEvent).where(ClockEvent.request_id == rid, ClockEvent.kind == "extend")).one()
    page = coordinator.get(ok.headers["location"]).text
    assert "De termijn is verlengd" in page and "verlengd tot" in page


def test_search_by_reference_bsn_and_name_is_logged_without_the_value(coordinator, loaded):
    rid = journey.new_request(types=("inzage",), received=date(2026, 2, 2))
    with Session(loaded) as db:
        reference = db.get(RequestRow, rid).reference
    by_reference = coordinator.get(f"/zoeken?q={reference.lower()}", follow_redirects=False)
    assert by_reference.headers["location"] == f"/verzoeken/{rid}"
    assert _post(coordinator, "/zoeken", {"q": reference}).headers["location"] == f"/verzoeken/{rid}"
    by_bsn = _post(coordinator, "/zoeken", {"q": journey.SUBJECT["bsn"]})
    by_name = _post(coordinator, "/zoeken", {"q": "fictieve TESTER"})  # case does not count
    assert reference in by_bsn.text and reference in by_name.text
    nothing = _post(coordinator, "/zoeken", {"q": "Niemand Bekend"})
    assert nothing.status_code == 200 and "geen verzoek gevonden" in nothing.text.lower()
    # A BSN in the address is not searched (it would stay in history and logs) and not shown back.
    in_address = coordinator.get(f"/zoeken?q={journey.SUBJECT['bsn']}")
    assert in_address.status_code == 200 and reference not in in_address.text
    assert journey.SUBJECT["bsn"] not in in_address.text
    with Session(loaded) as db:
        searches = [e.detail for e in db.exec(select(AuditEvent).where(AuditEvent.action == "page.viewed")
                                                            .order_by(AuditEvent.seq))
                    if e.detail.get("page") == "search"]
    assert [(d["kind"], d["found"]) for d in searches] == [("bsn", 1), ("name", 1), ("name", 0)]
    assert not any(journey.SUBJECT["bsn"] in str(d) or "tester" in str(d).lower() for d in searches)
