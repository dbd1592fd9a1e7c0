"""``regions`` and ``partners``: what the configuration holds (read from config/, no database).

``regions`` also warns, on stderr, about every contact detail a region file still marks
``unverified``: letters that print one cannot be approved or sent outside the demo setting."""
from typing import Optional

import typer

from cli import common


def register(app: typer.Typer) -> None:
    app.command("regions")(list_regions)
    app.command("partners")(list_partners)


def list_regions(as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON.")) -> None:
    """Toon de regio's met hun ondertekenaar en aantal partners."""
    from models.letters.contacts import partner_problems, unsendable

    rows = []
    for r in common.regions().values():
        problems = unsendable(r) + partner_problems(r, [p.slug for p in r.partners])
        rows.append({
            "id": r.id,
            "name": r.name,
            "signatory": r.signatory.function,
            "signatory_name": r.signatory.name,
            "partners": len(r.partners),
            "bestuursorganen": sum(p.bestuursorgaan for p in r.partners),
            "periods": {
                t.value: ({"weeks": p.weeks} if p.weeks else {"avg": True}) | {"article": p.rule.article}
                for t, p in r.deadlines.periods.items()
            },
            "source": r.source.file,
            "unverified": [line.split(": ", 1)[1] for line in problems],
        })
        for line in problems:
            typer.echo(f"let op: {line}", err=True)
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
        {"slug": p.slug, "name": p.name, "kind": p.kind.value, "regime": p.regime.value, "unit": p.unit,
         "bestuursorgaan": p.bestuursorgaan, "bestuursorgaan_article": p.bestuursorgaan_rule.article,
         "bezwaar": (p.bezwaar.model_dump(exclude_none=True) if p.bezwaar else None)}
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
