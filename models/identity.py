"""When the clock may stand still for the identity, and why (issue 18 point 3). Pure: no I/O.

AVG art. 12 lid 6 lets the controller ask for more to confirm the identity only where it has
reasonable doubts ("redenen heeft om te twijfelen"). So the clock does not stop by itself:

- a request made in person at the desk (``Channel.balie``) has its identity check at intake
  and never suspends;
- for any other channel the clock stands still only from the day the coordinator records
  why the identity could not yet be established (one of ``IdentityDoubt``, with free text),
  and the invitation says so, with the term;
- when that term passes unused the clock runs again and the request ends with a reasoned
  decision (``DecisionOutcome.not_handled``; for a bestuursorgaan Awb art. 4:5), not a lapse.

The reading and its sources are in docs/decisions.md ("Issue 18 point 3") and docs/deadlines.md §3.
"""
from datetime import date, timedelta

from models.enums import Channel, IdentityDoubt
from models.holidays import DecreeDay, add_working_days, next_working_day

#: Channels where the identity is established at intake, so the clock never stops for it.
IDENTITY_AT_INTAKE = frozenset({Channel.balie})

#: Short labels (forms, CLI help, the request page).
DOUBT_LABELS: dict[IdentityDoubt, str] = {
    IdentityDoubt.geen_vergelijking: "niets om de gegevens in het verzoek mee te vergelijken",
    IdentityDoubt.afwijkende_gegevens: "de gegevens in het verzoek wijken af van wat wij hebben",
    IdentityDoubt.vertegenwoordiger: "verzoek namens een ander: identiteit en bevoegdheid nog niet aangetoond",
    IdentityDoubt.gevoelige_gegevens: "gevoelige gegevens: het verzoek alleen is niet genoeg",
    IdentityDoubt.anders: "een andere reden (toelichting verplicht)",
}

#: The reason as the invitation letter tells it (B1, the u-form). ``anders``: the
#: coordinator's own explanation is printed instead.
DOUBT_SENTENCES: dict[IdentityDoubt, str] = {
    IdentityDoubt.geen_vergelijking: (
        "Uit uw verzoek alleen kunnen wij niet opmaken dat het van u komt. Wij hebben geen gegevens "
        "van u waarmee wij dat kunnen vergelijken."
    ),
    IdentityDoubt.afwijkende_gegevens: (
        "De gegevens in uw verzoek komen niet overeen met de gegevens die wij al hebben. Denk aan uw "
        "naam, adres of geboortedatum."
    ),
    IdentityDoubt.vertegenwoordiger: (
        "U doet het verzoek voor iemand anders. Wij moeten zeker weten wie u bent en dat u dit voor "
        "die persoon mag doen."
    ),
    IdentityDoubt.gevoelige_gegevens: (
        "Het gaat om gevoelige gegevens, bijvoorbeeld over gezondheid of over politie en justitie. "
        "Komen die bij de verkeerde persoon terecht, dan kan dat veel schade doen. Uw verzoek alleen "
        "is daarom niet genoeg."
    ),
}

EXPLANATION_MAX = 300  # the free text; printed in the letter only for ``anders``
EXPLANATION_MIN_ANDERS = 10


class IdentityRuleError(ValueError):
    """A doubt or a lapse that the rules do not allow. Dutch message."""


def may_suspend(channel: Channel) -> bool:
    """A balie request had its identity check at intake: its clock never stops for it."""
    return channel not in IDENTITY_AT_INTAKE


def check_doubt(reason: IdentityDoubt, explanation: str | None) -> str | None:
    """The explanation, cleaned; refuses what the letter could not say plainly."""
    text = " ".join((explanation or "").split()) or None
    if text and len(text) > EXPLANATION_MAX:
        raise IdentityRuleError(f"toelichting: ten hoogste {EXPLANATION_MAX} tekens")
    if reason == IdentityDoubt.anders and (text is None or len(text) < EXPLANATION_MIN_ANDERS):
        raise IdentityRuleError(
            "toelichting: verplicht bij reden 'anders' (ten minste "
            f"{EXPLANATION_MIN_ANDERS} tekens); de brief noemt deze toelichting als reden"
        )
    return text


def encode_reason(reason: IdentityDoubt, explanation: str | None) -> str:
    """How the doubt is kept in ``clockevent.reason`` (no new column): "<code>: <text>"."""
    return f"{reason.value}: {explanation}" if explanation else reason.value


def decode_reason(stored: str | None) -> tuple[IdentityDoubt | None, str | None]:
    """(code, explanation) from ``clockevent.reason``; (None, None) for an older free reason
    (before issue 18 the acknowledge step wrote "wacht op identificatie")."""
    code, _, text = (stored or "").partition(": ")
    try:
        return IdentityDoubt(code), (text or None)
    except ValueError:
        return None, None


def reason_sentence(reason: IdentityDoubt | None, explanation: str | None) -> str | None:
    if reason is None:
        return None
    if reason == IdentityDoubt.anders:
        return explanation
    return DOUBT_SENTENCES[reason]


def term_end(invited_on: date, working_days: int, decree_days: tuple[DecreeDay, ...] = ()) -> date:
    """The last day of the term the invitation gives ("uiterlijk op"): ``working_days``
    working days after the invitation (weekends, holidays and decree days not counted)."""
    return add_working_days(invited_on, working_days, decree_days)


def term_passed(invited_on: date, today: date, working_days: int, decree_days: tuple[DecreeDay, ...] = ()) -> bool:
    """Awb art. 4:5 lid 1: only once the term given to complete the request has passed unused."""
    return today > term_end(invited_on, working_days, decree_days)


def lapse_date(invited_on: date, working_days: int, decree_days: tuple[DecreeDay, ...] = ()) -> date:
    """The day the clock runs again after an unused term: the day after its last day,
    whenever the sweep or the coordinator notices (the clock never stands still longer)."""
    return term_end(invited_on, working_days, decree_days) + timedelta(days=1)


#: Awb art. 4:5 lid 4: "Een besluit om de aanvraag niet te behandelen wordt aan de aanvrager
#: bekendgemaakt binnen vier weken nadat [...] de daarvoor gestelde termijn ongebruikt is verstreken."
DECISION_WEEKS = 4


def decision_due(invited_on: date, working_days: int, decree_days: tuple[DecreeDay, ...] = ()) -> date:
    """The last day to send the decision not to deal with the request: four weeks after the
    last day of the term (Awb art. 4:5 lid 4); a Saturday, Sunday or holiday moves it to the
    next working day (Atw art. 1)."""
    end = term_end(invited_on, working_days, decree_days)
    return next_working_day(end + timedelta(weeks=DECISION_WEEKS), decree_days)
