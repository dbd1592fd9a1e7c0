"""Issue 18 (tests and docs): every letter kind in every region, rendered from the samples,
has no raw placeholder, no English word that leaked from the code and no sentence over 25
words; its "Regels:" lines fit on one line and its names have no "St." (point 11).

What a reader sees is checked: every text of the body (address blocks, the meta table, the
"Regels:" lines and the signature included), not the stylesheet or the HTML attributes. A
value the region has not confirmed prints as "[nog niet bekend]" with the VOORBEELD marking
(models/letters/contacts.py): that is allowed, the raw marker ``unverified`` is not.
"""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from models.letters import KINDS
from models.letters.render import render_html
from models.letters.samples import sample_context
from tests.readability import MAX_WORDS, readability, reference_lines, running_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))

#: Raw template or code values that must never reach a reader.
RAW = ("unverified", "{{", "}}", "{%", "%}", "None", "Undefined", "[object", "nan")
#: English words that could leak from the code (enum values, Python, placeholders). Each is
#: checked as a whole word, case-sensitively where the Dutch word differs only in case: no
#: Dutch word is on the list ("partner", "open", "is", "of" and "deadline" are Dutch too).
ENGLISH = ("unverified", "None", "True", "False", "null", "TODO", "FIXME", "XXX", "request",
           "requests", "granted", "refused", "partly", "pending", "draft", "approved", "the", "and",
           "with", "from", "letter", "region", "supplier", "withheld", "consultation", "referral",
           "subject", "reply", "replying", "closed", "consulting", "deliberating", "executing")
#: Code identifiers: snake_case words (``wpg_loket``, ``eigen_verklaring``), the category marks,
#: a lower-case "avg" (the law is "AVG").
IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b|\bart(?:9|10)\b|\bavg\b")
#: What is left out of the word checks: web and e-mail addresses (the portal link is an example URL).
_ADDRESSES = re.compile(r"\bhttps?://\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bwww\.\S+")

#: A "Regels:" line fits on one printed line (issue 18 point 11): at 8.5 pt DejaVu Sans on the
#: 165 mm text width, 107 characters were measured on one line (WeasyPrint), 166 took two.
MAX_REFERENCE = 110
#: An abbreviated legal form in running text ("st. GGZ Drenthe"): plain names only.
ABBREVIATED_NAME = re.compile(r"\b[Ss]t\. [A-Z]")



class _Visible(HTMLParser):
    """Every text node a reader sees: the body without <style>, <title> and <script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "script", "head"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title", "script", "head"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def raw_placeholders(html: str) -> list[str]:
    text = visible_text(html)
    return [raw for raw in RAW if re.search(rf"(?<![\w]){re.escape(raw)}(?![\w])", text)]


def english_words(html: str) -> list[str]:
    text = _ADDRESSES.sub(" ", visible_text(html))
    found = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)]
    return found + IDENTIFIER.findall(text)


def long_references(html: str) -> list[str]:
    return [f"Regels-regel van {len(line) + 9} tekens: {line}" for line in reference_lines(html)
            if len("Regels: " + line + ".") > MAX_REFERENCE]


def abbreviated_names(html: str) -> list[str]:
    return [f"afkorting in een naam: {b}" for b in running_text(html) if ABBREVIATED_NAME.search(b)]


def long_sentences(html: str) -> list[str]:
    r = readability(html)
    return [f"{n} woorden: {s}" for n, s in zip(r.lengths, r.sentences) if n > MAX_WORDS]


@pytest.mark.parametrize("kind, region_id", [pytest.param(kind, region_id, id=f"{kind}-{region_id}")
                                             for region_id in REGION_IDS for kind in KINDS])
def test_every_kind_in_every_region_reads_as_a_finished_dutch_letter(kind, region_id, regions):
    html = render_html(kind, sample_context(kind, regions[region_id]))
    problems = ([f"ruwe waarde: {r}" for r in raw_placeholders(html)]
                + [f"Engels woord: {w}" for w in english_words(html)]
                + long_sentences(html) + long_references(html) + abbreviated_names(html))
    assert problems == []


# The checks themselves: each finds what it is for, and passes a plain Dutch letter.
def test_the_checks_find_a_raw_marker_an_english_word_and_a_long_sentence():
    html = ("<html><head><title>None</title><style>.a{}</style></head><body>"
            "<p>Stuur uw brief aan unverified.</p><p>Status: granted, wpg_loket.</p>"
            f"<p>{' '.join(['woord'] * 26)}.</p></body></html>")
    assert raw_placeholders(html) == ["unverified"]
    assert set(english_words(html)) == {"unverified", "granted", "wpg_loket"}
    assert len(long_sentences(html)) == 1
    long_ref = "<p class=\"ref\">Regels: " + "; ".join(f"art. {n} Wet X" for n in range(1, 20)) + ".</p>"
    assert len(long_references(long_ref)) == 1
    assert abbreviated_names("<p>Dit gegeven komt van st. Vaart Welzijn.</p>")


def test_the_checks_pass_dutch_words_that_look_english():
    html = ("<html><body><p>De partners zijn open over de deadline. Is dat zo, of niet?</p>"
            "<p>Ga naar https://rechtenloket.example.nl/taak/abc_def of mail naar info@zvh.example.nl.</p>"
            "<p>Regels: artikel 15 AVG.</p></body></html>")
    assert raw_placeholders(html) == [] and english_words(html) == [] and long_sentences(html) == []
