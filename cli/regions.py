"""``regions`` and ``partners``: what the configuration holds (read from config/, no database)."""
from typing import Optional

import typer

from cli import common


def register(app: typer.Typer) -> None:
    app.command("regions")(list_regions)
    app.command("partners")(list_partners)


def list_regions(as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON.")) -> None:
    """Toon de regio's met hun ondertekenaar en aantal partners."""
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "signatory": r.signatory.title,
            "partners": len(r.partners),
            "protocol_weeks": r.deadlines.protocol_weeks,
            "source": r.source.file,
        }
        for r in common.regions().values()
    ]
    if as_json:
        common.print_json(rows)
    else:
        _table(rows, ["id", "name", "signatory", "partners"])


def list_partners(
    region: str = typer.Option(..., "--region", help="Regio-id, zie 'rechtenloket regions'."),
    kind: Optional[str] = typer.Option(None, "--kind", help="Alleen dit soort partner."),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON."),
) -> None:
    """Toon de partners van een regio."""
    cfg = common.region(region)
    partners = [p for p in cfg.partners if kind is None or p.kind.value == kind]
    if kind is not None and not partners:
        common.fail(f"geen partners van soort {kind!r} in regio {region}")
    rows = [
        {"slug": p.slug, "name": p.name, "kind": p.kind.value, "regime": p.regime.value, "unit": p.unit}
        for p in partners
    ]
    if as_json:
        common.print_json(rows)
    else:
        _table(rows, ["slug", "name", "kind", "regime"])


def _table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r[c] or "")) for r in rows)) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    typer.echo("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        typer.echo("  ".join(str(r[c] or "").ljust(widths[c]) for c in columns))
