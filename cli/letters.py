"""``letter``: the catalogue of letter kinds, and a preview of each kind per region.

    rechtenloket letter kinds [--json]
    rechtenloket letter preview KIND --region ID --out DIR   -> DIR/KIND.html, DIR/KIND.pdf
"""
import json
from pathlib import Path
from typing import Optional

import typer

from cli.common import fail as _fail


def register(app: typer.Typer) -> None:
    letter_app = typer.Typer(
        help="Brieven: de soorten brieven en een voorbeeld per regio.",
        no_args_is_help=True,
    )
    letter_app.command("kinds")(kinds)
    letter_app.command("preview")(preview)
    app.add_typer(letter_app, name="letter")


def kinds(as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON.")) -> None:
    """Toon de soorten brieven: id, titel, ontvanger en of het een besluit is."""
    from models.letters.kinds import KINDS

    rows = [k.as_dict() for k in KINDS.values()]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        besluit = "besluit" if r["decision"] else "       "
        typer.echo(f"{r['id'].ljust(width)}  {r['recipient'].ljust(12)}  {besluit}  {r['title']}")


def preview(
    kind: str = typer.Argument(..., help="Soort brief, zie 'rechtenloket letter kinds'."),
    region: str = typer.Option(..., "--region", help="Regio-id, zie 'rechtenloket regions'."),
    out: Path = typer.Option(..., "--out", help="Map voor KIND.html en KIND.pdf."),
    representative: Optional[str] = typer.Option(
        None, "--representative",
        help="De brief voor een verzoek namens de betrokkene: 'ouder' (van een kind van 14) of 'advocaat'."),
) -> None:
    """Maak een voorbeeld van een brief voor een regio (fictieve gegevens), als HTML en PDF."""
    from models.letters.kinds import UnknownKind, get_kind
    from models.letters.render import LetterIncomplete, PdfUnavailable, render_html, render_pdf
    from models.letters.samples import sample_context
    from cli.common import regions as configured

    try:
        letter_kind = get_kind(kind)
    except UnknownKind as exc:
        _fail(str(exc))
    regions = configured()  # a broken config file: one line naming the file and the key
    if region not in regions:
        _fail(f"onbekende regio {region!r} (bekend: {', '.join(sorted(regions))})")
    if out.exists() and not out.is_dir():
        _fail(f"{out} is geen map")
    from models.letters.samples import REPRESENTATIVES

    if representative is not None and representative not in REPRESENTATIVES:
        _fail(f"--representative: kies {' of '.join(sorted(REPRESENTATIVES))}")
    try:
        html = render_html(letter_kind, sample_context(letter_kind.id, regions[region], representative))
        pdf = render_pdf(html)
    except (LetterIncomplete, PdfUnavailable) as exc:
        _fail(str(exc))
    html_path, pdf_path = out / f"{letter_kind.id}.html", out / f"{letter_kind.id}.pdf"
    try:
        out.mkdir(parents=True, exist_ok=True)
        html_path.write_text(html, encoding="utf-8")
        pdf_path.write_bytes(pdf)
    except OSError as exc:
        _fail(f"--out: {out} is niet te schrijven ({exc.strerror or type(exc).__name__})")
    typer.echo(str(html_path))
    typer.echo(str(pdf_path))
