"""What the functionaris gegevensbescherming (FG) gets from ``rechtenloket audit export``.

Every audit event of one request, in the order of the trail, with its time (Dutch time),
actor, action with a Dutch label, and detail (ids and codes, exactly as the trail holds
them), plus the result of checking the whole trail and its anchors. Nothing is added
from the encrypted tables: the export holds no personal data beyond the trail's own.
Formats: CSV (for a spreadsheet), HTML (to read or print), Markdown (plain text).
"""
import csv
import html
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional

from sqlmodel import Session, or_, select

from models import audit
from models.dutch_time import AMSTERDAM
from models.tables import AuditEvent, Request
from models.tables.common import utcnow


# One Dutch label per action code. tests/test_cli_audit.py checks that every code the
# application records has one.
ACTION_LABELS = {
    "account.added": "Account aangemaakt",
    "account.disabled": "Account uitgeschakeld",
    "auth.login": "Ingelogd",
    "key.rotation_started": "Sleutelwissel begonnen (nieuwe sleutel in gebruik)",
    "key.retired": "Oude sleutel buiten gebruik gesteld",
    "request.retention_erased": "Dossier verwijderd na afloop van de bewaartermijn",
    "request.retention_hold": "Dossier vastgehouden (bezwaar, beroep, verzoekschrift of klacht loopt)",
    "request.retention_released": "Dossier vrijgegeven (de procedure is voorbij)",
    "auth.login_failed": "Inloggen mislukt",
    "auth.logout": "Uitgelogd",
    "page.viewed": "Pagina met persoonsgegevens bekeken",
    "processinglog.viewed": "Verwerkingenlogboek van een betrokkene bekeken (FG)",
    "processinglog.exported": "Verwerkingenlogboek van een betrokkene gedownload (FG)",
    "audit.rechained": "Auditspoor opnieuw gekoppeld met sleutel (migratie)",
    "clock.extended": "Termijn verlengd",
    "consultation.answered": "Partner heeft geantwoord",
    "consultation.escalated": "Consultatie geëscaleerd naar de manager",
    "consultation.opened": "Partner om antwoord gevraagd",
    "consultation.reminded": "Herinnering gestuurd aan partner",
    "decision.executed": "Besluit uitgevoerd",
    "decision.recorded": "Besluit vastgelegd",
    "identity.doubt_recorded": "Reden vastgelegd waarom de identiteit nog niet vaststaat (uitnodiging verstuurd)",
    "identity.not_established": "Termijn van de uitnodiging verstreken: identiteit niet vastgesteld",
    "identity.verified": "Identiteit vastgesteld",
    "letter.approved": "Brief goedgekeurd",
    "letter.drafted": "Conceptbrief gemaakt",
    "letter.edited": "Conceptbrief gewijzigd",
    "letter.sent": "Brief verzonden",
    "outbox.failed": "Bericht niet afgeleverd (wordt opnieuw geprobeerd)",
    "outbox.sent": "Bericht afgeleverd",
    "referral.created": "Doorverwezen naar politie of OM",
    "region.loaded": "Regio-instellingen geladen",
    "registration.added": "Gegeven opgenomen in het dossier",
    "replies.sent": "Antwoorden verstuurd",
    "request.not_handled": "Besluit: verzoek niet behandeld (identiteit niet vastgesteld)",
    "request.registered": "Verzoek geregistreerd",
    "request.routed": "Verzoek verdeeld over politie, OM en partners",
    "request.status": "Status gewijzigd",
    "answer.explanation_edited": "Uitleg voor de betrokkene bij een achtergehouden deel gewijzigd",
    "disclosure.recorded": "Verstrekking aan een ontvanger vastgelegd",
    "source.established": "Bron van een gegeven vastgesteld",
    "request.failed": "Automatische stap mislukt (manager ingelicht)",
    "request.recovered": "Automatische stap weer gelukt",
    "subject.details_updated": "Naam of adres van de betrokkene bijgewerkt (nieuw verzoek)",
    "api_token.added": "API-sleutel voor een partner aangemaakt",
    "api_token.revoked": "API-sleutel van een partner ingetrokken",
    "consultation.draft_saved": "Concept-antwoord van een partner bewaard",
    "consultation.reopened": "Antwoord van een partner heropend",
    "api_token.refused": "API-sleutel geweigerd (onbekend, ingetrokken of te vaak geprobeerd)",
    "task_link.refused": "Link naar een vraag geweigerd (onbekend, verlopen, gebruikt of van een andere organisatie)",
    "letter.text_edited": "Vrije tekst van een conceptantwoord gewijzigd",
    "letter.approval_withdrawn": "Goedkeuring van een brief ingetrokken",
    "replies.approved": "Antwoorden goedgekeurd door de ondertekenaar",
    "replies.approval_withdrawn": "Goedkeuring van de antwoorden ingetrokken",
    "replies.approval_recorded": "Goedkeuring namens de ondertekenaar vastgelegd (opdrachtregel)",
}

VERDICT = "Controle auditspoor"
COLUMNS = ("volgnummer", "tijd", "actor", "actie", "omschrijving", "details")


@dataclass(frozen=True)
class ExportRow:
    seq: int
    at: datetime
    actor: str
    action: str
    detail: dict

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def local_time(self) -> str:
        return self.at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M:%S %Z")

    @property
    def detail_text(self) -> str:
        return "; ".join(f"{k}: {_value(v)}" for k, v in sorted(self.detail.items()))

    def cells(self) -> tuple[str, ...]:
        return (str(self.seq), self.local_time, self.actor, self.action, self.label, self.detail_text)


@dataclass(frozen=True)
class Export:
    reference: str
    request_id: str
    region_id: str
    made_at: datetime
    rows: list[ExportRow]
    verification: audit.Verification

    @property
    def verdict(self) -> str:
        v = self.verification
        if v.intact:
            anchors = f"{v.anchors} ankerpunten ({', '.join(v.anchor_sources)})" if v.anchors else "geen ankerpunten"
            return (f"in orde: alle {v.events} gebeurtenissen van het hele auditspoor zijn gecontroleerd "
                    f"(keten met sleutel, volgnummers, {anchors})")
        return f"NIET in orde: {v.problem.message}"


def find_request(session: Session, ref: str) -> Optional[Request]:
    """A request by its reference (ZVHRR-2026-0001) or its opaque id."""
    return session.exec(select(Request).where(or_(Request.reference == ref, Request.id == ref))).first()


def build(session: Session, request: Request, extra_anchors=()) -> Export:
    verification = audit.check(session, extra_anchors)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.request_id == request.id).order_by(AuditEvent.seq)
    )
    rows = [ExportRow(e.seq, e.at, e.actor, e.action, e.detail) for e in events]
    return Export(request.reference, request.id, request.region_id, utcnow(), rows, verification)


def _value(v) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _header(export: Export) -> list[tuple[str, str]]:
    return [
        ("Verzoek", export.reference),
        ("Id", export.request_id),
        ("Regio", export.region_id),
        ("Gemaakt", export.made_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M:%S %Z")),
        ("Gebeurtenissen van dit verzoek", str(len(export.rows))),
        (VERDICT, export.verdict),
    ]


def to_csv(export: Export) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")  # ';': Dutch spreadsheets
    for name, value in _header(export):
        writer.writerow([f"# {name}", value])
    writer.writerow(COLUMNS)
    for row in export.rows:
        writer.writerow(row.cells())
    return out.getvalue()


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def to_markdown(export: Export) -> str:
    lines = [f"# Auditspoor van verzoek {export.reference}", ""]
    lines += [f"- **{name}**: {_md(value)}" for name, value in _header(export)]
    lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_md(c) for c in row.cells()) + " |" for row in export.rows]
    return "\n".join(lines) + "\n"


def to_html(export: Export) -> str:
    e = html.escape
    verdict_class = "ok" if export.verification.intact else "fout"
    header = ""
    for name, value in _header(export):
        css = f' class="{verdict_class}"' if name == VERDICT else ""
        header += f"<tr><th>{e(name)}</th><td{css}>{e(value)}</td></tr>"
    head = "".join(f"<th>{e(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row.cells()) + "</tr>" for row in export.rows)
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Auditspoor van verzoek {e(export.reference)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin-bottom: 2em; }}
th, td {{ border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
td.ok {{ color: #064; font-weight: bold; }}
td.fout {{ color: #a00; font-weight: bold; }}
</style>
</head>
<body>
<h1>Auditspoor van verzoek {e(export.reference)}</h1>
<table class="kop">{header}</table>
<table class="gebeurtenissen"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
</body>
</html>
"""


FORMATS: dict[str, Callable[[Export], str]] = {
    ".csv": to_csv,
    ".html": to_html,
    ".htm": to_html,
    ".md": to_markdown,
    ".txt": to_markdown,
}


def renderer_for(out: Optional[Path]) -> Callable[[Export], str]:
    """The format a file name asks for; without a file, Markdown on the screen."""
    if out is None:
        return to_markdown
    try:
        return FORMATS[out.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"onbekend formaat {out.suffix or '(geen extensie)'!r} voor --out: kies .csv, .html of .md"
        ) from None
