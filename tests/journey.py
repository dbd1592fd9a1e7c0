"""Building requests in a given state quickly: the real actions, and the automatic steps run
directly in the test's process (flows.steps.run_due_steps, the same steps the Prefect flow
runs as tasks). For tests of what a person may record; the flow itself has its own tests."""
from datetime import date

from models.actions.answers import AnswerInput, record_answer
from models.actions.decisions import DecisionInput, DeliberationInput, ExecutionInput, record_decision, record_execution
from models.actions.identity import IdentityInput, record_identity
from models.actions.intake import RegistrationInput, RequestInput, SubjectInput, add_registration, register_request
from models.db import session_scope
from models.state import registrations
from models.tables import Request
from tests.principals import TESTER

SUBJECT = {"bsn": "123456782", "name": "Fictieve Tester", "birth_date": "1990-07-01",
           "address": "Proefweg 3, 9401 AA Assen"}
REGISTRATIONS = [
    ("gemeente-assen", "Gegevens over wonen", "Huurachterstand."),
    ("ggz-drenthe", "Gegevens over zorg", "In behandeling sinds 2024."),
    ("politie-eenheid-noord-nederland", "Politiegegevens", "Melding."),
]


def advance(request_id: str, today: date) -> None:
    from flows.steps import run_due_steps

    with session_scope() as s:
        run_due_steps(s, s.get(Request, request_id), today)


def new_request(types=("inzage", "verwijdering"), received=date(2026, 2, 2), subject=None, region="drenthe",
                registrations_=REGISTRATIONS, doubt=None) -> str:
    """A registered, acknowledged request (a letter: its clock runs). ``doubt`` (an
    ``IdentityDoubt`` code, or True for "geen_vergelijking"): the coordinator records on the
    day of receipt why the identity cannot yet be established, so the clock stops and the
    invitation goes out (AVG art. 12 lid 6; models/identity.py)."""
    subject = SubjectInput(**(subject or SUBJECT))
    with session_scope() as s:
        for partner, category, description in registrations_:
            add_registration(s, RegistrationInput(region=region, subject=subject, casus="ZVHD-2025-0007",
                                                  partner=partner, category=category, description=description),
                             TESTER, received)
        rid = register_request(s, RequestInput(region=region, subject=subject, types=list(types),
                                               received_on=received), TESTER, received).request_id
    advance(rid, received)
    if doubt:
        doubt_identity(rid, received, "geen_vergelijking" if doubt is True else doubt)
    return rid


def doubt_identity(rid: str, on: date, reason: str = "geen_vergelijking", explanation: str | None = None) -> None:
    """Record why the identity cannot yet be established (the clock stops, the invitation goes out)."""
    from models.actions.identity import IdentityDoubtInput, record_identity_doubt

    with session_scope() as s:
        record_identity_doubt(s, rid, IdentityDoubtInput(reason=reason, explanation=explanation, recorded_on=on),
                              TESTER, on)
    advance(rid, on)


def identify(rid: str, on: date) -> None:
    with session_scope() as s:
        record_identity(s, rid, IdentityInput(method="in_persoon", place="ZVH Drenthe", checked_on=on,
                                              officer="procesregisseur", document_type="paspoort",
                                              document_last_digits="1234"), TESTER, on)
    advance(rid, on)


def answer_all(rid: str, on: date) -> None:
    from models.tables import ConsultationTask, Partner
    from sqlmodel import select

    with session_scope() as s:
        request = s.get(Request, rid)
        tasks = s.exec(select(ConsultationTask).where(ConsultationTask.request_id == rid)).all()
        slugs = {t.partner_id: s.get(Partner, t.partner_id).slug for t in tasks}
        regs = registrations(s, request)
    for partner_id, slug in slugs.items():
        with session_scope() as s:
            record_answer(s, rid, AnswerInput(
                partner=slug, answered_on=on, answered_by="contactpersoon",
                items=[{"registration_id": r.id, "supplied_by_us": True, "correct": True}
                       for r in regs if r.partner_id == partner_id]), TESTER, on)
    advance(rid, on)


def decide(rid: str, on: date, decisions: list[dict], forum: str = "casusoverleg") -> None:
    with session_scope() as s:
        record_decision(s, rid, DeliberationInput(forum=forum, held_on=on, participants=["gemeente-assen"],
                                                  decisions=[DecisionInput(**d) for d in decisions]), TESTER, on)
    advance(rid, on)


def execute(rid: str, on: date, rtype: str) -> None:
    with session_scope() as s:
        record_execution(s, rid, ExecutionInput(type=rtype, executed_on=on), TESTER, on)
    advance(rid, on)


def avg_registration_ids(rid: str) -> list[int]:
    with session_scope() as s:
        return [r.id for r in registrations(s, s.get(Request, rid)) if r.regime == "avg"]
