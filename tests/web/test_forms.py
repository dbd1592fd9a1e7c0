"""Bad input on a form: the same form again, the error next to each field and in the
summary (linked), everything typed kept (passwords excepted), nothing saved."""
import html
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, select

from models.tables import AuditEvent, LoginThrottle
from tests.web import formdemo
from tests.web.helpers import csrf_of, login, make_account, plain_http_settings
from web.app import create_app
from web.forms import FormData, FormState, field_id


@pytest.fixture(scope="module")
def demo_app():
    app = create_app(plain_http_settings())
    app.include_router(formdemo.router)
    return app


@pytest.fixture
def demo(demo_app, loaded):
    make_account(loaded, "coord.drenthe")
    with TestClient(demo_app) as c:
        login(c, "coord.drenthe")
        yield c


def _field_error(page: str, name: str):
    match = re.search(rf'<p class="[^"]*utrecht-form-field-error-message" id="{field_id(name)}-fout">'
                      rf'<span class="rl-visually-hidden">Fout: </span>(.*?)</p>', page)
    return html.unescape(match.group(1)) if match else None


def test_login_form_errors_keep_the_name_never_the_password(client, loaded):
    page = client.get("/inloggen")
    answer = client.post("/inloggen", data={"csrf_token": csrf_of(page.text), "username": "Iemand@Voorbeeld.nl",
                                            "password": ""})
    assert answer.status_code == 422
    text = answer.text
    assert "<title>Fout: Inloggen - Rechtenloket</title>" in text
    assert _field_error(text, "password") == "Wachtwoord mag niet leeg zijn"
    assert 'value="Iemand@Voorbeeld.nl"' in text  # as typed
    # the field says it is invalid and which text describes it; the summary links to it
    assert re.search(r'id="veld-password"[^>]*aria-describedby="veld-password-fout" aria-invalid="true"', text)
    assert '<a class="utrecht-link utrecht-link--html-a" href="#veld-password">Wachtwoord mag niet leeg zijn</a>' in text
    with Session(loaded) as db:  # a form error is no login attempt
        assert db.exec(select(AuditEvent).where(AuditEvent.action.like("auth.%"))).all() == []
        assert db.exec(select(LoginThrottle)).all() == []

    wrong = client.post("/inloggen", data={"csrf_token": csrf_of(page.text), "username": "iemand",
                                           "password": "geheim-geheim-geheim"})
    assert 'value="iemand"' in wrong.text and "geheim-geheim-geheim" not in wrong.text
    assert 'href="#veld-username">De gebruikersnaam of het wachtwoord klopt niet.' in wrong.text


def test_every_kind_of_field_keeps_what_was_typed(demo):
    typed = {
        "received_on": "2999-01-01",  # in the future: refused
        "types": ["inzage", "verzet"],
        "channel": "balie",
        "region": "fryslan",
        "requester.name": "",  # missing: refused
        "requester.address": "Tsjerkestrjitte 1\n8900 AA Ljouwert",
        "note": "Eerder al <b>gebeld</b> & gemaild",
    }
    answer = demo.post("/proef/formulier", data={"csrf_token": csrf_of(demo.get("/proef/formulier").text), **typed})
    assert answer.status_code == 422
    text = answer.text
    assert _field_error(text, "received_on") == "Datum van ontvangst: de datum mag niet in de toekomst liggen"
    assert _field_error(text, "requester.name") == "Naam van de aanvrager mag niet leeg zijn"
    assert _field_error(text, "types") is None
    assert 'Er zijn 2 fouten in het formulier' in text
    assert text.index('href="#veld-received_on"') < text.index('href="#veld-requester-name"')  # form order
    assert 'value="2999-01-01"' in text
    assert re.search(r'value="inzage" checked', text) and re.search(r'value="verzet" checked', text)
    assert not re.search(r'value="beperking" checked', text)
    assert re.search(r'value="balie" checked', text) and '<option value="fryslan" selected>' in text
    assert "Tsjerkestrjitte 1\n8900 AA Ljouwert</textarea>" in text
    assert "Eerder al &lt;b&gt;gebeld&lt;/b&gt; &amp; gemaild</textarea>" in text  # escaped, not markup
    # the summary can jump to the first option of a group
    assert 'id="veld-types" name="types"' in text


def test_a_group_without_a_choice_is_an_error_on_its_first_option(demo):
    answer = demo.post("/proef/formulier", data={"csrf_token": csrf_of(demo.get("/proef/formulier").text),
                                                 "received_on": "2026-01-05", "channel": "brief",
                                                 "region": "drenthe", "requester.name": "A. Proef",
                                                 "requester.address": "Proefweg 1, Assen"})
    assert answer.status_code == 422
    assert _field_error(answer.text, "types") == "Soort verzoek ontbreekt"
    assert re.search(r'<fieldset[^>]*aria-describedby="veld-types-uitleg veld-types-fout" aria-invalid="true"',
                     answer.text)
    good = demo.post("/proef/formulier", data={"csrf_token": csrf_of(answer.text), "received_on": "2026-01-05",
                                               "types": "inzage", "channel": "brief", "region": "drenthe",
                                               "requester.name": "A. Proef", "requester.address": "Proefweg 1, Assen"})
    assert good.status_code == 200, re.findall(r"-fout\">(.*?)</p>", good.text)
    assert "Het verzoek is doorgestuurd." in good.text


def test_nested_names_become_the_input_models_shape():
    form = FormData([("subject.name", "A"), ("items.1.text", "b"), ("items.0.text", "a"), ("tags", "x"),
                     ("tags", "y"), ("csrf_token", "t")])
    assert form.nested() == {"subject": {"name": "A"}, "items": [{"text": "a"}, {"text": "b"}], "tags": ["x", "y"]}
    assert FormData([("tags", "x")]).nested(lists=["tags"]) == {"tags": ["x"]}


def test_pydantic_errors_are_phrased_with_the_label():
    class Input(BaseModel):
        name: str = Field(title="Naam", min_length=1, max_length=3)

    state = FormState(labels={"name": "Naam"})
    with pytest.raises(ValidationError) as exc:
        Input.model_validate({"name": "lang"})
    state.add_validation_error(exc.value)
    state.add_form_error("iets klopt niet", target="name")
    assert state.error("name") == "Naam is te lang (hoogstens 3 tekens)"
    assert state.summary() == [("veld-name", "Naam is te lang (hoogstens 3 tekens)"), ("veld-name", "Iets klopt niet")]
