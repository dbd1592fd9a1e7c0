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

from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError, pass_context
from markupsafe import Markup

from models.enums import DecisionOutcome, RequestType, RoutingTarget
from models.letters import contacts
from models.letters.context import CORRECTION_TYPES, LetterContext
from models.letters.kinds import LetterKind, Recipient, get_kind
from models.letters.words import SELF, Words
from models.region_config import UNVERIFIED, running_name
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
#: The same, in a letter to a representative: about the betrokkene's data (issue 18 point 5).
RIGHT_LABELS_FOR = {
    RequestType.inzage: "inzage in {gegevens}",
    RequestType.correctie: "correctie (verbetering) van {gegevens}",
    RequestType.aanvulling: "aanvulling van {gegevens}",
    RequestType.verwijdering: "verwijdering van {gegevens}",
    RequestType.beperking: "beperking van het gebruik van {gegevens}",
    RequestType.verzet: "verzet (bezwaar) tegen het gebruik van {gegevens}",
    RequestType.overdraagbaarheid: "overdracht van {gegevens} (overdraagbaarheid)",
    RequestType.eigen_verklaring: "het toevoegen van een eigen verklaring van {wie} aan het dossier",
}
#: The right as the object of "een verzoek om ..." or "voor ...": "een verzoek om een eigen
#: verklaring", never "een verzoek om eigen verklaring".
RIGHT_OBJECTS = {
    RequestType.inzage: "inzage",
    RequestType.correctie: "correctie",
    RequestType.aanvulling: "aanvulling",
    RequestType.verwijdering: "verwijdering",
    RequestType.beperking: "beperking van de verwerking",
    RequestType.verzet: "verzet (bezwaar)",
    RequestType.overdraagbaarheid: "overdraagbaarheid",
    RequestType.eigen_verklaring: "een eigen verklaring",
}
#: What was decided, as the notice to a recipient (AVG art. 19) says it: "Op 3 maart besloten
#: wij de gegevens te verbeteren", never "besloten wij tot eigen verklaring".
NOTICE_DECIDED = {
    RequestType.correctie: "de gegevens hieronder te verbeteren",
    RequestType.aanvulling: "de gegevens hieronder aan te vullen",
    RequestType.verwijdering: "de gegevens hieronder te verwijderen",
    RequestType.beperking: "het gebruik van de gegevens hieronder te beperken",
    RequestType.eigen_verklaring: "een eigen verklaring van deze persoon bij de gegevens hieronder te voegen",
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
#: Heading of a referral in letters to the betrokkene: where the part went, never what it holds.
TARGET_HEADINGS = {
    RoutingTarget.wpg_loket: "Doorgestuurd naar het Wpg-loket van de politie",
    RoutingTarget.politie_privacyfunctionaris: "Doorgestuurd naar de privacyfunctionaris van de politie",
    RoutingTarget.parket_privacyfunctionaris: (
        "Doorgestuurd naar de privacyfunctionaris van het Openbaar Ministerie"
    ),
    RoutingTarget.parket_generaal_bjz: "Doorgestuurd naar het Parket-Generaal van het Openbaar Ministerie",
}


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")

#: What a letter prints in place of a contact detail the region has not confirmed yet.
PLACEHOLDER = Markup('<span class="unverified">[nog niet bekend]</span>')
#: The marking of a letter that may only go out under the demo setting.
DEMO_MARK = "VOORBEELD – niet verzenden"
UNVERIFIED_META = "unverified-keys"


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


def recht(value: Union[RequestType, str], style: str = "label", words: Words = SELF) -> str:
    """A right as a label ("inzage in uw gegevens"; to a representative "inzage in de gegevens
    over uw kind"), a noun ("inzage"), the object of "verzoek om" ("een eigen verklaring") or
    its AVG article."""
    rtype = RequestType(value)
    if style == "label" and words.rep:
        return RIGHT_LABELS_FOR[rtype].format(gegevens=words.gegevens, wie=words.wie)
    table = {"label": RIGHT_LABELS, "noun": RIGHT_NOUNS, "om": RIGHT_OBJECTS, "avg": AVG_ARTICLES}[style]
    return table[rtype]


@pass_context
def _recht(context, value, style: str = "label") -> str:
    """The ``recht`` filter: the letter's own words (``w``) decide "uw gegevens"."""
    words = context.get("w")
    return recht(value, style, words if isinstance(words, Words) else SELF)


def contact(value: Any) -> Any:
    """A contact detail; ``unverified`` prints as a visible placeholder (and the letter is
    marked and refused outside the demo setting, see models/letters/contacts.py)."""
    if isinstance(value, str) and value.strip() == UNVERIFIED:
        return PLACEHOLDER
    return _finalize(value)


def regels(lines: Iterable[str]) -> Markup:
    """Address lines joined by <br>, each line escaped; ``unverified`` lines as placeholder."""
    return Markup("<br>").join(
        PLACEHOLDER if str(line).strip() == UNVERIFIED else Markup.escape(_finalize(line)) for line in lines
    )


def komma(lines: Iterable[str]) -> Markup:
    """Address lines on one line, separated by commas."""
    return Markup(", ").join(
        PLACEHOLDER if str(line).strip() == UNVERIFIED else Markup.escape(_finalize(line)) for line in lines
    )


def alineas(value: str) -> Markup:
    """Plain text as paragraphs: a blank line starts a new one, a line break stays one.
    Every part is escaped: what a person typed is never HTML in a letter."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", str(_finalize(value)).replace("\r\n", "\n")) if p.strip()]
    return Markup("\n").join(
        Markup("<p>") + Markup("<br>").join(Markup.escape(line) for line in part.split("\n")) + Markup("</p>")
        for part in parts
    )


def termijn(period) -> str:
    """A protocol period in words: "vier weken", or "een maand" where it follows the AVG."""
    if period.avg:
        return "een maand"
    return f"{telwoord(period.weeks)} {'week' if period.weeks == 1 else 'weken'}"


def period_of(rtype, region):
    """The rule of the region's protocol period for a request type (for references)."""
    return region.deadlines.period(RequestType(rtype)).rule


def naam(value: str) -> str:
    """An organisation's name as it reads in running text: "gemeente Achtkarspelen"."""
    return running_name(str(_finalize(value)))


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
    env.filters.update(
        datum=datum, opsomming=opsomming, telwoord=telwoord, recht=_recht, regels=regels, komma=komma,
        contact=contact, naam=naam, termijn=termijn, period_of=period_of, alineas=alineas,
    )
    env.globals.update(
        RequestType=RequestType,
        RoutingTarget=RoutingTarget,
        DecisionOutcome=DecisionOutcome,
        Recipient=Recipient,
        CORRECTION_TYPES=CORRECTION_TYPES,
        OUTCOME_LABELS=OUTCOME_LABELS,
        TARGET_HEADINGS=TARGET_HEADINGS,
        NOTICE_DECIDED=NOTICE_DECIDED,
    )
    return env


def environment() -> Environment:
    """The letters environment on the configured templates directory."""
    return _environment(str(get_settings().templates_dir))


def is_decision(kind: LetterKind, ctx: LetterContext) -> bool:
    """A decision on the request: the decision kinds, and a referral notice that is the whole
    answer (issue 9 point 5)."""
    return kind.decision or bool(getattr(ctx, "whole_answer", False))


def unverified_keys(html: str) -> list[str]:
    """The region keys a rendered letter prints as placeholders (empty: none)."""
    m = re.search(rf'<meta name="{UNVERIFIED_META}" content="([^"]*)">', html)
    return m.group(1).split() if m else []


def render_html(kind: Union[str, LetterKind], context: LetterContext) -> str:
    """The complete letter as one self-contained HTML document.

    Raises UnknownKind, TypeError (context of the wrong model) or LetterIncomplete.
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    if not isinstance(context, kind.context):
        raise TypeError(
            f"brief {kind.id!r} verwacht {kind.context.__name__}, niet {type(context).__name__}"
        )
    decision = is_decision(kind, context)
    if decision and context.remedies is None:
        raise LetterIncomplete(f"brief {kind.id!r}: een besluit zonder rechtsmiddelen (remedies)")
    problems = contacts.letter_bad_keys(kind.id, context)
    template = environment().get_template(kind.template)
    try:
        html = template.render(
            ctx=context,
            region=context.region,
            kind=kind,
            w=context.words,
            decision=decision,
            remedies=context.remedies if decision else None,
            demo_mark=DEMO_MARK if problems else None,
        )
    except UndefinedError as exc:
        raise LetterIncomplete(f"brief {kind.id!r}: ontbrekend gegeven: {exc.message}") from exc
    if problems:
        keys = " ".join(problems)
        html = html.replace("<head>\n", f'<head>\n<meta name="{UNVERIFIED_META}" content="{keys}">\n', 1)
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


def _confined_fetcher(weasyprint, root: Path):
    """WeasyPrint's fetcher limited to ``data:`` and files under ``root`` (the letter
    templates): an edited draft's ``<img src="file:///...">``, ``<link rel="attachment">``
    or ``http://`` URL would otherwise read a file of the server (the key, the database)
    into a letter, or call out. A refused resource is left out of the PDF."""
    from urllib.parse import unquote, urlparse

    root = root.resolve()

    class Confined(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(root):
                    raise ValueError("resource outside the letter templates refused")
            elif scheme != "data":
                raise ValueError("only local letter resources are fetched")
            return super().fetch(url, headers)

    return Confined(allowed_protocols=("file", "data"), allow_redirects=False)


def render_document(html: str):
    """The laid-out WeasyPrint document (pages available for checks)."""
    weasyprint = _weasyprint()
    import weasyprint.urls  # noqa: F401  (the fetcher class)

    base = Path(get_settings().templates_dir) / "letters"
    return weasyprint.HTML(string=html, base_url=str(base), url_fetcher=_confined_fetcher(weasyprint, base)).render()


def render_pdf(html: str) -> bytes:
    """The letter as PDF bytes (A4, layout from the inlined print stylesheet)."""
    return render_document(html).write_pdf()
