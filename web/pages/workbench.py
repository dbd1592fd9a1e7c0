"""The coordinator's and the signatory's actions on a request, one form each: the identity
check, why the identity cannot yet be established, that the term of its invitation passed
unused, an answer recorded on a partner's behalf, reopening an answer, the forum's decision,
an extension, the execution, the explanation of a withheld part, the true source of an
item, a reply's free-text parts; and the buttons to approve (signatory), withdraw the
approval and send. Each calls the same action as the command line (models/actions/), in the
pattern of ``web.workbench.record``; the auditor and the manager are refused on every one.
"""
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlmodel import Session, select

from models.actions.answers import (
    AnswerInput,
    ExplanationInput,
    ReopenInput,
    SourceInput,
    edit_explanation,
    establish_source,
    record_answer,
    reopen_answer,
)
from models.actions.common import ActionError
from models.actions.decisions import VERZET_REFUSAL_GROUND, DeliberationInput, ExecutionInput, record_decision, \
    record_execution
from models.actions.identity import (
    IdentityDoubtInput,
    IdentityInput,
    IdentityLapseInput,
    identity_status,
    record_identity,
    record_identity_doubt,
    record_identity_lapse,
)
from models.actions.letters import LetterTextInput, edit_letter_text
from models.actions.replies import ExtensionInput, approve_replies, record_extension, send_replies, \
    withdraw_approval
from models.enums import PartnerKind, RequestType, Role
from models.identity import DOUBT_LABELS as REASONS, DOUBT_SENTENCES, EXPLANATION_MAX
from models.letters.categories import CHOICE_LABELS, DEFAULT_WORDS, default_in
from models.region_config import get_region
from models.statement import STATEMENT_GROUNDS
from models.state import registrations, rights
from models.tables import ConsultationTask, ItemAnswer, Letter, Partner, SourceTask
from web import labels as L
from web.auth import require_roles
from web.db import get_db
from web.forms import FormState, read_form
from web.templating import render
from web.workbench import blank_to_none, load_request, record, today, validated

router = APIRouter()
coordinator = require_roles(Role.coordinator)
signatory = require_roles(Role.signatory)
senders = require_roles(Role.coordinator, Role.signatory)


def _page(request: Request, template: str, row, state: FormState, status: int = 200, **context):
    return render(request, f"workbench/{template}", status_code=status, request_row=row, form=state, **context)


def _region(row):
    return get_region(row.region_id)


# ------------------------------------------------------------------ identity


IDENTITY_LABELS = {"method": "Manier van identificeren", "place": "Plaats", "checked_on": "Datum van de controle",
                   "officer": "Gecontroleerd door (naam of functie)", "document_type": "Soort document",
                   "document_last_digits": "Laatste 2 tot 4 tekens van het documentnummer"}
METHODS = {"in_persoon": "in persoon, aan de balie", "in_persoon_gemeentehuis": "in persoon, op het gemeentehuis",
           "digid": "met DigiD", "notaris": "via een notaris"}


def _identity_page(request, row, state, status=200):
    region = _region(row)
    return _page(request, "identity.html.j2", row, state, status,
                 methods=[(m, METHODS.get(m, m)) for m in region.identity.methods],
                 places=[(p, p) for p in region.identity.places], documents=L.DOCUMENTS)


@router.get("/verzoeken/{request_id}/identiteit")
def identity_form(request: Request, request_id: str, principal=Depends(coordinator), db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    region = _region(row)
    state = FormState({"checked_on": [today(request).isoformat()], "method": [region.identity.methods[0]],
                       "place": [region.identity.places[0]]}, IDENTITY_LABELS)
    return _identity_page(request, row, state)


@router.post("/verzoeken/{request_id}/identiteit")
async def identity_submit(request: Request, request_id: str, principal=Depends(coordinator),
                          db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    form = await read_form(request)
    state = FormState.from_form(form, IDENTITY_LABELS)
    data = form.nested()
    if "document_last_digits" in data:
        data["document_last_digits"] = data["document_last_digits"].strip().upper()
    parsed = validated(IdentityInput, data, state)
    if parsed is None:
        return _identity_page(request, row, state, 422)
    return await record(request, db, state, lambda: record_identity(db, row.id, parsed, principal, today(request)),
                        "identiteit", lambda st, code: _identity_page(request, row, st, code))


# ------------------------------------------------------------------ identity: the reason, the term passed
# Issue 18 point 3 (AVG art. 12 lid 6): the clock stands still for the identity only from
# the day the coordinator records why it cannot yet be established; that sends the
# invitation with its term. Once the term passed unused the request ends with a reasoned
# decision (buiten behandeling; the daily sweep records it too).


DOUBT_LABELS = {"reason": "Waarom kunt u de identiteit nog niet vaststellen?",
                "explanation": "Toelichting",
                "recorded_on": "Datum"}


def _doubt_page(request, db, row, state, status=200):
    region = _region(row)
    return _page(request, "identity_doubt.html.j2", row, state, status,
                 identity=identity_status(db, row, today(request)),
                 reasons=[(code.value, label) for code, label in REASONS.items()],
                 sentences=[(REASONS[code], text) for code, text in DOUBT_SENTENCES.items()],
                 explanation_max=EXPLANATION_MAX, working_days=region.deadlines.identity_working_days,
                 suspends=region.deadlines.suspend_for_identity)


@router.get("/verzoeken/{request_id}/identiteit-reden")
def identity_doubt_form(request: Request, request_id: str, principal=Depends(coordinator),
                        db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    return _doubt_page(request, db, row, FormState({"recorded_on": [today(request).isoformat()]}, DOUBT_LABELS))


@router.post("/verzoeken/{request_id}/identiteit-reden")
async def identity_doubt_submit(request: Request, request_id: str, principal=Depends(coordinator),
                                db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    form = await read_form(request)
    state = FormState.from_form(form, DOUBT_LABELS)
    parsed = validated(IdentityDoubtInput, blank_to_none(form.nested(), "explanation"), state)
    if parsed is None:
        return _doubt_page(request, db, row, state, 422)

    def attempt():
        try:
            return record_identity_doubt(db, row.id, parsed, principal, today(request))
        except ActionError as exc:  # "toelichting: ..." (models/identity.py) belongs next to its field
            text = str(exc)
            if text.startswith("toelichting: "):
                raise ActionError("explanation: " + text.removeprefix("toelichting: ")) from None
            raise

    return await record(request, db, state, attempt, "identiteit-reden",
                        lambda st, code: _doubt_page(request, db, row, st, code))


def _lapse_page(request, db, row, state, status=200):
    return _page(request, "identity_lapse.html.j2", row, state, status,
                 identity=identity_status(db, row, today(request)))


@router.get("/verzoeken/{request_id}/identiteit-verlopen")
def identity_lapse_form(request: Request, request_id: str, principal=Depends(coordinator),
                        db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    return _lapse_page(request, db, row, FormState())


@router.post("/verzoeken/{request_id}/identiteit-verlopen")
async def identity_lapse_submit(request: Request, request_id: str, principal=Depends(coordinator),
                                db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    await read_form(request)  # CSRF was checked by the middleware; the date is today's
    state = FormState()
    day = today(request)
    return await record(request, db, state,
                        lambda: record_identity_lapse(db, row.id, IdentityLapseInput(recorded_on=day), principal, day),
                        "identiteit-verlopen", lambda st, code: _lapse_page(request, db, row, st, code))


# ------------------------------------------------------------------ an answer, on a partner's behalf


def _task(db, row, slug: str):
    partner = db.exec(select(Partner).where(Partner.region_id == row.region_id, Partner.slug == slug)).first()
    task = partner and db.exec(select(ConsultationTask).where(
        ConsultationTask.request_id == row.id, ConsultationTask.partner_id == partner.id)).first()
    if not task:
        raise HTTPException(status_code=404)
    return partner, task


def _answer_labels(items) -> dict:
    out = {"answered_on": "Datum van het antwoord", "answered_by": "Wie antwoordde (naam of functie)",
           "note": "Notitie van de partner voor de procesregisseur",
           "child_interest": "Afweging van het eigen belang van het kind"}
    for n, reg in enumerate(items):
        what = f"gegeven {n + 1} ({reg.category})"
        out.update({f"items.{n}.supplied_by_us": f"Geleverd door deze partner ({what})",
                    f"items.{n}.correct": f"Klopt het gegeven ({what})",
                    f"items.{n}.correction": f"Juiste tekst ({what})",
                    f"items.{n}.withhold": f"Niet verstrekken ({what})",
                    f"items.{n}.withhold_ground": f"Weigeringsgrond ({what})",
                    f"items.{n}.explanation": f"Uitleg voor de betrokkene, in de u-vorm ({what})",
                    f"items.{n}.special_category": f"Bijzonder of strafrechtelijk gegeven ({what})",
                    f"items.{n}.note": f"Interne notitie ({what})"})
    return out


def _answer_page(request, row, partner, items, state, status=200):
    from models.actions.answers import weighs_child

    region = _region(row)
    default = default_in(region, partner.slug, PartnerKind(partner.kind))
    db = Session.object_session(row)
    return _page(request, "answer.html.j2", row, state, status, partner=partner, items=items,
                 grounds=[(g.id, f"{g.label} ({g.law})") for g in region.refusal_grounds],
                 special=[(k.value, label) for k, label in CHOICE_LABELS.items()],
                 special_default=DEFAULT_WORDS[default],
                 weigh_child=bool(db and weighs_child(db, row)))


def _own_items(db, row, partner):
    return [r for r in registrations(db, row) if r.partner_id == partner.id]


@router.get("/verzoeken/{request_id}/antwoord/{partner_slug}")
def answer_form(request: Request, request_id: str, partner_slug: str, principal=Depends(coordinator),
                db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    partner, task = _task(db, row, partner_slug)
    items = _own_items(db, row, partner)
    values = {"answered_on": [today(request).isoformat()]}
    for n, reg in enumerate(items):
        values.update({f"items.{n}.registration_id": [str(reg.id)], f"items.{n}.supplied_by_us": ["true"],
                       f"items.{n}.correct": ["true"]})
    return _answer_page(request, row, partner, items, FormState(values, _answer_labels(items)))


@router.post("/verzoeken/{request_id}/antwoord/{partner_slug}")
async def answer_submit(request: Request, request_id: str, partner_slug: str, principal=Depends(coordinator),
                        db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    partner, task = _task(db, row, partner_slug)
    items = _own_items(db, row, partner)
    form = await read_form(request)
    state = FormState.from_form(form, _answer_labels(items))
    data = blank_to_none(form.nested(), "note", "child_interest")
    data["partner"] = partner.slug
    for item in data.get("items", []) if isinstance(data.get("items"), list) else []:
        if isinstance(item, dict):
            blank_to_none(item, "correct", "correction", "withhold_ground", "explanation", "note", "special_category")
            item["withhold"] = item.get("withhold") == "true"
    parsed = validated(AnswerInput, data, state)
    if parsed is None:
        return _answer_page(request, row, partner, items, state, 422)
    return await record(request, db, state, lambda: record_answer(db, row.id, parsed, principal, today(request)),
                        "antwoord", lambda st, code: _answer_page(request, row, partner, items, st, code))


REOPEN_LABELS = {"reason": "Waarom wordt het antwoord heropend?"}


@router.get("/verzoeken/{request_id}/antwoord/{partner_slug}/heropenen")
def reopen_form(request: Request, request_id: str, partner_slug: str, principal=Depends(coordinator),
                db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    partner, _ = _task(db, row, partner_slug)
    return _page(request, "reopen.html.j2", row, FormState(labels=REOPEN_LABELS), partner=partner)


@router.post("/verzoeken/{request_id}/antwoord/{partner_slug}/heropenen")
async def reopen_submit(request: Request, request_id: str, partner_slug: str, principal=Depends(coordinator),
                        db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    partner, _ = _task(db, row, partner_slug)
    form = await read_form(request)
    state = FormState.from_form(form, REOPEN_LABELS)
    parsed = validated(ReopenInput, {**form.nested(), "partner": partner.slug}, state)

    def again(st, code):
        return _page(request, "reopen.html.j2", row, st, code, partner=partner)

    if parsed is None:
        return again(state, 422)
    return await record(request, db, state, lambda: reopen_answer(db, row.id, parsed, principal, today(request)),
                        "heropend", again)


# ------------------------------------------------------------------ the forum's decision


def _decision_rows(db, row, forum: str) -> list[dict]:
    """The lines of the decision form: per right of this forum still undecided, one for the
    whole right and one per AVG item (an item's line overrides the whole right's)."""
    region = _region(row)
    own = [r for r in registrations(db, row) if r.regime == "avg"]
    lines = []
    for right in rights(db, row.id):
        rtype = RequestType(right.type)
        rule = region.rights[rtype]
        if right.outcome is not None or not rule.available or rule.forum != forum:
            continue
        eigen = rtype == RequestType.eigen_verklaring
        lines.append({"type": rtype.value, "registration": None, "verzet": rtype == RequestType.verzet,
                      "eigen": eigen, "label": f"{L.RIGHTS[rtype.value]}: het hele verzoek",
                      "statement": right.statement})
        for reg in own:
            lines.append({"type": rtype.value, "registration": reg, "verzet": rtype == RequestType.verzet,
                          "eigen": eigen, "label": f"{L.RIGHTS[rtype.value]}: {reg.category} (casus {reg.casus_ref})",
                          "statement": None})
    return lines


def _decision_labels(lines) -> dict:
    out = {"held_on": "Datum van het overleg", "participants": "Deelnemende organisaties"}
    for n, line in enumerate(lines):
        out.update({f"decisions.{n}.outcome": f"Besluit ({line['label']})",
                    f"decisions.{n}.ground": f"Weigeringsgrond ({line['label']})",
                    f"decisions.{n}.motivation": f"Motivering voor de betrokkene ({line['label']})",
                    f"decisions.{n}.situation": f"Bijzondere situatie van de betrokkene ({line['label']})",
                    f"decisions.{n}.compelling_grounds": f"Dwingende gerechtvaardigde gronden ({line['label']})",
                    f"decisions.{n}.weighing": f"Afweging ({line['label']})"})
    return out


def _decision_page(request, db, row, forum, lines, state, status=200):
    region = _region(row)
    names = {f.id: f.name for f in region.forums}
    grounds = [(g.id, f"{g.label} ({g.law})") for g in region.refusal_grounds]
    return _page(request, "decision.html.j2", row, state, status, forum=forum, forum_name=names.get(forum, forum),
                 lines=lines, grounds=grounds,
                 verzet_grounds=[(VERZET_REFUSAL_GROUND, "dwingende gerechtvaardigde gronden (art. 21 lid 1 AVG)")],
                 # the eigen verklaring: added unless there is a ground (issue 18 point 6), never
                 # "the data are correct"
                 statement_grounds=[(g.id, f"{g.label} ({g.law})") for g in STATEMENT_GROUNDS.values()],
                 outcomes=[("granted", "toegewezen"), ("partly", "deels toegewezen"), ("refused", "afgewezen")],
                 partners=[(p.slug, p.name) for p in region.partners])


def _forum_or_404(row, forum: str) -> str:
    if forum not in {f.id for f in _region(row).forums}:
        raise HTTPException(status_code=404)
    return forum


@router.get("/verzoeken/{request_id}/besluit/{forum}")
def decision_form(request: Request, request_id: str, forum: str, principal=Depends(coordinator),
                  db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    forum = _forum_or_404(row, forum)
    lines = _decision_rows(db, row, forum)
    consulted = [p.slug for p in db.exec(select(Partner).join(ConsultationTask, ConsultationTask.partner_id == Partner.id)
                                         .where(ConsultationTask.request_id == row.id))]
    state = FormState({"held_on": [today(request).isoformat()], "participants": consulted}, _decision_labels(lines))
    return _decision_page(request, db, row, forum, lines, state)


@router.post("/verzoeken/{request_id}/besluit/{forum}")
async def decision_submit(request: Request, request_id: str, forum: str, principal=Depends(coordinator),
                          db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    forum = _forum_or_404(row, forum)
    lines = _decision_rows(db, row, forum)
    form = await read_form(request)
    state = FormState.from_form(form, _decision_labels(lines))
    nested = form.nested(lists=["participants"])
    given = nested.get("decisions") if isinstance(nested.get("decisions"), list) else []
    chosen, origin = [], []
    for n, line in enumerate(lines):
        entry = given[n] if n < len(given) and isinstance(given[n], dict) else {}
        if not entry.get("outcome"):
            continue  # no decision on this line
        decision = {k: v for k, v in entry.items() if k in ("outcome", "ground", "motivation", "situation",
                                                           "compelling_grounds", "weighing") and v != ""}
        decision["type"] = line["type"]
        decision["registration_id"] = line["registration"].id if line["registration"] else None
        chosen.append(decision)
        origin.append(n)
    data = {"forum": forum, "held_on": nested.get("held_on", ""), "participants": nested.get("participants", []),
            "decisions": chosen}

    def again(st, code):
        return _decision_page(request, db, row, forum, lines, st, code)

    from pydantic import ValidationError

    from models.validation import field_errors

    try:
        parsed = DeliberationInput.model_validate(data)
    except ValidationError as exc:
        for name, message in field_errors(exc):
            state.add_error(_renumber(name, origin), message)
        return again(state, 422)

    def attempt():
        try:
            return record_decision(db, row.id, parsed, principal, today(request))
        except ActionError as exc:  # "decisions.1: ..." names the line as the form numbers it
            text = str(exc)
            if text.startswith("decisions."):
                where, _, rest = text.partition(": ")
                raise ActionError(f"{_renumber(where, origin)}.outcome: {rest}") from None
            raise

    return await record(request, db, state, attempt, "besluit", again)


def _renumber(name: str, origin: list[int]) -> str:
    """decisions.<k>... of the chosen lines back to the form's own line numbers."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "decisions" and parts[1].isdigit() and int(parts[1]) < len(origin):
        parts[1] = str(origin[int(parts[1])])
        if len(parts) == 2:
            parts.append("outcome")
    return ".".join(parts)


# ------------------------------------------------------------------ extension, execution


EXTENSION_LABELS = {"type": "Het recht waarvan de termijn wordt verlengd", "reason": "Reden van de verlenging",
                    "recorded_on": "Datum"}


def _choices(request, db, row, what: str) -> list[tuple[str, str]]:
    """The rights that can be extended, or carried out, now (as the request page lists them)."""
    from web.pages.requests import build

    page = build(db, row, today(request), False)
    return [(t, L.RIGHTS[t]) for t in getattr(page, what)]


def _extension_page(request, row, state, types, status=200):
    return _page(request, "extension.html.j2", row, state, status, types=types)


@router.get("/verzoeken/{request_id}/verlengen")
def extension_form(request: Request, request_id: str, principal=Depends(coordinator), db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    state = FormState({"recorded_on": [today(request).isoformat()]}, EXTENSION_LABELS)
    return _extension_page(request, row, state, _choices(request, db, row, "extendable"))


@router.post("/verzoeken/{request_id}/verlengen")
async def extension_submit(request: Request, request_id: str, principal=Depends(coordinator),
                           db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    form = await read_form(request)
    state = FormState.from_form(form, EXTENSION_LABELS)
    types = _choices(request, db, row, "extendable")
    parsed = validated(ExtensionInput, form.nested(), state)
    if parsed is None:
        return _extension_page(request, row, state, types, 422)
    return await record(request, db, state, lambda: record_extension(db, row.id, parsed, principal, today(request)),
                        "verlengd", lambda st, code: _extension_page(request, row, st, types, code))


EXECUTION_LABELS = {"type": "Het recht dat is uitgevoerd", "executed_on": "Datum van de uitvoering",
                    "statement": "Eigen verklaring (alleen bij een eigen verklaring)"}


def _execution_page(request, row, state, types, status=200):
    return _page(request, "execution.html.j2", row, state, status, types=types,
                 statement_items=_statement_items(row, types))


def _statement_items(row, types) -> list:
    """The granted items of an eigen verklaring, each of which gets its own part of the
    statement when there is more than one (issue 18 point 6)."""
    from models.actions.decisions import affected
    from models.enums import DecisionOutcome, RequestType

    db = Session.object_session(row)
    if db is None or RequestType.eigen_verklaring.value not in [t for t, _ in types]:
        return []
    return [reg for reg, d in affected(db, row, RequestType.eigen_verklaring)
            if d.outcome == DecisionOutcome.granted.value]


def _execution_data(form) -> dict:
    data = blank_to_none(form.nested(), "statement")
    parts = data.pop("parts", None)
    if isinstance(parts, list) and data.get("type") == "eigen_verklaring":
        data["parts"] = [p for p in parts if isinstance(p, dict) and (p.get("statement") or "").strip()]
    return data


@router.get("/verzoeken/{request_id}/uitvoering")
def execution_form(request: Request, request_id: str, principal=Depends(coordinator), db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    state = FormState({"executed_on": [today(request).isoformat()]}, EXECUTION_LABELS)
    return _execution_page(request, row, state, _choices(request, db, row, "executable"))


@router.post("/verzoeken/{request_id}/uitvoering")
async def execution_submit(request: Request, request_id: str, principal=Depends(coordinator),
                           db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    form = await read_form(request)
    state = FormState.from_form(form, EXECUTION_LABELS)
    types = _choices(request, db, row, "executable")
    parsed = validated(ExecutionInput, _execution_data(form), state)
    if parsed is None:
        return _execution_page(request, row, state, types, 422)
    return await record(request, db, state, lambda: record_execution(db, row.id, parsed, principal, today(request)),
                        "uitgevoerd", lambda st, code: _execution_page(request, row, st, types, code))


# ------------------------------------------------------------------ explanation, source


EXPLANATION_LABELS = {"explanation": "Uitleg voor de betrokkene (in de u-vorm)"}


def _withheld(db, row, registration_id: int):
    answer = db.exec(select(ItemAnswer).join(ConsultationTask, ItemAnswer.task_id == ConsultationTask.id).where(
        ConsultationTask.request_id == row.id, ItemAnswer.registration_id == registration_id)).first()
    if answer is None or not answer.withhold:
        raise HTTPException(status_code=404)
    return answer


@router.get("/verzoeken/{request_id}/uitleg/{registration_id}")
def explanation_form(request: Request, request_id: str, registration_id: int, principal=Depends(coordinator),
                     db: Session = Depends(get_db)):
    from web.audit import record_view

    row = load_request(db, principal, request_id)
    answer = _withheld(db, row, registration_id)
    record_view(db, principal, "explanation", request_id=row.id, registration=registration_id)
    state = FormState({"explanation": [answer.explanation or ""]}, EXPLANATION_LABELS)
    return _page(request, "explanation.html.j2", row, state, registration_id=registration_id)


@router.post("/verzoeken/{request_id}/uitleg/{registration_id}")
async def explanation_submit(request: Request, request_id: str, registration_id: int,
                             principal=Depends(coordinator), db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    _withheld(db, row, registration_id)
    form = await read_form(request)
    state = FormState.from_form(form, EXPLANATION_LABELS)

    def again(st, code):
        return _page(request, "explanation.html.j2", row, st, code, registration_id=registration_id)

    parsed = validated(ExplanationInput, {**form.nested(), "registration_id": registration_id}, state)
    if parsed is None:
        return again(state, 422)
    return await record(request, db, state, lambda: edit_explanation(db, row.id, parsed, principal, today(request)),
                        "uitleg", again)


SOURCE_LABELS = {"source": "De bron, zoals de brief haar noemt (bijvoorbeeld: uzelf)",
                 "partner": "Of: de partner die het gegeven leverde"}


def _source_page(request, row, registration_id, state, status=200):
    return _page(request, "source.html.j2", row, state, status, registration_id=registration_id,
                 partners=[(p.slug, p.name) for p in _region(row).partners])


@router.get("/verzoeken/{request_id}/bron/{registration_id}")
def source_form(request: Request, request_id: str, registration_id: int, principal=Depends(coordinator),
                db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    if db.exec(select(SourceTask).where(SourceTask.request_id == row.id,
                                        SourceTask.registration_id == registration_id)).first() is None:
        raise HTTPException(status_code=404)
    return _source_page(request, row, registration_id, FormState(labels=SOURCE_LABELS))


@router.post("/verzoeken/{request_id}/bron/{registration_id}")
async def source_submit(request: Request, request_id: str, registration_id: int, principal=Depends(coordinator),
                        db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    form = await read_form(request)
    state = FormState.from_form(form, SOURCE_LABELS)
    data = blank_to_none({**form.nested(), "registration_id": registration_id}, "source", "partner")
    parsed = validated(SourceInput, data, state)
    if parsed is None:
        return _source_page(request, row, registration_id, state, 422)
    return await record(request, db, state, lambda: establish_source(db, row.id, parsed, principal, today(request)),
                        "bron", lambda st, code: _source_page(request, row, registration_id, st, code))


# ------------------------------------------------------------------ a reply's free text


TEXT_LABELS = {"intro_text": "Alinea na de aanhef", "closing_text": "Alinea voor 'Heeft u vragen?'"}


def _reply_letter(db, row, letter_id: int) -> Letter:
    letter = db.get(Letter, letter_id)
    if letter is None or letter.request_id != row.id or not letter.reply:
        raise HTTPException(status_code=404)
    return letter


def _text_page(request, row, letter, state, status=200):
    from models.letters.kinds import get_kind

    return _page(request, "letter_text.html.j2", row, state, status, letter=letter, title=get_kind(letter.kind).title)


@router.get("/verzoeken/{request_id}/brieven/{letter_id}/tekst")
def letter_text_form(request: Request, request_id: str, letter_id: int, principal=Depends(coordinator),
                     db: Session = Depends(get_db)):
    from web.audit import record_view

    row = load_request(db, principal, request_id)
    letter = _reply_letter(db, row, letter_id)
    record_view(db, principal, "letter.text", request_id=row.id, letter=letter.id)
    state = FormState({"intro_text": [letter.intro_text or ""], "closing_text": [letter.closing_text or ""]},
                      TEXT_LABELS)
    return _text_page(request, row, letter, state)


@router.post("/verzoeken/{request_id}/brieven/{letter_id}/tekst")
async def letter_text_submit(request: Request, request_id: str, letter_id: int, principal=Depends(coordinator),
                             db: Session = Depends(get_db)):
    row = load_request(db, principal, request_id)
    letter = _reply_letter(db, row, letter_id)
    form = await read_form(request)
    state = FormState.from_form(form, TEXT_LABELS)
    parsed = validated(LetterTextInput, {**form.nested(), "letter_id": letter.id}, state)
    if parsed is None:
        return _text_page(request, row, letter, state, 422)
    return await record(request, db, state, lambda: edit_letter_text(db, row.id, parsed, principal, today(request)),
                        "tekst", lambda st, code: _text_page(request, row, letter, st, code))


# ------------------------------------------------------------------ approve, withdraw, send


async def _button(request: Request, db: Session, principal, request_id: str, action, done: str):
    """A button without fields: the action, or the request page with the refusal on top."""
    from web.pages.requests import render_request

    row = load_request(db, principal, request_id)
    await read_form(request)  # CSRF was checked by the middleware; the body holds nothing else
    state = FormState()
    return await record(request, db, state, lambda: action(db, row.id, principal, today(request)), done,
                        lambda st, code: render_request(request, db, principal, row, st.errors.get(""), code))


@router.post("/verzoeken/{request_id}/goedkeuren")
async def approve(request: Request, request_id: str, principal=Depends(signatory), db: Session = Depends(get_db)):
    return await _button(request, db, principal, request_id, approve_replies, "goedgekeurd")


@router.post("/verzoeken/{request_id}/goedkeuring-intrekken")
async def withdraw(request: Request, request_id: str, principal=Depends(senders), db: Session = Depends(get_db)):
    return await _button(request, db, principal, request_id, withdraw_approval, "ingetrokken")


@router.post("/verzoeken/{request_id}/versturen")
async def send(request: Request, request_id: str, principal=Depends(senders), db: Session = Depends(get_db)):
    return await _button(request, db, principal, request_id, send_replies, "verstuurd")

