"""``regions``, ``regions check`` and ``partners``: what the configuration holds, the region
files with the facts each region filled in on its region page (models/region_facts.py).

``regions`` also warns, on stderr, about every contact detail that is still ``unverified``:
letters that print one cannot be approved or sent outside the demo setting. ``regions check
REGION`` lists each of them with what it is for and where the region fills it in, and exits
with 1 while anything blocks real letters."""
from typing import Optional

import typer

from cli import common


def register(app: typer.Typer) -> None:
    regions = typer.Typer(help="De regio's, en wat echte brieven nog tegenhoudt.", invoke_without_command=True)
    regions.callback()(list_regions)
    regions.command("check")(check_region)
    app.add_typer(regions, name="regions")
    app.command("partners")(list_partners)


def list_regions(ctx: typer.Context,
                 as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON.")) -> None:
    """Toon de regio's met hun ondertekenaar en aantal partners."""
    if ctx.invoked_subcommand is not None:
        return
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


def check_region(
    region: str = typer.Argument(..., help="Regio-id, zie 'rechtenloket regions'."),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON."),
) -> None:
    """Wat houdt echte brieven van deze regio nog tegen? Elk gegeven met waarvoor het is en
    waar de beheerder het invult. Exitcode 1 zolang er iets ontbreekt, 0 als alles er is."""
    from models.letters.contacts import blockers, region_page
    from models.settings import get_settings

    cfg = common.region(region)
    found = blockers(cfg)
    settings = get_settings()
    base = settings.portal_url
    if as_json:
        common.print_json({
            "region": cfg.id, "blocking": len(found), "demo": settings.demo,
            "page": base + region_page(cfg.id),
            "items": [{"key": b.key, "label": b.label, "purpose": b.purpose, "group": b.group_title,
                       "where": (base + b.page) if b.page else b.where} for b in found],
        })
    elif not found:
        typer.echo(f"{cfg.name}: alles is ingevuld. Echte brieven kunnen uit.")
    else:
        typer.echo(f"{cfg.name}: {len(found)} {'gegeven houdt' if len(found) == 1 else 'gegevens houden'}"
                   " echte brieven nog tegen.")
        typer.echo(f"De beheerder van de regio vult ze in op de regiopagina: {base}{region_page(cfg.id)}")
        if settings.demo:
            typer.echo("De demo-instelling staat aan: brieven gaan nu uit met 'VOORBEELD – niet verzenden'.")
        title = None
        for b in found:
            if b.group_title != title:
                title = b.group_title
                typer.echo(f"\n{title or 'Alleen in het regiobestand'}")
            typer.echo(f"- {b.label} ({b.key})")
            typer.echo(f"  Waarvoor: {b.purpose}")
            typer.echo(f"  Invullen: {(base + b.page) if b.page else b.where}")
    if found:
        raise typer.Exit(common.EXIT_FAILURE)


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
