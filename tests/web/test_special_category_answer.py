"""Issue 18 point 8 through HTTP: the partner says what an item is (health, another special
category, criminal data or none) in the portal's form, through the API, or the coordinator
records it on its behalf; nothing chosen keeps the supplier's default, which the form and
the API show. Bad input: a Dutch error next to the field, nothing saved."""
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from models import api_tokens, dutch_time
from models.enums import Role
from models.principal import Principal
from models.tables import ConsultationTask, ItemAnswer, Partner, Request
from tests import journey
from tests.web.helpers import csrf_of, login, make_account

TODAY = dutch_time.today()
ADMIN = Principal(id="test", role=Role.administrator, all_regions=True)
GGZ = [("ggz-drenthe", "Gegevens over zorg", "Crisisopname van twee weken."),
       ("ggz-drenthe", "Afspraken", "Belt op dinsdag.")]


def _setup(engine, registrations=GGZ):
    rid = journey.new_request(types=("inzage",), received=TODAY - timedelta(days=6), registrations_=registrations)
    journey.identify(rid, TODAY - timedelta(days=5))
    with Session(engine) as db:
        ggz = db.exec(select(Partner).where(Partner.slug == "ggz-drenthe")).one()
        task = db.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid,
                                                      ConsultationTask.partner_id == ggz.id)).one()
        regs = [r.id for r in journey.registrations(db, db.get(Request, rid)) if r.partner_id == ggz.id]
        token = api_tokens.create_token(db, api_tokens.TokenInput(region="drenthe", partner="ggz-drenthe",
                                                                  label="test"), ADMIN, TODAY).token
        db.commit()
        return rid, task.row_uid, regs, token


def _stored(engine) -> dict:
    with Session(engine) as db:
        return {a.registration_id: a.special_category for a in db.exec(select(ItemAnswer))}


def _form(regs, special: dict) -> dict:
    data = {"answered_by": "J. de Vries", "actie": "versturen"}
    for n, reg in enumerate(regs):
        data |= {f"items.{n}.registration_id": str(reg), f"items.{n}.supplied_by_us": "ja",
                 f"items.{n}.correct": "ja", f"items.{n}.withhold": "nee"}
        if n in special:
            data[f"items.{n}.special_category"] = special[n]
    return data


def test_the_portal_form_asks_what_the_item_is_and_keeps_the_default_when_nothing_is_chosen(client, loaded):
    rid, uid, regs, _ = _setup(loaded)
    make_account(loaded, "p.ggz", "partner", partner="ggz-drenthe")
    login(client, "p.ggz")
    page = client.get(f"/taken/{uid}")
    assert "Is dit een bijzonder of strafrechtelijk gegeven?" in page.text
    assert 'name="items.0.special_category" value="health"' in page.text
    assert "Kiest u niets? Dan noemt de brief het een gegeven over de gezondheid." in page.text  # the GGZ default

    bad = client.post(f"/taken/{uid}", data={"csrf_token": csrf_of(page.text), **_form(regs, {0: "gezond"})})
    assert bad.status_code == 422 and "is geen geldige waarde" in bad.text
    assert _stored(loaded) == {}  # nothing saved

    sent = client.post(f"/taken/{uid}", data={"csrf_token": csrf_of(page.text), **_form(regs, {1: "none"})},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert _stored(loaded) == {regs[0]: None, regs[1]: "none"}  # item 1 not chosen: the default holds
    done = client.get(f"/taken/{uid}")
    assert "Niet gekozen: de brief noemt het een gegeven over de gezondheid" in done.text
    assert "Nee, geen van deze" in done.text


def test_a_draft_keeps_the_choice(client, loaded):
    rid, uid, regs, _ = _setup(loaded)
    make_account(loaded, "p.ggz", "partner", partner="ggz-drenthe")
    login(client, "p.ggz")
    page = client.get(f"/taken/{uid}")
    data = {**_form(regs, {0: "special"}), "actie": "concept"}
    assert client.post(f"/taken/{uid}", data={"csrf_token": csrf_of(page.text), **data},
                       follow_redirects=False).status_code == 303
    again = client.get(f"/taken/{uid}").text
    assert _checked(again, "items.0.special_category") == "special"
    assert _checked(again, "items.1.special_category") is None
    assert _stored(loaded) == {}  # a draft is no answer


def _checked(html: str, name: str):
    import re

    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_the_api_shows_the_default_and_stores_the_answer(client, loaded):
    rid, uid, regs, token = _setup(loaded, GGZ + [("gemeente-assen", "Gegevens over wonen", "Huurachterstand.")])
    auth = {"Authorization": f"Bearer {token}"}
    task = client.get(f"/api/v1/tasks/{uid}", headers=auth).json()
    assert [r["special_category_default"] for r in task["registrations"]] == ["health", "health"]
    body = {"answered_by": "Koppeling GGZ", "items": [
        {"registration_id": regs[0], "supplied_by_us": True, "correct": True, "withhold": False,
         "special_category": "gezondheid"},
        {"registration_id": regs[1], "supplied_by_us": True, "correct": True, "withhold": False}]}
    bad = client.post(f"/api/v1/tasks/{uid}/answer", json=body, headers=auth)
    assert bad.status_code == 422 and any(e["field"] == "items.0.special_category" for e in bad.json()["errors"])
    assert _stored(loaded) == {}
    body["items"][0]["special_category"] = "health"
    body["items"][1]["special_category"] = "none"
    sent = client.post(f"/api/v1/tasks/{uid}/answer", json=body, headers=auth)
    assert sent.status_code == 200, sent.text
    assert _stored(loaded) == {regs[0]: "health", regs[1]: "none"}
    answer = client.get(f"/api/v1/tasks/{uid}", headers=auth).json()["answer"]
    assert [a["special_category"] for a in answer] == ["health", "none"]
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]  # documented, in Dutch
    assert "health (over de gezondheid)" in schemas["ItemForm"]["properties"]["special_category"]["description"]
    assert "special_category_default" in schemas["RegistrationOut"]["properties"]


@pytest.fixture
def coordinator(client, web_app, loaded):
    make_account(loaded, "f.coord")
    assert login(client, "f.coord").status_code == 303
    web_app.state.clock = lambda: TODAY
    yield client
    web_app.state.clock = None


def test_the_coordinator_records_it_on_the_partners_behalf(coordinator, loaded):
    rid, uid, regs, _ = _setup(loaded)
    form = f"/verzoeken/{rid}/antwoord/ggz-drenthe"
    page = coordinator.get(form)
    assert "bijzonder of strafrechtelijk gegeven" in page.text and "gegeven over de gezondheid" in page.text
    items = {}
    for n, reg in enumerate(regs):
        items |= {f"items.{n}.registration_id": str(reg), f"items.{n}.supplied_by_us": "true",
                  f"items.{n}.correct": "true"}
    data = {"csrf_token": csrf_of(page.text), "answered_on": TODAY.isoformat(), "answered_by": "telefonisch", **items}
    bad = coordinator.post(form, data={**data, "items.0.special_category": "x"}, follow_redirects=False)
    assert bad.status_code == 422 and _stored(loaded) == {}
    done = coordinator.post(form, data={**data, "items.0.special_category": "criminal",
                                        "items.1.special_category": ""}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert _stored(loaded) == {regs[0]: "criminal", regs[1]: None}
