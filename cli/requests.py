"""The coordinator's commands: register a request, record what happened, show it.

Every command records its event in one transaction (the action refuses bad input before it
writes anything), and then runs the request flow, which carries the request as far as it
can go (flows/advance.py). Recording and advancing are separate: when the process dies
between the two, running the same command again (or ``request advance``) finishes the job,
and a repeated command says that it was already recorded.

Personal free text (the eigen verklaring, the reason of an extension) is read from a file
or from standard input (``-``), never taken from the command line, where ``ps`` shows it.
"""
import uuid
from datetime import date
from typing import Callable, Optional

import typer

from cli.common import Failure, fail, print_json, read_json_object, read_text
from flows import crash
from models import dutch_time
from models.principal import CLI

ACTOR = CLI  # the operator on the server: coordinator of every region (models/principal.py)
TODAY = typer.Option(None, "--today", help="Datum van vandaag (JJJJ-MM-DD); standaard de echte datum.")
AS_JSON = typer.Option(False, "--json", help="Uitvoer als JSON.")


def register(app: typer.Typer) -> None:
    req = typer.Typer(help="Verzoeken van betrokkenen behandelen.", no_args_is_help=True)
    for name, fn in [("register", register_cmd), ("identity", identity), ("identity-doubt", identity_doubt),
                     ("identity-lapse", identity_lapse), ("answer", answer), ("decide", decide),
                     ("execute", execute), ("extend", extend), ("explain", explain), ("source", source),
                     ("disclose", disclose), ("reopen", reopen), ("approve", approve), ("send", send),
                     ("show", show),
                     ("advance", advance)]:
        req.command(name)(fn)
    app.add_typer(req, name="request")
    app.command("sweep")(sweep)


def _day(value: Optional[str], option: str) -> date:
    from models.actions.inputs import EARLIEST, LATEST

    if value is None:
        return dutch_time.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is geen datum (JJJJ-MM-DD)")
    if not EARLIEST <= day <= LATEST:
        fail(f"{option}: datum moet tussen {EARLIEST.year} en {LATEST.year} liggen")
    return day


def _advance(request_id: str, today: date, event_key: str) -> None:
    """Carry the request on through the dispatch seam (flows/dispatch.py): in the running
    product that starts a run and returns at once; without one, the steps run here."""
    from flows.dispatch import DispatchError, dispatch
    from flows.guard import StepFailed

    try:
        dispatched = dispatch(request_id, today.isoformat(), event_key)
    except StepFailed as failure:
        _print_view(request_id, today, False)
        raise Failure(f"vastgelegd, maar de automatische stap {failure.step} is mislukt ({failure.code}); "
                      "het verzoek staat als mislukt gemarkeerd en de manager is ingelicht. "
                      "Is de oorzaak weg, dan zet 'rechtenloket request advance' de verwerking voort") from None
    except DispatchError as exc:
        raise Failure(f"vastgelegd, maar de verwerking kon niet worden gestart: {exc}; "
                      "'rechtenloket request advance' start haar later") from None
    if dispatched.message:
        typer.echo(dispatched.message, err=True)


def _record(action: Callable, today: date, as_json: bool = False) -> None:
    """Record the action in one transaction, then dispatch the request's advance."""
    from models.db import session_scope

    with session_scope() as s:
        recorded = action(s)
    crash.boundary(f"after:commit:{recorded.action}")  # recorded, not yet advanced
    if recorded.repeated:
        typer.echo(recorded.message, err=True)
    _advance(recorded.request_id, today, recorded.event_key)
    _print_view(recorded.request_id, today, as_json)


def _print_view(request_id: str, today: date, as_json: bool) -> None:
    from models.db import session_scope
    from models.tables import Request
    from models.views import request_view

    from models import processing

    with session_scope() as s:
        view = request_view(s, s.get(Request, request_id), today).model_dump(mode="json")
        # The operator reads the file (the betrokkene's name and address are in the view).
        processing.record(s, ACTOR, "inzien:verzoek.cli", processing.VIEW, request_id=request_id)
    if as_json:
        print_json(view)
        return
    typer.echo(f"{view['reference']} ({view['region']}): {view['status']}, wacht op: {view['waits_for']}")
    if view["failure"]:
        f = view["failure"]
        typer.echo(f"  MISLUKT sinds {f['since']}: stap {f['step']} ({f['code']})")
    for r in view["rights"]:
        typer.echo(f"  {r['type']}: {r['outcome'] or '-'}; uiterlijk {r['deadlines']['protocol_due']} "
                   f"({r['deadlines']['status']})")


def _request_id(reference: str) -> str:
    from models.actions.common import get_request
    from models.db import session_scope

    with session_scope() as s:
        return get_request(s, reference).id


def register_cmd(
    file: str = typer.Argument(..., help="Verzoek als JSON-bestand (- leest van standaardinvoer)."),
    key: Optional[str] = typer.Option(None, "--key", help="Eigen sleutel: een tweede, ander verzoek met "
                                      "dezelfde betrokkene, soorten, ontvangstdatum en kanaal."),
    today: Optional[str] = TODAY, as_json: bool = AS_JSON,
) -> None:
    """Registreer een verzoek (JSON zoals in docs/scenario.md, onderdeel 'request' met region en subject).

    Hetzelfde verzoek nog eens registreren maakt geen tweede verzoek."""
    from models.actions.intake import RequestInput, register_request

    day = _day(today, "--today")
    data = RequestInput.model_validate(read_json_object(file, "verzoek"))
    _record(lambda s: register_request(s, data, ACTOR, day, key=key), day, as_json)


def identity(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
             officer: str = typer.Option(..., help="Wie de identiteit vaststelde (naam of functie)."),
             document_type: str = typer.Option(..., help="paspoort, identiteitskaart, rijbewijs of verblijfsdocument."),
             last_digits: str = typer.Option(..., help="Alleen de laatste 2-4 tekens, nooit een kopie."),
             method: str = typer.Option("in_persoon"), place: Optional[str] = typer.Option(None),
             checked_on: Optional[str] = typer.Option(None, "--on", help="Datum van de controle (standaard vandaag)."),
             today: Optional[str] = TODAY) -> None:
    """Leg de identificatie vast."""
    from models.actions.common import get_request
    from models.actions.identity import IdentityInput, record_identity
    from models.region_config import get_region

    day = _day(today, "--today")
    on = _day(checked_on, "--on") if checked_on else day

    def act(s):
        region = get_region(get_request(s, request_id).region_id)
        return record_identity(s, request_id, IdentityInput(
            method=method, place=place or region.identity.places[0], officer=officer, checked_on=on,
            document_type=document_type, document_last_digits=last_digits), ACTOR, day)

    _record(act, day)


def identity_doubt(
    request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
    reason: str = typer.Option(..., "--reason", help="Waarom de identiteit nog niet vast te stellen is: "
                               "geen_vergelijking, afwijkende_gegevens, vertegenwoordiger, gevoelige_gegevens "
                               "of anders."),
    explanation_file: Optional[str] = typer.Option(
        None, "--explanation-file", help="Toelichting: bestand met de tekst (- leest van standaardinvoer). "
        "Verplicht bij 'anders'; dan staat deze tekst als reden in de brief."),
    recorded_on: Optional[str] = typer.Option(None, "--on", help="Datum van de reden (standaard vandaag)."),
    today: Optional[str] = TODAY,
) -> None:
    """Leg vast waarom de identiteit nog niet vast te stellen is (AVG art. 12 lid 6).

    Vanaf die datum staat de termijn stil (waar de regio dat doet) en de betrokkene krijgt de
    uitnodiging met de termijn om langs te komen. Niet bij een verzoek aan de balie: daar is de
    identiteit bij de intake vastgesteld."""
    from models.actions.identity import IdentityDoubtInput, record_identity_doubt

    day = _day(today, "--today")
    on = _day(recorded_on, "--on") if recorded_on else day
    explanation = read_text(explanation_file, "--explanation-file") if explanation_file else None
    data = IdentityDoubtInput(reason=reason, explanation=explanation, recorded_on=on)
    _record(lambda s: record_identity_doubt(s, request_id, data, ACTOR, day), day)


def identity_lapse(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
                   today: Optional[str] = TODAY) -> None:
    """Leg vast dat de termijn van de uitnodiging ongebruikt is verstreken.

    Het verzoek eindigt dan met een besluit: wij behandelen het niet (bij een bestuursorgaan:
    buiten behandeling, art. 4:5 Awb). Dat besluit komt als concept klaar te staan en gaat weg
    zoals elk antwoord ('request approve', 'request send'). De dagelijkse ronde ('sweep') doet
    dit ook zelf."""
    from models.actions.identity import IdentityLapseInput, record_identity_lapse

    day = _day(today, "--today")
    _record(lambda s: record_identity_lapse(s, request_id, IdentityLapseInput(recorded_on=day), ACTOR, day), day)


def answer(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
           file: str = typer.Argument(..., help="Antwoord als JSON-bestand (- leest van standaardinvoer)."),
           today: Optional[str] = TODAY) -> None:
    """Leg het antwoord van een partner vast (voor partners zonder portaal)."""
    from models.actions.answers import AnswerInput, record_answer

    day = _day(today, "--today")
    data = AnswerInput.model_validate(read_json_object(file, "antwoord"))
    _record(lambda s: record_answer(s, request_id, data, ACTOR, day), day)


def decide(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
           file: str = typer.Argument(..., help="Besluit als JSON-bestand (- leest van standaardinvoer)."),
           today: Optional[str] = TODAY) -> None:
    """Leg het besluit van het overleg vast (forum, datum, deelnemers, uitkomst per recht)."""
    from models.actions.decisions import DeliberationInput, record_decision

    day = _day(today, "--today")
    data = DeliberationInput.model_validate(read_json_object(file, "besluit"))
    _record(lambda s: record_decision(s, request_id, data, ACTOR, day), day)


def execute(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
            type: str = typer.Option(..., help="Het recht dat is uitgevoerd, bv. verwijdering."),
            statement_file: Optional[str] = typer.Option(
                None, "--statement-file", help="Eigen verklaring: bestand met de tekst (- leest van standaardinvoer)."),
            parts_file: Optional[str] = typer.Option(
                None, "--parts-file",
                help='Eigen verklaring verdeeld per gegeven: JSON {"parts": [{"registration_id": 1, "statement": "..."}]}.'),
            today: Optional[str] = TODAY) -> None:
    """Leg vast dat een toegewezen besluit is uitgevoerd."""
    from models.actions.decisions import ExecutionInput, record_execution

    day = _day(today, "--today")
    statement = read_text(statement_file, "--statement-file") if statement_file else None
    parts = read_json_object(parts_file, "--parts-file").get("parts", []) if parts_file else []
    data = ExecutionInput(type=type, executed_on=day, statement=statement, parts=parts)
    _record(lambda s: record_execution(s, request_id, data, ACTOR, day), day)


def extend(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
           type: str = typer.Option(..., help="Het recht waarvan de termijn wordt verlengd."),
           reason_file: str = typer.Option(
               ..., "--reason-file", help="Bestand met de reden (- leest van standaardinvoer)."),
           today: Optional[str] = TODAY) -> None:
    """Verleng de wettelijke termijn (AVG art. 12 lid 3); de brief gaat direct mee."""
    from models.actions.replies import ExtensionInput, record_extension

    day = _day(today, "--today")
    data = ExtensionInput(type=type, reason=read_text(reason_file, "--reason-file"), recorded_on=day)
    _record(lambda s: record_extension(s, request_id, data, ACTOR, day), day)


def explain(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
            registration: int = typer.Option(..., "--registration", help="Het gegeven dat wordt achtergehouden."),
            text_file: str = typer.Option(..., "--text-file", help="Bestand met de uitleg in de u-vorm (- leest van "
                                                                   "standaardinvoer)."),
            today: Optional[str] = TODAY) -> None:
    """Schrijf of wijzig de uitleg voor de betrokkene bij een achtergehouden deel."""
    from models.actions.answers import ExplanationInput, edit_explanation

    day = _day(today, "--today")
    data = ExplanationInput(registration_id=registration, explanation=read_text(text_file, "--text-file"))
    _record(lambda s: edit_explanation(s, request_id, data, ACTOR, day), day)


def source(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
           registration: int = typer.Option(..., "--registration", help="Het gegeven waarvan de bron vaststaat."),
           partner: Optional[str] = typer.Option(None, "--partner", help="De partner die het leverde (slug)."),
           source_file: Optional[str] = typer.Option(None, "--source-file", help="Of: een bestand met de bron zoals "
                                                     "de brief die noemt (- leest van standaardinvoer)."),
           today: Optional[str] = TODAY) -> None:
    """Leg de echte bron vast van een gegeven dat een partner niet leverde (AVG art. 15 lid 1 sub g)."""
    from models.actions.answers import SourceInput, establish_source

    day = _day(today, "--today")
    data = SourceInput(registration_id=registration, partner=partner,
                       source=read_text(source_file, "--source-file") if source_file else None)
    _record(lambda s: establish_source(s, request_id, data, ACTOR, day), day)


def disclose(region: str = typer.Option(..., "--region", help="Regio-id."),
             file: str = typer.Argument(..., help="De verstrekking als JSON-bestand (- leest van standaardinvoer)."),
             today: Optional[str] = TODAY) -> None:
    """Leg een verstrekking van een gegeven vast in het ontvangersregister (AVG art. 19)."""
    from models.actions.disclosures import DisclosureInput, record_disclosure
    from models.db import session_scope

    day = _day(today, "--today")
    data = DisclosureInput.model_validate(read_json_object(file, "verstrekking"))
    with session_scope() as s:
        row = record_disclosure(s, region, data, ACTOR, day)
        typer.echo(f"verstrekking {row.id} vastgelegd")


def reopen(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
           partner: str = typer.Option(..., "--partner", help="Slug van de partner wiens antwoord heropent."),
           reason_file: str = typer.Option(
               ..., "--reason-file", help="Bestand met de reden voor de partner (- leest van standaardinvoer)."),
           today: Optional[str] = TODAY) -> None:
    """Heropen het verstuurde antwoord van een partner, zodat die het kan aanpassen."""
    from models.actions.answers import ReopenInput, reopen_answer

    day = _day(today, "--today")
    data = ReopenInput(partner=partner, reason=read_text(reason_file, "--reason-file"))
    _record(lambda s: reopen_answer(s, request_id, data, ACTOR, day), day)


def approve(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
            signatory: Optional[str] = typer.Option(
                None, "--signatory", help="Gebruikersnaam van de ondertekenaar die de antwoorden goedkeurde "
                "(bijvoorbeeld op papier); zonder: u zelf, als ondertekenaar."),
            today: Optional[str] = TODAY) -> None:
    """Keur de antwoorden goed (als ondertekenaar); daarna kan 'request send' ze versturen.

    Vier ogen (standaard in elke regio): wie aan de antwoorden schreef, keurt ze niet goed.
    Noemt een vrije tekst de rol van de politie of het OM terwijl hun deel is doorgestuurd,
    dan staat een waarschuwing op stderr; die houdt de goedkeuring niet tegen."""
    from models.actions.common import get_request
    from models.actions.replies import approve_replies
    from models.letters.approval import warnings

    from models import audit

    day = _day(today, "--today")
    notes: list[str] = []

    def act(s):
        principal = _signatory(s, signatory)
        notes[:] = warnings(s, get_request(s, request_id))  # read before approving, shown after
        recorded = approve_replies(s, request_id, principal, day)
        if signatory is not None and not recorded.repeated:  # the trail says who typed it in
            audit.record(s, ACTOR.actor, "replies.approval_recorded", recorded.request_id, signatory=principal.id)
        return recorded

    _record(act, day)
    for note in notes:
        typer.echo(f"waarschuwing: {note}", err=True)


def _signatory(session, username: Optional[str]):
    """The principal that approves: the operator (as signatory), or a signatory's account."""
    from models.accounts import normalise_username, principal_of
    from models.enums import Role
    from models.principal import CLI_SIGNATORY
    from models.tables import Account
    from sqlmodel import select

    if username is None:
        return CLI_SIGNATORY
    account = session.exec(select(Account).where(Account.username == normalise_username(username))).first()
    if account is None or not account.active:
        fail(f"--signatory: geen actief account {username!r}")
    principal = principal_of(session, account)
    if principal.role != Role.signatory:
        fail(f"--signatory: {username!r} is geen ondertekenaar")
    return principal


def send(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
         today: Optional[str] = TODAY) -> None:
    """Verstuur de goedgekeurde antwoorden; daarna sluit het verzoek.

    Heeft de regio geen vier ogen (signatory.four_eyes: false), dan keurt dit commando de
    antwoorden eerst zelf goed; anders keurt een ondertekenaar ze eerst goed ('request
    approve' of de webapp)."""
    from models.actions.common import get_request
    from models.actions.replies import approve_replies, send_replies
    from models.letters import store
    from models.principal import CLI_SIGNATORY
    from models.region_config import get_region
    from models.tables import Letter
    from sqlmodel import select

    day = _day(today, "--today")

    def act(s):
        request = get_request(s, request_id)
        drafts = s.exec(select(Letter).where(Letter.request_id == request.id, Letter.reply.is_(True),
                                             Letter.status == store.DRAFT)).first()
        if drafts is not None and not get_region(request.region_id).signatory.four_eyes:
            approve_replies(s, request.id, CLI_SIGNATORY, day)
        return send_replies(s, request.id, ACTOR, day)

    _record(act, day)


def show(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
         today: Optional[str] = TODAY, as_json: bool = AS_JSON) -> None:
    """Toon een verzoek: status, termijnen, doorverwijzingen, raadplegingen, brieven."""
    _print_view(_request_id(request_id), _day(today, "--today"), as_json)


def sweep(today: Optional[str] = TODAY) -> None:
    """De dagelijkse ronde: herinneringen, escalaties, en elk open verzoek verder."""
    from flows.dispatch import dispatch_sweep

    dispatched = dispatch_sweep(_day(today, "--today").isoformat())
    print_json(dispatched.result if dispatched.result is not None else {"flow_run": dispatched.flow_run_id})


def advance(request_id: str = typer.Argument(..., help="Kenmerk of id van het verzoek."),
            today: Optional[str] = TODAY) -> None:
    """Draai de flow voor één verzoek nu (bijvoorbeeld na een storing)."""
    from models.actions.common import get_request
    from models.db import session_scope

    day = _day(today, "--today")
    with session_scope() as s:
        request = get_request(s, request_id)
        if day < request.first_received_on:
            fail(f"--today ({day}) ligt vóór de ontvangst van het verzoek ({request.first_received_on})")
        rid = request.id
    _advance(rid, day, f"advance:{rid}:{uuid.uuid4().hex}")  # asked for by hand: always a new run
    _print_view(rid, day, False)
