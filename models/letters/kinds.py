"""The catalogue of letter kinds: one entry per letter the process sends.

Each kind names its template (``templates/letters/<id>.html.j2``), its recipient, whether
it is a decision on the request (a decision carries the remedies that follow who decided,
models/letters/remedies.py; a referral notice that is the whole answer is one too) and the
pydantic model of its context (models.letters.context), which is the contract with the
flows that build it.
"""
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from models.letters import context as c


class Recipient(StrEnum):
    betrokkene = "betrokkene"  # the data subject (or their representative)
    partner = "partner"  # a supplying partner (consultation)
    routing_body = "routing_body"  # Wpg-loket, police privacyfunctionaris, parket, PG-BJZ
    manager = "manager"  # the ZVH manager (escalation)
    ontvanger = "ontvanger"  # a recipient of the data (AVG art. 19)


class UnknownKind(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


@dataclass(frozen=True)
class LetterKind:
    id: str
    title: str  # Dutch, as shown to the coordinator
    recipient: Recipient
    decision: bool  # a decision on (part of) the request
    context: type[c.LetterContext]
    description: str  # one line, Dutch: when the letter is used
    # "signatory": signed namens de verwerkingsverantwoordelijken by region.signatory;
    # "organisation": internal letters (partners, manager), signed by the ZVH organisation.
    signer: Literal["signatory", "organisation"] = "signatory"

    @property
    def template(self) -> str:
        return f"letters/{self.id}.html.j2"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "recipient": self.recipient.value,
            "decision": self.decision,
            "signer": self.signer,
            "template": f"templates/{self.template}",
            "context": self.context.__name__,
            "fields": [name for name in self.context.model_fields],
            "description": self.description,
        }


_B = Recipient.betrokkene

_KINDS = [
    LetterKind(
        "ontvangstbevestiging", "Ontvangstbevestiging", _B, False, c.OntvangstbevestigingContext,
        "Bevestigt de ontvangst van het verzoek en noemt de datum waarop wij uiterlijk antwoorden.",
    ),
    LetterKind(
        "uitnodiging_identificatie", "Uitnodiging om u te legitimeren", _B, False,
        c.UitnodigingIdentificatieContext,
        "Vraagt de betrokkene langs te komen om zich te legitimeren: waar, wat meenemen, wanneer.",
    ),
    LetterKind(
        "termijn_na_identificatie", "Uw identiteit is vastgesteld: de datum van ons antwoord", _B, False,
        c.TermijnNaIdentificatieContext,
        "Na de identiteitscontrole: de termijn loopt weer, en de nieuwe datum van het antwoord.",
    ),
    LetterKind(
        "inzage_besluit", "Besluit op uw verzoek om inzage", _B, True, c.InzageBesluitContext,
        "Het volledige overzicht (onderdelen a-h) met een kopie van de gegevens als bijlage.",
    ),
    LetterKind(
        "weigering", "Besluit op uw verzoek: (gedeeltelijke) weigering", _B, True, c.WeigeringContext,
        "Weigert een verzoek geheel of gedeeltelijk, met de grond en motivering per deel.",
    ),
    LetterKind(
        "besluit_correctie", "Besluit op uw verzoek om correctie, aanvulling, verwijdering of beperking",
        _B, True, c.BesluitCorrectieContext,
        "Besluit per onderdeel, met motivering en wat er is uitgevoerd.",
    ),
    LetterKind(
        "besluit_verzet", "Besluit op uw verzet", _B, True, c.BesluitVerzetContext,
        "Besluit op verzet (bezwaar tegen de verwerking) en de uitvoering ervan.",
    ),
    LetterKind(
        "weigering_overdraagbaarheid", "Besluit op uw verzoek om overdracht van gegevens", _B, True,
        c.WeigeringOverdraagbaarheidContext,
        "Standaardweigering: het recht op overdraagbaarheid geldt niet (artikel uit de regio).",
    ),
    LetterKind(
        "doorverwijzing_betrokkene", "Bericht over doorsturen naar politie of Openbaar Ministerie", _B,
        False, c.DoorverwijzingBetrokkeneContext,
        "Vertelt de betrokkene welk deel naar de politie of het OM is gestuurd, en waarheen;"
        " is het het hele antwoord, dan is het een besluit.",
    ),
    LetterKind(
        "doorzending", "Doorzending van een verzoek", Recipient.routing_body, False,
        c.DoorzendingContext,
        "Stuurt het politie- of OM-deel door naar het Wpg-loket, de privacyfunctionaris of het Parket-Generaal.",
    ),
    LetterKind(
        "consultatieverzoek", "Verzoek om advies over een verzoek van een betrokkene",
        Recipient.partner, False, c.ConsultatieverzoekContext,
        "Consultatietaak voor een verstrekkende partner, met de uiterste datum.",
        signer="organisation",
    ),
    LetterKind(
        "herinnering_consultatie", "Herinnering: verzoek om advies", Recipient.partner, False,
        c.HerinneringConsultatieContext,
        "Herinnert een partner aan een openstaande consultatietaak.",
        signer="organisation",
    ),
    LetterKind(
        "escalatie_manager", "Escalatie: partner heeft niet op tijd geantwoord", Recipient.manager, False,
        c.EscalatieManagerContext,
        "Meldt de manager dat een partner niet op tijd heeft geantwoord.",
        signer="organisation",
    ),
    LetterKind(
        "verlenging", "Verlenging van de termijn", _B, False, c.VerlengingContext,
        "Verlengt de termijn met reden en nieuwe datum, binnen de eerste maand (art. 12 lid 3 AVG).",
    ),
    LetterKind(
        "kennisgeving_ontvangers", "Kennisgeving van correctie, verwijdering of beperking",
        Recipient.ontvanger, False, c.KennisgevingOntvangersContext,
        "Meldt ontvangers dat gegevens zijn verbeterd, aangevuld, verwijderd of beperkt (art. 19 AVG).",
    ),
    LetterKind(
        "buiten_behandeling", "Besluit: wij behandelen uw verzoek niet, uw identiteit is niet vastgesteld", _B,
        True, c.BuitenBehandelingContext,
        "Als de termijn van de uitnodiging om u te legitimeren ongebruikt is verstreken (art. 4:5 Awb).",
    ),
    LetterKind(
        "geen_gegevens", "Besluit: er zijn geen gegevens over u", _B, True, c.GeenGegevensContext,
        "Antwoord als er in het dossier geen gegevens over de betrokkene zijn.",
    ),
]

KINDS: dict[str, LetterKind] = {k.id: k for k in _KINDS}


def get_kind(kind_id: str) -> LetterKind:
    try:
        return KINDS[kind_id]
    except KeyError:
        raise UnknownKind(
            f"onbekende briefsoort {kind_id!r} (bekend: {', '.join(KINDS)})"
        ) from None
