"""What a partner user sees and does in the portal and through the API, in one place:
its own tasks (the list, one task), drafts, submitting an answer, forwarding a request.

Scope is the principal's own organisation, always: a task of another organisation is not
found (``NotFound``: 404, never 403, so nobody learns that it exists). A task shows only
what the partner needs to answer (issue 11): the request's reference and types, the
betrokkene's own words per right, the due date, how to reach the ZVH, whom it is about
(name and date of birth, as the consultation letter gives them: the partner must find the
person in its own records) and only the registrations its own organisation supplied —
nothing of other partners, not the whole file.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional

from pydantic import Field, ValidationError
from sqlmodel import Session, select

from models import audit, task_links
from models.actions.common import ActionError, Recorded
from models.actions.answers import record_answer
from models.actions.inputs import Day, Input
from models.actions.intake import RepresentativeInput, RequestInput, SubjectInput, register_request
from models.enums import PartnerKind, RequestType, Role, SpecialCategory, TaskStatus
from models.letters.categories import default_in
from models.letters.render import RIGHT_NOUNS
from models.partner_answers import (AnswerForm, Problem, check_answer, check_draft, delete_draft, draft_saved_at,
                                    load_draft, store_draft, to_answer_input)
from models.principal import NotAllowed, Principal
from models.region_config import UNVERIFIED, RegionConfig, get_region
from models.state import clocks, registrations, rights
from models.tables import ConsultationTask, ItemAnswer, Partner, Request
from models.validation import field_errors


class NotFound(LookupError):
    """No such task for this principal (it may exist for another organisation)."""


class AlreadyAnswered(ValueError):
    """The task was answered; only the coordinator can reopen it."""


def partner_of(session: Session, principal: Principal) -> Partner:
    """The partner organisation a partner principal acts for (NotAllowed for anyone else)."""
    principal.require_role(Role.partner)
    if not principal.partner_slug:
        raise NotAllowed("dit account hoort niet bij een partnerorganisatie")
    query = select(Partner).where(Partner.slug == principal.partner_slug)
    if not principal.all_regions:
        query = query.where(Partner.region_id.in_(sorted(principal.regions)))
    partners = session.exec(query).all()
    if len(partners) != 1:
        raise NotAllowed("dit account hoort niet bij één partnerorganisatie")
    return partners[0]


def type_names(types) -> list[str]:
    return [RIGHT_NOUNS[RequestType(t)] for t in types]


def _references(session: Session, request: Request) -> dict[int, str]:
    from flows.steps import task_references  # the same numbering as the reminder letters

    return task_references(session, request)


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class TaskRow:
    """One task in the list: references and dates only, no personal data."""

    uid: str
    reference: str  # the request's reference
    consultation_reference: str  # "<reference>-C<n>", as in the reminder
    request_types: list[str]
    type_names: list[str]
    created_on: date
    due_on: date
    status: str  # "open" or "answered"
    answered_on: Optional[date]
    reminded_on: Optional[date]
    escalated_on: Optional[date]
    overdue: bool  # open and past its due date
    has_draft: bool
    reopened: bool  # open again because the coordinator reopened the answer

    @property
    def state(self) -> str:
        """Where the task stands, in Dutch."""
        if self.status == TaskStatus.answered.value:
            return f"Beantwoord op {self.answered_on:%d-%m-%Y}"
        if self.escalated_on:
            return f"Te laat: gemeld aan de manager op {self.escalated_on:%d-%m-%Y}"
        if self.overdue:
            return "Te laat"
        if self.reminded_on:
            return f"Open: herinnering gestuurd op {self.reminded_on:%d-%m-%Y}"
        return "Heropend" if self.reopened else "Open"


STATUS_FILTERS = ("open", "answered")


def task_rows(session: Session, principal: Principal, today: date, status: Optional[str] = None,
              overdue: bool = False, reference: Optional[str] = None) -> list[TaskRow]:
    """The organisation's tasks, open ones first (by due date), then the answered ones."""
    partner = partner_of(session, principal)
    query = select(ConsultationTask, Request).join(Request, Request.id == ConsultationTask.request_id).where(
        ConsultationTask.partner_id == partner.id)
    if status in STATUS_FILTERS:
        query = query.where(ConsultationTask.status == status)
    if overdue:
        query = query.where(ConsultationTask.status == TaskStatus.open.value, ConsultationTask.due_on < today)
    if reference:
        query = query.where(Request.reference.contains(reference.strip().upper()[:40]))
    rows = []
    for task, request in session.exec(query).all():
        types = [r.type for r in rights(session, request.id)]
        rows.append(TaskRow(
            uid=task.row_uid, reference=request.reference,
            consultation_reference=_references(session, request).get(task.partner_id, request.reference),
            request_types=types, type_names=type_names(types), created_on=task.created_on, due_on=task.due_on,
            status=task.status, answered_on=task.answered_on, reminded_on=task.reminded_on,
            escalated_on=task.escalated_on,
            overdue=task.status == TaskStatus.open.value and task.due_on < today,
            has_draft=draft_saved_at(session, task) is not None, reopened=task.reopened > 0,
        ))
    rows.sort(key=lambda r: (r.status != TaskStatus.open.value, r.due_on if r.status == "open" else date.max,
                             -(r.answered_on or date.min).toordinal(), r.reference))
    return rows


# ------------------------------------------------------------------ one task


def task_of(session: Session, principal: Principal, uid: str) -> ConsultationTask:
    """The task with this id, if it is the principal's organisation's (NotFound otherwise)."""
    partner = partner_of(session, principal)
    if not isinstance(uid, str) or len(uid) != 32:
        raise NotFound(uid)
    task = session.exec(select(ConsultationTask).where(ConsultationTask.row_uid == uid)).first()
    if task is None or task.partner_id != partner.id:
        raise NotFound(uid)
    return task


@dataclass(frozen=True)
class Contact:
    """How the partner reaches the ZVH about this task (values not yet confirmed: None)."""

    organisation: str
    role: str  # who handles the request ("procesregisseur ...")
    name: Optional[str]
    phone: Optional[str]
    email: Optional[str]
    postal_address: list[str]


def _known(value: Optional[str]) -> Optional[str]:
    return None if value is None or value.strip() == UNVERIFIED else value


def contact_of(region: RegionConfig) -> Contact:
    head = region.letterhead
    return Contact(
        organisation=head.organisation, role=region.internal_signer.function,
        name=_known(region.internal_signer.name), phone=_known(head.phone), email=_known(head.email),
        postal_address=[line for line in head.postal_address if _known(line)],
    )


@dataclass(frozen=True)
class RegistrationView:
    id: int
    number: int  # "gegeven 1, 2, ..." on the page
    casus: str
    category: str
    description: str
    supplied_on: Optional[date]
    # What the item is unless the partner says otherwise (models/letters/categories.py):
    # the region's special_by_default for this partner, else by its kind.
    special_default: str = SpecialCategory.none.value


@dataclass(frozen=True)
class SubmittedItem:
    registration_id: int
    supplied_by_us: bool
    correct: Optional[bool]
    correction: Optional[str]
    withhold: bool
    withhold_ground: Optional[str]
    explanation: Optional[str]
    note: Optional[str]
    special_category: Optional[str] = None  # None: not said, the default holds


@dataclass(frozen=True)
class TaskView:
    uid: str
    request_id: str
    reference: str
    consultation_reference: str
    partner_name: str
    request_types: list[str]
    type_names: list[str]
    statements: list[tuple[str, str]]  # (right, the betrokkene's own words)
    inzage: bool  # may the betrokkene see the items: asked only for inzage
    created_on: date
    due_on: date
    status: str
    answered_on: Optional[date]
    answered_by: Optional[str]
    reopen_reason: Optional[str]
    betrokkene_name: str
    betrokkene_birth_date: Optional[date]
    contact: Contact
    registrations: list[RegistrationView]
    grounds: list[tuple[str, str]]  # (id, "a: ... (artikel 41 lid 1 onder a UAVG)")
    request_deadline: Optional[date] = None  # when the betrokkene must have the answer
    forums: list[str] = field(default_factory=list)  # who decides next (the region's meetings)
    # A representative made the request (issue 18 point 5): their capacity (never their name),
    # how the explanation names the betrokkene, and for a child of 12 to 16 its age: the answer
    # then weighs the child's own interest (art. 41 lid 1 onder i UAVG).
    requester_capacity: Optional[str] = None
    betrokkene_called: Optional[str] = None
    weigh_child: bool = False
    child_age: Optional[int] = None
    child_interest: Optional[str] = None  # the weighing as submitted
    submitted: list[SubmittedItem] = field(default_factory=list)
    draft: Optional[AnswerForm] = None
    draft_saved_at: Optional[datetime] = None

    @property
    def open(self) -> bool:
        return self.status == TaskStatus.open.value

    @property
    def own_ids(self) -> list[int]:
        return [r.id for r in self.registrations]


def task_view(session: Session, task: ConsultationTask, today: date) -> TaskView:
    """Everything the task page and the API show of one task (already scoped to its partner)."""
    request = session.get(Request, task.request_id)
    partner = session.get(Partner, task.partner_id)
    region = get_region(request.region_id)
    request_rights = rights(session, request.id)
    types = [r.type for r in request_rights]
    own = [r for r in registrations(session, request) if r.partner_id == partner.id]
    default = default_in(region, partner.slug, PartnerKind(partner.kind))
    submitted = [] if task.status == TaskStatus.open.value else [
        SubmittedItem(a.registration_id, a.supplied_by_us, a.correct, a.correction, a.withhold, a.withhold_ground,
                      a.explanation, a.note, a.special_category)
        for a in session.exec(select(ItemAnswer).where(ItemAnswer.task_id == task.id).order_by(ItemAnswer.id))]
    birth = request.subject_birth_date
    due = [clk.target_due for clk in clocks(session, request, today).values()]
    forums = []
    for t in types:
        rule = region.rights[RequestType(t)]
        if rule.available and rule.forum:
            name = next(f.name for f in region.forums if f.id == rule.forum)
            if name not in forums:
                forums.append(name)
    from models.letters.compose import representation

    rep = representation(session, request)
    words = rep.words if rep else None
    return TaskView(
        requester_capacity=words.capacity if words else None,
        betrokkene_called=words.wie if words else None,
        weigh_child=bool(words and words.weigh_child), child_age=rep.age if words and words.weigh_child else None,
        child_interest=task.child_interest if task.status != TaskStatus.open.value else None,
        uid=task.row_uid, request_id=request.id, reference=request.reference,
        consultation_reference=_references(session, request).get(partner.id, request.reference),
        partner_name=partner.name, request_types=types, type_names=type_names(types),
        statements=[(RIGHT_NOUNS[RequestType(r.type)], r.statement) for r in request_rights if r.statement],
        inzage=RequestType.inzage.value in types,
        created_on=task.created_on, due_on=task.due_on, status=task.status, answered_on=task.answered_on,
        answered_by=task.answered_by, reopen_reason=task.reopen_reason if task.status == "open" else None,
        betrokkene_name=request.subject_name,
        betrokkene_birth_date=date.fromisoformat(birth) if birth else None,
        contact=contact_of(region),
        registrations=[RegistrationView(r.id, n, r.casus_ref, r.category, r.description, r.supplied_on,
                                        special_default=default.value)
                       for n, r in enumerate(own, start=1)],
        grounds=[(g.id, f"{g.uavg}: {g.plain} ({g.law})") for g in region.refusal_grounds],
        request_deadline=min(due) if due else None, forums=forums,
        submitted=submitted, draft=load_draft(session, task), draft_saved_at=draft_saved_at(session, task),
    )


# ------------------------------------------------------------------ drafts and the answer


def save_draft(session: Session, principal: Principal, task: ConsultationTask, form: AnswerForm) -> list[Problem]:
    """Keep what was typed as the task's draft (caller commits); the problems if refused."""
    _require_own(principal, session, task)
    if task.status != TaskStatus.open.value:
        raise AlreadyAnswered(task.answered_on)
    view_ids = _own_ids(session, task)
    problems = check_draft(form, view_ids)
    if problems:
        return problems
    store_draft(session, task, form, principal.actor)
    audit.record(session, principal.actor, "consultation.draft_saved", task.request_id, task=task.id,
                 items=len(form.items))
    return []


def submit_answer(session: Session, principal: Principal, task: ConsultationTask, form: AnswerForm,
                  today: date) -> tuple[Optional[Recorded], list[Problem]]:
    """Check the answer and record it through the action (caller commits, then dispatches).
    Returns (recorded, []) or (None, problems). An action's refusal (ActionError) is raised.

    Submitted once: on an answered task the very same answer (a retry, a double click) is
    the same answer (``recorded.repeated``); anything else is ``AlreadyAnswered``."""
    _require_own(principal, session, task)
    answered = task.status != TaskStatus.open.value
    request = session.get(Request, task.request_id)
    partner = session.get(Partner, task.partner_id)
    region = get_region(request.region_id)
    inzage = RequestType.inzage.value in [r.type for r in rights(session, request.id)]
    from models.actions.answers import weighs_child

    child = weighs_child(session, request)
    problems = check_answer(form, _own_ids(session, task), region, inzage, child)
    if problems:
        if answered:
            raise AlreadyAnswered(task.answered_on)
        return None, problems
    data = to_answer_input(form, partner.slug, today, inzage, child)
    if answered:
        try:
            recorded = record_answer(session, request.id, data, principal, today)
        except ActionError:
            raise AlreadyAnswered(task.answered_on) from None
        if not recorded.repeated:  # cannot happen: the action refuses a second answer
            raise AlreadyAnswered(task.answered_on)
        return recorded, []
    recorded = record_answer(session, request.id, data, principal, today)
    delete_draft(session, task)
    task_links.mark_used(session, task)
    return recorded, []


def _own_ids(session: Session, task: ConsultationTask) -> list[int]:
    request = session.get(Request, task.request_id)
    return [r.id for r in registrations(session, request) if r.partner_id == task.partner_id]


def _require_own(principal: Principal, session: Session, task: ConsultationTask) -> None:
    if partner_of(session, principal).id != task.partner_id:
        raise NotFound(task.row_uid)


# ------------------------------------------------------------------ forwarding a request


class ForwardForm(Input):
    """A request that reached the partner itself, as it passes it to the ZVH (issue 11):
    the day it received it (the clock starts there), the rights asked for, and the
    requester's details as the ZVH's form asks them; nothing else. The region, the
    receiving partner and the forwarding date are not the partner's to choose."""

    received_on: Day
    types: list[RequestType] = Field(min_length=1, max_length=len(RequestType))
    subject: SubjectInput
    representative: Optional[RepresentativeInput] = None


FORWARD_LABELS = {
    "received_on": "Datum van ontvangst",
    "types": "Wat de betrokkene vraagt",
    "subject": "De betrokkene",
    "subject.name": "Naam",
    "subject.bsn": "BSN",
    "subject.birth_date": "Geboortedatum",
    "subject.address": "Adres",
    "representative": "De vertegenwoordiger",
    "representative.kind": "Soort vertegenwoordiger",
    "representative.name": "Naam van de vertegenwoordiger",
    "representative.address": "Adres van de vertegenwoordiger",
    "representative.proof_of_authority": "Bewijs van vertegenwoordiging",
}
NO_ADDRESS = "ontbreekt: zonder adres kan het Zorg- en Veiligheidshuis geen antwoord sturen"


def parse_forward(data, today: Optional[date] = None) -> tuple[Optional[ForwardForm], list[Problem]]:
    """The form as a ForwardForm, or every problem at once: the field errors and, for the
    fields that did parse, the checks ``forward_request`` makes (dates, an address), so the
    partner sees all of them the first time."""
    try:
        return ForwardForm.model_validate(data), []
    except ValidationError as exc:
        problems = [Problem(f, m) for f, m in field_errors(exc)]
    if today is not None and isinstance(data, dict):
        subject = data.get("subject") if isinstance(data.get("subject"), dict) else {}
        rep = data.get("representative") if isinstance(data.get("representative"), dict) else None
        failed = {p.field for p in problems}
        problems += [p for p in _forward_problems(_day(data.get("received_on")), _day(subject.get("birth_date")),
                                                  rep is not None, bool(rep and rep.get("address")),
                                                  bool(subject.get("address")), today)
                     if p.field not in failed]
    return None, sorted(problems, key=_form_order)  # the error summary follows the form


def _form_order(problem: Problem) -> int:
    fields = list(FORWARD_LABELS)
    for name in (problem.field, problem.field.split(".")[0]):
        if name in fields:
            return fields.index(name)
    return len(fields)


def _day(value) -> Optional[date]:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _forward_problems(received_on: Optional[date], birth_date: Optional[date], has_representative: bool,
                      representative_address: bool, subject_address: bool, today: date) -> list[Problem]:
    problems = []
    if received_on and received_on > today:
        problems.append(Problem("received_on", "mag niet in de toekomst liggen"))
    if birth_date and birth_date > today:
        problems.append(Problem("subject.birth_date", "mag niet in de toekomst liggen"))
    if has_representative:
        if not representative_address:
            problems.append(Problem("representative.address", NO_ADDRESS))
    elif not subject_address:
        problems.append(Problem("subject.address", NO_ADDRESS))
    return problems


def forward_request(session: Session, principal: Principal, form: ForwardForm,
                    today: date) -> tuple[Optional[Recorded], list[Problem]]:
    """Register the request at the ZVH, as received by the principal's organisation first
    (caller commits, then dispatches). A repeat of the same request returns the first."""
    partner = partner_of(session, principal)
    rep = form.representative
    problems = _forward_problems(form.received_on, form.subject.birth_date, rep is not None,
                                 bool(rep and rep.address), bool(form.subject.address), today)
    if problems:
        return None, problems
    data = RequestInput(region=partner.region_id, subject=form.subject, types=form.types,
                        received_on=form.received_on, received_by=partner.slug, forwarded_on=today,
                        representative=form.representative)
    return register_request(session, data, principal, today), []


def forwarded_by(session: Session, principal: Principal, request_id: str) -> Request:
    """A request this principal's organisation forwarded (NotFound otherwise)."""
    partner = partner_of(session, principal)
    request = session.get(Request, request_id) if isinstance(request_id, str) and len(request_id) <= 32 else None
    if request is None or request.received_by_partner_id != partner.id:
        raise NotFound(request_id)
    return request


def next_steps(view: TaskView) -> str:
    """What happens after the answer, in Dutch (the API says what the page shows)."""
    forum = ("het " + " en het ".join(view.forums)) if view.forums else "het overleg van de organisaties"
    deadline = f", uiterlijk op {view.request_deadline:%d-%m-%Y}" if view.request_deadline else ""
    return (f"Het Zorg- en Veiligheidshuis verwerkt uw antwoord; u hoeft nu niets meer te doen. Als alle "
            f"antwoorden binnen zijn, bespreekt {forum} het verzoek en neemt een besluit. De betrokkene krijgt "
            f"daarna een brief met het antwoord{deadline}. Wilt u uw antwoord nog veranderen? Neem dan contact op "
            "met de procesregisseur: die kan het heropenen.")
