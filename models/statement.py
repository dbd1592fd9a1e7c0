"""The eigen verklaring (issue 18 point 6). Pure: no I/O.

AVG art. 16: the betrokkene has the right to have incomplete data completed, "onder meer door
een aanvullende verklaring te verstrekken" (Fryslân art. 20.2: "zijn eigen verklaring omtrent
dit oordeel"). The statement is for exactly the case where the controller thinks its data are
correct and the betrokkene does not: so "het gegeven is juist" is never a reason to refuse it.
It is added unless there is a ground:

- the statement is not about the betrokkene's data in the file (art. 16 AVG completes the data
  "met inachtneming van de doeleinden van de verwerking": a statement about something else
  completes nothing);
- the request is manifestly unfounded or excessive (art. 12 lid 5 onder b AVG);
- a ground of art. 41 lid 1 UAVG from the region's list, e.g. onder i: the statement names
  other people whose rights must be protected.

A refusal has a reason written for the betrokkene ("u"). The coordinator splits the statement
per item (``StatementPart``): each part is attached to the item it is about, and a recipient of
the AVG art. 19 notice gets only the parts attached to the items it received.
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StatementGround:
    id: str
    label: str  # as the law words it
    plain: str  # in a sentence of the letter: "Reden: ..."
    law: str  # the reference line


#: The grounds of the AVG itself; the region's art. 41 UAVG grounds come on top of these.
STATEMENT_GROUNDS: dict[str, StatementGround] = {
    g.id: g for g in (
        StatementGround(
            id="niet-over-gegevens",
            label="de verklaring vult geen gegevens in het dossier aan",
            plain="de verklaring gaat niet over de gegevens die in het dossier staan",
            law="artikel 16 AVG",
        ),
        StatementGround(
            id="kennelijk-ongegrond",
            label="het verzoek is kennelijk ongegrond of buitensporig",
            plain="het verzoek is kennelijk ongegrond of buitensporig, bijvoorbeeld omdat het steeds opnieuw wordt gedaan",
            law="artikel 12 lid 5 onder b AVG",
        ),
    )
}

# "Het gegeven is juist", "de tekst klopt": the reason the statement exists, never one to refuse it.
_CORRECTNESS = re.compile(
    r"\b(?:is|zijn|was|waren|blijft|blijven)\s+(?:wel\s+|gewoon\s+|echt\s+)?(?:juist|correct)\b|\bklopt\b|\bkloppen\b",
    re.IGNORECASE,
)
CORRECTNESS_REFUSED = (
    "dat het gegeven juist is, is geen reden om een eigen verklaring te weigeren: de verklaring is "
    "juist bedoeld voor gegevens waar de betrokkene het niet mee eens is (artikel 16 AVG); noem een grond"
)


def rests_on_correctness(text: str | None) -> bool:
    """The reason says the data are correct: not a ground for refusing a statement."""
    return bool(text and _CORRECTNESS.search(text))


def statement_ground(ground_id: str) -> StatementGround | None:
    return STATEMENT_GROUNDS.get(ground_id)
