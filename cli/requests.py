"""The coordinator's commands: register a request, record what happened, show it.

Every command records its event in one transaction and then runs the request flow, which
carries the request as far as it can go (flows/advance.py).
"""
import json
from datetime import date
from pathlib import Path
from typing import Callable, Optional

import typer

from cli.common import fail, handles_errors, print_json

ACTOR = "cli"
TODAY = typer.Option(None, "--today", help="Datum van vandaag (JJJJ-MM-DD); standaard de echte datum.")


def register(app: typer.Typer) -> None:
    req = typer.Typer(help="Verzoeken van betrokkenen behandelen.", no_args_is_help=True)
    for name, fn in [("register", register_cmd), ("identity", identity), ("answer", answer), ("decide", decide),
                     ("execute", execute), ("extend", extend), ("send", send), ("show", show),
                     ("advance", advance)]:
        req.command(name)(fn)
    app.add_typer(req, name="request")
    app.command("sweep")(sweep)


def _today(value: Optional[str]) -> date:
    return date.fromisoformat(value) if value else date.today()


def _json_file(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{path}: geen leesbaar JSON-bestand ({exc})")


def _record_and_advance(request_id: str, today: date, action: Callable) -> str:
    """Run the action in one transaction, then the flow; returns the request's id."""
    from flows.advance import advance_request
    from models.actions.common import get_request
    from models.db import session_scope

    with session_scope() as s:
        request = get_request(s, request_id)
        action(s, request.id)
        rid = request.id
    advance_request(rid, today.isoformat())
    return rid


def _print_view(request_id: str, today: date, as_json: bool) -> None:
    from models.db import session_scope
    from models.tables import Request
    from models.views import request_view

    with session_scope() as s:
        view = request_view(s, s.get(Request, request_id), today)
    if as_json:
        print_json(view)
    else:
        typer.echo(f"{view['reference']} ({view['region']}): {view['status']}, wacht op: {view['waits_for']}")
        for r in view["rights"]:
            typer.echo(f"  {r['type']}: {r['outcome'] or '-'}; uiterlijk {r['deadlines']['protocol_due']} "
                       f"({r['deadlines']['status']})")


@handles_errors
def register_cmd(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Verzoek als JSON."),
                 today: Optional[str] = TODAY, as_json: bool = typer.Option(False, "--json")) -> None:
    """Registreer een verzoek (JSON zoals in docs/scenario.md, onderdeel 'request' met region en subject)."""
    from flows.advance import advance_request
    from models.actions.intake import RequestInput, register_request
    from models.db import session_scope

    day = _today(today)
    data = RequestInput.model_validate(_json_file(file))
    with session_scope() as s:
        rid = register_request(s, data, ACTOR, day).id
    advance_request(rid, day.isoformat())
    _print_view(rid, day, as_json)


@handles_errors
def identity(request_id: str, officer: str = typer.Option(...), document_type: str = typer.Option(...),
             last_digits: str = typer.Option(..., help="Alleen de laatste cijfers, nooit een kopie."),
             method: str = typer.Option("in_persoon"), place: Optional[str] = typer.Option(None),
             checked_on: Optional[str] = typer.Option(None, "--on"), today: Optional[str] = TODAY) -> None:
    """Leg de identificatie vast."""
    from models.actions.identity import IdentityInput, record_identity
    from models.actions.common import get_request
    from models.region_config import get_region

    day = _today(today)

    def act(s, rid):
        region = get_region(get_request(s, rid).region_id)
        record_identity(s, rid, IdentityInput(
            method=method, place=place or region.identity.places[0], officer=officer,
            checked_on=date.fromisoformat(checked_on) if checked_on else day,
            document_type=document_type, document_last_digits=last_digits), ACTOR, day)

    _print_view(_record_and_advance(request_id, day, act), day, False)


@handles_errors
def answer(request_id: str, file: Path = typer.Argument(..., exists=True, dir_okay=False),
           today: Optional[str] = TODAY) -> None:
    """Leg het antwoord van een partner vast (voor partners zonder portaal)."""
    from models.actions.answers import AnswerInput, record_answer

    day = _today(today)
    data = AnswerInput.model_validate(_json_file(file))
    _print_view(_record_and_advance(request_id, day, lambda s, rid: record_answer(s, rid, data, ACTOR, day)), day, False)


@handles_errors
def decide(request_id: str, file: Path = typer.Argument(..., exists=True, dir_okay=False),
           today: Optional[str] = TODAY) -> None:
    """Leg het besluit van het overleg vast (forum, datum, deelnemers, uitkomst per recht)."""
    from models.actions.decisions import DeliberationInput, record_decision

    day = _today(today)
    data = DeliberationInput.model_validate(_json_file(file))
    _print_view(_record_and_advance(request_id, day, lambda s, rid: record_decision(s, rid, data, ACTOR, day)), day, False)


@handles_errors
def execute(request_id: str, type: str = typer.Option(...), statement: Optional[str] = typer.Option(None),
            today: Optional[str] = TODAY) -> None:
    """Leg vast dat een toegewezen besluit is uitgevoerd."""
    from models.actions.decisions import ExecutionInput, record_execution

    day = _today(today)
    data = ExecutionInput(type=type, executed_on=day, statement=statement)
    _print_view(_record_and_advance(request_id, day, lambda s, rid: record_execution(s, rid, data, ACTOR, day)), day, False)


@handles_errors
def extend(request_id: str, type: str = typer.Option(...), reason: str = typer.Option(...),
           today: Optional[str] = TODAY) -> None:
    """Verleng de wettelijke termijn (AVG art. 12 lid 3); de brief gaat direct mee."""
    from models.actions.replies import ExtensionInput, record_extension

    day = _today(today)
    data = ExtensionInput(type=type, reason=reason, recorded_on=day)
    _print_view(_record_and_advance(request_id, day, lambda s, rid: record_extension(s, rid, data, ACTOR, day)), day, False)


@handles_errors
def send(request_id: str, today: Optional[str] = TODAY) -> None:
    """Keur de antwoorden goed en verstuur ze; daarna sluit het verzoek."""
    from models.actions.replies import send_replies

    day = _today(today)
    _print_view(_record_and_advance(request_id, day, lambda s, rid: send_replies(s, rid, ACTOR, day)), day, False)


@handles_errors
def show(request_id: str, today: Optional[str] = TODAY, as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon een verzoek: status, termijnen, doorverwijzingen, raadplegingen, brieven."""
    from models.actions.common import get_request
    from models.db import session_scope

    with session_scope() as s:
        rid = get_request(s, request_id).id
    _print_view(rid, _today(today), as_json)


@handles_errors
def sweep(today: Optional[str] = TODAY) -> None:
    """De dagelijkse ronde: herinneringen, escalaties, en elk open verzoek verder."""
    from flows.advance import sla_sweep

    print_json(sla_sweep(_today(today).isoformat()))


@handles_errors
def advance(request_id: str, today: Optional[str] = TODAY) -> None:
    """Draai de flow voor één verzoek nu (bijvoorbeeld na een storing)."""
    from flows.advance import advance_request
    from models.actions.common import get_request
    from models.db import session_scope

    day = _today(today)
    with session_scope() as s:
        rid = get_request(s, request_id).id
    advance_request(rid, day.isoformat())
    _print_view(rid, day, False)
