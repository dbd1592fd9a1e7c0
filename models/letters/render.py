"""Rendering letters: context -> HTML (Jinja2) -> PDF (WeasyPrint).

The environment is strict: an undefined name raises (StrictUndefined), and every printed
value passes ``_finalize``, which refuses None and blank text. Together with the context
models (no empty strings) this means a letter with a hole in it cannot be rendered.

The print stylesheet is inlined into the HTML, so a stored letter is self-contained and its
hash covers exactly what was sent.
"""
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Union

from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError
from markupsafe import Markup

from models.enums import DecisionOutcome, RequestType, RoutingTarget
from models.letters.context import CORRECTION_TYPES, LetterContext
from models.letters.kinds import LetterKind, Recipient, get_kind
from models.settings import get_settings


class LetterIncomplete(ValueError):
    """A value the letter needs is missing or blank: the letter is not rendered."""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) are not installed."""


MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
NUMBERS = (
    "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
    "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
    "negentien", "twintig",
)

#: Plain-language name of each right, as it reads in a sentence ("uw verzoek om ...").
RIGHT_LABELS = {
    RequestType.inzage: "inzage in uw gegevens",
    RequestType.correctie: "correctie (verbetering) van uw gegevens",
    RequestType.aanvulling: "aanvulling van uw gegevens",
    RequestType.verwijdering: "verwijdering van uw gegevens",
    RequestType.beperking: "beperking van het gebruik van uw gegevens",
    RequestType.verzet: "verzet (bezwaar) tegen het gebruik van uw gegevens",
    RequestType.overdraagbaarheid: "overdracht van uw gegevens (overdraagbaarheid)",
    RequestType.eigen_verklaring: "het toevoegen van uw eigen verklaring aan het dossier",
}
#: Short neutral name, for letters to partners and bodies.
RIGHT_NOUNS = {
    RequestType.inzage: "inzage",
    RequestType.correctie: "correctie",
    RequestType.aanvulling: "aanvulling",
    RequestType.verwijdering: "verwijdering",
    RequestType.beperking: "beperking van de verwerking",
    RequestType.verzet: "verzet (bezwaar)",
    RequestType.overdraagbaarheid: "overdraagbaarheid",
    RequestType.eigen_verklaring: "eigen verklaring",
}
#: The AVG article of each right.
AVG_ARTICLES = {
    RequestType.inzage: "art. 15 AVG",
    RequestType.correctie: "art. 16 AVG",
    RequestType.aanvulling: "art. 16 AVG",
    RequestType.verwijdering: "art. 17 AVG",
    RequestType.beperking: "art. 18 AVG",
    RequestType.verzet: "art. 21 AVG",
    RequestType.overdraagbaarheid: "art. 20 AVG",
    RequestType.eigen_verklaring: "art. 16 AVG",
}

#: Outcome of one decided part, as the betrokkene reads it.
OUTCOME_LABELS = {
    DecisionOutcome.granted: "toegewezen",
    DecisionOutcome.partly: "gedeeltelijk toegewezen",
    DecisionOutcome.refused: "afgewezen",
}
#: Heading of a referral in letters to the betrokkene.
TARGET_HEADINGS = {
    RoutingTarget.wpg_loket: "Gegevens van de politie: naar het Wpg-loket van de politie",
    RoutingTarget.politie_privacyfunctionaris: (
        "Verzet tegen het gebruik van politiegegevens: naar de privacyfunctionaris van de politie"
    ),
    RoutingTarget.parket_privacyfunctionaris: (
        "Gegevens van het Openbaar Ministerie: naar de privacyfunctionaris van het parket"
    ),
    RoutingTarget.parket_generaal_bjz: (
        "Verzet tegen het gebruik van OM-gegevens: naar het Parket-Generaal"
    ),
}


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def _finalize(value: Any) -> Any:
    if value is None:
        raise LetterIncomplete("een waarde in de brief ontbreekt (None)")
    if isinstance(value, str) and not value.strip():
        raise LetterIncomplete("een tekst in de brief is leeg")
    return value


def datum(value: date) -> str:
    """25 november 2026 (no locale needed)."""
    if not isinstance(value, date):
        raise LetterIncomplete(f"geen datum: {value!r}")
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def opsomming(values: Iterable[Any], last: str = "en") -> str:
    """['a', 'b', 'c'] -> 'a, b en c'."""
    items = [str(_finalize(v)) for v in values]
    if not items:
        raise LetterIncomplete("een opsomming in de brief is leeg")
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def telwoord(n: int) -> str:
    """6 -> 'zes' (numbers up to twenty in words, higher as digits)."""
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def recht(value: Union[RequestType, str], style: str = "label") -> str:
    rtype = RequestType(value)
    table = {"label": RIGHT_LABELS, "noun": RIGHT_NOUNS, "avg": AVG_ARTICLES}[style]
    return table[rtype]


def regels(lines: Iterable[str]) -> Markup:
    """Address lines joined by <br>, each line escaped."""
    return Markup("<br>").join(Markup.escape(_finalize(line)) for line in lines)


@lru_cache(maxsize=4)
def _environment(templates_dir: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        undefined=StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(datum=datum, opsomming=opsomming, telwoord=telwoord, recht=recht, regels=regels)
    env.globals.update(
        RequestType=RequestType,
        RoutingTarget=RoutingTarget,
        DecisionOutcome=DecisionOutcome,
        Recipient=Recipient,
        CORRECTION_TYPES=CORRECTION_TYPES,
        OUTCOME_LABELS=OUTCOME_LABELS,
        TARGET_HEADINGS=TARGET_HEADINGS,
    )
    return env


def environment() -> Environment:
    """The letters environment on the configured templates directory."""
    return _environment(str(get_settings().templates_dir))


def remedy(kind: LetterKind, ctx: LetterContext) -> str | None:
    """Which legal remedy the letter states: 'bezwaar' (Awb, UAVG art. 34) when the signatory
    is a public body and the region applies the clause, 'rechter' (UAVG art. 35) when it is
    not a public body, None for letters that are no decision."""
    if not kind.decision:
        return None
    signatory = ctx.region.signatory
    if signatory.public_body:
        return "bezwaar" if ctx.region.bezwaar.applies else None
    return "rechter"


def render_html(kind: Union[str, LetterKind], context: LetterContext) -> str:
    """The complete letter as one self-contained HTML document.

    Raises UnknownKind, TypeError (context of the wrong model) or LetterIncomplete.
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    if not isinstance(context, kind.context):
        raise TypeError(
            f"brief {kind.id!r} verwacht {kind.context.__name__}, niet {type(context).__name__}"
        )
    template = environment().get_template(kind.template)
    try:
        html = template.render(
            ctx=context,
            region=context.region,
            kind=kind,
            remedy=remedy(kind, context),
        )
    except UndefinedError as exc:
        raise LetterIncomplete(f"brief {kind.id!r}: ontbrekend gegeven: {exc.message}") from exc
    # Drop the empty lines left by template tags, so the draft is pleasant to edit.
    return _BLANK_LINES.sub("\n", html)


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz libraries missing
        raise PdfUnavailable(
            "PDF maken kan niet: installeer 'weasyprint' (pip) en de Pango-bibliotheken "
            f"(apt: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0): {exc}"
        ) from exc
    return weasyprint


def render_document(html: str):
    """The laid-out WeasyPrint document (pages available for checks)."""
    weasyprint = _weasyprint()
    base_url = str(Path(get_settings().templates_dir) / "letters")
    return weasyprint.HTML(string=html, base_url=base_url).render()


def render_pdf(html: str) -> bytes:
    """The letter as PDF bytes (A4, layout from the inlined print stylesheet)."""
    return render_document(html).write_pdf()
