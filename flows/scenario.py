"""Playing a declarative scenario (docs/scenario.md) through the real actions and flows.

The clock is the scenario's: every action and every flow run gets the event's date as
"today", so a scenario gives the same result whenever it is played.
"""
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import select

from flows.advance import advance_request, sla_sweep
from models.actions.answers import (
    AnswerInput,
    ExplanationInput,
    ItemAnswerInput,
    SourceInput,
    edit_explanation,
    establish_source,
    record_answer,
)
from models.actions.disclosures import DisclosureInput, record_disclosure
from models.actions.decisions import DecisionInput, DeliberationInput, ExecutionInput, record_decision, record_execution
from models.actions.identity import (
    IdentityDoubtInput,
    IdentityInput,
    IdentityLapseInput,
    record_identity,
    record_identity_doubt,
    record_identity_lapse,
)
from models.actions.intake import RegistrationInput, RequestInput, SubjectInput, add_registration, register_request
from models.actions.replies import ExtensionInput, approve_replies, record_extension, send_replies
from models.db import session_scope
from models.principal import SCENARIO, SCENARIO_SIGNATORY
from models.enums import RequestType, TaskStatus
from models.region_config import get_region
from models.tables import ConsultationTask, Partner, Request
from models.views import request_view

ACTOR = SCENARIO


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioRegistration(_M):
    casus: str
    partner: str
    category: str
    description: str
    supplied_on: Optional[date] = None


class ScenarioRequest(_M):
    types: list[RequestType] = Field(min_length=1)
    received_on: date
    received_by: Optional[str] = None
    forwarded_on: Optional[date] = None
    channel: str = "brief"
    representative: Optional[dict[str, Any]] = None
    statements: dict[RequestType, str] = Field(default_factory=dict)
    # A balie request (in person at the desk): its identity check at intake (issue 18 point 3).
    identity: Optional[dict[str, Any]] = None


# The fields each event may carry besides "on" and "do" (docs/scenario.md).
EVENT_FIELDS = {
    "verify_identity": {"method", "place", "checked_on", "officer", "document_type", "document_last_digits"},
    "doubt_identity": {"reason", "explanation"},
    "identity_lapse": set(),
    "answer": {"partner", "items", "answered_by", "note", "child_interest"},
    "answer_all": {"items", "answered_by", "note", "child_interest"},
    "sweep": set(),
    "extend": {"type", "reason"},
    "decide": {"forum", "participants", "decisions"},
    "execute": {"type", "statement", "parts"},
    "send": set(),
    "explain": {"registration", "explanation"},
    "establish_source": {"registration", "source", "partner"},
    "disclose": {"registration", "partner", "name", "address", "how", "casus"},
}
REQUIRED_FIELDS = {"explain": {"registration", "explanation"}, "establish_source": {"registration"},
                   "disclose": {"registration"}, "answer": {"partner"}, "extend": {"type", "reason"}, "decide": {"decisions"},
                   "execute": {"type"}, "verify_identity": {"officer", "document_type", "document_last_digits"},
                   "doubt_identity": {"reason"}}


class Event(_M):
    on: date
    do: Literal["verify_identity", "doubt_identity", "identity_lapse", "answer", "answer_all", "sweep", "extend", "decide", "execute", "send",
                "explain", "establish_source", "disclose"]
    model_config = ConfigDict(extra="allow")


class Scenario(_M):
    name: str = ""
    description: str = ""
    region: str
    subject: SubjectInput
    registrations: list[ScenarioRegistration] = Field(default_factory=list)
    request: ScenarioRequest
    events: list[Event] = Field(default_factory=list)
    # What the tests check after playing (tests/test_examples.py); the runner ignores it.
    expect: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _events_fit(self):
        """Each event's fields, and every "registration" a number of one of ``registrations``
        (0, 1, ...): a typo is refused before anything is played, with the event it is in."""
        count = len(self.registrations)
        for i, event in enumerate(self.events):
            data, where = event.model_extra or {}, f"events.{i} ({event.do})"
            unknown = set(data) - EVENT_FIELDS[event.do]
            if unknown:
                raise ValueError(f"{where}: onbekende velden {sorted(unknown)}")
            missing = REQUIRED_FIELDS.get(event.do, set()) - set(data)
            if missing:
                raise ValueError(f"{where}: {', '.join(sorted(missing))} ontbreekt")
            if "registration" in data and (type(data["registration"]) is not int
                                           or not 0 <= data["registration"] < count):
                raise ValueError(f"{where}.registration: moet het volgnummer van een registratie zijn "
                                 f"(0 tot en met {count - 1})")
            for key in ("items", "decisions", "parts"):
                if key not in data:
                    continue
                rows = data[key]
                if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                    raise ValueError(f"{where}.{key}: moet een lijst van objecten zijn")
                for j, row in enumerate(rows):
                    if key in ("items", "parts") and "registration" not in row:
                        raise ValueError(f"{where}.{key}.{j}.registration ontbreekt")
                    number = row.get("registration")
                    if "registration" in row and (type(number) is not int or not 0 <= number < count):
                        raise ValueError(f"{where}.{key}.{j}.registration: moet het volgnummer van een "
                                         f"registratie zijn (0 tot en met {count - 1})")
        return self


def load(path: Path) -> Scenario:
    return Scenario.model_validate_json(path.read_text(encoding="utf-8"))


def start(scenario: Scenario) -> tuple[str, list[int], date]:
    """Write the registrations and register the request; returns (request id,
    registration ids in scenario order, the day the request reached the ZVH)."""
    get_region(scenario.region)  # unknown region: fail before writing anything
    start_day = scenario.request.received_on
    today = max([start_day, scenario.request.forwarded_on or start_day])
    with session_scope() as s:
        reg_ids = [
            add_registration(s, RegistrationInput(region=scenario.region, subject=scenario.subject,
                                                  **r.model_dump()), ACTOR, start_day).id
            for r in scenario.registrations
        ]
        recorded = register_request(s, RequestInput(region=scenario.region, subject=scenario.subject,
                                                    **scenario.request.model_dump()), ACTOR, today)
        return recorded.request_id, reg_ids, today


def events(scenario: Scenario) -> list[Event]:
    return sorted(scenario.events, key=lambda e: e.on)


def play(scenario: Scenario, advance: Callable[[str, str], dict] = advance_request,
         sweep: Callable[[str], dict] = sla_sweep) -> dict:
    """Register, then play every event in date order; returns the final request view.
    ``advance`` and ``sweep`` are the Prefect flows unless a test passes the direct runs."""
    request_id, reg_ids, today = start(scenario)
    advance(request_id, today.isoformat())
    for event in events(scenario):
        apply(scenario, request_id, reg_ids, event, sweep)
        if event.do != "sweep":  # the sweep advances every open request itself
            advance(request_id, event.on.isoformat())
    return final_view(scenario, request_id)


def final_view(scenario: Scenario, request_id: str) -> dict:
    with session_scope() as s:
        return request_view(s, s.get(Request, request_id), scenario_end(scenario)).model_dump(mode="json")


def scenario_end(scenario: Scenario) -> date:
    return max([scenario.request.received_on, *(e.on for e in scenario.events)])


def _send(s, request_id: str, _data: None, actor: str, today: date):
    return send_replies(s, request_id, actor, today)


def _approve(s, request_id: str, _data: None, _actor: str, today: date):
    """The scenario's signatory approves (four eyes: not the coordinator who wrote the replies)."""
    return approve_replies(s, request_id, SCENARIO_SIGNATORY, today)


#: The action each kind of input is recorded with (models/actions/).
ACTIONS: dict[str, Callable] = {
    "identity": record_identity, "identity_doubt": record_identity_doubt, "identity_lapse": record_identity_lapse,
    "answer": record_answer, "extend": record_extension,
    "decide": record_decision, "execute": record_execution, "approve": _approve, "send": _send,
    "explain": edit_explanation, "establish_source": establish_source,
    "disclose": lambda s, _request_id, data, actor, today: record_disclosure(s, data.region_id, data.input, actor,
                                                                             today),
}


def apply(scenario: Scenario, request_id: str, reg_ids: list[int], event: Event,
          sweep: Callable[[str], dict] = sla_sweep) -> None:
    """Record one event's actions (in one transaction), or run the daily sweep."""
    if event.do == "sweep":
        sweep(event.on.isoformat())
        return
    with session_scope() as s:
        for action, data in inputs(scenario, s, request_id, reg_ids, event):
            ACTIONS[action](s, request_id, data, ACTOR, event.on)


def inputs(scenario: Scenario, s, request_id: str, reg_ids: list[int], event: Event) -> list[tuple[str, Any]]:
    """What an event records, as (action, input) pairs: one answer per partner, one decision
    per forum. The crash test records the same inputs through the command line."""
    data = dict(event.model_extra or {})
    today = event.on
    region = get_region(scenario.region)
    if event.do == "verify_identity":
        data.setdefault("method", region.identity.methods[0])
        data.setdefault("place", region.identity.places[0])
        data.setdefault("checked_on", today)
        return [("identity", IdentityInput(**data))]
    if event.do == "doubt_identity":
        return [("identity_doubt", IdentityDoubtInput(recorded_on=today, **data))]
    if event.do == "identity_lapse":
        return [("identity_lapse", IdentityLapseInput(recorded_on=today))]
    if event.do in ("answer", "answer_all"):
        partners = [data.pop("partner")] if event.do == "answer" else _open_partners(s, request_id)
        overrides = {reg_ids[i["registration"]]: i for i in data.pop("items", [])}
        return [("answer", AnswerInput(
            partner=slug, answered_on=today, answered_by=data.get("answered_by", f"contactpersoon {slug}"),
            items=[_item(rid, overrides.get(rid)) for rid in _partner_items(s, request_id, slug)],
            note=data.get("note"), child_interest=data.get("child_interest"),
        )) for slug in partners]
    if event.do == "extend":
        return [("extend", ExtensionInput(recorded_on=today, **data))]
    if event.do == "decide":
        return [("decide", d) for d in _deliberations(s, region, request_id, reg_ids, data, today)]
    if event.do == "execute":
        parts = [{"registration_id": reg_ids[p["registration"]], "statement": p.get("statement")}
                 for p in data.pop("parts", [])]  # the eigen verklaring split per item (issue 18 point 6)
        return [("execute", ExecutionInput(executed_on=today, parts=parts, **data))]
    if event.do == "explain":
        return [("explain", ExplanationInput(registration_id=reg_ids[data.pop("registration")], **data))]
    if event.do == "establish_source":
        return [("establish_source", SourceInput(registration_id=reg_ids[data.pop("registration")], **data))]
    if event.do == "disclose":
        disclosure = DisclosureInput(registration_id=reg_ids[data.pop("registration")], disclosed_on=today, **data)
        return [("disclose", _Disclosure(scenario.region, disclosure))]
    return [("approve", None), ("send", None)]  # "send": the signatory approves, then the replies go out


@dataclass(frozen=True)
class _Disclosure:
    """A disclosure is recorded for the region's file, not for the request."""

    region_id: str
    input: Any


def _open_partners(s, request_id: str) -> list[str]:
    rows = s.exec(select(Partner.slug).join(ConsultationTask, ConsultationTask.partner_id == Partner.id).where(
        ConsultationTask.request_id == request_id, ConsultationTask.status == TaskStatus.open.value))
    return sorted(rows)


def _partner_items(s, request_id: str, slug: str) -> list[int]:
    from models.state import registrations

    request = s.get(Request, request_id)
    partner = s.exec(select(Partner).where(Partner.region_id == request.region_id, Partner.slug == slug)).one()
    return [r.id for r in registrations(s, request) if r.partner_id == partner.id]


def _item(registration_id: int, override: Optional[dict]) -> ItemAnswerInput:
    values = {"supplied_by_us": True, "correct": True}
    if override:
        values.update({k: v for k, v in override.items() if k != "registration"})
        if "ground" in values:
            values["withhold_ground"] = values.pop("ground")
    return ItemAnswerInput(registration_id=registration_id, **values)


def _deliberations(s, region, request_id: str, reg_ids: list[int], data: dict, today: date) -> list[DeliberationInput]:
    """One deliberation per forum: each right is decided where the region's protocol says."""
    consulted = sorted(s.exec(select(Partner.slug).join(ConsultationTask, ConsultationTask.partner_id == Partner.id)
                              .where(ConsultationTask.request_id == request_id)))
    by_forum: dict[str, list[DecisionInput]] = {}
    for d in data.get("decisions", []):
        d = dict(d)
        if "registration" in d:
            d["registration_id"] = reg_ids[d.pop("registration")]
        decision = DecisionInput(**d)
        by_forum.setdefault(region.rights[decision.type].forum, []).append(decision)
    return [DeliberationInput(forum=data.get("forum", forum), held_on=today,
                              participants=data.get("participants") or consulted, decisions=decisions)
            for forum, decisions in by_forum.items()]

