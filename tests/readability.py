"""A readability check for letters (issue 9 point 20: B1 Dutch).

The running text of a letter is what a reader reads as sentences: paragraphs, list items and
headings of the body, without the letterhead, address block, meta table, data tables, the
short references ("Regels: ..."), addresses, the signature and the annex (the copy of the
data). Each sentence has at most ``MAX_WORDS`` words; on average at most ``MAX_AVERAGE``."""
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

MAX_WORDS = 25
MAX_AVERAGE = 15

_SKIP_CLASSES = {"letterhead", "addressee", "meta", "ref", "signature", "annex", "demo-mark", "address",
                 "data", "contact", "grounds", "person"}
_SKIP_TAGS = {"style", "title", "head", "table"}
_BLOCKS = {"p", "li", "h1", "h2", "h3"}
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z\"'(0-9]|[a-z]\))")
_WORD = re.compile(r"[\w][\w'’./-]*", re.UNICODE)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.blocks: list[str] = []
        self.current: list[str] | None = None

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "meta", "img", "hr"):
            if self.current is not None:
                self.current.append(" ")
            return
        classes = set((dict(attrs).get("class") or "").split())
        skip = tag in _SKIP_TAGS or bool(classes & _SKIP_CLASSES)
        self.stack.append((tag, skip))
        if tag in _BLOCKS and not self._skipping() and self.current is None:
            self.current = []

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag in _BLOCKS and self.current is not None:
            text = re.sub(r"\s+", " ", "".join(self.current)).strip()
            if text:
                self.blocks.append(text)
            self.current = None

    def handle_data(self, data):
        if self.current is not None and not self._skipping():
            self.current.append(data)


@dataclass(frozen=True)
class Readability:
    sentences: list[str]

    @property
    def lengths(self) -> list[int]:
        return [len(_WORD.findall(s)) for s in self.sentences]

    @property
    def longest(self) -> tuple[int, str]:
        return max(zip(self.lengths, self.sentences), default=(0, ""))

    @property
    def average(self) -> float:
        return sum(self.lengths) / len(self.lengths) if self.lengths else 0.0


def running_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.blocks


def readability(html: str) -> Readability:
    sentences: list[str] = []
    for block in running_text(html):
        sentences += [s.strip() for s in _SENTENCE_END.split(block) if _WORD.search(s)]
    return Readability(sentences)


def reference_lines(html: str) -> list[str]:
    """The "Regels:" lines of a letter, as printed (without "Regels: " and the final full stop)."""
    out = []
    for m in re.finditer(r'<p class="ref">Regels: (.*?)</p>', html, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1))).strip()
        out.append(unescape(text).removesuffix("."))
    return out


def cites(html: str, article: str) -> bool:
    """Does a "Regels:" line of the letter cite ``article`` (every reference in it)? The lines
    are compact (models.letters.render.kort joins the articles of one law), so the article is
    cited when adding it to a line changes nothing."""
    from models.letters.render import kort

    return any(kort([line, article]) == kort([line]) for line in reference_lines(html))
