"""An in-process driver for the legal tests: the real actions and the real steps, in the
order models.lifecycle names them, without the orchestrator (the flows are tested on their
own, with Prefect, in tests/test_examples.py and tests/test_flow_crash.py)."""
from datetime import date

from sqlmodel import select

from flows import steps
from models.actions.answers import AnswerInput, ItemAnswerInput, record_answer
from models.actions.decisions import DeliberationInput, ExecutionInput, record_decision, record_execution
from models.actions.identity import IdentityInput, record_identity
from models.actions.intake import RegistrationInput, RequestInput, add_registration, register_request
from models.db import session_scope
from models.lifecycle import Wait
from models.region_config import get_region
from models.tables import ConsultationTask, Letter, Partner, Request
from tests.principals import TESTER

ACTOR = TESTER


def advance(request_id: str, today: date) -> Wait:
    with session_scope() as s:
        return steps.run_due_steps(s, s.get(Request, request_id), today)[1]


def start(region: str, subject: dict, registrations: list[dict], types: list[str], received: date,
          statements: dict | None = None, doubt: str | None = None) -> tuple[str, list[int]]:
    """Register and acknowledge a letter request. ``doubt`` (an ``IdentityDoubt`` code): on
    the day of receipt the coordinator records why the identity cannot yet be established,
    so the clock stops from that day and the invitation goes out (AVG art. 12 lid 6)."""
    with session_scope() as s:
        ids = [add_registration(s, RegistrationInput(region=region, subject=subject, **r), ACTOR, received).id
               for r in registrations]
        request = register_request(s, RequestInput(region=region, subject=subject, types=types,
                                                   received_on=received, statements=statements or {}),
                                   ACTOR, received)
        request_id = request.request_id
    advance(request_id, received)
    if doubt:
        doubt_identity(request_id, received, doubt)
    return request_id, ids


def doubt_identity(request_id: str, on: date, reason: str = "geen_vergelijking",
                   explanation: str | None = None) -> None:
    from models.actions.identity import IdentityDoubtInput, record_identity_doubt

    with session_scope() as s:
        record_identity_doubt(s, request_id, IdentityDoubtInput(reason=reason, explanation=explanation,
                                                                recorded_on=on), ACTOR, on)
    advance(request_id, on)


def identify(request_id: str, region: str, on: date) -> None:
    with session_scope() as s:
        cfg = get_region(region)
        record_identity(s, request_id, IdentityInput(
            method=cfg.identity.methods[0], place=cfg.identity.places[0], checked_on=on,
            officer="procesregisseur", document_type="paspoort", document_last_digits="1234"), ACTOR, on)
    advance(request_id, on)


def answer_all(request_id: str, on: date, overrides: dict[int, dict] | None = None) -> None:
    overrides = overrides or {}
    with session_scope() as s:
        tasks = s.exec(select(ConsultationTask).where(ConsultationTask.request_id == request_id)).all()
        request = s.get(Request, request_id)
        from models.state import registrations

        for task in tasks:
            partner = s.get(Partner, task.partner_id)
            own = [r.id for r in registrations(s, request) if r.partner_id == partner.id]
            record_answer(s, request_id, AnswerInput(
                partner=partner.slug, answered_on=on, answered_by="contactpersoon",
                items=[ItemAnswerInput(registration_id=rid, **{"correct": True, **overrides.get(rid, {})})
                       for rid in own],
            ), ACTOR, on)
    advance(request_id, on)


def decide(request_id: str, region: str, on: date, decisions: list[dict]) -> None:
    from models.actions.decisions import DecisionInput

    cfg = get_region(region)
    by_forum: dict[str, list] = {}
    for d in decisions:
        di = DecisionInput(**d)
        by_forum.setdefault(cfg.rights[di.type].forum, []).append(di)
    with session_scope() as s:
        participants = [p.slug for p in s.exec(select(Partner).join(
            ConsultationTask, ConsultationTask.partner_id == Partner.id).where(ConsultationTask.request_id == request_id))]
        for forum, ds in by_forum.items():
            record_decision(s, request_id, DeliberationInput(forum=forum, held_on=on, participants=participants,
                                                             decisions=ds), ACTOR, on)
    advance(request_id, on)


def execute(request_id: str, on: date, rtype: str, statement: str | None = None) -> None:
    with session_scope() as s:
        record_execution(s, request_id, ExecutionInput(type=rtype, executed_on=on, statement=statement), ACTOR, on)
    advance(request_id, on)


def letters(request_id: str) -> dict[str, Letter]:
    """Letter key (without the request id) -> letter."""
    with session_scope() as s:
        rows = s.exec(select(Letter).where(Letter.request_id == request_id)).all()
        return {r.key.split(":", 1)[1]: r for r in rows}


def text(html: str) -> str:
    import re

    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
