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
#: What was decided on a right, as an infinitive clause: "Op 24 februari besloten wij ... ".
#: (Never "besloten wij tot eigen verklaring": a noun after "tot" breaks for half the rights.)
RIGHT_DECIDED = {
    RequestType.inzage: "inzage te geven in de gegevens",
    RequestType.correctie: "de gegevens te verbeteren",
    RequestType.aanvulling: "de gegevens aan te vullen",
    RequestType.verwijdering: "de gegevens te verwijderen",
    RequestType.beperking: "het gebruik van de gegevens te beperken",
    RequestType.verzet: "het gebruik van de gegevens te stoppen",
    RequestType.overdraagbaarheid: "de gegevens over te dragen",
    RequestType.eigen_verklaring: "de eigen verklaring van deze persoon bij de gegevens te voegen",
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
#: The right as the object of "een verzoek om ..." or "voor ...": the short name, but "een
#: verzoek om een eigen verklaring", never "een verzoek om eigen verklaring".
RIGHT_OBJECTS = {**RIGHT_NOUNS, RequestType.eigen_verklaring: "een eigen verklaring"}
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


def rechten(values: Iterable[Union[RequestType, str]], words: Words = SELF) -> str:
    """The rights of a request in a sentence ("uw verzoek om ..."): up to two with their full
    label, more by their short name, so the sentence stays under 25 words (B1)."""
    types = [RequestType(v) for v in values]
    style = "label" if len(types) <= 2 else "noun"
    return opsomming(recht(t, style, words) for t in types)


def recht(value: Union[RequestType, str], style: str = "label", words: Words = SELF) -> str:
    """A right as a label ("inzage in uw gegevens"; to a representative "inzage in de gegevens
    over uw kind"), a noun ("inzage"), the object of "verzoek om" ("een eigen verklaring"),
    what was decided ("de gegevens te verbeteren") or its AVG article."""
    rtype = RequestType(value)
    if style == "label" and words.rep:
        return RIGHT_LABELS_FOR[rtype].format(gegevens=words.gegevens, wie=words.wie)
    table = {"label": RIGHT_LABELS, "noun": RIGHT_NOUNS, "om": RIGHT_OBJECTS, "avg": AVG_ARTICLES,
             "decided": RIGHT_DECIDED}[style]
    return table[rtype]


def _words_of(context) -> Words:
    words = context.get("w")
    return words if isinstance(words, Words) else SELF


@pass_context
def _recht(context, value, style: str = "label") -> str:
    """The ``recht`` filter: the letter's own words (``w``) decide "uw gegevens"."""
    return recht(value, style, _words_of(context))


@pass_context
def _rechten(context, values) -> str:
    """The ``rechten`` filter, in the letter's own words (``w``)."""
    return rechten(values, _words_of(context))


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


#: One reference of a "Regels:" line: "art. 19.1 en 19.4 Privacyprotocol", "artikel 12 lid 6 AVG".
_REFERENCE = re.compile(r"^(?:(?P<prefix>art\.|artikel) )?(?P<numbers>§?\d[^A-Z]*) (?P<law>Privacyprotocol"
                        r"|Privacy Protocol|landelijk model|AVG|UAVG|Awb|Wet politiegegevens|Wpg|Wjsg"
                        r"|Addendum Samenwerkingsconvenant|Samenwerkingsconvenant|Convenant)$")


def _numbers(text: str) -> list[str]:
    """"17.1 sub b, 19.1 en 19.4" -> its articles; never split inside brackets or quotes
    ("3.2 (aanhef en onder d)" is one)."""
    out, depth, quoted, current, i = [], 0, False, "", 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "(" and not quoted:
            depth += 1
        elif ch == ")" and not quoted:
            depth -= 1
        if depth == 0 and not quoted:
            for sep in (", ", " en "):
                if text.startswith(sep, i):
                    out.append(current)
                    current, i = "", i + len(sep)
                    break
            else:
                current += ch
                i += 1
            continue
        current += ch
        i += 1
    out.append(current)
    return [x.strip() for x in out if x.strip()]


def _article_order(number: str) -> tuple:
    """Articles in their order in the law: 12 lid 5 before 15, 19.2 before 19.10."""
    m = re.match(r"\d+(?:[.:]\d+)*", number.lstrip("§"))
    return tuple(int(x) for x in re.split(r"[.:]", m.group(0))) if m else (10**6,)


def kort(items: Iterable[Any]) -> Markup:
    """The references of a "Regels:" line, compact: the same reference once, and the articles
    of one law or protocol together ("art. 18.2 Privacyprotocol; art. 19.4 Privacyprotocol" ->
    "art. 18.2 en 19.4 Privacyprotocol"), in the order they first appear. A reference that is
    not just numbers and a law (a note in brackets, a paragraph sign) stays as it is."""
    groups: dict[str, tuple[str, list[str]]] = {}
    order: list[str] = []
    for item in items:
        if isinstance(item, Markup) and "<" in item:  # a placeholder ([nog niet bekend]): as it is
            order.append(item)
            continue
        text = item.unescape() if isinstance(item, Markup) else str(item)  # a macro's output is markup
        for part in text.split("; "):
            part = part.strip().rstrip(".")
            if not part:
                continue
            m = _REFERENCE.match(part)
            if m is None:
                if part not in order:
                    order.append(part)
                continue
            law = m.group("law")
            if " lid " in m.group("numbers"):  # "15 lid 1, 21 lid 1" would read as lid 21: as written
                if part not in order:
                    order.append(part)
                continue
            if law not in groups:
                groups[law] = (m.group("prefix") or "", [])
                order.append(f"\x00{law}")
            numbers = groups[law][1]
            for number in _numbers(m.group("numbers")):
                number = re.sub(r"^(?:art\.|artikel) ", "", number.strip())
                if number and number not in numbers:
                    numbers.append(number)
    out: list = []
    for entry in order:
        if isinstance(entry, Markup) or not entry.startswith("\x00"):
            out.append(entry)
            continue
        law = entry[1:]
        prefix, numbers = groups[law]
        if not numbers:
            continue
        numbers = sorted(numbers, key=_article_order)
        listed = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} en {numbers[-1]}"
        out.append(f"{prefix} {listed} {law}".strip())
    return Markup("; ").join(dict.fromkeys(out))  # each text escaped, a placeholder kept


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
        contact=contact, naam=naam, termijn=termijn, period_of=period_of, alineas=alineas, kort=kort,
        rechten=_rechten,
    )
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
