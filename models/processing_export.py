"""The processing log of one betrokkene, for the betrokkene's question "who looked at my
data" (AVG art. 15) and the FG's review (BIO 12.4): every line of ``processinglog`` under
the subject's pseudonym, in the field names of Logius' "Logboek dataverwerkingen", with the
check of the whole chain. Accounts are named by role and id (the ZVH looks the person up
in its account list); no other betrokkene appears.
"""
import json
from dataclasses import dataclass, field
from datetime import UTC
from typing import Optional

from sqlmodel import Session

from models import processing
from models.tables import DataSubject, ProcessingLogEntry

WHAT = {"inzien": "bekeken", "wijzigen": "vastgelegd of gewijzigd", "brief": "brief opgesteld",
        "verwijderen": "verwijderd", "verstrekken": "verstuurd"}


@dataclass
class SubjectLog:
    subject_id: int
    pseudonym: str
    entries: list[ProcessingLogEntry] = field(default_factory=list)
    intact: bool = True
    problem: Optional[str] = None


def build(session: Session, subject_id: int) -> SubjectLog:
    subject = session.get(DataSubject, subject_id)
    log = processing.check(session)
    return SubjectLog(subject_id, subject.row_uid, processing.entries_for(session, subject.row_uid),
                      log.intact, log.problem)


def render_json(result: SubjectLog) -> str:
    return json.dumps({"standard": processing.STANDARD, "data_subject_id": result.pseudonym,
                       "data_subject_id_type": processing.SUBJECT_ID_TYPE,
                       "chain_intact": result.intact, "chain_problem": result.problem,
                       "activities": {processing.activity_id(k): v for k, v in processing.ACTIVITIES.items()},
                       "entries": [processing.as_ldv(row) for row in result.entries]},
                      ensure_ascii=False, indent=2) + "\n"


def render_markdown(result: SubjectLog) -> str:
    lines = [f"# Verwerkingenlogboek van betrokkene {result.pseudonym}", "",
             f"Keten van het logboek: {'in orde' if result.intact else 'NIET in orde: ' + str(result.problem)}.",
             f"{len(result.entries)} verwerkingen.", "",
             "| tijd (UTC) | wie | wat | verwerkingsactiviteit | verzoek | uitkomst |", "|---|---|---|---|---|---|"]
    for row in result.entries:
        moment = row.start_time if row.start_time.tzinfo else row.start_time.replace(tzinfo=UTC)
        verb, _, detail = row.name.partition(":")
        activity = processing.ACTIVITIES.get(row.processing_activity_id.removeprefix(processing.ACTIVITY_PREFIX), "")
        lines.append(f"| {moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} | {row.principal} | {WHAT.get(verb, verb)} "
                     f"({detail}) | {activity} | {row.request_id or '-'} | "
                     f"{'gelukt' if row.status_code != 2 else 'mislukt'} |")
    return "\n".join(lines) + "\n"
