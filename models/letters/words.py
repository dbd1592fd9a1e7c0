"""Whose data a letter is about, in words (issue 18 point 5). Pure: no I/O.

A letter to the betrokkene says "uw gegevens". A letter to someone who acts for the betrokkene
(a parent or guardian as wettelijk vertegenwoordiger, a curator or mentor, a lawyer or other
gemachtigde) addresses that person in their capacity ("als wettelijk vertegenwoordiger van
Sanne de Vries") and speaks of "de gegevens over uw kind", "de gegevens over uw cliënt" or
"de gegevens over Jan Jansen" throughout. The templates take every such phrase from ``Words``
(``w`` in a template), so the two can never drift apart.

``Words.rewrite`` turns the u-form of a region's own texts (the purposes and the retention of
the inzage reply: "Wij gebruiken uw gegevens om ...", under a heading that says "de gegevens
over uw kind") into the same words, phrase by phrase from a fixed list. Free text a person wrote (an explanation, a motivation) is never rewritten: the
consultation letter and the portal ask the partner to write it to the representative.
"""
import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from models.enums import RequesterKind

#: How a letter names the representative's capacity ("U schrijft ons als ... van ...").
CAPACITY = {
    RequesterKind.wettelijk_vertegenwoordiger: "wettelijk vertegenwoordiger",
    RequesterKind.curator: "curator",
    RequesterKind.mentor: "mentor",
    RequesterKind.advocaat: "gemachtigde",
    RequesterKind.gemachtigde: "gemachtigde",
}
#: The short name of the betrokkene in a letter to the representative; None: their own name.
RELATION = {
    RequesterKind.wettelijk_vertegenwoordiger: "uw kind",
    RequesterKind.advocaat: "uw cliënt",
}
#: What a representative brings to the identity check besides their own identity document: the
#: proof of their authority, and how we see who the betrokkene is (no copy of either is kept).
PROOF = {
    RequesterKind.wettelijk_vertegenwoordiger: (
        "Een bewijs dat u het gezag over uw kind heeft. Bijvoorbeeld een uittreksel uit het "
        "gezagsregister, of de beslissing van de rechter over de voogdij.",
        "Het identiteitsbewijs van uw kind, als uw kind er een heeft.",
    ),
    RequesterKind.curator: (
        "De beslissing van de rechter over de curatele.",
        "Het identiteitsbewijs van {name}.",
    ),
    RequesterKind.mentor: (
        "De beslissing van de rechter over het mentorschap.",
        "Het identiteitsbewijs van {name}.",
    ),
    RequesterKind.advocaat: (
        "De machtiging die uw cliënt heeft getekend.",
        "Het identiteitsbewijs van uw cliënt. Uw cliënt mag ook zelf meekomen.",
    ),
    RequesterKind.gemachtigde: (
        "De machtiging die {name} heeft getekend.",
        "Het identiteitsbewijs van {name}. {name} mag ook zelf meekomen.",
    ),
}
#: Ages between which the child's own interest is weighed before a parent or guardian gets the
#: child's data (issue 18 point 5; art. 41 lid 1 onder i UAVG): from 12, under 16.
CHILD_WEIGHING_FROM, CHILD_WEIGHING_UNDER = 12, 16


def age_on(birth_date: Optional[date], day: date) -> Optional[int]:
    """Whole years on ``day`` (None: the birth date is not known)."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def weigh_child_interest(kind: RequesterKind, age: Optional[int]) -> bool:
    """A parent or guardian asks for a child of 12 to 16: the partner weighs the child's own
    interest before the child's data go to the parent (art. 41 lid 1 onder i UAVG)."""
    return (kind == RequesterKind.wettelijk_vertegenwoordiger and age is not None
            and CHILD_WEIGHING_FROM <= age < CHILD_WEIGHING_UNDER)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Words:
    """The phrases of a letter about the betrokkene's data. ``kind`` None: the letter goes to
    the betrokkene themself ("u", "uw gegevens")."""

    kind: Optional[RequesterKind] = None
    name: Optional[str] = None  # the betrokkene's name (letters to a representative)
    age: Optional[int] = None  # on the day the request was received

    @property
    def rep(self) -> bool:
        return self.kind is not None

    @property
    def capacity(self) -> str:
        return CAPACITY[self.kind] if self.rep else ""

    @property
    def als(self) -> str:
        """"als wettelijk vertegenwoordiger van Sanne de Vries"."""
        return f"als {self.capacity} van {self.name}" if self.rep else ""

    @property
    def wie(self) -> str:
        """The betrokkene as an object, short: "u", "uw kind", "uw cliënt", "Jan Jansen"."""
        if not self.rep:
            return "u"
        return RELATION.get(self.kind) or self.name

    @property
    def Wie(self) -> str:
        return _cap(self.wie)

    @property
    def wie_vol(self) -> str:
        """The first time: "uw kind Sanne de Vries", "uw cliënt F. Cliënt", "Jan Jansen"."""
        if not self.rep:
            return "u"
        relation = RELATION.get(self.kind)
        return f"{relation} {self.name}" if relation else self.name

    @property
    def gegevens(self) -> str:
        """"uw gegevens" or "de gegevens over uw kind"."""
        return f"de gegevens over {self.wie}" if self.rep else "uw gegevens"

    @property
    def Gegevens(self) -> str:
        return _cap(self.gegevens)

    @property
    def over(self) -> str:
        """After "over" and "van": "u" or "uw kind"."""
        return self.wie

    def van(self, noun: str) -> str:
        """``noun`` with its article ("de situatie"): "uw situatie" or "de situatie van uw kind"."""
        article, _, bare = noun.partition(" ")
        if not self.rep:
            return f"uw {bare}"
        return f"{article} {bare} van {self.wie}"

    def Van(self, noun: str) -> str:
        return _cap(self.van(noun))

    @property
    def proof(self) -> tuple[str, ...]:
        """What the representative brings besides their own identity document."""
        if not self.rep:
            return ()
        return tuple(line.format(name=self.name) for line in PROOF[self.kind])

    @property
    def weigh_child(self) -> bool:
        return self.rep and weigh_child_interest(self.kind, self.age)

    def rewrite(self, text: str) -> str:
        """A region's own u-form text about the betrokkene's data, for a representative: only
        the fixed phrases below change; anything else stays as the region wrote it."""
        if not self.rep:
            return text
        out = text
        for pattern, replacement in (
            # Under a heading that names them ("a. Waarvoor gebruiken wij de gegevens over uw
            # kind?"): "deze gegevens", as short as the region's own sentence (B1: <= 25 words).
            (r"\buw gegevens\b", "deze gegevens"),
            (r"\bUw gegevens\b", "Deze gegevens"),
            (r"\bover uw situatie\b", f"over {self.wie}"),
            (r"\buw zaak\b", f"de zaak van {self.wie}"),
            (r"\bUw zaak\b", f"De zaak van {self.wie}"),
            (r"\buw dossier\b", "het dossier"),
            (r"\bUw dossier\b", "Het dossier"),
            (r"\been verzoek van u\b", f"een verzoek over {self.wie}"),
            (r"\buw situatie\b", f"de situatie van {self.wie}"),
            (r"\buw eigen bescherming\b", f"de bescherming van {self.wie}"),
        ):
            out = re.sub(pattern, replacement, out)
        return out


SELF = Words()
