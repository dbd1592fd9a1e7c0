"""What a partner answers about its own data, in the portal's form and through the API: one
shape (``AnswerForm``), one set of checks (``check_answer``), the draft (``AnswerDraft``).

The form and the API both fill an ``AnswerForm`` (the form turns its "ja"/"nee" into
booleans first), so they refuse the same things with the same Dutch messages, each under
the field it is about (``items.1.correction``). Only a complete answer becomes the
action's ``AnswerInput`` (models/actions/answers.py ``record_answer``), which checks it
once more against the database; a draft may be incomplete, but never names a registration
of another organisation.

Per item (domain.md §4 step 4): does it come from us (no: the coordinator establishes the
true source); is it correct (no: the right text); for an inzage request, may the
betrokkene see it (no: a ground from the region's list, art. 41 lid 1 UAVG, and an
explanation in the u-form for the letter); what the item is (health, another special
category, criminal data or none: item b of the inzage reply marks it so; not answered: the
organisation's default, models/letters/categories.py); a note for the ZVH (never in a letter).
"""
import json
from dataclasses import dataclass
from datetime import date
from typing import Optional

from pydantic import Field, ValidationError
from sqlmodel import Session, select

from models.actions.answers import AnswerInput, for_the_betrokkene
from models.actions.inputs import LINE, NOTE, STATEMENT, Input, optional_text
from models.enums import SpecialCategory
from models.region_config import RegionConfig
from models.tables import AnswerDraft, ConsultationTask, ItemAnswer
from models.tables.common import utcnow
from models.validation import field_errors


class ItemForm(Input):
    """The answer about one registration, as typed (every question may still be open)."""

    registration_id: int = Field(ge=1, title="Nummer van het gegeven")
    supplied_by_us: Optional[bool] = Field(default=None, title="Komt van uw organisatie")
    correct: Optional[bool] = Field(default=None, title="Juist en volledig")
    correction: optional_text(STATEMENT) = Field(default=None, title="De juiste tekst")
    withhold: Optional[bool] = Field(default=None, title="Achterhouden")
    withhold_ground: optional_text(64) = Field(default=None, title="De grond")
    explanation: optional_text(STATEMENT) = Field(default=None, title="De uitleg voor de betrokkene")
    note: optional_text(NOTE) = Field(default=None, title="De notitie voor het Zorg- en Veiligheidshuis")
    special_category: Optional[SpecialCategory] = Field(
        default=None, title="Wat voor gegeven het is",
        description="health (over de gezondheid), special (een ander bijzonder gegeven, artikel 9 AVG), "
                    "criminal (strafrechtelijk, artikel 10 AVG) of none; leeg: wat bij uw organisatie past "
                    "(special_category_default bij het gegeven)")


class AnswerForm(Input):
    """A partner's answer to its consultation task: a draft, or (complete) the answer."""

    answered_by: optional_text(LINE) = Field(default=None, title="Uw naam")
    note: optional_text(NOTE) = Field(default=None, title="De notitie bij het hele antwoord")
    child_interest: optional_text(NOTE) = Field(default=None, title="Uw afweging van het belang van het kind")
    items: list[ItemForm] = Field(default_factory=list, max_length=1000, title="De antwoorden")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: the field it is about, the Dutch message, and whether the message
    is a whole sentence (else it reads on after the field's label: "Uw naam ontbreekt")."""

    field: str
    message: str
    sentence: bool = False


def labels(count: int) -> dict[str, str]:
    """The label of every field of a form with ``count`` items ("De juiste tekst bij gegeven 2")."""
    out = {name: f.title for name, f in AnswerForm.model_fields.items() if f.title}
    for n in range(count):
        for name, f in ItemForm.model_fields.items():
            out[f"items.{n}.{name}"] = f"{f.title} bij gegeven {n + 1}"
    return out


def parse(data) -> tuple[Optional[AnswerForm], list[Problem]]:
    """The input as an ``AnswerForm``, or the problems with its fields and types."""
    try:
        return AnswerForm.model_validate(data), []
    except ValidationError as exc:
        return None, [Problem(field, message) for field, message in field_errors(exc)]


def _ids_problem(form: AnswerForm, own: list[int], complete: bool) -> Optional[Problem]:
    ids = [i.registration_id for i in form.items]
    foreign = len(set(ids)) != len(ids) or not set(ids) <= set(own)
    if foreign or (complete and set(ids) != set(own)):
        numbers = ", ".join(str(i) for i in own) or "geen"
        return Problem("items", f"Beantwoord elk gegeven van uw organisatie precies één keer "
                                f"(de nummers van uw gegevens: {numbers}).", sentence=True)
    return None


def check_draft(form: AnswerForm, own: list[int]) -> list[Problem]:
    """A draft may be incomplete, but names only this task's own registrations, once each."""
    problem = _ids_problem(form, own, complete=False)
    return [problem] if problem else []


def check_answer(form: AnswerForm, own: list[int], region: RegionConfig, inzage: bool,
                 child: bool = False) -> list[Problem]:
    """Everything a complete answer needs, per field (the same for the form and the API).
    ``child``: a parent or guardian asked for a child of 12 to 16, so the answer weighs the
    child's own interest (issue 18 point 5)."""
    problems: list[Problem] = []
    if not form.answered_by:
        problems.append(Problem("answered_by", "ontbreekt"))
    if child and not form.child_interest:
        problems.append(Problem("child_interest", "Het verzoek komt van een ouder of voogd van een kind van 12 tot "
                                                  "16 jaar. Schrijf hoe u het eigen belang van het kind heeft "
                                                  "gewogen.", True))
    ids_problem = _ids_problem(form, own, complete=True)
    if ids_problem:
        problems.append(ids_problem)
    for n, item in enumerate(form.items):
        at, nr = f"items.{n}.", n + 1
        if item.supplied_by_us is None:
            problems.append(Problem(at + "supplied_by_us", f"Kies bij gegeven {nr} of het van uw organisatie komt.",
                                    True))
            continue
        if not item.supplied_by_us:
            continue  # the other questions are for the organisation that supplied it
        if item.correct is None:
            problems.append(Problem(at + "correct", f"Kies bij gegeven {nr} of het juist en volledig is.", True))
        elif item.correct is False and not item.correction:
            problems.append(Problem(at + "correction", f"Schrijf bij gegeven {nr} de juiste tekst.", True))
        if not inzage:
            if item.withhold:
                problems.append(Problem(at + "withhold", "Achterhouden kan alleen bij een verzoek om inzage.", True))
            continue
        if item.withhold is None:
            problems.append(Problem(at + "withhold", f"Kies bij gegeven {nr} of de betrokkene het mag inzien.",
                                    True))
        elif item.withhold:
            if not item.withhold_ground:
                problems.append(Problem(at + "withhold_ground",
                                        f"Kies bij gegeven {nr} de grond om het achter te houden.", True))
            else:
                try:
                    region.refusal_ground(item.withhold_ground)
                except KeyError:
                    problems.append(Problem(at + "withhold_ground",
                                            f"Kies bij gegeven {nr} een grond uit de lijst.", True))
            if not item.explanation:
                problems.append(Problem(at + "explanation",
                                        f"Schrijf bij gegeven {nr} een uitleg voor de betrokkene.", True))
            else:
                try:
                    for_the_betrokkene(item.explanation)
                except ValueError:
                    problems.append(Problem(at + "explanation",
                                            f"Schrijf de uitleg bij gegeven {nr} aan de betrokkene zelf, in de "
                                            "u-vorm (\"u\", \"uw\"), niet over \"de betrokkene\". Een interne "
                                            "opmerking zet u bij de notitie.", True))
    return problems


def to_answer_input(form: AnswerForm, partner_slug: str, today: date, inzage: bool,
                    child: bool = False) -> AnswerInput:
    """A checked, complete form as the action's input: only what each answer asks."""
    items = []
    for item in form.items:
        mine = bool(item.supplied_by_us)
        withhold = mine and inzage and bool(item.withhold)
        items.append({
            "registration_id": item.registration_id,
            "supplied_by_us": mine,
            "correct": item.correct if mine else None,
            "correction": item.correction if mine and item.correct is False else None,
            "withhold": withhold,
            "withhold_ground": item.withhold_ground if withhold else None,
            "explanation": item.explanation if withhold else None,
            "note": item.note,
            "special_category": item.special_category if mine else None,
        })
    return AnswerInput(partner=partner_slug, answered_on=today, answered_by=form.answered_by,
                       items=items, note=form.note, child_interest=form.child_interest if child else None)


# ------------------------------------------------------------------ drafts


def load_draft(session: Session, task: ConsultationTask) -> Optional[AnswerForm]:
    row = session.exec(select(AnswerDraft).where(AnswerDraft.task_id == task.id)).first()
    return AnswerForm.model_validate_json(row.data) if row is not None else None


def draft_saved_at(session: Session, task: ConsultationTask):
    row = session.exec(select(AnswerDraft).where(AnswerDraft.task_id == task.id)).first()
    return row.saved_at if row is not None else None


def store_draft(session: Session, task: ConsultationTask, form: AnswerForm, actor: str) -> AnswerDraft:
    """Keep ``form`` as the task's draft, replacing the one before (caller commits)."""
    row = session.exec(select(AnswerDraft).where(AnswerDraft.task_id == task.id)).first()
    data = json.dumps(form.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    if row is None:
        row = AnswerDraft(task_id=task.id, data=data, saved_by=actor)
    else:
        row.data, row.saved_by, row.saved_at = data, actor, utcnow()
    session.add(row)
    session.flush()
    return row


def delete_draft(session: Session, task: ConsultationTask) -> None:
    row = session.exec(select(AnswerDraft).where(AnswerDraft.task_id == task.id)).first()
    if row is not None:
        session.delete(row)
        session.flush()


def form_from_answers(session: Session, task: ConsultationTask) -> AnswerForm:
    """A submitted answer as a form again (a reopened answer starts from what was sent)."""
    answers = session.exec(select(ItemAnswer).where(ItemAnswer.task_id == task.id).order_by(ItemAnswer.id)).all()
    return AnswerForm(answered_by=task.answered_by, note=task.note, child_interest=task.child_interest, items=[ItemForm(
        registration_id=a.registration_id, supplied_by_us=a.supplied_by_us, correct=a.correct,
        correction=a.correction, withhold=a.withhold if a.supplied_by_us else None,
        withhold_ground=a.withhold_ground, explanation=a.explanation, note=a.note,
        special_category=a.special_category) for a in answers])
