"""Playing a declarative scenario (docs/scenario.md) through the real actions and flows.

The clock is the scenario's: every action and every flow run gets the event's date as
"today", so a scenario gives the same result whenever it is played.
"""
import json
from datetime import date
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field
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
from models.actions.identity import IdentityInput, record_identity
from models.actions.intake import RegistrationInput, RequestInput, SubjectInput, add_registration, register_request
from models.actions.replies import ExtensionInput, record_extension, send_replies
from models.db import session_scope
from models.enums import RequestType, TaskStatus
from models.region_config import get_region
from models.tables import ConsultationTask, Partner, Request
from models.views import request_view

ACTOR = "scenario"


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


class Event(_M):
    on: date
    do: Literal["verify_identity", "answer", "answer_all", "sweep", "extend", "decide", "execute", "send",
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


def load(path: Path) -> Scenario:
    return Scenario.model_validate(json.loads(path.read_text(encoding="utf-8")))


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
        request = register_request(s, RequestInput(region=scenario.region, subject=scenario.subject,
                                                   **scenario.request.model_dump()), ACTOR, today)
        return request.id, reg_ids, today


def events(scenario: Scenario) -> list[Event]:
    return sorted(scenario.events, key=lambda e: e.on)


def play(scenario: Scenario) -> dict:
    """Register, then play every event in date order; returns the final request view."""
    request_id, reg_ids, today = start(scenario)
    advance_request(request_id, today.isoformat())
    for event in events(scenario):
        apply(scenario, request_id, reg_ids, event)
        if event.do != "sweep":  # the sweep advances every open request itself
            advance_request(request_id, event.on.isoformat())
    return final_view(scenario, request_id)


def final_view(scenario: Scenario, request_id: str) -> dict:
    with session_scope() as s:
        return request_view(s, s.get(Request, request_id), scenario_end(scenario))


def scenario_end(scenario: Scenario) -> date:
    return max([scenario.request.received_on, *(e.on for e in scenario.events)])


# The fields each event may carry besides "on" and "do" (docs/scenario.md).
EVENT_FIELDS = {
    "verify_identity": {"method", "place", "checked_on", "officer", "document_type", "document_last_digits"},
    "answer": {"partner", "items", "answered_by", "note"},
    "answer_all": {"items", "answered_by", "note"},
    "sweep": set(),
    "extend": {"type", "reason"},
    "decide": {"forum", "participants", "decisions"},
    "execute": {"type", "statement"},
    "send": set(),
    "explain": {"registration", "explanation"},
    "establish_source": {"registration", "source", "partner"},
    "disclose": {"registration", "partner", "name", "address", "how", "casus"},
}


def apply(scenario: Scenario, request_id: str, reg_ids: list[int], event: Event) -> None:
    """Record one event's action (in one transaction), or run the daily sweep."""
    data = dict(event.model_extra or {})
    unknown = set(data) - EVENT_FIELDS[event.do]
    if unknown:
        raise ValueError(f"gebeurtenis {event.do!r} op {event.on}: onbekende velden {sorted(unknown)}")
    today = event.on
    if event.do == "sweep":
        sla_sweep(today.isoformat())
        return
    with session_scope() as s:
        region = get_region(scenario.region)
        if event.do == "verify_identity":
            data.setdefault("method", region.identity.methods[0])
            data.setdefault("place", region.identity.places[0])
            data.setdefault("checked_on", today)
            record_identity(s, request_id, IdentityInput(**data), ACTOR, today)
        elif event.do in ("answer", "answer_all"):
            partners = [data.pop("partner")] if event.do == "answer" else _open_partners(s, request_id)
            overrides = {reg_ids[i["registration"]]: i for i in data.pop("items", [])}
            for slug in partners:
                record_answer(s, request_id, AnswerInput(
                    partner=slug, answered_on=today, answered_by=data.get("answered_by", f"contactpersoon {slug}"),
                    items=[_item(rid, overrides.get(rid)) for rid in _partner_items(s, request_id, slug)],
                    note=data.get("note"),
                ), ACTOR, today)
        elif event.do == "extend":
            record_extension(s, request_id, ExtensionInput(recorded_on=today, **data), ACTOR, today)
        elif event.do == "decide":
            _decide(s, region, request_id, reg_ids, data, today)
        elif event.do == "execute":
            record_execution(s, request_id, ExecutionInput(executed_on=today, **data), ACTOR, today)
        elif event.do == "send":
            send_replies(s, request_id, ACTOR, today)
        elif event.do == "explain":
            edit_explanation(s, request_id, ExplanationInput(
                registration_id=reg_ids[data.pop("registration")], **data), ACTOR, today)
        elif event.do == "establish_source":
            establish_source(s, request_id, SourceInput(
                registration_id=reg_ids[data.pop("registration")], **data), ACTOR, today)
        elif event.do == "disclose":
            record_disclosure(s, scenario.region, DisclosureInput(
                registration_id=reg_ids[data.pop("registration")], disclosed_on=today, **data), ACTOR, today)


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


def _decide(s, region, request_id: str, reg_ids: list[int], data: dict, today: date) -> None:
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
    for forum, decisions in by_forum.items():
        record_decision(s, request_id, DeliberationInput(
            forum=data.get("forum", forum), held_on=today, participants=data.get("participants") or consulted,
            decisions=decisions,
        ), ACTOR, today)

