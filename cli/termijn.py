"""`rechtenloket termijn`: compute a request's deadlines and status (issue 3).

A thin shell around models.deadlines: it parses and checks the options, loads the region
and the decree days from config/, and prints the engine's result. All options are read as
text and checked here, so every bad input ends the same way: one "fout: ..." line on
stderr, exit code 2, nothing on stdout.
"""
import re
from datetime import date
from typing import Optional

import typer

from cli.common import fail as _fail
from cli.common import print_json
from cli.common import region as _region
from models import dutch_time
from models.deadlines import (
    Clock,
    ClockInput,
    ClockStatus,
    DeadlineError,
    Extension,
    Suspension,
    compute_clock,
)
from models.actions.inputs import EARLIEST, LATEST
from models.enums import RequestType
from models.state import decree_days as state_decree_days

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

STATUS_NL = {
    ClockStatus.on_track: "op schema",
    ClockStatus.at_risk: "risico (weinig tijd of partner te laat)",
    ClockStatus.overdue: "termijn verstreken",
    ClockStatus.suspended: "opgeschort (wacht op identificatie)",
    ClockStatus.extended: "verlengd",
    ClockStatus.done_on_time: "afgerond, op tijd",
    ClockStatus.done_late: "afgerond, te laat",
}
_WEEKDAYS_NL = ("ma", "di", "wo", "do", "vr", "za", "zo")


def _date(value: str, option: str) -> date:
    # date.fromisoformat also takes "20260105" and week dates; the contract is YYYY-MM-DD.
    if not _ISO_DATE.match(value):
        _fail(f"{option}: {value!r} is geen datum (JJJJ-MM-DD)")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: {value!r} is geen bestaande datum")
    if not EARLIEST <= day <= LATEST:
        _fail(f"{option}: datum moet tussen {EARLIEST.year} en {LATEST.year} liggen")
    return day


def _suspension(value: str) -> Suspension:
    start, sep, end = value.partition(":")
    if not sep:
        _fail(f"--suspend: {value!r} moet de vorm BEGIN:EINDE hebben (EINDE leeg: loopt nog)")
    first = _date(start, "--suspend")
    last = _date(end, "--suspend") if end else None
    if last is not None and last < first:
        _fail(f"--suspend: einde {last} ligt vóór het begin {first}")
    return Suspension(start=first, end=last)


def termijn(
    region: Optional[str] = typer.Option(None, "--region", help="Regio-id, bv. utrecht."),
    type_: Optional[str] = typer.Option(None, "--type", help="Soort verzoek, bv. inzage."),
    received: Optional[str] = typer.Option(
        None, "--received", help="Eerste ontvangst door enige partij (JJJJ-MM-DD)."
    ),
    suspend: Optional[list[str]] = typer.Option(
        None, "--suspend", help="Opschorting BEGIN:EINDE (einde exclusief; leeg: loopt nog)."
    ),
    extend_reason: Optional[str] = typer.Option(
        None, "--extend-reason", help="Reden van verlenging (AVG art. 12 lid 3)."
    ),
    extend_on: Optional[str] = typer.Option(
        None, "--extend-on", help="Datum van de verlengingsmelding."
    ),
    replied_on: Optional[str] = typer.Option(None, "--replied-on", help="Datum van het antwoord."),
    executed_on: Optional[str] = typer.Option(
        None, "--executed-on", help="Verzet: datum van uitvoering."
    ),
    no_execution: bool = typer.Option(
        False, "--zonder-uitvoering",
        help="Verzet: niets uit te voeren (afgewezen, geen gegevens, of alleen politie/OM doorgestuurd).",
    ),
    now: Optional[str] = typer.Option(None, "--now", help="Peildatum (standaard: vandaag)."),
    as_json: bool = typer.Option(False, "--json", help="Eén JSON-object op stdout."),
) -> None:
    """Termijnen en status van een verzoek: protocoltermijn per soort, AVG (1 maand), verlenging."""
    for value, option in ((region, "--region"), (type_, "--type"), (received, "--received")):
        if not value:
            _fail(f"{option} ontbreekt")
    if (extend_reason is None) != (extend_on is None):
        _fail("--extend-reason en --extend-on horen bij elkaar: geef beide of geen van beide")
    try:
        request_type = RequestType(type_)
    except ValueError:
        known = ", ".join(t.value for t in RequestType)
        _fail(f"onbekend soort verzoek {type_!r}; kies uit: {known}")

    inp_received = _date(received, "--received")
    inp_now = _date(now, "--now") if now else dutch_time.today()
    suspensions = tuple(_suspension(v) for v in suspend or ())
    extension = Extension(extend_reason, _date(extend_on, "--extend-on")) if extend_on else None
    replied = _date(replied_on, "--replied-on") if replied_on else None
    executed = _date(executed_on, "--executed-on") if executed_on else None
    if no_execution and executed:
        _fail("--zonder-uitvoering en --executed-on sluiten elkaar uit")

    config = _region(region)  # fails with "onbekende regio" or the config error
    decree_days = state_decree_days()  # loaded and checked once per process

    try:
        clock = compute_clock(
            ClockInput(
                received=inp_received,
                request_type=request_type,
                policy=config.deadlines,
                now=inp_now,
                suspensions=suspensions,
                extension=extension,
                replied_on=replied,
                executed_on=executed,
                execution_required=False if no_execution else None,
                decree_days=decree_days,
            )
        )
    except DeadlineError as exc:
        _fail(str(exc))

    if as_json:
        print_json(clock.to_dict())
    else:
        typer.echo(_table(clock, config.short_name, request_type, inp_received, inp_now))


def _nl(d: Optional[date]) -> str:
    return f"{_WEEKDAYS_NL[d.weekday()]} {d:%d-%m-%Y}" if d else "-"


def _table(clock: Clock, region: str, rtype: RequestType, received: date, now: date) -> str:
    period = f"{clock.protocol_weeks} weken" if clock.protocol_weeks else "termijnen van de AVG"
    rows = [
        ("protocoltermijn", f"{_nl(clock.protocol_due)} ({period}; {clock.protocol_article})"),
        ("wettelijke termijn (AVG 12.3)", _nl(clock.legal_due)),
        ("verlenging melden uiterlijk", _nl(clock.extension_notice_by)),
        ("verlengde wettelijke termijn", _nl(clock.legal_due_extended)),
    ]
    if clock.execution_due:
        rows.append(("uitvoering verzet uiterlijk", _nl(clock.execution_due)))
    rows += [
        ("opgeschort", f"{clock.suspended_days} dag(en)"),
        ("verschoven door", ", ".join(clock.moved_by_holiday) or "-"),
        ("status", STATUS_NL[clock.status]),
    ]
    if not clock.protocol_provides_extension:
        rows.append(("let op", "het protocol van de regio voorziet niet in verlenging"))
    width = max(len(label) for label, _ in rows)
    head = (
        f"Termijnen {rtype.value}, regio {region}:"
        f" ontvangen {_nl(received)}, peildatum {_nl(now)}"
    )
    return "\n".join([head] + [f"  {label.ljust(width)}  {value}" for label, value in rows])


def register(app: typer.Typer) -> None:
    app.command("termijn")(termijn)
