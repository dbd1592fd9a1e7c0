"""A form that uses every macro of templates/web/_forms.html.j2, served only in the tests
(``/proef/formulier``), in the shape of the partner's "forward a request" form to come:
the pattern a real form follows, and a page the browser tests check with axe."""
from datetime import date
from typing import Literal, Optional

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models import dutch_time
from models.enums import RequestType
from models.principal import Principal
from web.auth import signed_in
from fastapi.responses import HTMLResponse

from web.forms import FormState, labels_of, read_form
from web.templating import environment, page_context

router = APIRouter()


class Requester(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(title="Naam van de aanvrager", min_length=1, max_length=200)
    address: str = Field(title="Adres", min_length=1, max_length=300)


class ForwardInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    received_on: date = Field(title="Datum van ontvangst")
    types: list[RequestType] = Field(title="Soort verzoek", min_length=1)
    channel: Literal["brief", "email", "balie"] = Field(title="Manier van binnenkomst")
    region: str = Field(title="Regio", min_length=1)
    requester: Requester
    note: Optional[str] = Field(default=None, title="Toelichting voor het Zorg- en Veiligheidshuis", max_length=2000)

    @field_validator("received_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > dutch_time.today():
            raise ValueError("de datum mag niet in de toekomst liggen")
        return value

    @field_validator("note", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if value == "" else value


LABELS = {**labels_of(ForwardInput), **{f"requester.{k}": v for k, v in labels_of(Requester).items()}}
TYPES = [(t.value, t.value.replace("_", " ").capitalize()) for t in RequestType]
CHANNELS = [("brief", "Per brief"), ("email", "Per e-mail"), ("balie", "Aan de balie")]
REGIONS = [("drenthe", "Drenthe"), ("fryslan", "Fryslân")]


@router.get("/proef/formulier")
def show(request: Request, principal: Principal = Depends(signed_in)):
    return _page(request, FormState(labels=LABELS))


@router.post("/proef/formulier")
async def submit(request: Request, principal: Principal = Depends(signed_in)):
    form = await read_form(request)
    state = FormState.from_form(form, LABELS)
    try:
        data = ForwardInput.model_validate(form.nested(lists=["types"]))
    except ValidationError as exc:
        state.add_validation_error(exc)
        return _page(request, state, status_code=422)
    return _page(request, FormState(labels=LABELS), saved=data)


def _page(request: Request, state: FormState, status_code: int = 200, saved=None):
    html = environment().from_string(TEMPLATE).render(
        **page_context(request), form=state, saved=saved, types=TYPES, channels=CHANNELS, regions=REGIONS)
    return HTMLResponse(html, status_code=status_code)


TEMPLATE = """
{% extends "base.html.j2" %}
{% import "_forms.html.j2" as f with context %}
{% block title %}{{ "Fout: " if form.has_errors }}Verzoek doorsturen{% endblock %}
{% block content %}
<div class="rl-narrow">
  {{ f.error_summary(form) }}
  {% if saved %}
  <div class="utrecht-alert utrecht-alert--ok" role="status"><div class="utrecht-alert__content">
    <p class="utrecht-paragraph utrecht-alert__message">Het verzoek is doorgestuurd.</p></div></div>
  {% endif %}
  <h1 class="utrecht-heading-1">Verzoek doorsturen</h1>
  {% call f.form("/proef/formulier", form) %}
    {{ f.date_field(form, "received_on", hint="De dag waarop uw organisatie het verzoek kreeg.", required=true) }}
    {{ f.checkbox_group(form, "types", types, legend="Wat vraagt de aanvrager?", hint="Kies alles wat van toepassing is.", required=true) }}
    {{ f.radio_group(form, "channel", channels, legend="Hoe kwam het verzoek binnen?", required=true) }}
    {{ f.select_field(form, "region", regions, required=true) }}
    {{ f.text_field(form, "requester.name", autocomplete="name", required=true) }}
    {{ f.textarea_field(form, "requester.address", rows=3, required=true) }}
    {{ f.textarea_field(form, "note", hint="Schrijf geen gegevens op die niet nodig zijn.") }}
    {{ f.submit("Doorsturen") }}
  {% endcall %}
</div>
{% endblock %}
"""
