"""The region page (issue 18 points 12 and 13), through the real app: the administrator of
the region lists, changes and confirms its facts; errors stand next to their field and
nothing is written; every change is in the audit trail; a coordinator, or the
administrator of another region, gets nowhere; the page lists what blocks real letters,
the same list as ``rechtenloket regions check``."""
import re

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app as cli
from models import region_config
from models.letters import contacts
from models.region_config import get_region
from models.tables import AuditEvent, RegionFact
from tests.web.helpers import PASSWORD, csrf_of, login, make_account


@pytest.fixture
def admin(client, loaded):
    make_account(loaded, "beheer.drenthe", "administrator", regions=("drenthe",))
    assert login(client, "beheer.drenthe").status_code == 303
    yield client
    with loaded.begin() as conn:  # leave no fact for the tests that read the regions without a database
        conn.execute(text("DELETE FROM regionfact"))
        conn.execute(text("DELETE FROM regionfactstamp"))
    region_config.forget_facts()


def _post(client, path, data):
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _facts(engine):
    with Session(engine) as db:
        return {f.key: f for f in db.exec(select(RegionFact))}


def _events(engine, action):
    with Session(engine) as db:
        return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_administrator_lists_every_value_with_its_status(admin):
    start = admin.get("/")
    assert 'href="/regio"' in start.text
    assert admin.get("/regio", follow_redirects=False).headers["location"] == "/regio/drenthe"
    page = admin.get("/regio/drenthe")
    assert page.status_code == 200
    html = page.text
    assert "Regiogegevens van Zorg- en veiligheidshuis Drenthe" in html
    assert "Wat houdt echte brieven nog tegen?" in html
    region = get_region("drenthe")
    blocking = contacts.blockers(region)
    assert f"Nog {len(blocking)} gegevens ontbreken." in html
    for blocker in blocking:  # the same list as ``regions check``
        assert f'href="{blocker.page}"' in html.replace("&amp;", "&"), blocker.key
    # every group and every value, with its status
    assert "Briefhoofd en contact" in html and "Gemeente Assen" in html and "Identificatie:" in html
    assert "(letterhead.phone)" in html and "(partners.gemeente-assen.mandate.decree)" in html
    assert "Nee, nog niet bekend." in html
    assert "Nee. Dit staat in het regiobestand" in html  # signatory.function: from the file


def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_written(admin, loaded):
    answer = _post(admin, "/regio/drenthe/briefhoofd", {
        "letterhead.phone": "12345", "letterhead.email": "privacy@zvhdrenthe.nl",
        "letterhead.postal_address": "Zorg- en veiligheidshuis Drenthe\nPostbus 100\nAssen",
        "letterhead.visiting_address": "", "letterhead.opening_hours": ""})
    assert answer.status_code == 422
    html = answer.text
    error = re.search(r'id="veld-letterhead-phone-fout">(.*?)</p>', html, re.S).group(1)
    assert "Telefoonnummer is geen Nederlands telefoonnummer" in error
    error = re.search(r'id="veld-letterhead-postal_address-fout">(.*?)</p>', html, re.S).group(1)
    assert "Postadres moet eindigen met een regel met postcode en plaats" in error
    assert 'aria-invalid="true"' in html and "Er zijn 2 fouten in het formulier" in html
    assert 'value="privacy@zvhdrenthe.nl"' in html  # what was typed is kept
    assert _facts(loaded) == {} and _events(loaded, "regionfact.changed") == []  # not even the good e-mail


def test_a_change_is_saved_audited_and_used_by_the_letters_at_once(admin, loaded):
    form = admin.get("/regio/drenthe/briefhoofd")
    assert form.status_code == 200 and 'name="letterhead.phone"' in form.text
    assert ">Zorg- en veiligheidshuis Drenthe</textarea>" in form.text  # known lines kept, "unverified" left out
    answer = _post(admin, "/regio/drenthe/briefhoofd", {
        "letterhead.phone": "0592 123 456", "letterhead.postal_address":
            "Zorg- en veiligheidshuis Drenthe\nPostbus 100\n9400ac Assen",
        "letterhead.email": "", "letterhead.visiting_address": "", "letterhead.opening_hours": ""})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/regio/drenthe?opgeslagen=briefhoofd#briefhoofd"
    facts = _facts(loaded)
    assert set(facts) == {"letterhead.phone", "letterhead.postal_address"}
    assert get_region("drenthe").letterhead.postal_address == ["Zorg- en veiligheidshuis Drenthe", "Postbus 100",
                                                             "9400 AC Assen"]
    events = _events(loaded, "regionfact.changed")
    assert {e.detail["key"] for e in events} == {"letterhead.phone", "letterhead.postal_address"}
    assert all(e.actor == facts["letterhead.phone"].changed_by and e.actor.startswith("administrator:")
               for e in events)
    page = admin.get(answer.headers["location"]).text
    assert "Opgeslagen: Briefhoofd en contact." in page
    assert "0592 123 456" in page and "Ja, door beheer.drenthe op " in page
    assert "letterhead.phone" not in {b.key for b in contacts.blockers(get_region("drenthe"))}


def test_confirming_a_value_from_the_file(admin, loaded):
    function = get_region("drenthe").signatory.function
    answer = _post(admin, "/regio/drenthe/ondertekening", {"signatory.function": function})
    assert answer.status_code == 303
    [event] = _events(loaded, "regionfact.confirmed")
    assert event.detail == {**event.detail, "region": "drenthe", "key": "signatory.function", "previous": "file"}
    assert _facts(loaded)["signatory.function"].confirmed_by == event.actor
    empty = _post(admin, "/regio/drenthe/ondertekening", {"signatory.name": "", "internal_signer.name": ""})
    assert empty.status_code == 422 and "Vul minstens één waarde in." in empty.text


def test_a_coordinator_or_the_administrator_of_another_region_cannot(client, loaded):
    make_account(loaded, "coord.drenthe", "coordinator", regions=("drenthe",))
    make_account(loaded, "beheer.fryslan", "administrator", regions=("fryslan",))
    assert login(client, "coord.drenthe").status_code == 303
    for path in ("/regio", "/regio/drenthe", "/regio/drenthe/briefhoofd"):
        assert client.get(path, follow_redirects=False).status_code == 403, path
    token = csrf_of(client.get("/").text)
    assert client.post("/regio/drenthe/briefhoofd", data={"csrf_token": token, "letterhead.phone": "0592 123 456"},
                       follow_redirects=False).status_code == 403
    client.post("/uitloggen", data={"csrf_token": token})
    assert login(client, "beheer.fryslan").status_code == 303
    assert client.get("/regio", follow_redirects=False).headers["location"] == "/regio/fryslan"
    for path in ("/regio/drenthe", "/regio/drenthe/briefhoofd", "/regio/atlantis"):
        assert client.get(path, follow_redirects=False).status_code == 404, path
    token = csrf_of(client.get("/regio/fryslan").text)
    assert client.post("/regio/drenthe/briefhoofd", data={"csrf_token": token, "letterhead.phone": "0592 123 456"},
                       follow_redirects=False).status_code == 404
    assert _facts(loaded) == {}


def test_the_cli_makes_an_administrator_of_one_region(loaded, client):
    result = CliRunner().invoke(cli, ["user", "add", "beheer.utrecht", "--role", "administrator", "--region",
                                      "utrecht", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Account beheer.utrecht aangemaakt (beheerder; regio utrecht)." in result.stdout
    assert login(client, "beheer.utrecht").status_code == 303
    assert client.get("/regio/utrecht").status_code == 200
    assert client.get("/regio/drenthe").status_code == 404
