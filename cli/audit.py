"""``rechtenloket audit``: check the audit trail, and export one request's events for the FG.

Exit codes: 0 the trail is intact; 1 the trail is not (one line ``fout: auditspoor niet in
orde: ...`` naming the first bad event); 2 bad input or configuration (one ``fout:`` line).
"""
from pathlib import Path
from typing import Optional

import typer

from cli.common import UserError, print_json

EXIT_TAMPERED = 1


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Auditspoor: controleren en exporteren voor de FG.", no_args_is_help=True)
    group.command("verify")(verify)
    group.command("export")(export)
    group.command("verwerkingen")(verwerkingen)
    app.add_typer(group, name="audit")


def _prefect_anchors(prefect: bool) -> list:
    if not prefect:
        return []
    from flows.anchor import published_anchors

    try:
        return published_anchors()
    except Exception as exc:  # the API is down or not configured: say so, in one line
        raise UserError(f"de Prefect-ankers zijn niet te lezen ({type(exc).__name__}): controleer PREFECT_API_URL") from None


def _write_or_show(text: str, out: Optional[Path], summary: str) -> None:
    """An export on screen, or into ``out`` with a one-line summary."""
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"kan {out} niet schrijven: {exc.strerror or type(exc).__name__}") from None
    typer.echo(summary)


def _tampered(problem) -> None:
    typer.echo(f"fout: auditspoor niet in orde: {problem.message}", err=True)
    raise typer.Exit(EXIT_TAMPERED)


def verify(
    prefect: bool = typer.Option(False, "--prefect", help="Controleer ook de koppen die de dagelijkse ronde als Prefect-artefact publiceerde."),
    as_json: bool = typer.Option(False, "--json", help="Uitslag als JSON."),
) -> None:
    """Controleer het hele auditspoor: keten met sleutel, volgnummers en ankers."""
    from models import audit
    from models.db import session_scope

    extra = _prefect_anchors(prefect)
    from models import processing

    with session_scope() as session:
        result = audit.check(session, extra)
        log = processing.check(session)
    if as_json:
        print_json({
            "intact": result.intact,
            "events": result.events,
            "head": {"seq": result.head[0], "hash": result.head[1]} if result.head else None,
            "anchors_checked": result.anchors,
            "anchor_sources": result.anchor_sources,
            "unanchored": result.unanchored,
            "problem": None if result.intact else {
                "event_id": result.problem.event_id, "seq": result.problem.seq, "message": result.problem.message,
            },
            "processing_log": {"entries": log.entries, "problem": log.problem},
        })
    if not result.intact:
        _tampered(result.problem)
    if not log.intact:
        typer.echo(f"fout: verwerkingenlogboek niet in orde: {log.problem}", err=True)
        raise typer.Exit(EXIT_TAMPERED)
    if not as_json:
        head = f"; laatste volgnummer {result.head[0]}" if result.head else ""
        where = f" in {', '.join(result.anchor_sources)}" if result.anchor_sources else ""
        typer.echo(f"Auditspoor in orde: {result.events} gebeurtenissen{head}; "
                   f"{result.anchors} ankerpunten{where} kloppen. Verwerkingenlogboek in orde: {log.entries} regels.")


def export(
    request: str = typer.Option(..., "--request", help="Kenmerk (bijv. ZVHRR-2026-0001) of id van het verzoek."),
    out: Optional[Path] = typer.Option(None, "--out", help="Bestand .csv, .html of .md; zonder: Markdown op het scherm."),
    prefect: bool = typer.Option(False, "--prefect", help="Neem ook de Prefect-ankers mee in de controle."),
) -> None:
    """Schrijf alle gebeurtenissen van één verzoek, met de controle van het spoor, voor de FG."""
    from models import audit_export
    from models.db import session_scope

    render = audit_export.renderer_for(out)
    extra = _prefect_anchors(prefect)
    with session_scope() as session:
        found = audit_export.find_request(session, request)
        if found is None:
            raise UserError(f"onbekend verzoek {request!r} (geef het kenmerk of het id)")
        result = audit_export.build(session, found, extra)
    _write_or_show(render(result), out, f"{len(result.rows)} gebeurtenissen van {result.reference} geschreven "
                   f"naar {out}; auditspoor {'in orde' if result.verification.intact else 'NIET in orde'}.")
    if not result.verification.intact:
        _tampered(result.verification.problem)


def verwerkingen(
    request: Optional[str] = typer.Option(None, "--request", help="Kenmerk of id van een verzoek van de betrokkene."),
    bsn_stdin: bool = typer.Option(False, "--bsn-stdin", help="Lees het BSN van de betrokkene van standaardinvoer (nooit als argument)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Bestand .json (de velden van de standaard) of .md; zonder: Markdown op het scherm."),
) -> None:
    """Wie heeft de gegevens van deze betrokkene ingezien of gewijzigd: het verwerkingenlogboek
    (Logboek dataverwerkingen) van één betrokkene, met de controle van de keten."""
    import sys

    from models import processing
    from models.db import session_scope
    from models.principal import CLI
    from models.processing_export import build, render_json, render_markdown

    if (request is None) == (not bsn_stdin):
        raise UserError("geef precies één van --request of --bsn-stdin")
    if out is not None and out.suffix.lower() not in (".json", ".md"):
        raise UserError(f"--out {out.name}: kies een bestand .json of .md")
    with session_scope() as session:
        if bsn_stdin:
            try:
                subject = processing.find_subject(session, sys.stdin.readline().strip())
            except ValueError as exc:
                raise UserError(f"ongeldig BSN: {exc}") from None
            if subject is None:
                raise UserError("geen betrokkene met dit BSN in Rechtenloket")
            result = build(session, subject.id)
        else:
            from models import audit_export

            found = audit_export.find_request(session, request)
            if found is None:
                raise UserError(f"onbekend verzoek {request!r} (geef het kenmerk of het id)")
            result = build(session, found.subject_id)
        # Looking at the log is itself a processing of this betrokkene (the FG's review).
        processing.record(session, CLI, "inzien:verwerkingenlogboek", processing.LOG_EXPORT,
                          subject_ids=[result.subject_id])
    text = render_json(result) if out is not None and out.suffix.lower() == ".json" else render_markdown(result)
    _write_or_show(text, out, f"{len(result.entries)} verwerkingen van betrokkene {result.pseudonym} geschreven "
                   f"naar {out}; verwerkingenlogboek {'in orde' if result.intact else 'NIET in orde'}.")
    if not result.intact:
        typer.echo(f"fout: verwerkingenlogboek niet in orde: {result.problem}", err=True)
        raise typer.Exit(EXIT_TAMPERED)
